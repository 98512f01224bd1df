# Shared helpers for the scripts in this folder. Source it; do not run it.
# shellcheck shell=bash

# The repository root, whatever the caller's working directory.
GUICHET_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export GUICHET_ROOT

# Tools installed by cargo and by npm are found without the caller's help.
guichet_path() {
    local cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
    case ":$PATH:" in *":$cargo_bin:"*) ;; *) PATH="$cargo_bin:$PATH" ;; esac
    local npm_bin="$GUICHET_ROOT/end2end/node_modules/.bin"
    case ":$PATH:" in *":$npm_bin:"*) ;; *) PATH="$npm_bin:$PATH" ;; esac
    export PATH
    # cargo-leptos 0.3.10 looks for the server at target/<profile>/<bin-package> ("server")
    # unless told the executable's name (`bin-exe-name`); the binary is `guichet`.
    export LEPTOS_BIN_EXE_NAME="${LEPTOS_BIN_EXE_NAME:-guichet}"
}

say() { printf '%s\n' "$*" >&2; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# Runs a command as root: directly when we are root, through sudo when it exists
# (non-interactively: CI has no standard input), otherwise fails with a message.
as_root() {
    if is_root; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -n "$@" || die "'sudo $*' failed (a password may be needed): run it yourself as root, then try again"
    else
        die "'$*' needs root and sudo is not installed: run it as root, then try again"
    fi
}

# apt-get update once per process, then install the named Debian packages.
_guichet_apt_updated=""
apt_install() {
    command -v apt-get >/dev/null 2>&1 || die "apt-get is missing: install $* by hand"
    if [ -z "$_guichet_apt_updated" ]; then
        say "apt-get update"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        _guichet_apt_updated=1
    fi
    say "apt-get install -y $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# Puts PostgreSQL's server programs on PATH: they are on PATH already, or in
# Debian's versioned folder (newest first). Returns 1 when there are none.
pg_on_path() {
    command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && return 0
    local dir
    for dir in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -t/ -k4 -V -r); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            PATH="$dir:$PATH"
            export PATH
            return 0
        fi
    done
    return 1
}

# Stops the process PID (when it runs): TERM, up to 10 s to finish, then KILL; waits for it when
# it is this shell's child. The test scripts stop what they started by pid with it.
stop_pid() {
    local pid="$1"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# Whether something listens on 127.0.0.1:PORT.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The local ports of every TCP socket of this machine, in any state (listening, connected, waiting).
ports_taken() {
    local _sl addr _rest
    cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | while read -r _sl addr _rest; do
        case "$addr" in *:*) echo $((16#${addr##*:})) ;; esac
    done
}

# free_ports N: prints N distinct free loopback ports for the test components. They are drawn below the
# kernel's ephemeral range (ip_local_port_range), so an outgoing connection made between the pick and the
# bind cannot take one (CI once lost MariaDB's port that way), and none is held by any socket.
free_ports() {
    local n="${1:-1}" lo=32768 hi p picked=" " taken _
    read -r lo _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
    if [ "$lo" -gt 12000 ]; then hi=$lo; else hi=30000; fi # a range starting low leaves nothing clear of it
    taken=" $(ports_taken | tr '\n' ' ') "
    for _ in $(seq 1 500); do
        p=$((10000 + RANDOM % (hi - 10000)))
        case "$picked$taken" in *" $p "*) continue ;; esac
        port_in_use "$p" && continue
        picked="$picked$p "
        if [ "$(wc -w <<<"$picked")" -ge "$n" ]; then
            picked="${picked# }"
            echo "${picked% }"
            return 0
        fi
    done
    die "no free port found"
}
