#!/usr/bin/env bash
# The `multi-instance` stage of `make test`: two portals on one PostgreSQL behind a real load
# balancer (Debian's nginx, round robin), all started here on loopback in a temporary folder and
# stopped by their pids. Instance A migrates (as the tables' owner) and loads the demo data;
# instance B starts once A is ready; both serve as an ordinary role that row-level security
# holds. The checks, each printing its figure (the script fails if any fails):
#
#   1. sign-in     a person signs in through the balancer and goes on, signed in, on both instances
#   2. approvals   approvals raced through both instances never commit more GPUs than a pool has
#   3. throttle    wrong passwords sent to A and B in turn are counted together (429 past the allowance)
#   4. jobs        the quota clock (job_runs) ran once per scheduled time, never overlapping, on both
#   5. failover    instance B stopped (SIGTERM) in the middle of a load loses no request
#   6. isolation   row-level security: the application role sees no tenant row without a scope, and
#                  another organisation's request answers 404 through the balancer
#
#   scripts/multi-instance-test.sh     needs the server binary (MULTI_BIN, else target/release/guichet), nginx,
#                                      PostgreSQL's server programs, psql, curl, python3
#
# Environment: MULTI_BIN (the server binary), MULTI_KEEP=1 keeps the temporary folder (logs).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$GUICHET_ROOT"

BIN="${MULTI_BIN:-$GUICHET_ROOT/target/release/guichet}"
DEMO_PASSWORD=campus-demo-2026
JOBS_SECONDS=20 # how long both instances tick before the job check
LOAD=300        # requests of the failover check

[ -x "$BIN" ] || die "$BIN is missing: build it first (scripts/test.sh build, or make build)"
NGINX="$(command -v nginx || true)"
[ -n "$NGINX" ] || { [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx; } ||
    die "nginx is missing: run scripts/ensure-tools.sh --test (Debian's nginx)"
for tool in curl psql python3; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is missing: run scripts/ensure-tools.sh --test"
done

started_at=$(date +%s)
dir="$(mktemp -d "${TMPDIR:-/tmp}/guichet-multi.XXXXXX")"
pid_a="" pid_b="" pid_nginx="" pg_dir=""
failures=0

cleanup() {
    local status=$?
    stop_pid "$pid_b"
    stop_pid "$pid_a"
    stop_pid "$pid_nginx"
    if [ -n "$pg_dir" ]; then
        PG_TEST_STATE_FILE="$dir/pg.env" scripts/pg-test-cluster.sh stop "$pg_dir" >/dev/null 2>&1 || true
    fi
    if [ "$status" -ne 0 ]; then
        for log in "$dir/a.log" "$dir/b.log" "$dir/nginx/error.log"; do
            [ -s "$log" ] || continue
            say "--- last lines of $log"
            tail -n 25 "$log" >&2
        done
    fi
    if [ -n "${MULTI_KEEP:-}" ]; then
        say "kept $dir"
    else
        rm -rf "$dir"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
    say "FAIL: $*"
    failures=$((failures + 1))
}
pass() { say "ok: $*"; }

# Reads JSON on standard input and prints a Python expression of it (`d`).
json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }

# ---------------------------------------------------------------------------------------------
# PostgreSQL: a throwaway cluster, a database, the tables' owner (the cluster's superuser) and an
# ordinary application role (no superuser, no BYPASSRLS), as server/tests/common makes them.
say "starting PostgreSQL"
PG_TEST_STATE_FILE="$dir/pg.env" scripts/pg-test-cluster.sh start >/dev/null 2>"$dir/pg-start.log" ||
    die "scripts/pg-test-cluster.sh start failed: $(cat "$dir/pg-start.log")"
