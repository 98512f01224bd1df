#!/usr/bin/env bash
# A throwaway Slurm accounting stack for the tests, in a temporary folder: munge, MariaDB, slurmdbd,
# slurmctld and one node `gpu01` with fake GPUs (gpu:h100:8, gpu:h200:4, 8 CPUs), all on free ports of
# 127.0.0.1, enforcing associations and limits (so GrpTRES=gres/gpu:h100=N really holds jobs back).
#
#   scripts/slurm-test-cluster.sh run CMD [ARG...]   start, run CMD with SLURM_CONF, GUICHET_SLURM_DIR and
#                                                    GUICHET_SLURM_CLUSTER set, stop (also when CMD fails or
#                                                    is interrupted); exits with CMD's status
#   scripts/slurm-test-cluster.sh start              start one and print its variables; they are recorded in
#                                                    target/slurm-test-cluster.env for `stop`
#   scripts/slurm-test-cluster.sh stop [FOLDER]      cancel its jobs, stop its daemons and delete its folder
#
# Needs root (Slurm runs as root, munged and mariadbd as their users) and Debian's packages (installed when
# missing). sacctmgr and sbatch ignore AuthInfo=socket= and always use /run/munge/munge.socket.2: that path
# is linked to this cluster's munged while it runs (one cluster at a time per machine) and put back on stop.
# sbatch writes slurm-JOBID.out in its working folder: pass --output, or cd to $GUICHET_SLURM_DIR first.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# SLURM_TEST_STATE_FILE: where `start` records the cluster; SLURM_TEST_CLUSTER: its name (lower case).
STATE_FILE="${SLURM_TEST_STATE_FILE:-$GUICHET_ROOT/target/slurm-test-cluster.env}"
CLUSTER="${SLURM_TEST_CLUSTER:-guichet-test}"
MUNGE_LINK=/run/munge/munge.socket.2
WAIT=60 # seconds allowed to each step of the start
PROGRAMS="munged mungekey mariadbd mariadb-install-db mariadb-admin slurmdbd slurmctld slurmd sacctmgr sbatch sacct squeue sinfo scontrol scancel"

# Debian's packages, installed only when one of their programs is missing.
ensure_packages() {
    local p missing=""
    for p in $PROGRAMS; do command -v "$p" >/dev/null 2>&1 || missing="$missing $p"; done
    [ -n "$missing" ] || return 0
    say "missing:$missing"
    apt_install munge mariadb-server slurmdbd slurmctld slurmd slurm-client
    for p in $PROGRAMS; do command -v "$p" >/dev/null 2>&1 || die "$p is still missing after apt-get install"; done
}



# wait_for WHAT LOG CMD...: runs CMD (quietly) every half second until it succeeds, for at most $WAIT s;
# then prints LOG's tail and fails.
wait_for() {
    local what="$1" log="$2" end=$((SECONDS + WAIT))
    shift 2
    while [ "$SECONDS" -lt "$end" ]; do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    say "$what is not ready after $WAIT s; the end of $log:"
    tail -n 30 "$log" >&2 || true
    return 1
}

# A client command of this cluster, never hanging.
sl() { SLURM_CONF="$DIR/slurm.conf" timeout 15 "$@"; }

node_idle() {
    local state
    state="$(sl sinfo -h -n gpu01 -o %t)"
    case "$state" in
        idle) return 0 ;;
        down* | drain* | drng*) sl scontrol update nodename=gpu01 state=resume ;;
    esac
    return 1
}
gpu_tres_known() {
    local tres
    tres="$(sl sacctmgr -n -P show tres format=Type,Name)"
    grep -qx 'gres|gpu:h100' <<<"$tres" && grep -qx 'gres|gpu:h200' <<<"$tres"
}

