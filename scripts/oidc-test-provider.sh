#!/usr/bin/env bash
# A real OpenID Connect provider for the tests (oidc-provider from npm, in end2end/node_modules),
# on a free port of 127.0.0.1, in a temporary folder: authorization code flow with PKCE, signed ID
# tokens, one confidential client `guichet` that may redirect to any loopback URI, and a login form
# that accepts any e-mail address (see end2end/oidc-provider/provider.mjs for the failure cases).
#
#   scripts/oidc-test-provider.sh run CMD [ARG...]   start it, run CMD with GUICHET_TEST_OIDC_ISSUER,
#                                                    GUICHET_TEST_OIDC_CLIENT_ID and
#                                                    GUICHET_TEST_OIDC_CLIENT_SECRET set, stop it by
#                                                    pid (also when CMD fails); exits with CMD's status
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ "${1:-}" = run ] && [ $# -ge 2 ] || die "usage: scripts/oidc-test-provider.sh run CMD [ARG...]"
shift

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    say "installing Debian's nodejs and npm (the test provider runs on node)"
    apt_install nodejs npm
fi
if [ ! -f "$GUICHET_ROOT/end2end/node_modules/oidc-provider/package.json" ]; then
    say "npm ci in end2end/ (oidc-provider is missing)"
    (cd "$GUICHET_ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi

dir="$(mktemp -d "${TMPDIR:-/tmp}/guichet-oidc.XXXXXX")"
pid=""
stop() {
    stop_pid "$pid"
    rm -rf "$dir"
}
trap stop EXIT INT TERM

secret="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"

# The provider picks its own free port (it listens on port 0) and writes it to $dir/port when ready.
OIDC_TEST_CLIENT_SECRET="$secret" node "$GUICHET_ROOT/end2end/oidc-provider/provider.mjs" \
    "$dir/port" >"$dir/provider.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do
    [ -s "$dir/port" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$dir/provider.log" >&2; die "the OIDC test provider did not start"; }
    sleep 0.25
done
[ -s "$dir/port" ] || { cat "$dir/provider.log" >&2; die "the OIDC test provider did not say its port after 15 s"; }
port="$(cat "$dir/port")"
issuer="http://127.0.0.1:$port"

discovery="$issuer/.well-known/openid-configuration"
if command -v curl >/dev/null 2>&1; then
    curl -fsS --max-time 5 -o /dev/null "$discovery"
else
    python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5).read()' "$discovery"
fi || { cat "$dir/provider.log" >&2; die "the OIDC test provider does not answer $discovery"; }
say "OIDC test provider (oidc-provider) at $issuer, client guichet"

status=0
GUICHET_TEST_OIDC_ISSUER="$issuer" GUICHET_TEST_OIDC_CLIENT_ID=guichet \
    GUICHET_TEST_OIDC_CLIENT_SECRET="$secret" "$@" || status=$?
if [ "$status" -ne 0 ]; then
    say "--- OIDC test provider log ($dir/provider.log) ---"
    cat "$dir/provider.log" >&2
fi
exit "$status"