pg_dir="$(sed -n 's/^PG_TEST_DIR=//p' "$dir/pg.env")"
pg_url="$(sed -n 's/^GUICHET_TEST_DATABASE_URL=//p' "$dir/pg.env")"
[ -n "$pg_dir" ] && [ -n "$pg_url" ] || die "scripts/pg-test-cluster.sh start recorded no cluster"
psql "$pg_url" -Atq -v ON_ERROR_STOP=1 \
    -c 'CREATE DATABASE guichet_multi' \
    -c 'CREATE ROLE guichet_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE' >/dev/null
owner_url="${pg_url%/*}/guichet_multi"
app_url="$(echo "$owner_url" | sed 's#://[^@]*@#://guichet_app@#')"
owner_sql() { psql "$owner_url" -Atq -v ON_ERROR_STOP=1 -c "$1"; }
app_sql() { psql "$app_url" -Atq -v ON_ERROR_STOP=1 -c "$1"; }

read -r port_a port_b port_lb <<<"$(free_ports 3)"
pub="http://127.0.0.1:$port_lb"
url_a="http://127.0.0.1:$port_a"
url_b="http://127.0.0.1:$port_b"
outbox_key="$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')"
device_key="$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')"
# The demo admin's second factor is on with this secret: `make_token` answers its code.
admin_totp=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP

# One portal instance, the way production runs several: the same database, keys and public URL.
# Sets started_pid (a child of this shell, so that its exit status can be read).
start_instance() {
    local name="$1" port="$2" demo="$3"
    env -i PATH="$PATH" HOME="${HOME:-/root}" RUST_LOG="${RUST_LOG:-info}" \
        DATABASE_URL="$app_url" GUICHET_DATABASE_OWNER_URL="$owner_url" \
        GUICHET_ADDR="127.0.0.1:$port" GUICHET_SITE_ROOT="$GUICHET_ROOT/target/site" \
        GUICHET_DEMO_DATA="$demo" GUICHET_DEMO_ADMIN_TOTP="$admin_totp" GUICHET_LOG_FORMAT=json \
        GUICHET_OUTBOX_KEY="$outbox_key" GUICHET_DEVICE_COOKIE_KEY="$device_key" \
        GUICHET_TRUSTED_PROXIES=127.0.0.1 GUICHET_PUBLIC_URL="$pub" \
        GUICHET_INSTANCE_NAME="$name" GUICHET_JOBS_TICK_SECONDS=1 GUICHET_QUOTA_CLOCK_SECONDS=1 \
        GUICHET_LOGIN_MAX_FAILURES=3 GUICHET_API_RATE_PER_MINUTE=1000000 \
        "$BIN" >"$dir/$name.log" 2>&1 &
    started_pid=$!
}

wait_ready() {
    local name="$1" url="$2" pid="$3" _
    for _ in $(seq 1 600); do
        curl -fsS --max-time 2 "$url/readyz" >/dev/null 2>&1 && return 0
        kill -0 "$pid" 2>/dev/null || {
            tail -n 40 "$dir/$name.log" >&2
            die "instance $name stopped before it was ready"
        }
        sleep 0.1
    done
    die "instance $name was not ready within 60 s"
}

say "starting instance a on $port_a (migrates, demo data)"
start_instance a "$port_a" 1
pid_a=$started_pid
wait_ready a "$url_a" "$pid_a"
say "starting instance b on $port_b"
start_instance b "$port_b" 0
pid_b=$started_pid
wait_ready b "$url_b" "$pid_b"
both_since=$(date +%s)