# Points /run/munge/munge.socket.2 at our munged, keeping what was there (and noting a created /run/munge).
link_munge() {
    [ -d /run/munge ] || { mkdir -p /run/munge && touch "$DIR/run/created-run-munge"; }
    if [ -e "$MUNGE_LINK" ] || [ -L "$MUNGE_LINK" ]; then mv "$MUNGE_LINK" "$DIR/run/saved-munge.socket.2"; fi
    ln -s "$DIR/munge/munge.sock" "$MUNGE_LINK"
}
unlink_munge() {
    local dir="$1"
    [ "$(readlink "$MUNGE_LINK" 2>/dev/null)" = "$dir/munge/munge.sock" ] && rm -f "$MUNGE_LINK"
    if [ -e "$dir/run/saved-munge.socket.2" ] || [ -L "$dir/run/saved-munge.socket.2" ]; then
        [ -e "$MUNGE_LINK" ] || [ -L "$MUNGE_LINK" ] || mv "$dir/run/saved-munge.socket.2" "$MUNGE_LINK"
    fi
    if [ -f "$dir/run/created-run-munge" ]; then rmdir /run/munge 2>/dev/null || true; fi
}

# Starts the stack; sets DIR (the caller's EXIT trap stops it if anything fails).
start_cluster() {
    is_root || die "the Slurm test cluster needs root (it runs slurmctld/slurmd as root and links $MUNGE_LINK)"
    ensure_packages
    local t0=$SECONDS db_port dbd_port ctld_port slurmd_port
    DIR="$(mktemp -d "${SLURM_TEST_TMPDIR:-/tmp}/guichet-slurm.XXXXXX")"
    chmod 755 "$DIR" # munged and mariadbd run as their users and must reach their folders
    mkdir -p "$DIR/log" "$DIR/run" "$DIR/dev" "$DIR/ctld" "$DIR/spool"
    install -d -o munge -g munge -m 755 "$DIR/munge"
    install -d -o mysql -g mysql -m 750 "$DIR/mysql"
    read -r db_port dbd_port ctld_port slurmd_port <<<"$(free_ports 4)"

    # 1. munge: its own key and socket.
    (cd / && runuser -u munge -- mungekey -c -k "$DIR/munge/munge.key") >/dev/null
    (cd / && runuser -u munge -- munged --key-file="$DIR/munge/munge.key" --socket="$DIR/munge/munge.sock" \
        --pid-file="$DIR/munge/munged.pid" --log-file="$DIR/munge/munged.log" --seed-file="$DIR/munge/munged.seed") \
        </dev/null >/dev/null 2>&1
    wait_for munged "$DIR/munge/munged.log" test -S "$DIR/munge/munge.sock" || die "munged did not start"
    link_munge

    # 2. MariaDB: root logs in without a password, also over TCP (slurmdbd needs that).
    if ! mariadb-install-db --no-defaults --user=mysql --datadir="$DIR/mysql/data" \
        --auth-root-authentication-method=normal --skip-test-db >"$DIR/log/mariadb-install-db.log" 2>&1; then
        tail -n 30 "$DIR/log/mariadb-install-db.log" >&2
        die "mariadb-install-db failed"
    fi
    (cd / && exec setsid mariadbd --no-defaults --user=mysql --datadir="$DIR/mysql/data" --socket="$DIR/mysql/mysql.sock" \
        --port="$db_port" --bind-address=127.0.0.1 --pid-file="$DIR/mysql/mariadbd.pid" \
        --log-error="$DIR/mysql/error.log" --skip-log-bin --innodb-flush-log-at-trx-commit=0 \
        --innodb-buffer-pool-size=64M --innodb-lock-wait-timeout=900) </dev/null >/dev/null 2>&1 &
    wait_for MariaDB "$DIR/mysql/error.log" \
        mariadb-admin --no-defaults --protocol=tcp -h 127.0.0.1 -P "$db_port" -u root ping || die "MariaDB did not start"

    # 3. The configuration: fake GPUs are empty files (slurmd logs "not a valid character or block device"
    # and goes on; with Count= alone it reports 0 GPUs and the node is drained); no cgroups: task/none,
    # proctrack/linuxproc; config_overrides lets the node claim 8 CPUs whatever the machine has.
    touch "$DIR"/dev/nvidia{0..11}
    printf '%s\n' AutoDetect=off "NodeName=gpu01 Name=gpu Type=h100 File=$DIR/dev/nvidia[0-7]" \
        "NodeName=gpu01 Name=gpu Type=h200 File=$DIR/dev/nvidia[8-11]" >"$DIR/gres.conf"
    # (One setting per line: slurm.conf and slurmdbd.conf do not take several on a line.)
    printf '%s\n' "ClusterName=$CLUSTER" "SlurmctldHost=$(hostname -s)(127.0.0.1)" "SlurmctldPort=$ctld_port" \
        "SlurmdPort=$slurmd_port" SlurmUser=root SlurmdUser=root AuthType=auth/munge CredType=cred/munge \
        "AuthInfo=socket=$DIR/munge/munge.sock" "StateSaveLocation=$DIR/ctld" "SlurmdSpoolDir=$DIR/spool" \
        "SlurmctldPidFile=$DIR/run/slurmctld.pid" "SlurmdPidFile=$DIR/run/slurmd.pid" \
        "SlurmctldLogFile=$DIR/log/slurmctld.log" "SlurmdLogFile=$DIR/log/slurmd.log" \
        ProctrackType=proctrack/linuxproc TaskPlugin=task/none JobAcctGatherType=jobacct_gather/none \
        JobCompType=jobcomp/none MpiDefault=none MailProg=/bin/true SelectType=select/cons_tres \
        SelectTypeParameters=CR_Core_Memory DefMemPerCPU=100 GresTypes=gpu SchedulerParameters=sched_interval=2,bf_interval=1 \
        AccountingStorageType=accounting_storage/slurmdbd AccountingStorageHost=127.0.0.1 \
        "AccountingStoragePort=$dbd_port" AccountingStorageTRES=gres/gpu,gres/gpu:h100,gres/gpu:h200 \
        AccountingStorageEnforce=associations,limits,safe SlurmdParameters=config_overrides ReturnToService=2 \
        SlurmctldTimeout=10 SlurmdTimeout=10 MessageTimeout=5 KillWait=2 Waittime=0 InactiveLimit=0 \
        "NodeName=gpu01 NodeAddr=127.0.0.1 NodeHostname=localhost CPUs=8 RealMemory=8000 Gres=gpu:h100:8,gpu:h200:4 State=UNKNOWN" \
        "PartitionName=gpu Nodes=gpu01 Default=YES MaxTime=INFINITE State=UP" >"$DIR/slurm.conf"
    # slurmdbd reads slurmdbd.conf next to $SLURM_CONF; it must be private to SlurmUser.
    printf '%s\n' AuthType=auth/munge "AuthInfo=socket=$DIR/munge/munge.sock" SlurmUser=root DbdHost=localhost \
        DbdAddr=127.0.0.1 "DbdPort=$dbd_port" "LogFile=$DIR/log/slurmdbd.log" "PidFile=$DIR/run/slurmdbd.pid" \
        StorageType=accounting_storage/mysql StorageHost=127.0.0.1 "StoragePort=$db_port" StorageUser=root \
        StorageLoc=slurm_acct_db | install -m 600 /dev/stdin "$DIR/slurmdbd.conf"
    export SLURM_CONF="$DIR/slurm.conf"

    # 4. slurmdbd, the cluster's record, then slurmctld (which registers the GPU TRES) and the node.
    (cd / && slurmdbd </dev/null >/dev/null 2>&1) || true
    wait_for slurmdbd "$DIR/log/slurmdbd.log" sl sacctmgr -n show cluster || die "slurmdbd did not start"
    sl sacctmgr -i add cluster "$CLUSTER" >/dev/null || die "sacctmgr add cluster $CLUSTER failed"
    (cd / && slurmctld </dev/null >/dev/null 2>&1) || true
    (cd / && slurmd -N gpu01 </dev/null >/dev/null 2>&1) || true
    wait_for "node gpu01 (idle)" "$DIR/log/slurmctld.log" node_idle || { tail -n 20 "$DIR/log/slurmd.log" >&2; die "node gpu01 is not idle"; }
    wait_for "GPU TRES" "$DIR/log/slurmctld.log" gpu_tres_known || die "gres/gpu:h100 and gres/gpu:h200 are not in sacctmgr show tres"
    say "Slurm test cluster '$CLUSTER' ready in $((SECONDS - t0)) s in $DIR (slurmctld :$ctld_port, slurmdbd :$dbd_port, MariaDB :$db_port)"
}

