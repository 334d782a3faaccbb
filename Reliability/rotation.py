"""Rotation under load: every line is counted once, and rotations leak no file descriptor
(RELIABILITY.md, "Rotation").

Usage: python3 Reliability/rotation.py DRIFTD_BINARY [--minutes 3] [--rate 5000] [--rotations 10000]
                                        [--glob copies|live] [--skip-storm] [--skip-fd] [--quick]

Part 1, storm. A writer process appends numbered prediction lines (`"id":"p-<n>"`, one `write` per
line, O_APPEND) to `predictions.jsonl` at RATE lines/s for MINUTES, while the script runs the real
/usr/sbin/logrotate (`-f`, its own `-s` state file) every second, alternately with a `create`
(rename) configuration and a `copytruncate` one. Both are configured as docs/tailing.md recommends
for "nothing lost": `nocompress` (so `delaycompress` has nothing to delay: a compressed rotation
would be unreadable to a daemon that lags behind), numbered copies in the same folder (no
`olddir`), a glob that matches them (`predictions.jsonl*`), and a `rotate` count larger than the
number of rotations, so no file is deleted. After a `create` rotation the writer reopens the path
when it names another inode (as Python's WatchedFileHandler does); across `copytruncate` it keeps
its descriptor. The monitor has no labels (nothing is held), windows of 500 records and one PSI.
When the writer stops and the daemon has caught up, the script reads every file left, which gives
the set of lines present on disk (logrotate's copytruncate race loses, by nature, the lines
written between its copy and its truncation), and the daemon's stored input (table
`engine_input`, one row per line counted, in the order counted). Checks: every stored line is
byte for byte a line the writer wrote; no line counted twice; every line present on disk counted
(lines counted that no file holds any more are the race's lines the daemon had read before the
truncation, which docs/tailing.md says it hands out); counted in the order written; `/status`
records and the stored report's `counts.records` equal the lines counted; no malformed line;
the stored report equals `driftd replay` over a file made of the counted lines in the order
counted; SIGTERM exits 0.

Part 2, descriptors. A second daemon follows `app.jsonl` (a glob that does not match the rotated
names). ROTATIONS times the script renames `app.jsonl` to `app.jsonl.<rotation mod 1000>` (from the
1001st rotation on this replaces, so deletes, the file of 1,000 rotations before), appends one line
to the renamed file through the writer's old descriptor, creates a new `app.jsonl` with two lines,
and waits until the daemon's `/status` counts every line written (so every file is seen before it
leaves the glob: docs/tailing.md allows missing a file created and rotated before the daemon saw
it). The daemon's open descriptors (/proc/PID/fd) are sampled at every rotation (peak) and reported
every 500. A renamed file is closed 5 s after its last growth (a deleted one once read to its end),
so the count peaks while rotating; at half the run and at its end the script waits (more than 5 s)
until it settles, and checks that both times it is back to its starting level + 3 (the daemon opens
its SQLite reader connections lazily): the count does not grow with the number of rotations. Also:
records == lines written, and the stored report equals `replay` over all the lines written, in order.

`--glob live` makes the storm's glob `predictions.jsonl` (copies not matched) instead of the
recommended `predictions.jsonl*`, for comparison.
"""
import argparse, multiprocessing, os, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

LOGROTATE = "/usr/sbin/logrotate"
WINDOW, REFERENCE = 500, 1000
KEPT = 1000        # descriptor run: rotated names app.jsonl.0 .. app.jsonl.999, reused
SLACK = 3          # descriptors the daemon may open for good during the run (SQLite reader connections)


def line(n):
    """The writer's line number n (deterministic: the check regenerates it)."""
    h = (n * 2654435761) % 4294967296
    x = (h % 100000) / 10000.0
    return f'{{"id":"p-{n:09d}","model":"storm","features":{{"x":{x:.4f},"shard":{n % 7}}},"prediction":{x * 1.5 + 0.25:.4f}}}\n'


