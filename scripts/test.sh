#!/usr/bin/env bash
# `make test`: every check, in order, stopping at the first failure. Each stage
# prints its elapsed seconds; a summary of all stages closes the run (also on failure).
#
#   scripts/test.sh                  all stages
#   scripts/test.sh STAGE [STAGE...] only these, in this order
#
# Stages: tools fmt clippy-ssr clippy-hydrate test-sqlite test-postgres slurm build api-fuzz multi-instance e2e
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
guichet_path
cd "$GUICHET_ROOT"

all=(tools fmt clippy-ssr clippy-hydrate test-sqlite test-postgres slurm build api-fuzz multi-instance e2e)
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=("${all[@]}")

mkdir -p target
# CI builds a fresh clone once: incremental compilation would only cost time and disk there.
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"; fi
GUICHET_TIMINGS="$GUICHET_ROOT/target/test-timings.tsv"
export GUICHET_TIMINGS
: >"$GUICHET_TIMINGS"
trap 'scripts/timed.sh --summary' EXIT

# The stages after `build` run the server the test stages compiled (dev profile: its dependencies
# are the ones `cargo test` built, so it costs a link) with the release browser bundle (the bytes
# people download, which the budget weighs). A release server would compile every dependency a
# second time, about ten minutes on a cold machine, for the same code; `make build` and `make run`
# build both in release.
GUICHET_TEST_BIN="${GUICHET_TEST_BIN:-$GUICHET_ROOT/target/debug/guichet}"
export E2E_SERVER_BIN="${E2E_SERVER_BIN:-$GUICHET_TEST_BIN}"
export API_FUZZ_BIN="${API_FUZZ_BIN:-$GUICHET_TEST_BIN}"
export MULTI_BIN="${MULTI_BIN:-$GUICHET_TEST_BIN}"
export GUICHET_TEST_BIN

stage() {
    case "$1" in
        tools) scripts/timed.sh "$1" scripts/ensure-tools.sh --test ;;
        fmt) scripts/timed.sh "$1" cargo fmt --all -- --check ;;
        clippy-ssr) scripts/timed.sh "$1" cargo clippy -p server --all-targets -- -D warnings ;;
        clippy-hydrate)
            scripts/timed.sh "$1" cargo clippy -p app --lib --target wasm32-unknown-unknown \
                --no-default-features --features hydrate -- -D warnings
            ;;
        # Each with a real SMTP server (aiosmtpd, STARTTLS and AUTH) for the mail tests and a real
        # OpenID Connect provider (oidc-provider from npm) for federated sign-in, started once.
        test-sqlite)
            scripts/timed.sh "$1" scripts/oidc-test-provider.sh run scripts/smtp-test-server.sh run \
                env -u GUICHET_TEST_DATABASE_URL GUICHET_REQUIRE_SMTP=1 GUICHET_REQUIRE_OIDC=1 \
                cargo test --workspace
            ;;
        test-postgres)
            scripts/timed.sh "$1" scripts/oidc-test-provider.sh run scripts/smtp-test-server.sh run \
                env GUICHET_REQUIRE_SMTP=1 GUICHET_REQUIRE_OIDC=1 \
                scripts/pg-test-cluster.sh run cargo test --workspace
            ;;
        # A real Slurm (munge, MariaDB, slurmdbd, slurmctld, slurmd with fake GPUs), started once
        # for the stage: the end-to-end test on SQLite, then on PostgreSQL.
        slurm)
            scripts/timed.sh "$1" scripts/slurm-test-cluster.sh run env GUICHET_REQUIRE_SLURM=1 bash -c \
                'cargo test -p server --test slurm && scripts/pg-test-cluster.sh run cargo test -p server --test slurm'
            ;;
        build)
            scripts/timed.sh "$1" bash -c 'cargo leptos build --release --frontend-only \
                && cargo build -p server --bin guichet && "$GUICHET_TEST_BIN" precompress'
            ;;
        api-fuzz) scripts/timed.sh "$1" scripts/api-fuzz.sh ;;
        # Two portals on one PostgreSQL behind nginx: sessions, racing approvals, shared
        # throttling, jobs run once, an instance stopped under load, row-level security.
        multi-instance) scripts/timed.sh "$1" scripts/multi-instance-test.sh ;;
        e2e)
            [ -x "$E2E_SERVER_BIN" ] || die "$E2E_SERVER_BIN is missing: run the 'build' stage first"
            [ -x end2end/node_modules/.bin/playwright ] || die "Playwright is not installed in end2end/: run the 'tools' stage first"
            # With the OpenID Connect provider the federated sign-in spec signs in at.
            # The portal's port is drawn by free_ports (below the ephemeral range), as every component's.
            E2E_PORT="$(free_ports 1)" scripts/timed.sh "$1" scripts/oidc-test-provider.sh run \
                bash -c 'cd end2end && exec npx --no-install playwright test'
            # The specs of projects, the review conversation, decisions and lists again with the
            # portal on PostgreSQL (as an ordinary role under row-level security). One worker:
            # these specs share the demo's requests and GPUs, and the send-back spec once saw its
            # amended request refused while others ran beside it (it passes alone); a minute more.
            E2E_PORT="$(free_ports 1)" scripts/timed.sh "$1-postgres" scripts/pg-test-cluster.sh run bash -c \
                'cd end2end && E2E_PG_URL="$GUICHET_TEST_DATABASE_URL" exec npx --no-install playwright test --workers=1 \
                    tests/projects.spec.ts tests/review.spec.ts tests/decisions.spec.ts tests/lists.spec.ts tests/requests.spec.ts tests/account-admin.spec.ts tests/second-factor.spec.ts'
            ;;
        *) die "unknown stage '$1' (stages: ${all[*]})" ;;
    esac
}

for s in "${stages[@]}"; do
    stage "$s"
done