# Is PID alive? A zombie is not (PID 1 of some containers never reaps the daemons' orphans).
alive() { [ -r "/proc/$1/stat" ] && [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" != Z ]; }

# stop_pid FILE NAME: stops the process named NAME whose pid FILE holds (TERM, then KILL after 20 s).
stop_pid() {
    local pid _
    pid="$(cat "$1" 2>/dev/null || true)"
    [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] && alive "$pid" || return 0
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 100); do
        alive "$pid" || return 0
        sleep 0.2
    done
    say "warning: $2 ($pid) ignored SIGTERM: killing it"
    kill -9 "$pid" 2>/dev/null || true
}

stop_cluster() {
    local dir="$1" _
    [ -n "$dir" ] && [ -d "$dir" ] || return 0
    case "${dir##*/}" in guichet-slurm.*) ;; *) die "$dir is not a Slurm test cluster folder (guichet-slurm.*)" ;; esac
    # Jobs first, so that no slurmstepd or job outlives slurmd.
    if [ -f "$dir/run/slurmctld.pid" ] && [ -f "$dir/slurm.conf" ]; then
        if SLURM_CONF="$dir/slurm.conf" timeout 10 scancel --partition=gpu >/dev/null 2>&1; then
            for _ in $(seq 1 30); do
                [ -z "$(SLURM_CONF="$dir/slurm.conf" timeout 10 squeue -h -o %i 2>/dev/null | head -c1)" ] && break
                sleep 0.5
            done
        fi
    fi
    stop_pid "$dir/run/slurmd.pid" slurmd
    stop_pid "$dir/run/slurmctld.pid" slurmctld
    stop_pid "$dir/run/slurmdbd.pid" slurmdbd
    stop_pid "$dir/mysql/mariadbd.pid" mariadbd
    stop_pid "$dir/munge/munged.pid" munged
    unlink_munge "$dir"
    rm -rf "$dir"
}