def number(data):
    """The sequence number in a line's bytes, or None."""
    start = data.find(b'"id":"p-')
    if start < 0:
        return None
    try:
        return int(data[start + 8:start + 17])
    except ValueError:
        return None


def rule(monitor, path, window=WINDOW, reference=REFERENCE):
    return {"monitor": monitor, "task": "regression", "predictions": {"path": path},
            "reference": {"first": reference}, "window": {"size": window},
            "features": {"x": {"type": "numerical", "drift": [{"method": "psi", "threshold": 0.2, "bins": 10}]}},
            "alerts": {"journald": False}}


def fd_targets(daemon):
    """What the daemon's descriptors point to (sockets, pipes and files), as a sorted list."""
    targets = []
    for fd in os.listdir(f"/proc/{daemon.pid}/fd"):
        try:
            targets.append(os.readlink(f"/proc/{daemon.pid}/fd/{fd}"))
        except OSError:
            pass
    return sorted(targets)


def records(daemon, monitor):
    status = daemon.status()
    if status is None:
        return None
    return next((m["records"] for m in status["monitors"] if m["name"] == monitor), None)


def writer(path, rate, stop, written):
    """Appends line(0), line(1), ... at `rate` lines/s, one write per line; reopens the path when it
    names another file than the one open (after a `create` rotation; never creates it)."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    inode = os.fstat(fd).st_ino
    n, started = 0, time.monotonic()
    while not stop.is_set():
        due = int((time.monotonic() - started) * rate)
        if n >= due:
            time.sleep(0.001)
            continue
        try:
            if os.stat(path).st_ino != inode:
                new = os.open(path, os.O_WRONLY | os.O_APPEND)
                os.close(fd)
                fd, inode = new, os.fstat(new).st_ino
        except FileNotFoundError:
            pass  # between logrotate's rename and its create: keep writing to the renamed file
        for _ in range(min(due - n, 100)):
            os.write(fd, line(n).encode())
            n += 1
        written.value = n
    os.close(fd)


def lines_in(folder, prefix):
    """Sequence numbers of the lines in the files named PREFIX* (each file's complete lines), and
    the number of lines that are not exactly one of the writer's lines."""
    present, bad = [], 0
    for name in sorted(os.listdir(folder)):
        if not name.startswith(prefix):
            continue
        with open(os.path.join(folder, name), "rb") as f:
            data = f.read()
        for raw in data.split(b"\n")[:-1]:
            n = number(raw)
            if n is None or raw + b"\n" != line(n).encode():
                bad += 1
            else:
                present.append(n)
    return present, bad


def counted_lines(state, monitor):
    """The lines the daemon fed its engine, in order: (sequence numbers, lines that are not one of the
    writer's lines byte for byte)."""
    seen, bad = [], 0
    with harness.database(state) as db:
        for (data,) in db.execute("SELECT bytes FROM engine_input WHERE monitor = ? AND stream = 'predictions' ORDER BY seq", (monitor,)):
            data = bytes(data).rstrip(b"\n")
            n = number(data)
            if n is None or data + b"\n" != line(n).encode():
                bad += 1
            else:
                seen.append(n)
    return seen, bad


def compare_with_replay(binary, folder, state, monitor, rule_object, sequence, problems):
    """The stored report against `replay` over the lines `sequence`, in that order."""
    path = os.path.join(folder, "replay-input.jsonl")
    with open(path, "w") as f:
        for n in sequence:
            f.write(line(n))
    replay_rule = dict(rule_object, predictions={"path": path})
    expected = harness.replay_report(binary, harness.write_rule(os.path.join(folder, "replay-rules"), replay_rule))
    stored = harness.stored_report(binary, state, monitor)
    if stored is None:
        problems.append("driftd report failed")
        return None
    diff = harness.differences(expected, stored)
    if diff:
        problems.append("stored report differs from replay: " + "; ".join(diff))
    return stored


def storm(args, problems):
    folder = harness.workdir("rotation-storm")
    log = os.path.join(folder, "predictions.jsonl")
    keep = int(args.minutes * 60 * 1.5) + 100  # more copies than rotations: none deleted
    configs = {}
    for mode in ("create", "copytruncate"):
        configs[mode] = os.path.join(folder, f"logrotate-{mode}.conf")
        with open(configs[mode], "w") as f:
            f.write(f"{log} {{\n    {mode}\n    rotate {keep}\n    nocompress\n    missingok\n}}\n")
        os.chmod(configs[mode], 0o644)
    storm_rule = rule("storm", log + "*" if args.glob == "copies" else log)
    rules = os.path.join(folder, "rules")
    harness.write_rule(rules, storm_rule)
    state = os.path.join(folder, "state")
    open(log, "w").close()
    daemon = harness.Daemon(args.binary, rules, state, os.path.join(folder, "daemon.log"))
    figures = {}
    try:
        if not daemon.wait_ready():
            problems.append("storm: the daemon did not start: " + daemon.log_text()[-2000:])
            return figures
        stop = multiprocessing.Event()
        written = multiprocessing.RawValue("q", 0)
        process = multiprocessing.Process(target=writer, args=(log, args.rate, stop, written))
        started = time.monotonic()
        process.start()
        rotations = {"create": 0, "copytruncate": 0}
        logrotate_seconds, failures, tick = [], [], 0
        last_print = started
        while time.monotonic() - started < args.minutes * 60:
            tick += 1
            pause = started + tick - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            mode = "create" if tick % 2 else "copytruncate"
            before = time.monotonic()
            result = subprocess.run([LOGROTATE, "-f", "-s", os.path.join(folder, "logrotate.state"), configs[mode]],
                                    capture_output=True, text=True)
            logrotate_seconds.append(time.monotonic() - before)
            if result.returncode != 0:
                failures.append(f"{mode}: {result.returncode} {result.stderr.strip()[:300]}")
            else:
                rotations[mode] += 1
            if time.monotonic() - last_print >= 30:
                last_print = time.monotonic()
                print(f"  storm {last_print - started:.0f} s: {written.value} lines written, {records(daemon, 'storm')} counted, "
                      f"{sum(rotations.values())} rotations", flush=True)
        stop.set()
        process.join()
        elapsed = time.monotonic() - started
        total = written.value
        if failures:
            problems.append(f"logrotate failed {len(failures)} times: {failures[:3]}")

        present, bad_on_disk = lines_in(folder, "predictions.jsonl")
        present_set = set(present)
        # Caught up: at least every present line counted, and nothing new for 3 s.
        history = []

        def caught_up():
            history.append((time.monotonic(), records(daemon, "storm")))
            now, value = history[-1]
            if value is None or value < len(present_set):
                return False
            old = [v for t, v in history if now - t >= 3]
            return bool(old) and old[-1] == value
        if not harness.wait(caught_up, 900, 0.5):
            problems.append(f"storm: the daemon did not catch up in 900 s ({history[-1][1]} of {len(present_set)} present lines)")
        status = daemon.status() or {"monitors": []}
        monitor_status = next((m for m in status["monitors"] if m["name"] == "storm"), {})
        peak_rss = daemon.rss_kib("VmHWM")
        exit_status = daemon.stop()
        if exit_status != 0:
            problems.append(f"storm: SIGTERM exit status {exit_status}")

        counted, bad_counted = counted_lines(state, "storm")
        counted_set = set(counted)
        twice = len(counted) - len(counted_set)
        lost_by_driftd = sorted(present_set - counted_set)
        not_written = sorted(n for n in counted_set if n >= total)
        off_disk = len(set(range(total)) - present_set)   # written, in no file at the end
        rescued = len(counted_set - present_set)          # of those, counted before the truncation
        out_of_order = sum(1 for a, b in zip(counted, counted[1:]) if b < a)
        if bad_on_disk:
            problems.append(f"storm: {bad_on_disk} lines on disk are not lines the writer wrote")
        if bad_counted:
            problems.append(f"storm: {bad_counted} counted lines are not lines the writer wrote")
        if twice:
            problems.append(f"storm: {twice} lines counted twice")
        if lost_by_driftd:
            problems.append(f"storm: {len(lost_by_driftd)} lines present on disk not counted, first {lost_by_driftd[:10]}")
        if not_written:
            problems.append(f"storm: counted lines never written: {not_written[:10]}")
        if out_of_order:
            problems.append(f"storm: {out_of_order} places where the counted lines go backwards")
        if monitor_status.get("records") != len(counted) or monitor_status.get("malformed_lines"):
            problems.append(f"storm: /status records {monitor_status.get('records')} malformed {monitor_status.get('malformed_lines')}, "
                            f"{len(counted)} lines stored")
        stored = compare_with_replay(args.binary, folder, state, "storm", storm_rule, counted, problems)
        if stored is not None and stored["counts"]["records"] != len(counted):
            problems.append(f"storm: stored counts.records {stored['counts']['records']} != {len(counted)} lines stored")
        windows = len(stored["windows"]) if stored else 0
        if windows != max(0, (len(counted) - REFERENCE) // WINDOW):
            problems.append(f"storm: {windows} windows stored for {len(counted)} records")
        figures = {
            "storm minutes": f"{elapsed / 60:.1f}",
            "glob": os.path.basename(storm_rule["predictions"]["path"]),
            "rotations": f"{sum(rotations.values())} ({rotations['create']} create, {rotations['copytruncate']} copytruncate; "
                         f"logrotate took {sum(logrotate_seconds) / len(logrotate_seconds) * 1000:.0f} ms mean, {max(logrotate_seconds) * 1000:.0f} ms max)",
            "lines written": f"{total:,}",
            "lines/s": f"{total / elapsed:,.0f}",
            "lost by copytruncate race": f"{off_disk - rescued} (in no file at the end: {off_disk}, of which {rescued} counted before the truncation)",
            "counted": f"{len(counted):,}",
            "counted twice": twice,
            "lost by driftd": len(lost_by_driftd),
            "windows": windows,
            "daemon max RSS": f"{peak_rss / 1024:.0f} MiB",
        }
        print(f"  storm: {figures}", flush=True)
        return figures
    finally:
        if daemon.process.poll() is None:
            daemon.stop()
        harness.cleanup(folder)


def fd_leak(args, problems):
    folder = harness.workdir("rotation-fd")
    log = os.path.join(folder, "app.jsonl")
    fd_rule = rule("fd", log, window=100, reference=100)
    rules = os.path.join(folder, "rules")
    harness.write_rule(rules, fd_rule)
    state = os.path.join(folder, "state")
    daemon = harness.Daemon(args.binary, rules, state, os.path.join(folder, "daemon.log"))
    figures, n = {}, 0
    try:
        if not daemon.wait_ready():
            problems.append("fd: the daemon did not start: " + daemon.log_text()[-2000:])
            return figures
        fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

        def append(descriptor, count):
            nonlocal n
            for _ in range(count):
                os.write(descriptor, line(n).encode())
                n += 1

        def seen_all(timeout=120):
            ok = harness.wait(lambda: records(daemon, "fd") == n, timeout, 0.002)
            if not ok:
                problems.append(f"fd: the daemon counted {records(daemon, 'fd')} of {n} lines after {timeout} s")
            return ok

        def settle():
            """Waits more than 5 s (a renamed file is closed 5 s after its last growth), then until the
            count is back to the start level + 2 (at most 120 s); returns the count."""
            time.sleep(6)
            harness.wait(lambda: daemon.fd_count() <= start_level + SLACK, 120, 0.5)
            return daemon.fd_count()

        append(fd, 3)
        seen_all()
        time.sleep(6)
        start_level, start_targets = daemon.fd_count(), fd_targets(daemon)
        peak, samples, mid_level = start_level, [], None
        started = time.monotonic()
        for rotation in range(1, args.rotations + 1):
            os.rename(log, f"{log}.{rotation % KEPT}")  # replaces (deletes) the file of KEPT rotations ago
            append(fd, 1)                       # the writer's last line, into the renamed file
            os.close(fd)
            fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL, 0o644)
            append(fd, 2)
            if not seen_all():
                break
            peak = max(peak, daemon.fd_count())
            if rotation % 500 == 0:
                samples.append(daemon.fd_count())
                if rotation % 2000 == 0 or rotation == args.rotations:
                    print(f"  fd: {rotation} rotations in {time.monotonic() - started:.0f} s, descriptors {samples[-1]} (peak {peak})", flush=True)
            if rotation == args.rotations // 2:
                paused = time.monotonic()
                mid_level = settle()
                started += time.monotonic() - paused
        rotating = time.monotonic() - started
        os.close(fd)
        end_level = settle()
        end_targets = fd_targets(daemon)
        extra = [t for t in end_targets if t not in start_targets or end_targets.count(t) > start_targets.count(t)]
        if extra:
            print(f"  fd: descriptors at the end not open at the start: {sorted(set(extra))}", flush=True)
        counted = records(daemon, "fd")
        exit_status = daemon.stop()
        if exit_status != 0:
            problems.append(f"fd: SIGTERM exit status {exit_status}")
        if mid_level is None or mid_level > start_level + SLACK or end_level > start_level + SLACK:
            problems.append(f"fd: descriptors did not settle back: start {start_level}, after half the rotations {mid_level}, end {end_level}")
        if counted != n:
            problems.append(f"fd: {counted} records counted, {n} lines written")
        stored = compare_with_replay(args.binary, folder, state, "fd", fd_rule, range(n), problems)
        if stored is not None and stored["counts"]["records"] != n:
            problems.append(f"fd: stored counts.records {stored['counts']['records']} != {n} lines written")
        figures = {
            "fd rotations": args.rotations,
            "fd lines": n,
            "descriptors start/peak/settled at half/settled at end": f"{start_level}/{peak}/{mid_level}/{end_level}",
            "every 500 rotations": "[" + " ".join(map(str, samples)) + "]",
            "records": f"{counted} of {n}",
            "fd wall time": f"{rotating:.0f} s",
        }
        print(f"  fd: {figures}", flush=True)
        return figures
    finally:
        if daemon.process.poll() is None:
            daemon.stop()
        harness.cleanup(folder)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--minutes", type=float, default=3, help="length of the logrotate storm")
    parser.add_argument("--rate", type=int, default=5000, help="lines per second the writer aims at")
    parser.add_argument("--rotations", type=int, default=10000, help="rotations of the descriptor run")
    parser.add_argument("--glob", choices=("copies", "live"), default="copies",
                        help="storm glob: predictions.jsonl* (recommended) or predictions.jsonl")
    parser.add_argument("--skip-storm", action="store_true")
    parser.add_argument("--skip-fd", action="store_true")
    parser.add_argument("--quick", action="store_true", help="30 s storm, 500 rotations")
    args = parser.parse_args()
    if args.quick:
        args.minutes, args.rotations = 0.5, 500
    args.binary = os.path.abspath(args.binary)
    if not os.access(LOGROTATE, os.X_OK):
        sys.exit(f"{LOGROTATE} is needed")
    multiprocessing.set_start_method("fork")
    problems, figures = [], {}
    began = time.monotonic()
    if not args.skip_storm:
        figures.update(storm(args, problems))
    if not args.skip_fd:
        figures.update(fd_leak(args, problems))
    figures["wall time"] = f"{time.monotonic() - began:.0f} s"
    for problem in problems:
        print("  " + problem, flush=True)
    harness.result_line("rotation", figures, not problems)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
