#!/bin/sh
# Guichet's site agent: run by a site's operators beside Slurm (from cron, every few minutes).
#
#   GUICHET_URL=https://guichet.example GUICHET_AGENT_TOKEN=gsa_… \
#       scripts/guichet-agent.sh --site SLUG [--apply] [--days N] [--no-usage]
#
# 1. Pulls the site's desired Slurm accounting from the portal (a `sacctmgr` script) and runs
#    it: a dry run by default (it prints what it would change), `--apply` to change the cluster.
# 2. Posts the accounting records of the last N days (default 3) from
#    `TZ=UTC sacct --allocations --parsable2 --noheader --format=…` (the portal counts each job
#    once, however often it is sent), and prints what the portal recorded.
# Exits 0 when all went through; 2 when the portal refused a call (its reason is printed); 3 when
# it refused some accounting lines (each printed with its reason); 1 for a local failure.
# Needs: sh, curl, sacctmgr, sacct. The credential is read from the environment, never an argument.
set -eu

SITE=""
APPLY=""
DAYS=3
USAGE=1
while [ $# -gt 0 ]; do
    case "$1" in
        --site) SITE="${2:-}"; shift 2 ;;
        --apply) APPLY="--apply"; shift ;;
        --days) DAYS="${2:-}"; shift 2 ;;
        --no-usage) USAGE=""; shift ;;
        -h | --help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "guichet-agent: unknown option '$1' (see --help)" >&2; exit 1 ;;
    esac
done
[ -n "$SITE" ] || { echo "guichet-agent: --site SLUG is required" >&2; exit 1; }
[ -n "${GUICHET_URL:-}" ] || { echo "guichet-agent: set GUICHET_URL to the portal's address" >&2; exit 1; }
[ -n "${GUICHET_AGENT_TOKEN:-}" ] || { echo "guichet-agent: set GUICHET_AGENT_TOKEN to the site's credential (gsa_…)" >&2; exit 1; }
case "$DAYS" in '' | *[!0-9]*) echo "guichet-agent: --days takes a whole number" >&2; exit 1 ;; esac

API="${GUICHET_URL%/}/api/v1/agent/sites/$SITE"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/guichet-agent.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
# The header goes through a file, so the credential never shows in the process list.
printf 'Authorization: Bearer %s\n' "$GUICHET_AGENT_TOKEN" >"$WORK/auth"
chmod 600 "$WORK/auth"

# call METHOD PATH OUT [curl args…]: the HTTP status; a refusal prints the portal's reason.
call() {
    method=$1 path=$2 out=$3
    shift 3
    status=$(curl -sS -X "$method" -H @"$WORK/auth" -o "$out" -w '%{http_code}' "$@" "$API$path") || {
        echo "guichet-agent: cannot reach the portal at $GUICHET_URL" >&2
        exit 2
    }
    case "$status" in
        2??) ;;
        *)
            detail=$(sed -n 's/.*"detail":"\([^"]*\)".*/\1/p' "$out" | head -n 1)
            echo "guichet-agent: the portal refused $method $path (HTTP $status): ${detail:-$(head -c 300 "$out")}" >&2
            exit 2
            ;;
    esac
}

call GET /slurm.sh "$WORK/slurm.sh"
sh "$WORK/slurm.sh" $APPLY

[ -n "$USAGE" ] || exit 0
TZ=UTC sacct --allocations --parsable2 --noheader --starttime "now-${DAYS}days" --endtime now \
    --format=JobIDRaw,Cluster,Account,User,Start,End,State,ElapsedRaw,AllocTRES >"$WORK/usage.txt"
call POST /usage "$WORK/report.json" -H 'Content-Type: text/plain' --data-binary @"$WORK/usage.txt"
field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" "$WORK/report.json"; }
echo "guichet: $(field recorded) job(s) recorded, $(field unchanged) unchanged, $(field gpu_hours_added) GPU-hours added, $(field refused_count) line(s) refused"
refused=$(field refused_count)
if [ "${refused:-0}" != 0 ]; then
    tr '{' '\n' <"$WORK/report.json" | sed -n 's/.*"line":\([0-9]*\).*"reason":"\([^"]*\)".*/  line \1: \2/p' >&2
    exit 3
fi