env_lines() { printf 'SLURM_CONF=%s\nGUICHET_SLURM_DIR=%s\nGUICHET_SLURM_CLUSTER=%s\n' "$DIR/slurm.conf" "$DIR" "$CLUSTER"; }

cmd="${1:-}"
[ $# -gt 0 ] && shift
case "$cmd" in
    run)
        [ $# -gt 0 ] || die "usage: $0 run CMD [ARG...]"
        DIR=""
        trap 'stop_cluster "$DIR"' EXIT
        trap 'exit 130' INT
        trap 'exit 143' TERM
        start_cluster
        export GUICHET_SLURM_DIR="$DIR" GUICHET_SLURM_CLUSTER="$CLUSTER" SLURM_CONF="$DIR/slurm.conf"
        status=0
        "$@" || status=$?
        exit "$status"
        ;;
    start)
        DIR=""
        trap 'stop_cluster "$DIR"' EXIT # only until it is up
        trap 'exit 130' INT
        trap 'exit 143' TERM
        start_cluster
        trap - EXIT INT TERM
        mkdir -p "$(dirname "$STATE_FILE")"
        env_lines >"$STATE_FILE"
        cat "$STATE_FILE"
        say "stop it with: $0 stop"
        ;;
    stop)
        is_root || die "stopping the Slurm test cluster needs root"
        dir="${1:-}"
        if [ -z "$dir" ]; then
            [ -f "$STATE_FILE" ] || die "no folder given and no $STATE_FILE"
            dir="$(sed -n 's/^GUICHET_SLURM_DIR=//p' "$STATE_FILE")"
        fi
        stop_cluster "$dir"
        if [ -f "$STATE_FILE" ] && grep -qx "GUICHET_SLURM_DIR=$dir" "$STATE_FILE"; then rm -f "$STATE_FILE"; fi
        say "stopped and removed $dir"
        ;;
    *)
        sed -n '2,16p' "$0" >&2
        exit 2
        ;;
esac
