#!/usr/bin/env bash
# The `api-fuzz` stage of `make test`: schemathesis (from PyPI, in its own virtual environment
# under target/) runs the OpenAPI description of /api/v1 against the server binary, started
# here on loopback with the demo data in a temporary folder and stopped by its pid. Two tokens
# are made the way a person makes them (sign in, then the account page's server function): a
# member's write token and a platform admin's. Bounded by examples per operation and a time
# limit; the seed is fixed so a failure reproduces.
#
#   scripts/api-fuzz.sh            needs the server binary: API_FUZZ_BIN (`make test` passes the
#                                  dev build of its `build` stage), else target/release/guichet
#
# Environment: API_FUZZ_BIN (the server binary), API_FUZZ_EXAMPLES (per operation, default 40), API_FUZZ_SEED, API_FUZZ_TIMEOUT
# (seconds per run, default 300).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$GUICHET_ROOT"

SCHEMATHESIS_VERSION=4.32.5
VENV="$GUICHET_ROOT/target/tools/schemathesis-$SCHEMATHESIS_VERSION"
EXAMPLES="${API_FUZZ_EXAMPLES:-40}"
SEED="${API_FUZZ_SEED:-20261205}"
TIMEOUT="${API_FUZZ_TIMEOUT:-300}"
BIN="${API_FUZZ_BIN:-$GUICHET_ROOT/target/release/guichet}"

[ -x "$BIN" ] || die "$BIN is missing: run the 'build' stage first"
if [ ! -x "$VENV/bin/st" ]; then
    say "installing schemathesis $SCHEMATHESIS_VERSION from PyPI into $VENV"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

dir="$(mktemp -d "${TMPDIR:-/tmp}/guichet-fuzz.XXXXXX")"
pid=""
cleanup() {
    stop_pid "$pid"
    rm -rf "$dir"
}
trap cleanup EXIT

port="$(free_ports 1)"
base="http://127.0.0.1:$port"
# The demo admin's second factor is on with this secret: `token` answers its code.
admin_totp=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
GUICHET_DEMO_DATA=1 GUICHET_DEMO_ADMIN_TOTP="$admin_totp" DATABASE_URL="sqlite://$dir/guichet.db" GUICHET_ADDR="127.0.0.1:$port" \
    GUICHET_SITE_ROOT="$GUICHET_ROOT/target/site" GUICHET_API_RATE_PER_MINUTE=1000000 GUICHET_LOG_FORMAT=json \
    "$BIN" >"$dir/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
    curl -fsS "$base/readyz" >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || { cat "$dir/server.log" >&2; die "the server stopped"; }
    sleep 0.1
done

# A token made as a person makes one: sign in, then create it on the account page's function.
token() {
    local email="$1" tenant="$2" scope="$3" jar="$dir/jar-$RANDOM"
    curl -fsS -c "$jar" -H "Origin: $base" -H 'Accept: application/json' \
        --data-urlencode "email=$email" --data-urlencode "password=campus-demo-2026" \
        "$base/api/login" >"$jar.answer"
    if grep -q SecondFactor "$jar.answer"; then
        curl -fsS -b "$jar" -c "$jar" -H "Origin: $base" -H 'Accept: application/json' \
            --data-urlencode "code=$(python3 "$GUICHET_ROOT/scripts/totp-code.py" "$admin_totp")" \
            "$base/api/login_code" >/dev/null
    fi
    curl -fsS -b "$jar" -H "Origin: $base" -H 'Accept: application/json' \
        --data-urlencode "name=schemathesis" --data-urlencode "tenant=$tenant" \
        --data-urlencode "scope=$scope" --data-urlencode "expires_on=$(date -u -d '+2 days' +%F)" \
        "$base/api/create_api_token" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["secret"])'
}

run() {
    local who="$1" secret="$2"
    say "schemathesis as $who: $EXAMPLES examples per operation, seed $SEED"
    # positive_data_acceptance is left out: rules a JSON Schema cannot say (an end after the
    # start, a site where the data may go) refuse some schema-valid bodies with 422 on purpose.
    timeout "$TIMEOUT" "$VENV/bin/st" run "$base/api/v1/openapi.json" \
        --header "Authorization: Bearer $secret" \
        --checks all --exclude-checks positive_data_acceptance \
        --max-examples "$EXAMPLES" --seed "$SEED" --workers 2 \
        --suppress-health-check all --no-color
}

member="$(token hugo.martin@univ-palaiseau.test univ-palaiseau write)"
admin="$(token admin@guichet.test platform admin)"
run "a member (write token)" "$member"
run "a platform admin (admin token)" "$admin"
if grep -q '"level":"ERROR"' "$dir/server.log"; then
    grep '"level":"ERROR"' "$dir/server.log" >&2
    die "the server logged errors"
fi
say "api-fuzz: no failure"
