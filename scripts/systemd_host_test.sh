#!/usr/bin/env bash
# Opt-in test (make test-systemd, not part of make test): systemd/driftd.service hosted by a real
# systemd manager. The host's own /usr is booted with systemd as PID 1 of a container
# (systemd-nspawn -D / --volatile=yes -b), the project's unit is installed in it unchanged except
# for a drop-in (binary path, a short watchdog), and the daemon is started, inspected, reloaded,
# made to miss its watchdog and stopped through systemctl. docs/systemd.md says what it checks.
#
# Needs root and a host whose PID 1 is not systemd (a container or CI sandbox, as here; the recipe
# is in shared/SYSTEMD-NOTES.md). Environment:
#   DRIFTD_BINARY   the driftd to test (default: the release build, built if missing)
#   SWIFT           swift command for that build (default: swift)
#   SWIFT_BUILD_ARGS  its arguments (default: -c release; make test-systemd passes the Makefile's)
#   KEEP=1          keep the work folder (console log, journal) for a look afterwards
#   WATCHDOG=0      skip the watchdog check
set -euo pipefail
cd "$(dirname "$0")/.."

started=$(date +%s.%N)
say() { printf 'systemd_host_test: %s\n' "$*"; }
fail() {
    printf '\nsystemd_host_test: FAIL: %s\n' "$*" >&2
    exit 1
}
elapsed() { awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

[ "$(id -u)" = 0 ] || fail "needs root (it mounts, makes cgroups and boots a container)"
if [ -d /run/systemd/system ]; then
    # PID 1 is systemd: the cgroup handling below (made for hosts without a manager) would step on
    # its tree. There, `systemd-run --scope systemd-nspawn ...` is the way; not done here.
    fail "this host is booted with systemd; the test is written for hosts whose PID 1 is not systemd"
fi

# 1. The binary and systemd-nspawn.
swift=${SWIFT:-swift}
read -r -a build_args <<<"${SWIFT_BUILD_ARGS:--c release}"
binary=${DRIFTD_BINARY:-}
if [ -z "$binary" ]; then
    bin_dir=$("$swift" build "${build_args[@]}" --show-bin-path)
    binary=$bin_dir/driftd
    if [ ! -x "$binary" ]; then
        say "building $binary (swift build ${build_args[*]} --product driftd)"
        "$swift" build "${build_args[@]}" --product driftd
    fi
fi
[ -x "$binary" ] || fail "no driftd binary at $binary"
binary=$(readlink -f "$binary")
bin_dir=$(dirname "$binary")
missing=()
command -v systemd-nspawn >/dev/null || missing+=(systemd-container)
command -v jq >/dev/null || missing+=(jq)
if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]} (apt-get)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
for tool in systemd-nspawn unshare nsenter journalctl jq; do
    command -v "$tool" >/dev/null || fail "$tool not found"
done

# The Swift runtime the binary links (a toolchain outside /usr, such as /opt/swift) is bound into
# the container at the same path; a statically linked driftd needs none.
swift_runtime=$(ldd "$binary" | sed -n 's|^[[:space:]]*libswiftCore\.so => \(/[^ ]*\)/usr/lib/swift/linux/libswiftCore\.so .*|\1|p')
runtime_binds=()
if [ -n "$swift_runtime" ]; then
    runtime_binds=(--bind-ro="$swift_runtime")
