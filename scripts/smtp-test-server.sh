#!/usr/bin/env bash
# A real SMTP server for the tests (aiosmtpd from PyPI, in its own virtual environment under
# target/tools), on a free port of 127.0.0.1, in a temporary folder: STARTTLS with a certificate
# made here for `localhost` and AUTH required (see scripts/smtp-test-server.py).
#
#   scripts/smtp-test-server.sh run CMD [ARG...]   start it, run CMD with GUICHET_TEST_SMTP_PORT,
#                                                  GUICHET_TEST_SMTP_DIR (where each message lands),
#                                                  GUICHET_TEST_SMTP_CA (the certificate to trust) and
#                                                  GUICHET_TEST_SMTP_PASSWORD set, stop it by pid
#                                                  (also when CMD fails); exits with CMD's status
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

AIOSMTPD_VERSION=1.4.6
VENV="$GUICHET_ROOT/target/tools/aiosmtpd-$AIOSMTPD_VERSION"

[ "${1:-}" = run ] && [ $# -ge 2 ] || die "usage: scripts/smtp-test-server.sh run CMD [ARG...]"
shift

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import aiosmtpd' 2>/dev/null; then
    say "installing aiosmtpd $AIOSMTPD_VERSION from PyPI into $VENV"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "aiosmtpd==$AIOSMTPD_VERSION"
fi
if ! command -v openssl >/dev/null; then
    say "installing Debian's openssl (the test server's certificates)"
    apt_install openssl
fi

dir="$(mktemp -d "${TMPDIR:-/tmp}/guichet-smtp.XXXXXX")"
pid=""
stop() {
    stop_pid "$pid"
    rm -rf "$dir"
}
trap stop EXIT INT TERM

# A throwaway CA, and the server's certificate signed by it (rustls refuses a self-signed
# certificate as a server's): the tests trust the CA as GUICHET_SMTP_CA_FILE would.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Guichet test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" \
    -keyout "$dir/ca-key.pem" -out "$dir/ca.pem" >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$dir/key.pem" -out "$dir/server.csr" >/dev/null 2>&1
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$dir/ext.cnf"
openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" -CAcreateserial \
    -days 2 -extfile "$dir/ext.cnf" -out "$dir/cert.pem" >/dev/null 2>&1
mkdir -p "$dir/mail"
password="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"

port="$(free_ports 1)"

SMTP_TEST_PASSWORD="$password" "$VENV/bin/python" "$GUICHET_ROOT/scripts/smtp-test-server.py" \
    "$port" "$dir/mail" "$dir/cert.pem" "$dir/key.pem" >"$dir/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do
    port_in_use "$port" && break
    kill -0 "$pid" 2>/dev/null || { cat "$dir/server.log" >&2; die "the SMTP test server did not start"; }
    sleep 0.25
done
port_in_use "$port" || die "the SMTP test server is not listening after 15 s"
say "SMTP test server (aiosmtpd, STARTTLS + AUTH) on 127.0.0.1:$port, messages in $dir/mail"

status=0
GUICHET_TEST_SMTP_PORT="$port" GUICHET_TEST_SMTP_DIR="$dir/mail" GUICHET_TEST_SMTP_CA="$dir/ca.pem" \
    GUICHET_TEST_SMTP_PASSWORD="$password" "$@" || status=$?
exit "$status"
