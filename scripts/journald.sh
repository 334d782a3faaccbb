#!/usr/bin/env bash
# Starts or stops a standalone systemd-journald for the test suite (SYSTEMD-NOTES.md): on machines
# where PID 1 is not systemd nothing listens on /run/systemd/journal/socket, and the journald tests
# need the real thing.
#
#   scripts/journald.sh start   # start journald unless one already listens; wait for its socket
#   scripts/journald.sh stop    # stop it, by PID, only if `start` started it and no other run uses it
#
# Several test runs (other worktrees) may share one machine: runs that find our journald running
# register as users of it, and the last one to stop it stops it. A journald we did not start is
# never touched. State lives in $DRIFTD_JOURNALD_STATE (default /run/driftd-test-journald).
set -euo pipefail

journald=/lib/systemd/systemd-journald
socket=/run/systemd/journal/socket
state=${DRIFTD_JOURNALD_STATE:-/run/driftd-test-journald}
pid_file=$state/pid
users_file=$state/users

mkdir -p "$state"
exec 9>"$state/lock"
flock 9

# Whether something listens on the socket (journald leaves the socket file behind when it exits).
listening() {
    [ -S "$socket" ] && python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.connect(sys.argv[1])' "$socket" 2>/dev/null
}

ours_running() {
    [ -f "$pid_file" ] || return 1
    local pid
    pid=$(cat "$pid_file")
    [ -n "$pid" ] && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = systemd-journal ]
}

case "${1:-}" in
start)
    if ours_running; then
        echo $(( $(cat "$users_file" 2>/dev/null || echo 0) + 1 )) >"$users_file"
        echo "journald.sh: sharing the journald started earlier (PID $(cat "$pid_file"))"
        exit 0
    fi
    rm -f "$pid_file" "$users_file"
    if listening; then
        echo "journald.sh: a journald already listens on $socket; using it"
        exit 0
    fi
    if [ ! -x "$journald" ]; then
        echo "journald.sh: $journald not found (install systemd)" >&2
        exit 1
    fi
    setsid "$journald" </dev/null >/dev/null 2>&1 9>&- &
    pid=$!
    for _ in $(seq 100); do
        listening && break
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "journald.sh: $journald exited at startup" >&2
            exit 1
        fi
        sleep 0.05
    done
    if ! listening; then
        echo "journald.sh: no $socket after 5 s; stopping PID $pid" >&2
        kill "$pid" 2>/dev/null || true
        exit 1
    fi
    echo "$pid" >"$pid_file"
    echo 1 >"$users_file"
    echo "journald.sh: started $journald (PID $pid)"
    ;;
stop)
    if ! ours_running; then
        rm -f "$pid_file" "$users_file"
        exit 0
    fi
    users=$(( $(cat "$users_file" 2>/dev/null || echo 1) - 1 ))
    if [ "$users" -gt 0 ]; then
        echo "$users" >"$users_file"
        echo "journald.sh: leaving journald running for $users other run(s)"
        exit 0
    fi
    pid=$(cat "$pid_file")
    kill "$pid"
    for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    rm -f "$pid_file" "$users_file"
    echo "journald.sh: stopped journald (PID $pid)"
    ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