# ---------------------------------------------------------------------------------------------
# nginx: its own prefix, configuration, logs, temporary files and pid file in the folder.
mkdir -p "$dir/nginx/logs"
nginx_user=""
if is_root; then nginx_user="user root root;"; fi
cat >"$dir/nginx/nginx.conf" <<EOF
$nginx_user
daemon off;
master_process on;
worker_processes 1;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log warn;
events { worker_connections 512; }
http {
    log_format upstream '\$status \$request_method \$uri \$upstream_addr \$upstream_status';
    access_log $dir/nginx/access.log upstream;
    client_body_temp_path $dir/nginx/client_body;
    proxy_temp_path $dir/nginx/proxy;
    fastcgi_temp_path $dir/nginx/fastcgi;
    uwsgi_temp_path $dir/nginx/uwsgi;
    scgi_temp_path $dir/nginx/scgi;
    upstream guichet {
        server 127.0.0.1:$port_a;
        server 127.0.0.1:$port_b;
    }
    server {
        listen 127.0.0.1:$port_lb;
        client_max_body_size 12m;
        location / {
            proxy_pass http://guichet;
            proxy_set_header Host \$host:\$server_port;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
            proxy_read_timeout 40s;
            add_header X-Upstream \$upstream_addr always;
        }
    }
}
EOF
"$NGINX" -t -q -e "$dir/nginx/error.log" -p "$dir/nginx" -c "$dir/nginx/nginx.conf" ||
    die "nginx refuses its configuration ($dir/nginx/nginx.conf)"
"$NGINX" -e "$dir/nginx/error.log" -p "$dir/nginx" -c "$dir/nginx/nginx.conf" &
pid_nginx=$!
for _ in $(seq 1 100); do
    curl -fsS --max-time 2 "$pub/healthz" >/dev/null 2>&1 && break
    kill -0 "$pid_nginx" 2>/dev/null || die "nginx stopped: $(tail -n 5 "$dir/nginx/error.log")"
    sleep 0.1
done
say "nginx on $port_lb: round robin over a ($port_a) and b ($port_b)"

# Which instance an X-Upstream value names (the last one tried: the one that answered).
instance_of() {
    case "${1##*, }" in
        "127.0.0.1:$port_a") echo a ;;
        "127.0.0.1:$port_b") echo b ;;
        *) echo "?" ;;
    esac
}

# Signs in through $2 (the balancer or an instance) into cookie jar $3; prints the status.
sign_in() {
    local email="$1" base="$2" jar="$3" password="${4:-$DEMO_PASSWORD}"
    curl -sS --max-time 20 -o "$dir/login.out" -D "$dir/login.h" -w '%{http_code}' -c "$jar" -b "$jar" \
        -H "Origin: $pub" -H 'Accept: application/json' \
        --data-urlencode "email=$email" --data-urlencode "password=$password" "$base/api/login"
}

# A token made as a person makes one: sign in, then the account page's server function.
make_token() {
    local email="$1" tenant="$2" scope="$3" jar="$dir/jar-token-$RANDOM"
    [ "$(sign_in "$email" "$pub" "$jar")" = 200 ] || die "sign-in as $email failed: $(cat "$dir/login.out")"
    if grep -q SecondFactor "$dir/login.out"; then
        curl -fsS --max-time 20 -b "$jar" -c "$jar" -H "Origin: $pub" -H 'Accept: application/json' \
            --data-urlencode "code=$(python3 "$GUICHET_ROOT/scripts/totp-code.py" "$admin_totp")" \
            "$pub/api/login_code" >/dev/null || die "the admin's code was refused"
    fi
    curl -fsS --max-time 20 -b "$jar" -H "Origin: $pub" -H 'Accept: application/json' \
        --data-urlencode "name=multi-instance" --data-urlencode "tenant=$tenant" \
        --data-urlencode "scope=$scope" --data-urlencode "expires_on=$(date -u -d '+2 days' +%F)" \
        "$pub/api/create_api_token" | json 'd["secret"]'
}

# ---------------------------------------------------------------------------------------------
say "== 1. sign in through the balancer, continue on both instances"
jar_hugo="$dir/jar-hugo"
code="$(sign_in hugo.martin@univ-palaiseau.test "$pub" "$jar_hugo")"
if [ "$code" != 200 ]; then
    fail "sign-in through the balancer answered $code: $(cat "$dir/login.out")"
