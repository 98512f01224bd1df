#!/usr/bin/env bash
# Runs one stage of a build and reports how long it took.
#
#   scripts/timed.sh NAME CMD [ARG...]   run CMD; print "==> NAME" before and its elapsed seconds after;
#                                        append "NAME<TAB>SECONDS<TAB>ok|FAILED" to $GUICHET_TIMINGS if set
#   scripts/timed.sh --summary           print the stages recorded in $GUICHET_TIMINGS and their total
set -uo pipefail

if [ "${1:-}" = "--summary" ]; then
    [ -n "${GUICHET_TIMINGS:-}" ] && [ -f "$GUICHET_TIMINGS" ] || exit 0
    echo "==> timings (seconds)"
    awk -F'\t' '{ printf "    %-28s %6d  %s\n", $1, $2, $3; total += $2 }
                END { printf "    %-28s %6d\n", "total", total }' "$GUICHET_TIMINGS"
    exit 0
fi

[ $# -ge 2 ] || { echo "usage: $0 NAME CMD [ARG...] | --summary" >&2; exit 2; }
name="$1"
shift
echo "==> $name"
start=$(date +%s)
"$@"
status=$?
elapsed=$(($(date +%s) - start))
if [ "$status" -eq 0 ]; then
    echo "<== $name: ok in ${elapsed}s"
    result=ok
else
    echo "<== $name: FAILED (exit $status) after ${elapsed}s" >&2
    result=FAILED
fi
if [ -n "${GUICHET_TIMINGS:-}" ]; then
    printf '%s\t%s\t%s\n' "$name" "$elapsed" "$result" >>"$GUICHET_TIMINGS"
fi
exit "$status"
