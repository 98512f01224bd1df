#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: a temporary folder, a free port on
# 127.0.0.1, trust authentication, superuser `guichet` (it may create databases).
#
#   scripts/pg-test-cluster.sh run CMD [ARG...]   start, run CMD with GUICHET_TEST_DATABASE_URL set, stop
#                                                 (also when CMD fails or is interrupted); exits with CMD's status
#   scripts/pg-test-cluster.sh start              start one and print its URL; its folder is recorded in
#                                                 target/pg-test-cluster.env for `stop`
#   scripts/pg-test-cluster.sh stop [FOLDER]      stop it and delete its folder
#
# initdb refuses to run as root: as root, the folder is given to the `postgres`
# user and the server runs as that user.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# PG_TEST_STATE_FILE: where `start` records the cluster (a test that starts its own names another).
STATE_FILE="${PG_TEST_STATE_FILE:-$GUICHET_ROOT/target/pg-test-cluster.env}"
PG_USER=guichet

pg_on_path || die "initdb/pg_ctl not found on PATH nor in /usr/lib/postgresql/*/bin: run scripts/ensure-tools.sh --test (Debian's postgresql)"
INITDB="$(command -v initdb)"
PG_CTL="$(command -v pg_ctl)"
PG_ISREADY="$(command -v pg_isready || true)"
PSQL="$(command -v psql || true)"

# Runs a PostgreSQL server program as the user who owns the cluster.
as_pg() {
    if is_root; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

wait_ready() {
    local dir="$1" port="$2" _
    for _ in $(seq 1 60); do
        if [ -n "$PG_ISREADY" ]; then
            "$PG_ISREADY" -q -h 127.0.0.1 -p "$port" -U "$PG_USER" -d postgres -t 2 && return 0
        elif [ -n "$PSQL" ]; then
            "$PSQL" -h 127.0.0.1 -p "$port" -U "$PG_USER" -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1 && return 0
        else
            die "neither pg_isready nor psql is on PATH (Debian's postgresql-client)"
        fi
        sleep 0.5
    done
    say "PostgreSQL did not accept connections on 127.0.0.1:$port within 30 s; its log:"
    tail -n 40 "$dir/log" >&2 || true
    return 1
}

# Starts a cluster; sets CLUSTER_DIR and CLUSTER_PORT.
start_cluster() {
    local base="${PG_TEST_TMPDIR:-/tmp}"
    CLUSTER_DIR="$(mktemp -d "$base/guichet-pg.XXXXXX")"
    if is_root; then
        id postgres >/dev/null 2>&1 || die "user 'postgres' does not exist (Debian's postgresql package creates it)"
        chown postgres: "$CLUSTER_DIR"
    fi
    if ! as_pg "$INITDB" -D "$CLUSTER_DIR/data" -A trust -U "$PG_USER" -E UTF8 --locale=C.UTF-8 --no-sync >"$CLUSTER_DIR/initdb.log" 2>&1; then
        cat "$CLUSTER_DIR/initdb.log" >&2
        rm -rf "$CLUSTER_DIR"
        die "initdb failed"
    fi
    local attempt
    for attempt in 1 2 3 4 5; do
        CLUSTER_PORT="$(free_ports 1)"
        # fsync off: the data is thrown away, and the tests run faster.
        if as_pg "$PG_CTL" -D "$CLUSTER_DIR/data" -w -t 30 -l "$CLUSTER_DIR/log" \
            -o "-p $CLUSTER_PORT -k $CLUSTER_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
            start >/dev/null; then
            if wait_ready "$CLUSTER_DIR" "$CLUSTER_PORT"; then
                return 0
            fi
            stop_cluster "$CLUSTER_DIR"
            die "PostgreSQL started but does not answer"
        fi
        say "pg_ctl start on port $CLUSTER_PORT failed (attempt $attempt); log:"
        tail -n 10 "$CLUSTER_DIR/log" >&2 || true
    done
    rm -rf "$CLUSTER_DIR"
    die "could not start PostgreSQL"
}

stop_cluster() {
    local dir="$1"
    [ -n "$dir" ] && [ -d "$dir" ] || return 0
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_pg "$PG_CTL" -D "$dir/data" -m fast -w -t 20 stop >/dev/null 2>&1 ||
            as_pg "$PG_CTL" -D "$dir/data" -m immediate -w -t 20 stop >/dev/null 2>&1 ||
            say "warning: pg_ctl stop failed for $dir"
    fi
    rm -rf "$dir"
}

url_for() { echo "postgres://$PG_USER@127.0.0.1:$1/postgres"; }

cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
    run)
        [ $# -gt 0 ] || die "usage: $0 run CMD [ARG...]"
        CLUSTER_DIR=""
        trap 'stop_cluster "$CLUSTER_DIR"' EXIT
        trap 'exit 130' INT
        trap 'exit 143' TERM
        start_cluster
        GUICHET_TEST_DATABASE_URL="$(url_for "$CLUSTER_PORT")"
        export GUICHET_TEST_DATABASE_URL
        say "PostgreSQL test cluster: $GUICHET_TEST_DATABASE_URL ($("$PSQL" "$GUICHET_TEST_DATABASE_URL" -Atqc 'SHOW server_version' 2>/dev/null || echo '?'))"
        status=0
        "$@" || status=$?
        exit "$status"
        ;;
    start)
        start_cluster
        mkdir -p "$(dirname "$STATE_FILE")"
        printf 'PG_TEST_DIR=%s\nGUICHET_TEST_DATABASE_URL=%s\n' "$CLUSTER_DIR" "$(url_for "$CLUSTER_PORT")" >"$STATE_FILE"
        cat "$STATE_FILE"
        say "stop it with: $0 stop"
        ;;
    stop)
        dir="${1:-}"
        if [ -z "$dir" ]; then
            [ -f "$STATE_FILE" ] || die "no folder given and no $STATE_FILE"
            dir="$(sed -n 's/^PG_TEST_DIR=//p' "$STATE_FILE")"
        fi
        stop_cluster "$dir"
        if [ -f "$STATE_FILE" ] && grep -qx "PG_TEST_DIR=$dir" "$STATE_FILE"; then rm -f "$STATE_FILE"; fi
        say "stopped and removed $dir"
        ;;
    *)
        sed -n '2,13p' "$0" >&2
        exit 2
        ;;
esac