else
    login_by="$(instance_of "$(sed -n 's/^[Xx]-[Uu]pstream: *//p' "$dir/login.h" | tr -d '\r')")"
    pages_ok=0 served_a=0 served_b=0
    for i in $(seq 1 10); do
        out="$(curl -sS --max-time 20 -b "$jar_hugo" -D "$dir/page.h" -o "$dir/page.html" -w '%{http_code}' "$pub/requests")"
        up="$(sed -n 's/^[Xx]-[Uu]pstream: *//p' "$dir/page.h" | tr -d '\r')"
        case "$(instance_of "$up")" in a) served_a=$((served_a + 1)) ;; b) served_b=$((served_b + 1)) ;; esac
        if [ "$out" = 200 ] && grep -q 'Hugo Martin' "$dir/page.html" && ! grep -q 'name="password"' "$dir/page.html"; then
            pages_ok=$((pages_ok + 1))
        else
            say "  page $i: $out from ${up:-?}"
        fi
    done
    say "signed in once through the balancer (on $login_by); 10 pages of /requests: $pages_ok signed in (200), a served $served_a, b served $served_b"
    if [ "$pages_ok" -eq 10 ] && [ "$served_a" -gt 0 ] && [ "$served_b" -gt 0 ]; then
        pass "one session on both instances"
    else
        fail "the session did not hold on both instances"
    fi
fi

# ---------------------------------------------------------------------------------------------
say "== 2. racing approvals through both instances"
admin_token="$(make_token admin@guichet.test platform admin)"
owner_token="$(make_token camille.roux@univ-palaiseau.test univ-palaiseau write)"
site=dugny model=H200
start="$(date -u -d '+150 days' +%F)"
end="$(date -u -d '+180 days' +%F)"
capacity="$(curl -fsS --max-time 20 -H "Authorization: Bearer $admin_token" \
    "$pub/api/v1/capacity?start=$start&end=$end&gpu_model=$model")"
read -r available free < <(echo "$capacity" | json "' '.join(str(p[k]) for p in d if p['site'] == '$site' for k in ('available', 'free'))") || true
[ -n "${free:-}" ] && [ "$free" -ge 6 ] || die "pool $site/$model: free '${free:-?}' over $start..$end (need at least 6)"
racers=8
gpus=$((free / 3 + 1)) # three never fit, two do
fits=$((free / gpus))
project="$(curl -fsS --max-time 20 -H "Authorization: Bearer $owner_token" "$pub/api/v1/projects" | json '[p["id"] for p in d if p["may_request"] and not p["archived"]][0]')"
ids=()
for i in $(seq 1 "$racers"); do
    body="{\"project\": $project, \"title\": \"Racing approval $i\", \"sector\": \"research\",
        \"justification\": \"Two instances approving at once must not over-commit the pool.\",
        \"classification\": \"public\", \"site\": \"$site\", \"gpu_model\": \"$model\", \"gpus\": $gpus,
        \"start_date\": \"$start\", \"end_date\": \"$end\", \"submit\": true}"
    created="$(curl -sS --max-time 20 -H "Authorization: Bearer $owner_token" -H 'Content-Type: application/json' \
        -H "Idempotency-Key: multi-race-$i" -X POST "$pub/api/v1/requests" -d "$body")"
    id="$(echo "$created" | json 'd["id"] if d.get("status") == "endorsed" else ""' 2>/dev/null || true)"
    [ -n "$id" ] || die "creating request $i (submitted by an owner: endorsed) failed: $created"
    ids+=("$id")
done
rpids=()
for n in "${!ids[@]}"; do
    id="${ids[$n]}"
    if [ $((n % 2)) -eq 0 ]; then base="$url_a"; else base="$url_b"; fi
    curl -sS --max-time 30 -o "$dir/race-$id.json" -w '%{http_code}' \
        -H "Authorization: Bearer $admin_token" -H 'Content-Type: application/json' \
        -X POST "$base/api/v1/admin/requests/$id/decision" -d '{"decision": "approve"}' >"$dir/race-$id.code" &
    rpids+=($!)
