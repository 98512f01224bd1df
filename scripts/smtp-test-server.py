"""A real SMTP server for the tests, on loopback: aiosmtpd (from PyPI) with STARTTLS required and
AUTH PLAIN/LOGIN (user `guichet`, password from SMTP_TEST_PASSWORD) required after it. Each message
it accepts is written to SMTP_TEST_DIR as NNNNNN.eml (the message as received) and NNNNNN.json (the
envelope). Recipients of the form `bounce...@...` are refused for good (550) and `later...@...` for
now (451), so that the tests see permanent and passing failures.

    python smtp-test-server.py PORT DIR CERT KEY   (runs until SIGTERM)
"""

import asyncio
import json
import os
import signal
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Keep:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("bounce"):
            return "550 5.1.1 No such mailbox here"
        if local.startswith("later"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.folder, f"{os.getpid()}-{self.count:06d}")
        with open(base + ".eml.part", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(base + ".eml.part", base + ".eml")
        with open(base + ".json", "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                       "tls": session.ssl is not None,
                       "authenticated": bool(session.authenticated)}, f)
        return "250 Message accepted"


def authenticator(password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == b"guichet"
              and auth_data.password == password.encode())
        return AuthResult(success=ok)
    return check


def main():
    port, folder, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    controller = Controller(
        Keep(folder), hostname="127.0.0.1", port=port, server_hostname="localhost",
        tls_context=context, require_starttls=True,
        authenticator=authenticator(os.environ["SMTP_TEST_PASSWORD"]), auth_require_tls=True,
    )
    controller.start()
    print(f"smtp test server on 127.0.0.1:{port}", flush=True)
    loop = asyncio.new_event_loop()
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, lambda: stop.done() or stop.set_result(None))
    loop.add_signal_handler(signal.SIGINT, lambda: stop.done() or stop.set_result(None))
    loop.run_until_complete(stop)
    controller.stop()


if __name__ == "__main__":
    main()