elif ldd "$binary" | grep -q 'libswiftCore\.so => /'; then
    case "$(ldd "$binary" | sed -n 's|^[[:space:]]*libswiftCore\.so => \(/[^ ]*\) .*|\1|p')" in
        /usr/*) ;;
        *) fail "cannot tell which folder holds $binary's Swift runtime (ldd)" ;;
    esac
fi

# 2. What the container gets: units, sysusers, /etc/driftd (rules.d/ for driftd.service, taxi.d/
# and taxi.env for the instance driftd@taxi), a stream, a journal folder.
work=$(mktemp -d /tmp/driftd-systemd-test.XXXXXX)
chmod 0755 "$work"
rules=$work/etc-driftd/rules.d
mkdir -p "$work/units/driftd.service.d" "$work/units/driftd@.service.d" "$work/sysusers.d" "$rules" \
    "$work/etc-driftd/taxi.d" "$work/streams" "$work/journal"
chmod 0755 "$work"/* "$work"/etc-driftd/*

cp systemd/driftd.service systemd/driftd@.service "$work/units/"
# A masked systemd-firstboot: with an empty /etc it would ask questions and leave the system degraded.
ln -s /dev/null "$work/units/systemd-firstboot.service"
# The drop-in: the binary's path (ExecStart as the unit has it, but /opt/driftd/bin/driftd) and a
# short watchdog, so that a missed ping is seen in seconds.
exec_start=$(sed -n 's|^ExecStart=/usr/bin/driftd |ExecStart=/opt/driftd/bin/driftd |p' systemd/driftd.service)
[ -n "$exec_start" ] || fail "systemd/driftd.service has no ExecStart=/usr/bin/driftd ... line"
{
    echo "# Test only (scripts/systemd_host_test.sh): the binary under /opt, a 4 s watchdog."
    echo "[Service]"
    echo "ExecStart="
    echo "$exec_start"
    echo "WatchdogSec=4s"
    echo "TimeoutAbortSec=15s"
    grep -q '^Environment=SWIFT_BACKTRACE=enable=no' systemd/driftd.service || echo "Environment=SWIFT_BACKTRACE=enable=no"
} >"$work/units/driftd.service.d/test.conf"
template_exec_start=$(sed -n 's|^ExecStart=/usr/bin/driftd |ExecStart=/opt/driftd/bin/driftd |p' systemd/driftd@.service)
[ -n "$template_exec_start" ] || fail "systemd/driftd@.service has no ExecStart=/usr/bin/driftd ... line"
{
    echo "# Test only (scripts/systemd_host_test.sh): the binary under /opt."
    echo "[Service]"
    echo "ExecStart="
    echo "$template_exec_start"
    grep -q '^Environment=SWIFT_BACKTRACE=enable=no' systemd/driftd@.service || echo "Environment=SWIFT_BACKTRACE=enable=no"
} >"$work/units/driftd@.service.d/test.conf"
cp systemd/sysusers.d/driftd.conf "$work/sysusers.d/driftd.conf"

# The taxi sample stream drifts from record 7000 on: data_drift alerts in windows 3 and later.
cp sample-streams/taxi/predictions.jsonl "$work/streams/predictions.jsonl"
cat >"$rules/taxi.json" <<'EOF'
{
  "monitor": "taxi",
  "task": "regression",
  "predictions": {"path": "/srv/driftd/streams/predictions.jsonl"},
  "reference": {"first": 4000},
  "window": {"size": 1000},
  "features": {
    "trip_distance": {"type": "numerical", "drift": [{"method": "psi", "threshold": 0.2, "bins": 10}]},
    "payment_type": {"type": "categorical", "drift": [{"method": "chi2", "p_value": 0.01}]}
  }
}
EOF
# Added before the reload: the reload must bring it in (2 monitors).
cat >"$work/second.json" <<'EOF'
{
  "monitor": "taxi-fares",
  "task": "regression",
  "predictions": {"path": "/srv/driftd/streams/predictions.jsonl"},
  "reference": {"first": 4000},
  "window": {"size": 1000},
  "features": {"fare_amount": {"type": "numerical", "drift": [{"method": "psi"}]}}
}
EOF
# The instance driftd@taxi: the same rule in /etc/driftd/taxi.d, HTTP on 127.0.0.1:9465.
cp "$rules/taxi.json" "$work/etc-driftd/taxi.d/taxi.json"
echo "DRIFTD_LISTEN=127.0.0.1:9465" >"$work/etc-driftd/taxi.env"
find "$work/etc-driftd" "$work/streams" "$work/units" "$work/sysusers.d" -type f -exec chmod 0644 {} +
"$binary" check "$rules/taxi.json" "$work/second.json" >/dev/null || fail "the test's rule files are invalid"

# The container's cgroup: its own, in the named systemd hierarchy and the unified one, never the
# root (a manager started in the root cgroup takes over the machine's whole cgroup tree).
cgroup_name=machine.slice/driftd-test-$$
cgroup_dirs=()
if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
    cgroup_dirs=(/sys/fs/cgroup/$cgroup_name)
else
    for hierarchy in systemd unified; do
        [ -d /sys/fs/cgroup/$hierarchy ] && cgroup_dirs+=(/sys/fs/cgroup/$hierarchy/$cgroup_name)
    done
fi
[ ${#cgroup_dirs[@]} -gt 0 ] || fail "no systemd or unified cgroup hierarchy under /sys/fs/cgroup"

nspawn_pid=
init_pid=
created_nspawn_run=no
created_nspawn_root=no
created_cgroup_parents=()
cleanup() {
    local status=$? dir pids pid
    trap - EXIT INT TERM
    if [ -n "$init_pid" ] && kill -0 "$init_pid" 2>/dev/null; then
        timeout 10 nsenter -t "$init_pid" -a systemctl poweroff --no-block >/dev/null 2>&1 || true
    fi
    if [ -n "$nspawn_pid" ]; then
        for _ in $(seq 1 150); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.2; done
        if kill -0 "$nspawn_pid" 2>/dev/null; then
            say "container did not power off in 30 s: terminating systemd-nspawn (PID $nspawn_pid)"
            kill -TERM "$nspawn_pid" 2>/dev/null || true
            for _ in $(seq 1 50); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.2; done
        fi
        wait "$nspawn_pid" 2>/dev/null || true
    fi
    # Whatever is left in our cgroups was started by this test: kill it, then remove the cgroup
    # folders deepest first.
    for dir in "${cgroup_dirs[@]}"; do
        [ -d "$dir" ] || continue
        pids=$(find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null || true)
        for pid in $pids; do kill -KILL "$pid" 2>/dev/null || true; done
    done
    [ -n "${pids:-}" ] && sleep 0.5
    for dir in "${cgroup_dirs[@]}"; do
        [ -d "$dir" ] && find "$dir" -depth -type d -exec rmdir {} \; 2>/dev/null || true
        [ -d "$dir" ] && say "warning: could not remove $dir"
    done
    for dir in "${created_cgroup_parents[@]}"; do rmdir "$dir" 2>/dev/null || true; done
    # The mounts (tmpfs on /run/systemd/nspawn, the container's) lived in the private mount
    # namespace of unshare, which is gone with its processes.
    [ $created_nspawn_run = yes ] && rmdir /run/systemd/nspawn 2>/dev/null || true
    [ $created_nspawn_root = yes ] && rmdir /run/systemd/nspawn-root 2>/dev/null || true
    if [ "${KEEP:-0}" = 1 ]; then
        say "kept $work (console.log, journal/)"
    else
        rm -rf "$work"
    fi
    exit $status
}
trap cleanup EXIT
trap 'say "interrupted: cleaning up"; exit 130' INT TERM

created_cgroup_parents=()
for dir in "${cgroup_dirs[@]}"; do
    [ -d "$(dirname "$dir")" ] || created_cgroup_parents+=("$(dirname "$dir")")
    mkdir -p "$dir"
done
[ -d /run/systemd/nspawn ] || { mkdir -p /run/systemd/nspawn; created_nspawn_run=yes; }
# systemd-nspawn -D / makes /run/systemd/nspawn-root (a mount point, left empty) on the host.
[ -d /run/systemd/nspawn-root ] || created_nspawn_root=yes

# 3. Boot. The subshell moves itself into the cgroup, then a private mount namespace gets a tmpfs
# on /run/systemd/nspawn (here /run is not a tmpfs) and execs systemd-nspawn.
say "booting the host's /usr in systemd-nspawn (console: $work/console.log)"
boot_started=$(date +%s.%N)
(
    for dir in "${cgroup_dirs[@]}"; do echo "$BASHPID" >"$dir/cgroup.procs"; done
    exec unshare --mount --propagation private -- sh -c '
        mount -t tmpfs tmpfs /run/systemd/nspawn && exec "$@"' sh \
        systemd-nspawn -D / --volatile=yes --register=no --keep-unit --console=pipe \
        --machine="driftd-test-$$" --private-network \
        "${runtime_binds[@]}" \
        --bind-ro="$bin_dir":/opt/driftd/bin \
        --bind-ro="$work/units":/etc/systemd/system \
        --bind-ro="$work/sysusers.d":/etc/sysusers.d \
        --bind-ro="$work/etc-driftd":/etc/driftd \
        --bind-ro="$work/streams":/srv/driftd/streams \
        --bind="$work/journal":/var/log/journal \
        -b
) </dev/null >"$work/console.log" 2>&1 &
nspawn_pid=$!

# The container's PID 1: the process in our cgroup that is PID 1 of its own PID namespace.
find_init() {
    local file pid
    for file in $(find "${cgroup_dirs[0]}" -name cgroup.procs 2>/dev/null); do
        for pid in $(cat "$file" 2>/dev/null); do
            # (systemd once nspawn's inner child has exec'd it.)
            if awk '/^NSpid:/ { found = (NF >= 3 && $NF == 1) } END { exit !found }' "/proc/$pid/status" 2>/dev/null &&
                [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = systemd ]; then
                echo "$pid"
                return 0
            fi
        done
    done
    return 1
}
for _ in $(seq 1 100); do
    init_pid=$(find_init) && break
    kill -0 "$nspawn_pid" 2>/dev/null || { cat "$work/console.log" >&2; fail "systemd-nspawn exited during boot"; }
    sleep 0.1
done
[ -n "$init_pid" ] || { cat "$work/console.log" >&2; fail "no container PID 1 after 10 s"; }

inside() { nsenter -t "$init_pid" -a -- "$@"; }
show() { inside systemctl show -p "$1" --value driftd; }

# systemctl needs the manager's private socket.
for _ in $(seq 1 300); do
    inside test -S /run/systemd/private 2>/dev/null && break
    kill -0 "$nspawn_pid" 2>/dev/null || { cat "$work/console.log" >&2; fail "systemd-nspawn exited during boot"; }
    sleep 0.1
done

system_state=$(timeout 60 nsenter -t "$init_pid" -a -- systemctl is-system-running --wait 2>/dev/null || true)
boot_seconds=$(awk -v a="$boot_started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
case "$system_state" in
    running) say "ok   container booted in ${boot_seconds} s (system running)" ;;
    degraded)
        say "note container booted in ${boot_seconds} s but is degraded (not driftd's doing):"
        inside systemctl --no-pager --failed --no-legend | sed 's/^/       /' ;;
    *) tail -30 "$work/console.log" >&2; fail "container did not finish booting in 60 s (state '$system_state')" ;;
esac
inside getent passwd driftd >/dev/null || fail "systemd-sysusers made no driftd user in the container"

# 4. Start: Type=notify, so `systemctl start` returns once READY=1 came.
check_started=$(date +%s.%N)
if ! output=$(timeout 60 nsenter -t "$init_pid" -a -- systemctl start driftd 2>&1); then
    printf '%s\n' "$output" >&2
    inside systemctl --no-pager status driftd >&2 || true
    inside journalctl --no-pager -u driftd -n 40 >&2 || true
    fail "systemctl start driftd failed"
fi
start_seconds=$(awk -v a="$check_started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
[ "$(show Type)" = notify ] || fail "the unit's Type is '$(show Type)', expected notify"
active=$(show ActiveState)/$(show SubState)
[ "$active" = active/running ] || { inside journalctl --no-pager -u driftd -n 40 >&2; fail "driftd is $active after start, expected active/running"; }
say "ok   systemctl start driftd: active (running), Type=notify, in ${start_seconds} s"

status_text=$(show StatusText)
case "$status_text" in
    "1 monitors,"*) say "ok   StatusText: $status_text" ;;
    *) fail "StatusText is '$status_text', expected the daemon's STATUS= line '1 monitors, ...'" ;;
esac

main_pid=$(show MainPID)
[ "$main_pid" -gt 0 ] || fail "no MainPID"
# (Parsed on the host: the container's /etc is empty, so /usr/bin/awk, an alternatives link, is missing.)
uid=$(inside cat "/proc/$main_pid/status" | awk '/^Uid:/ { print $2 }')
driftd_uid=$(inside getent passwd driftd | cut -d: -f3)
[ "$uid" != 0 ] || fail "the daemon runs as root"
[ "$uid" = "$driftd_uid" ] || fail "the daemon runs as uid $uid, expected driftd ($driftd_uid)"
say "ok   main process $main_pid runs as driftd (uid $uid), not root"

state_file=$(inside stat -c '%U:%G %a' /var/lib/driftd/driftd.sqlite 2>/dev/null) ||
    fail "StateDirectory /var/lib/driftd has no driftd.sqlite"
[ "${state_file%% *}" = driftd:driftd ] || fail "driftd.sqlite is owned by ${state_file%% *}, expected driftd:driftd"
say "ok   /var/lib/driftd/driftd.sqlite exists ($state_file)"

# The daemon's own view, through its HTTP server on the container's loopback.
if ! status_output=$(inside /opt/driftd/bin/driftd status --listen 127.0.0.1:9464 2>&1) || ! grep -q taxi <<<"$status_output"; then
    printf '%s\n' "$status_output" >&2
    fail "driftd status on 127.0.0.1:9464 failed or does not list the monitor"
fi
if command -v curl >/dev/null; then
    health=$(inside curl -fsS --max-time 5 http://127.0.0.1:9464/healthz) || fail "GET /healthz failed"
    [ "${health:0:2}" = ok ] || fail "/healthz said '$health'"
    say "ok   driftd status and /healthz answer on 127.0.0.1:9464"
else
    say "ok   driftd status answers on 127.0.0.1:9464 (no curl for /healthz)"
fi

# 5. An alert in the container's journal, written by the daemon (sd_journal_sendv).
alert=
for _ in $(seq 1 120); do
    alert=$(inside journalctl --no-pager -o cat -t driftd DRIFTD_KIND=data_drift DRIFTD_MONITOR=taxi -n 1 2>/dev/null || true)
    [ -n "$alert" ] && break
    sleep 0.5
done
[ -n "$alert" ] || { inside journalctl --no-pager -u driftd -n 40 >&2; fail "no data_drift alert from driftd in the journal after 60 s"; }
say "ok   alert in the journal: $alert"

# 6. Reload: ExecReload sends SIGHUP; a new rule file must be picked up, same process, still active.
cp "$work/second.json" "$rules/second.json"
chmod 0644 "$rules/second.json"
timeout 60 nsenter -t "$init_pid" -a -- systemctl reload driftd || fail "systemctl reload driftd failed"
reloaded=no
for _ in $(seq 1 40); do
    case "$(show StatusText)" in "2 monitors,"*) reloaded=yes; break ;; esac
    sleep 0.25
done
[ $reloaded = yes ] || { inside journalctl --no-pager -u driftd -n 20 >&2; fail "after reload StatusText is '$(show StatusText)', expected '2 monitors, ...'"; }
[ "$(show MainPID)" = "$main_pid" ] || fail "reload changed the main PID ($main_pid -> $(show MainPID))"
active=$(show ActiveState)/$(show SubState)
[ "$active" = active/running ] || fail "driftd is $active after reload"
inside journalctl --no-pager -u driftd -o cat | grep -q "rules reloaded" || fail "no 'rules reloaded' in the unit's journal"
say "ok   systemctl reload driftd: SIGHUP, 2 monitors, same PID, still active (running)"

# 7. Watchdog: a stopped process sends no WATCHDOG=1; systemd must abort and restart it.
if [ "${WATCHDOG:-1}" = 1 ]; then
    restarts_before=$(show NRestarts)
    watchdog_started=$(date +%s.%N)
    inside kill -STOP "$main_pid"
    # systemd sends SIGABRT (WatchdogSignal) followed by SIGCONT, so the stopped process takes the
    # abort at once; with Restart=on-failure it is started again RestartSec=5s later.
    restarted=no
    for _ in $(seq 1 120); do
        if [ "$(show NRestarts)" -gt "$restarts_before" ] && [ "$(show ActiveState)/$(show SubState)" = active/running ]; then
            restarted=yes
            break
        fi
        sleep 0.25
    done
    if [ $restarted = no ]; then
        inside systemctl show driftd | grep -E '^(MainPID|NRestarts|WatchdogUSec|ActiveState|SubState)=' >&2
        inside journalctl --no-pager -u driftd -n 20 >&2
        inside kill -CONT "$main_pid" 2>/dev/null || true
        fail "driftd was not restarted within 30 s of its watchdog pings stopping (NRestarts $(show NRestarts), $(show ActiveState)/$(show SubState))"
    fi
    watchdog_log=$(inside journalctl --no-pager -o cat _PID=1 UNIT=driftd.service)
    grep -q "driftd.service: Watchdog timeout (limit 4s)" <<<"$watchdog_log" || fail "no 'Watchdog timeout' from systemd in the journal"
    grep -q "driftd.service: Main process exited, code=killed, status=6/ABRT" <<<"$watchdog_log" ||
        fail "driftd was not ended by the watchdog's SIGABRT (a hang would end in SIGKILL after TimeoutAbortSec)"
    new_pid=$(show MainPID)
    [ "$new_pid" != "$main_pid" ] || fail "same MainPID after the watchdog restart"
    watchdog_seconds=$(awk -v a="$watchdog_started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    say "ok   watchdog: SIGSTOP -> timeout -> SIGABRT -> restarted as PID $new_pid (NRestarts $(show NRestarts)) in ${watchdog_seconds} s"
    main_pid=$new_pid
fi

# 8. Stop: SIGTERM, a clean exit 0, no SIGKILL. An inactive unit that nothing references is
# unloaded at once, and `systemctl show` then gives defaults (Result=success, ExecMainCode=0): so
# the verdict comes from the manager's own log lines, with its log level at debug for the stop
# ("Main process exited, code=exited, status=0/SUCCESS" is a debug line when it is a success).
stop_and_check() { # stop_and_check UNIT
    local unit=$1 cursor stop_started stop_seconds state stop_log=
    cursor=$(inside journalctl --no-pager -n 0 --show-cursor | sed -n 's/^-- cursor: //p')
    [ -n "$cursor" ] || fail "no journal cursor in the container"
    inside systemd-analyze log-level debug
    stop_started=$(date +%s.%N)
    timeout 60 nsenter -t "$init_pid" -a -- systemctl stop "$unit" || fail "systemctl stop $unit failed"
    stop_seconds=$(awk -v a="$stop_started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
    inside systemd-analyze log-level info
    state=$(inside systemctl show -p ActiveState --value "$unit")
    [ "$state" = inactive ] || fail "$unit is $state after stop, expected inactive"
    for _ in $(seq 1 20); do
        stop_log=$(inside journalctl --no-pager -o cat --after-cursor="$cursor" _PID=1 UNIT="$unit" + _SYSTEMD_UNIT="$unit")
        grep -q "Deactivated successfully" <<<"$stop_log" && break
        sleep 0.25
    done
    stop_failure() { printf '%s\n' "$stop_log" | grep -v -e 'D-Bus' -e 'Sent message' -e 'Got message' | tail -25 >&2; fail "$1"; }
    grep -qF "$unit: Deactivated successfully" <<<"$stop_log" || stop_failure "$unit did not stop with result success"
    grep -qF "$unit: Main process exited, code=exited, status=0/SUCCESS" <<<"$stop_log" ||
        stop_failure "$unit's main process did not exit 0 on SIGTERM"
    grep -E "SIGKILL|timed out\. Killing|State 'stop-sigterm' timed out" <<<"$stop_log" >/dev/null && stop_failure "systemd had to SIGKILL $unit on stop"
    grep -q "driftd stopping: state committed" <<<"$stop_log" || stop_failure "no 'driftd stopping: state committed' from $unit"
    say "ok   systemctl stop $unit: SIGTERM, exit 0, result success, no SIGKILL, in ${stop_seconds} s"
}
stop_and_check driftd.service

# The daemon's stored results for the first monitor equal `driftd replay` of the same rule on the
# same lines (run on the host; only the malformed lines' file names differ).
inside /opt/driftd/bin/driftd report --monitor taxi --state /var/lib/driftd --json - >"$work/stored.json" ||
    fail "driftd report --monitor taxi in the container failed"
sed 's|/srv/driftd/streams/|'"$work"'/streams/|' "$rules/taxi.json" >"$work/taxi-host.json"
"$binary" replay "$work/taxi-host.json" --report "$work/replayed.json" --quiet || fail "driftd replay on the host failed"
if ! cmp -s <(jq -S 'del(.malformed)' "$work/stored.json") <(jq -S 'del(.malformed)' "$work/replayed.json"); then
    diff <(jq -S 'del(.malformed)' "$work/stored.json") <(jq -S 'del(.malformed)' "$work/replayed.json") | head -20 >&2
    fail "the daemon's stored report for taxi differs from driftd replay's"
fi
say "ok   stored report equals driftd replay's: $(jq -r '"\(.counts.records) records, \(.windows | length) windows, \(.alerts | length) alerts"' "$work/stored.json")"

# 9. The template: driftd@taxi reads /etc/driftd/taxi.d, listens on taxi.env's address, keeps
# its state in /var/lib/driftd/taxi.
timeout 60 nsenter -t "$init_pid" -a -- systemctl start driftd@taxi ||
    { inside journalctl --no-pager -u driftd@taxi -n 30 >&2; fail "systemctl start driftd@taxi failed"; }
instance="$(inside systemctl show -p ActiveState --value driftd@taxi)/$(inside systemctl show -p SubState --value driftd@taxi)"
instance+=" $(inside systemctl show -p StatusText --value driftd@taxi)"
case "$instance" in
    "active/running 1 monitors,"*) ;;
    *) fail "driftd@taxi is '$instance', expected active running with its STATUS= line" ;;
esac
inside test -f /var/lib/driftd/taxi/driftd.sqlite || fail "driftd@taxi has no /var/lib/driftd/taxi/driftd.sqlite"
inside /opt/driftd/bin/driftd status --listen 127.0.0.1:9465 2>&1 | grep -q taxi || fail "driftd@taxi does not answer on 127.0.0.1:9465"
say "ok   driftd@taxi: active (running), state in /var/lib/driftd/taxi, HTTP on 127.0.0.1:9465"
stop_and_check driftd@taxi.service

# 10. Power off; the alert is in the journal files the container left behind.
inside systemctl poweroff --no-block >/dev/null 2>&1 || true
for _ in $(seq 1 150); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.2; done
kill -0 "$nspawn_pid" 2>/dev/null && fail "the container did not power off in 30 s"
wait "$nspawn_pid" 2>/dev/null || true
nspawn_pid=
init_pid=
journal_alerts=$(journalctl --no-pager -D "$work/journal" -o cat -t driftd DRIFTD_KIND=data_drift 2>/dev/null | wc -l)
[ "$journal_alerts" -gt 0 ] || fail "no data_drift alert in the container's journal files ($work/journal)"
say "ok   container powered off; its journal files hold $journal_alerts data_drift alerts"
say "PASS in $(elapsed) s"
