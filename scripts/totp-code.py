#!/usr/bin/env python3
"""The code an authenticator app shows now for a TOTP secret (RFC 6238: HMAC-SHA1, 30-second
steps, 6 digits), for the test scripts that sign the demo admin in (GUICHET_DEMO_ADMIN_TOTP).

    scripts/totp-code.py BASE32_SECRET
"""
import base64
import hashlib
import hmac
import struct
import sys
import time

secret = sys.argv[1].replace(" ", "").upper()
key = base64.b32decode(secret + "=" * (-len(secret) % 8))
mac = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
offset = mac[-1] & 0x0F
print(f"{(struct.unpack('>I', mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}")
