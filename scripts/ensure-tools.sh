#!/usr/bin/env bash
# Installs what building and testing Guichet needs, and only what is missing.
# Everything comes from package registries (crates.io, npm, Debian).
#
#   scripts/ensure-tools.sh            tools for `make run` (build and serve)
#   scripts/ensure-tools.sh --test     also PostgreSQL's server programs, Chromium, Slurm and nginx (for `make test`)
#
# A second run installs nothing and says so on one line.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
guichet_path
cd "$GUICHET_ROOT"

CARGO_LEPTOS_VERSION=0.3.10
WASM_TARGET=wasm32-unknown-unknown
CHROMIUM=/usr/bin/chromium

for_tests=""
for arg in "$@"; do
    case "$arg" in
        --test) for_tests=1 ;;
        -h | --help)
            sed -n '2,8p' "$0"
            exit 0
            ;;
        *) die "unknown argument: $arg (try --help)" ;;
    esac
done

installed=()
present=()

command -v cargo >/dev/null 2>&1 || die "cargo is not on PATH: install the Rust toolchain (rustup) first"
command -v rustup >/dev/null 2>&1 || die "rustup is not on PATH: it is needed to add the $WASM_TARGET target"

# 1. The browser target for the hydrate build.
if rustup target list --installed | grep -qx "$WASM_TARGET"; then
    present+=("$WASM_TARGET")
else
    say "rustup target add $WASM_TARGET"
    rustup target add "$WASM_TARGET"
    installed+=("$WASM_TARGET")
fi

# 2. cargo-leptos, built without its binary downloads (they fail here).
leptos_version() { cargo leptos --version 2>/dev/null | awk '{print $NF}' || true; }
# Another shell may be installing it already: wait for that rather than build it twice.
if command -v pgrep >/dev/null 2>&1; then
    waited=""
    while pgrep -f "cargo install cargo-leptos" >/dev/null 2>&1; do
        [ -n "$waited" ] || say "another 'cargo install cargo-leptos' is running: waiting for it to finish"
        waited=1
        sleep 10
    done
fi
have="$(leptos_version)"
if [ "$have" = "$CARGO_LEPTOS_VERSION" ]; then
    present+=("cargo-leptos $have")
else
    say "cargo-leptos ${have:-missing}, want $CARGO_LEPTOS_VERSION: cargo install (this takes about 20 minutes)"
    cargo install "cargo-leptos@$CARGO_LEPTOS_VERSION" --locked --features no_downloads
    have="$(leptos_version)"
    [ "$have" = "$CARGO_LEPTOS_VERSION" ] || die "after install, 'cargo leptos --version' says '${have:-nothing}', want $CARGO_LEPTOS_VERSION"
    installed+=("cargo-leptos $have")
fi

# 3. wasm-bindgen-cli of exactly the wasm-bindgen version the lockfile resolved.
[ -f Cargo.lock ] || die "Cargo.lock is missing: the wasm-bindgen version is read from it"
want_wb="$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)"
[ -n "$want_wb" ] || die "no wasm-bindgen package in Cargo.lock"
wb_version() { wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true; }
have="$(wb_version)"
if [ "$have" = "$want_wb" ]; then
    present+=("wasm-bindgen $have")
else
    say "wasm-bindgen ${have:-missing}, Cargo.lock wants $want_wb: cargo install wasm-bindgen-cli@$want_wb"
    # Its own lockfile may pin a crate version this registry does not serve: then resolve afresh.
    if ! cargo install "wasm-bindgen-cli@$want_wb" --locked --force; then
        say "'cargo install --locked' failed; trying again without --locked"
        cargo install "wasm-bindgen-cli@$want_wb" --force
    fi
    have="$(wb_version)"
    [ "$have" = "$want_wb" ] || die "after install, 'wasm-bindgen --version' says '${have:-nothing}', want $want_wb"
    installed+=("wasm-bindgen $have")
fi

# 4. Node, and end2end/'s packages: Playwright's runner and binaryen's wasm-opt.
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    apt_install nodejs npm
    installed+=("nodejs npm")
fi
stamp=end2end/node_modules/.package-lock.json
if [ ! -d end2end/node_modules ] || [ ! -f "$stamp" ] || [ end2end/package-lock.json -nt "$stamp" ] ||
    [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ ! -x end2end/node_modules/.bin/playwright ]; then
    say "npm ci in end2end/"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
    installed+=("end2end node packages")
else
    present+=("end2end node packages")
fi
wasm-opt --version >/dev/null 2>&1 || die "wasm-opt does not run (from end2end/node_modules/.bin, npm package binaryen)"

if [ -n "$for_tests" ]; then
    # 5. PostgreSQL's server programs, for the throwaway test cluster.
    if pg_on_path; then
        present+=("postgresql")
    else
        apt_install postgresql
        pg_on_path || die "Debian's postgresql is installed but initdb/pg_ctl are in neither PATH nor /usr/lib/postgresql/*/bin"
        installed+=("postgresql")
    fi
    for tool in pg_isready psql; do
        command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (Debian's postgresql-client provides it)"
    done

    # 6. Debian's Chromium for the browser tests (Playwright must not download one).
    if [ -x "$CHROMIUM" ]; then
        present+=("chromium")
    else
        apt_install chromium
        [ -x "$CHROMIUM" ] || die "apt-get installed chromium but $CHROMIUM is not there"
        installed+=("chromium")
    fi

    # 7. Debian's Slurm stack for scripts/slurm-test-cluster.sh (daemons in /usr/sbin, not on every PATH).
    slurm_missing=""
    for tool in munged mariadbd mariadb-install-db slurmdbd slurmctld slurmd sacctmgr sbatch; do
        [ -x "/usr/sbin/$tool" ] || command -v "$tool" >/dev/null 2>&1 || slurm_missing=1
    done
    if [ -z "$slurm_missing" ]; then
        present+=("slurm")
    else
        apt_install munge mariadb-server slurmdbd slurmctld slurmd slurm-client
        installed+=("slurm")
    fi

    # 8. curl: the site agent (scripts/guichet-agent.sh) talks to the portal with it.
    if command -v curl >/dev/null 2>&1; then
        present+=("curl")
    else
        apt_install curl
        installed+=("curl")
    fi

    # 9. nginx: the load balancer in front of two portals (scripts/multi-instance-test.sh), started
    #    there on its own configuration; Debian's service is not used (in /usr/sbin, not on every PATH).
    if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
        present+=("nginx")
    else
        apt_install nginx
        [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || die "apt-get installed nginx but no nginx is there"
        installed+=("nginx")
    fi
fi

if [ ${#installed[@]} -eq 0 ]; then
    say "tools: nothing to install (${present[*]})"
else
    say "tools: installed ${installed[*]}${present:+; already present: ${present[*]}}"
fi