done
for p in "${rpids[@]}"; do wait "$p" || true; done
approved=0 refused=0 other=0
for id in "${ids[@]}"; do
    case "$(cat "$dir/race-$id.code")" in
        200) approved=$((approved + 1)) ;;
        409) refused=$((refused + 1)) ;;
        *)
            other=$((other + 1))
            say "  request $id: $(cat "$dir/race-$id.code") $(head -c 300 "$dir/race-$id.json")"
            ;;
    esac
done
site_id="$(owner_sql "SELECT id FROM sites WHERE slug = '$site'")"
inventory="$(owner_sql "SELECT installed - reserve FROM site_gpus WHERE site_id = $site_id AND gpu_model = '$model'")"
# Committed per day, summed from the quotas themselves (not from pool_days, which the approval
# path writes), and from pool_days; neither may pass the pool on any day.
max_quotas="$(owner_sql "SELECT COALESCE(MAX(s), 0) FROM (
    SELECT d, SUM(q.approved_gpus) AS s
    FROM generate_series(DATE '$start' - 400, DATE '$end' + 400, INTERVAL '1 day') AS d
    JOIN quota_requests q ON q.site_id = $site_id AND q.gpu_model = '$model'
        AND q.status IN ('approved', 'partially_approved')
        AND q.approved_start <= to_char(d, 'YYYY-MM-DD') AND q.approved_end > to_char(d, 'YYYY-MM-DD')
    GROUP BY d) t")"
julian() { echo "(DATE '$1' - DATE '2000-01-01' + 2451545)"; }
max_pool_days="$(owner_sql "SELECT COALESCE(MAX(committed), 0) FROM pool_days WHERE site_id = $site_id
    AND gpu_model = '$model' AND day BETWEEN $(julian "$start") - 400 AND $(julian "$end") + 400")"
max_pool_ever="$(owner_sql "SELECT COALESCE(MAX(committed), 0) FROM pool_days WHERE site_id = $site_id AND gpu_model = '$model'")"
say "$racers approvals raced across 2 instances: $approved approved, $refused refused (capacity), max committed $max_quotas of $inventory GPUs ($gpus GPUs each, $free free before; pool_days max $max_pool_days)"
if [ "$other" -eq 0 ] && [ "$approved" -eq "$fits" ] && [ "$max_quotas" -le "$inventory" ] &&
    [ "$max_pool_ever" -le "$inventory" ] && [ "$max_pool_days" -eq "$max_quotas" ]; then
    pass "no over-commitment ($fits of $racers fit)"
else
    fail "racing approvals: want $fits approved and the rest 409, at most $inventory committed"
fi

# ---------------------------------------------------------------------------------------------
say "== 3. sign-in throttling counted across instances"
victim=louis.girard@ghu-seine-est.test
codes=()
for n in $(seq 1 9); do
    if [ $((n % 2)) -eq 1 ]; then base="$url_a"; else base="$url_b"; fi
    codes+=("$(sign_in "$victim" "$base" "$dir/jar-throttle-$n" wrong-password-$n)")
done
let_through=0 limited_late=0 early_limited=0
for n in "${!codes[@]}"; do
    if [ "$n" -lt 3 ]; then
        if [ "${codes[$n]}" = 429 ]; then early_limited=$((early_limited + 1)); else let_through=$((let_through + 1)); fi
    elif [ "${codes[$n]}" = 429 ]; then
        limited_late=$((limited_late + 1))
    fi
done
say "9 wrong passwords for one account, alternately to a and b: ${codes[*]} — first 3 let through: $let_through, 429 from the 4th on: $limited_late of 6"
if [ "$let_through" -eq 3 ] && [ "$limited_late" -eq 6 ]; then
    pass "the allowance (3) is shared by both instances"
else
    fail "throttling is not counted across instances"
fi

# ---------------------------------------------------------------------------------------------
say "== 6. row-level security"
tenant_y="$(owner_sql "SELECT id FROM tenants WHERE slug = 'ghu-seine-est'")"
other_request="$(owner_sql "SELECT MIN(id) FROM quota_requests WHERE tenant_id = $tenant_y")"
all_rows="$(owner_sql 'SELECT COUNT(*) FROM quota_requests')"
unscoped="$(app_sql 'SELECT COUNT(*) FROM quota_requests')"
scoped="$(psql "$app_url" -Atq -v ON_ERROR_STOP=1 <<SQL | tail -n 1
BEGIN;
SELECT set_config('guichet.tenant_id', '$tenant_y', true), set_config('guichet.projects', 'all', true) \\g /dev/null
SELECT COUNT(*) || ' ' || COUNT(*) FILTER (WHERE tenant_id <> $tenant_y) FROM quota_requests;
COMMIT;
SQL
)"
read -r scoped_rows scoped_foreign <<<"$scoped"
member_token="$(make_token hugo.martin@univ-palaiseau.test univ-palaiseau read)"
foreign_codes=()
for _ in 1 2; do
    foreign_codes+=("$(curl -sS --max-time 20 -o /dev/null -D "$dir/rls.h" -w '%{http_code}' \
        -H "Authorization: Bearer $member_token" "$pub/api/v1/requests/$other_request")@$(instance_of "$(sed -n 's/^[Xx]-[Uu]pstream: *//p' "$dir/rls.h" | tr -d '\r')")")
done
say "app role: $unscoped of $all_rows requests without a scope, $scoped_rows in tenant $tenant_y's scope ($scoped_foreign of another); a univ-palaiseau member asking for ghu-seine-est's request $other_request through the balancer: ${foreign_codes[*]}"
if [ "$all_rows" -gt 0 ] && [ "$unscoped" -eq 0 ] && [ "$scoped_rows" -gt 0 ] && [ "$scoped_foreign" -eq 0 ] &&
    { [ "${foreign_codes[*]}" = "404@a 404@b" ] || [ "${foreign_codes[*]}" = "404@b 404@a" ]; }; then
    pass "row-level security holds"
else
    fail "row-level security"
fi

# ---------------------------------------------------------------------------------------------
say "== 4. scheduled jobs run once"
wait_for=$((both_since + JOBS_SECONDS - $(date +%s)))
[ "$wait_for" -le 0 ] || sleep "$wait_for"
ticking=$(($(date +%s) - both_since))
if [ "$(owner_sql "SELECT to_regclass('job_runs') IS NOT NULL")" != t ]; then
    fail "job_runs missing: the table of scheduled job runs (migration 0017) does not exist"
else
    runs="$(owner_sql "SELECT COUNT(*) FROM job_runs WHERE job = 'quota_clock'")"
    twice="$(owner_sql "SELECT COUNT(*) FROM (SELECT scheduled_for FROM job_runs WHERE job = 'quota_clock'
        GROUP BY scheduled_for HAVING COUNT(*) > 1) t")"
    overlaps="$(owner_sql "SELECT COUNT(*) FROM (SELECT started_at_ms,
        LAG(COALESCE(finished_at_ms, 9000000000000000000)) OVER (ORDER BY started_at_ms, id) AS previous_end
        FROM job_runs WHERE job = 'quota_clock') t WHERE started_at_ms < previous_end")"
    instances="$(owner_sql "SELECT string_agg(instance || ' ' || n, ', ' ORDER BY instance) FROM
        (SELECT instance, COUNT(*) AS n FROM job_runs WHERE job = 'quota_clock' GROUP BY instance) t")"
    distinct="$(owner_sql "SELECT COUNT(DISTINCT instance) FROM job_runs WHERE job = 'quota_clock' AND instance IN ('a', 'b')")"
    say "quota_clock ran $runs times over $ticking seconds of 2 instances ticking ($((2 * ticking)) ticks): by instance $instances; $twice scheduled times run twice, $overlaps overlapping runs"
    # Every second, give or take the ticks' phase: at least a quarter of the seconds.
    if [ "$runs" -ge 2 ] && [ "$runs" -ge $((ticking / 4)) ] && [ "$twice" -eq 0 ] && [ "$overlaps" -eq 0 ] && [ "$distinct" -eq 2 ]; then
        pass "each scheduled run once"
    else
        fail "scheduled jobs: want runs on both instances, none twice, none overlapping"
    fi
fi

# ---------------------------------------------------------------------------------------------
say "== 5. instance b stopped in the middle of a load"
cat >"$dir/one.sh" <<EOF
#!/bin/sh
# One request of the load: every third one /healthz, the others a signed-in page.
if [ \$((\$1 % 3)) -eq 0 ]; then path=/healthz; else path=/requests; fi
curl -s --max-time 30 -o /dev/null -b "$jar_hugo" -w "%{http_code} \$1 \$path %header{x-upstream}\n" "$pub\$path" >>"$dir/load.out"
EOF
chmod +x "$dir/one.sh"
: >"$dir/load.out"
seq 1 "$LOAD" | xargs -P 4 -n 1 "$dir/one.sh" &
pid_load=$!
stop_after=$((LOAD / 3))
while [ "$(wc -l <"$dir/load.out")" -lt "$stop_after" ] && kill -0 "$pid_load" 2>/dev/null; do sleep 0.02; done
stopped_after="$(wc -l <"$dir/load.out")"
kill -TERM "$pid_b"
term_at=$(date +%s%N)
wait "$pid_load" || true
b_status=""
for _ in $(seq 1 300); do
    kill -0 "$pid_b" 2>/dev/null || break
    sleep 0.1
done
if kill -0 "$pid_b" 2>/dev/null; then
    b_status="still running 30 s after SIGTERM"
else
    wait "$pid_b" && b_status=0 || b_status=$?
    b_status="exit $b_status"
fi
b_exit_ms=$((($(date +%s%N) - term_at) / 1000000))
pid_b=""
answered="$(wc -l <"$dir/load.out")"
ok="$(awk '$1 ~ /^2/' "$dir/load.out" | wc -l)"
lost=$((LOAD - ok))
after_b="$(awk -v b="127.0.0.1:$port_b" '$1 ~ /^2/ && $NF == b' "$dir/load.out" | wc -l)"
retried="$(grep -c ', ' "$dir/load.out" || true)"
say "$LOAD requests, $lost lost, B stopped after $stopped_after ($answered answered, $retried retried on the other instance, $after_b answered by b in all; b: $b_status within ${b_exit_ms} ms)"
if [ "$lost" -ne 0 ]; then
    awk '$1 !~ /^2/' "$dir/load.out" | head -n 10 >&2
fi
if [ "$lost" -eq 0 ] && [ "$answered" -eq "$LOAD" ] && [ "$b_status" = "exit 0" ]; then
    pass "no request lost"
else
    fail "requests lost while b stopped (or b did not stop cleanly)"
fi

# ---------------------------------------------------------------------------------------------
errors="$(grep -h '"level":"ERROR"' "$dir/a.log" "$dir/b.log" 2>/dev/null | wc -l || true)"
if [ "$errors" -gt 0 ]; then
    say "note: the instances logged $errors error(s):"
    grep -h '"level":"ERROR"' "$dir/a.log" "$dir/b.log" | head -n 10 >&2
fi
elapsed=$(($(date +%s) - started_at))
if [ "$failures" -gt 0 ]; then
    die "multi-instance: $failures check(s) failed (in ${elapsed}s)"
fi
say "multi-instance: every check passed in ${elapsed}s"
