"""Resources: a full disk under the state folder, and memory with 1 million held predictions and with
20 monitors (RELIABILITY.md, "Resources").

Usage: python3 Reliability/resources.py DRIFTD_BINARY [--held 1000000] [--monitors 20] [--copies 5]
                                         [--disk-mib 4] [--observe 20] [--parts disk,held,monitors] [--quick]

Needs root for part 1 (it mounts a tmpfs).

Part 1, disk full. The state folder is a tmpfs of DISK_MIB MiB (`mount -t tmpfs -o size=4m`). One
monitor without labels (the taxi-duration rule's features, reference of 1,000 records, windows of
500, alerts to journald) follows a file that a writer grows by 500 taxi-sample lines every 0.25 s:
the sample's first 1,000 records, then its drifting part (records 7,000 on) over and over, so every
window raises alerts. The daemon stores every line it reads in its database, which grows until the
tmpfs is full (`statvfs`). Then the writer appends on (windows and alerts to come while the disk
is full) until the daemon reports a refused commit in /status (SQLite first fills the room its WAL
file already has) and for OBSERVE seconds the script watches the daemon: is the process
alive, do /status and /healthz answer, how much CPU it burns, does it say anything about the disk
(a line matching "full|no space|ENOSPC" in its standard error, which is the journal under systemd,
or in a journald entry from its process). Then the tmpfs is remounted at 64 MiB (space comes back)
and the script waits for the same daemon to read every line. If it does not (dead, or no progress
for 15 s), the script stops it (SIGTERM, SIGKILL after 10 s; which one worked is reported), starts
it again on the same state and waits for that one. Checks after recovery: /status counts every line
written, the stored report equals `replay` on the same file, as many `window_result` rows as replay
has windows, every stored alert written to journald (none pending, at least one journald entry with
the monitor's DRIFTD_MONITOR per stored alert). Then a start on a full disk: the daemon is stopped
(SIGTERM), 30,000 lines are appended (more than SQLite's already allocated WAL file holds), a filler
file takes all the space left, the daemon is started and observed as above; the filler is removed
and the same recovery and checks follow. Pass: in both cases the daemon keeps running (alive,
/status answers), says the disk is full, and resumes by itself with nothing lost.

Part 2, memory. (a) A monitor with labels and `max_delay` "24h" follows a file of HELD predictions
(about 200 bytes each: id, timestamp, model, version, 4 features, prediction, score) and no labels:
every prediction is held. When /status shows the file read to its end and the database's `held`
table has HELD rows, the daemon's VmRSS and VmHWM are read. Then a label for every prediction is
appended; when all are released (`held` empty, /status records == HELD) VmRSS and VmHWM are read
again, and the stored report is compared with `replay`. (b) MONITORS monitors (the taxi-duration
rule without labels, as Benchmarks/daemon_ingest.py sets them up) over COPIES copies of the taxi
sample: VmHWM once every monitor has read every line. Pass: peak RSS with the held predictions
below HELD_BOUND_MIB, with the monitors below MONITORS_BOUND_MIB, every prediction released with
its label, the reports equal.

`--quick`: 100,000 held predictions, 5 monitors over 2 copies, 10 s of observation.
"""
import argparse, json, os, random, re, subprocess, sys, time, urllib.error, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

HELD_BOUND_MIB = 1024       # 1 million held predictions, peak RSS (measured: see RELIABILITY.md)
MONITORS_BOUND_MIB = 1024   # 20 monitors over the taxi sample, peak RSS
DISK_REFERENCE, DISK_WINDOW = 1000, 500   # the disk-full monitor: small windows, so a few fit on the tmpfs
START_FULL_LINES = 30_000   # appended while the daemon is stopped, before it starts on a full disk
BIG_MIB = 64                # the tmpfs once space comes back
DISK_WORDS = re.compile(r"full|no space|ENOSPC", re.IGNORECASE)
TICK = os.sysconf("SC_CLK_TCK")


def taxi_lines():
    with open(os.path.join(harness.ROOT, "sample-streams/taxi/predictions.jsonl")) as f:
        return f.read().splitlines(keepends=True)


def taxi_rule(monitor, predictions, journald=False):
    with open(os.path.join(harness.ROOT, "rules/taxi-duration.json")) as f:
        rule = json.load(f)
    for key in ("labels", "performance", "concept_drift", "retrain", "description"):
        rule.pop(key, None)
    rule["monitor"] = monitor
    rule["predictions"]["path"] = predictions
    rule["alerts"] = {"journald": journald}
    return rule


def cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except OSError:
        return None


def healthz(daemon):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{daemon.port}/healthz", timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def journal(*matches, since):
    """journald entries (as dicts) matching `FIELD=value` terms, from `since` (seconds since the epoch)."""
    result = subprocess.run(["journalctl", "--no-pager", "-o", "json", f"--since=@{int(since) - 1}", *matches],
                            capture_output=True, text=True)
    entries = []
    for line in result.stdout.splitlines():
        try:
            entries.append(json.loads(line))
        except ValueError:
            pass
    return entries


def free_bytes(folder):
    stat = os.statvfs(folder)
    return stat.f_bavail * stat.f_frsize


def lines_seen(status, monitor):
    m = next((m for m in (status or {}).get("monitors", []) if m["name"] == monitor), None)
    return None if m is None else m["records"] + m["malformed_lines"]


# MARK: Part 1, disk full

class DiskRun:
    def __init__(self, binary, folder, observe, disk_mib):
        self.binary, self.folder, self.observe, self.disk_mib = binary, folder, observe, disk_mib
        self.state = os.path.join(folder, "state")
        self.rules = os.path.join(folder, "rules")
        self.log = os.path.join(folder, "disk-daemon.log")
        self.predictions = os.path.join(folder, "disk-predictions.jsonl")
        self.monitor = f"disk-state-{os.getpid()}"
        rule = taxi_rule(self.monitor, self.predictions, journald=True)
        rule["reference"], rule["window"] = {"first": DISK_REFERENCE}, {"size": DISK_WINDOW}
        self.rule_path = harness.write_rule(self.rules, rule)
        self.sample = taxi_lines()
        self.written = 0
        self.started = time.time()
        self.pids = []
        self.daemon = None

    def append(self, count):
        with open(self.predictions, "a") as f:
            for _ in range(count):
                # The sample's first records as reference, then its drifting part (from 7,000) over and over.
                n = self.written
                f.write(self.sample[n] if n < DISK_REFERENCE else self.sample[7000 + (n - DISK_REFERENCE) % (len(self.sample) - 7000)])
                self.written += 1

    def start(self):
        self.daemon = harness.Daemon(self.binary, self.rules, self.state, self.log)
        self.pids.append(self.daemon.pid)
        return self.daemon

    def log_offset(self):
        return os.path.getsize(self.log) if os.path.exists(self.log) else 0

    def watch(self, since_log, since_time):
        """OBSERVE seconds of the daemon on a full disk: what it does and what it says."""
        d = self.daemon
        cpu_before = cpu_seconds(d.pid)
        answered = healthy = None
        deadline = time.monotonic() + self.observe
        while time.monotonic() < deadline and d.process.poll() is None:
            time.sleep(1)
        alive = d.process.poll() is None
        if alive:
            status = d.status()
            answered = status is not None
            healthy = status["ingest"]["healthy"] if status else None
        cpu = (cpu_seconds(d.pid) or 0) - (cpu_before or 0) if alive else None
        with open(self.log, errors="replace") as f:
            f.seek(since_log)
            said = [line.strip() for line in f if DISK_WORDS.search(line)]
        journald = [e.get("MESSAGE", "") for pid in self.pids for e in journal(f"_PID={pid}", since=since_time)
                    if "DRIFTD_KIND" not in e and DISK_WORDS.search(str(e.get("MESSAGE", "")))]
        return {"alive": alive, "exit": d.process.returncode, "status_answers": answered, "healthy": healthy,
                "healthz": healthz(d) if alive else None, "cpu": cpu, "said_log": said[:3], "said_journald": journald[:3]}

    def recover(self, since):
        """Waits for the running daemon to read every line; else stops it and starts it again.
        Returns (resumed by itself, seconds from `since` (or from the restart) to caught up, how it was stopped)."""
        def caught_up():
            return lines_seen(self.daemon.status(), self.monitor) == self.written
        def progress_wait(timeout):
            # Wait while lines are being counted; give up after 15 s without progress.
            last, last_change = None, time.monotonic()
            end = time.monotonic() + timeout
            while time.monotonic() < end:
                if self.daemon.process.poll() is not None:
                    return False
                seen = lines_seen(self.daemon.status(), self.monitor)
                if seen == self.written:
                    return True
                if seen != last:
                    last, last_change = seen, time.monotonic()
                elif time.monotonic() - last_change > 15:
                    return False
                time.sleep(0.2)
            return caught_up()
        if self.daemon.process.poll() is None and progress_wait(120):
            return True, time.time() - since, None
        stopped = "exited by itself"
        if self.daemon.process.poll() is None:
            self.daemon.process.send_signal(15)
            try:
                self.daemon.process.wait(10)
                stopped = f"SIGTERM, exit {self.daemon.process.returncode}"
            except subprocess.TimeoutExpired:
                self.daemon.kill9()
                stopped = "SIGTERM ignored for 10 s, SIGKILL"
        restarted = time.time()
        self.start()
        if not self.daemon.wait_ready(120) or not progress_wait(300):
            return False, None, stopped
        return False, time.time() - restarted, stopped

    def verify(self):
        """Stored report vs replay, windows, alerts in journald."""
        stored = harness.stored_report(self.binary, self.state, self.monitor)
        replayed = harness.replay_report(self.binary, self.rule_path)
        diffs = ["no stored report"] if stored is None else harness.differences(replayed, stored)
        rows = harness.query(self.state, "SELECT COUNT(*) FROM window_result WHERE monitor = ?", self.monitor)[0][0]
        alerts = harness.query(self.state, "SELECT COUNT(*), COALESCE(SUM(journald_done = 0), 0) FROM alert WHERE monitor = ?", self.monitor)[0]
        # journald: every stored alert written (at least once), none pending.
        written = harness.wait(lambda: len(journal(f"DRIFTD_MONITOR={self.monitor}", since=self.started)) >= alerts[0] or None, 60, 1)
        in_journal = len(journal(f"DRIFTD_MONITOR={self.monitor}", since=self.started))
        return {"diffs": diffs, "windows": rows, "replay_windows": len(replayed["windows"]), "alerts": alerts[0],
                "alerts_pending": alerts[1], "journald_alerts": in_journal, "replay_alerts": len(replayed["alerts"]),
                "ok": not diffs and rows == len(replayed["windows"]) and alerts[1] == 0 and in_journal >= alerts[0] and bool(written)}


def disk_part(args, folder):
    run = DiskRun(args.binary, folder, args.observe, args.disk_mib)
    os.makedirs(run.state)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={args.disk_mib}m", "tmpfs", run.state], check=True)
    figures, ok = {}, True
    try:
        run.append(1000)
        run.start()
        if not run.daemon.wait_ready(120):
            raise RuntimeError(f"the daemon did not start: {run.daemon.log_text()[-2000:]}")
        # Fill: the writer grows the stream until the tmpfs is full. (What the daemon says is looked
        # for from here: it may refuse a commit before statvfs shows the disk full.)
        since_log, since_time = run.log_offset(), time.time() - 60
        fill_started = time.monotonic()
        while free_bytes(run.state) > 0 and run.written < 400_000 and time.monotonic() - fill_started < 300:
            run.append(500)
            time.sleep(0.25)
        if free_bytes(run.state) > 0:
            raise RuntimeError(f"the state tmpfs did not fill ({run.written} lines written)")
        stored_then = harness.query(run.state, "SELECT COUNT(*) FROM engine_input WHERE monitor = ?", run.monitor)[0][0]
        print(f"disk: tmpfs of {args.disk_mib} MiB full after {time.monotonic() - fill_started:.1f} s, "
              f"{run.written} lines written, {stored_then} stored", flush=True)
        # SQLite reuses the room its WAL file already has: the writer goes on until the daemon
        # reports a commit refused (/status ingest.state_error), at most 2 minutes.
        refused_by = time.monotonic() + 120
        while time.monotonic() < refused_by:
            run.append(500)
            time.sleep(0.25)
            status = run.daemon.status()
            if status and status["ingest"].get("state_error"):
                break
        seen = run.watch(since_log, since_time)
        print(f"disk: while full: {seen}", flush=True)
        # Space comes back.
        subprocess.run(["mount", "-o", f"remount,size={BIG_MIB}m", run.state], check=True)
        remounted = time.time()
        resumed, seconds, stopped = run.recover(remounted)
        check = run.verify()
        print(f"disk: after remount: resumed by itself {resumed}, caught up after {seconds and round(seconds, 1)} s"
              f"{'' if stopped is None else ' (after restart; old daemon: ' + stopped + ')'}; {check}", flush=True)
        kept_running = seen["alive"] and bool(seen["status_answers"])
        said = bool(seen["said_log"] or seen["said_journald"])
        ok &= kept_running and said and resumed and check["ok"]
        figures["disk"] = f"{args.disk_mib} MiB tmpfs full at {stored_then} stored lines"
        figures["while full"] = (f"alive {seen['alive']}, /status {'answers' if seen['status_answers'] else 'no answer'}, "
                                 f"healthz {seen['healthz']}, CPU {seen['cpu'] if seen['cpu'] is None else round(seen['cpu'], 1)} s in {args.observe} s, "
                                 f"said {('log: ' + seen['said_log'][0][:100]) if seen['said_log'] else ('journald: ' + seen['said_journald'][0][:100]) if seen['said_journald'] else 'nothing'}")
        figures["recovery"] = (("resumed by itself" if resumed else f"did not resume (no progress in 15 s); old daemon: {stopped}; restarted")
                               + (f", caught up {seconds:.1f} s after {'remount' if resumed else 'restart'}" if seconds is not None else ", never caught up"))
        figures["after recovery"] = (f"{len(check['diffs'])} differences, windows {check['windows']}/{check['replay_windows']}, "
                                     f"alerts {check['alerts']} stored, {check['alerts_pending']} pending, {check['journald_alerts']} in journald")
        if check["diffs"]:
            print("disk: differences: " + "; ".join(check["diffs"]), flush=True)

        # Start on a full disk.
        code = run.daemon.stop(30)
        # More than the state folder's files have room for (SQLite reuses the space its WAL file already
        # has: a few thousand lines would still fit on the "full" disk).
        run.append(START_FULL_LINES)
        filler = os.path.join(run.state, "filler")
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        for chunk in (1 << 20, 4096, 512):
            try:
                while True:
                    os.write(fd, b"\0" * chunk)
            except OSError:
                pass
        os.close(fd)
        since_log, since_time = run.log_offset(), time.time() - 60
        run.start()
        seen2 = run.watch(since_log, since_time)
        print(f"disk: started on a full disk (previous stop exit {code}): {seen2}", flush=True)
        os.remove(filler)
        freed = time.time()
        resumed2, seconds2, stopped2 = run.recover(freed)
        check2 = run.verify()
        print(f"disk: after freeing: resumed by itself {resumed2}, caught up after {seconds2 and round(seconds2, 1)} s"
              f"{'' if stopped2 is None else ' (after restart; old daemon: ' + stopped2 + ')'}; {check2}", flush=True)
        ok &= seen2["alive"] and bool(seen2["status_answers"]) and bool(seen2["said_log"] or seen2["said_journald"]) and resumed2 and check2["ok"]
        figures["start on full disk"] = (f"alive {seen2['alive']} (exit {seen2['exit']}), /status {'answers' if seen2['status_answers'] else 'no answer'}, "
                                         f"CPU {seen2['cpu'] if seen2['cpu'] is None else round(seen2['cpu'], 1)} s in {args.observe} s, "
                                         f"said {'something' if seen2['said_log'] or seen2['said_journald'] else 'nothing'}; "
                                         + ("resumed by itself" if resumed2 else f"did not resume ({stopped2}), restarted")
                                         + (f", caught up {seconds2:.1f} s after {'freeing' if resumed2 else 'restart'}" if seconds2 is not None else ", never caught up")
                                         + f"; {len(check2['diffs'])} differences, windows {check2['windows']}/{check2['replay_windows']}")
        figures["disk lines"] = run.written
        final = run.daemon.stop(30)
        if final != 0:
            figures["disk final stop"] = f"exit {final}"
            ok = False
    finally:
        if run.daemon is not None and run.daemon.process.poll() is None:
            run.daemon.kill9()
        if subprocess.run(["mountpoint", "-q", run.state]).returncode == 0 and subprocess.run(["umount", run.state]).returncode != 0:
            subprocess.run(["umount", "-l", run.state])
    return figures, ok


# MARK: Part 2, memory

def held_line(n, rng):
    return (f'{{"id":"h-{n:09d}","ts":"2026-11-22T{(n // 3600) % 24:02d}:{(n // 60) % 60:02d}:{n % 60:02d}.{n % 1000:03d}Z",'
            f'"model":"held","version":"v1","features":{{"amount":{rng.uniform(1, 500):.2f},"age":{rng.randint(18, 90)},'
            f'"country":"{rng.choice(("DE", "FR", "US", "GB", "JP", "BR"))}","channel":"{rng.choice(("web", "app", "store"))}"}},'
            f'"prediction":{rng.uniform(0, 100):.3f},"score":{rng.random():.4f}}}\n')


def held_part(args, folder):
    binary, n = args.binary, args.held
    rules, state, log = os.path.join(folder, "held-rules"), os.path.join(folder, "held-state"), os.path.join(folder, "held-daemon.log")
    predictions, labels = os.path.join(folder, "held-predictions.jsonl"), os.path.join(folder, "held-labels.jsonl")
    rng = random.Random(8)
    with open(predictions, "w") as f:
        for i in range(n):
            f.write(held_line(i, rng))
    size = os.path.getsize(predictions)
    open(labels, "w").close()
    window = max(1000, n // 100)
    rule = {"monitor": "held", "task": "regression",
            "predictions": {"path": predictions}, "labels": {"path": labels, "max_delay": "24h"},
            "reference": {"first": window}, "window": {"size": window},
            "features": {"amount": {"type": "numerical", "drift": [{"method": "psi", "threshold": 0.2}]},
                         "age": {"type": "numerical", "drift": [{"method": "ks", "p_value": 0.01}]},
                         "country": {"type": "categorical", "drift": [{"method": "chi2", "p_value": 0.01}]},
                         "channel": {"type": "categorical", "drift": [{"method": "psi", "threshold": 0.2}]}},
            "prediction_drift": [{"method": "psi", "threshold": 0.2}],
            "performance": [{"metric": "rmse"}, {"metric": "mae"}],
            "alerts": {"journald": False}}
    rule_path = harness.write_rule(rules, rule)
    daemon = harness.Daemon(binary, rules, state, log)
    figures, ok = {}, True
    try:
        if not daemon.wait_ready(120):
            raise RuntimeError(f"the daemon did not start: {daemon.log_text()[-2000:]}")
        rss_base = daemon.rss_kib("VmRSS")
        started = time.monotonic()

        def read_all():
            s = daemon.status()
            files = [] if s is None else [f for f in s["monitors"][0]["files"] if f["stream"] == "predictions"]
            return bool(files) and files[0]["offset"] == size and s["monitors"][0]["records"] == 0
        harness.wait(read_all, 1800, 0.5)
        held = harness.wait(lambda: harness.query(state, "SELECT COUNT(*) FROM held WHERE monitor = 'held'")[0][0] == n, 60, 0.5)
        held_count = harness.query(state, "SELECT COUNT(*) FROM held WHERE monitor = 'held'")[0][0]
        records = daemon.status()["monitors"][0]["records"]
        time.sleep(2)  # a few idle rounds
        rss_held, hwm_held = daemon.rss_kib("VmRSS"), daemon.rss_kib("VmHWM")
        read_seconds = time.monotonic() - started
        print(f"held: {held_count} held after {read_seconds:.1f} s ({size / 1e6:.0f} MB of predictions), records {records}, "
              f"VmRSS {rss_held / 1024:.0f} MiB, VmHWM {hwm_held / 1024:.0f} MiB", flush=True)
        ok &= bool(held) and held_count == n and records == 0
        # Labels for all: every prediction released.
        with open(labels + ".tmp", "w") as f:
            for i in range(n):
                f.write(f'{{"id":"h-{i:09d}","label":{(i * 7919) % 10000 / 100:.2f}}}\n')
        with open(labels, "a") as out, open(labels + ".tmp") as f:
            out.write(f.read())
        os.remove(labels + ".tmp")
        started = time.monotonic()
        released = harness.wait(lambda: (daemon.status() or {"monitors": [{"records": -1}]})["monitors"][0]["records"] == n, 1800, 0.5)
        release_seconds = time.monotonic() - started
        held_after = harness.query(state, "SELECT COUNT(*) FROM held WHERE monitor = 'held'")[0][0]
        time.sleep(2)
        rss_after, hwm_after = daemon.rss_kib("VmRSS"), daemon.rss_kib("VmHWM")
        status = daemon.status()["monitors"][0]
        print(f"held: released in {release_seconds:.1f} s: records {status['records']}, labels {status['labels']}, held {held_after}, "
              f"VmRSS {rss_after / 1024:.0f} MiB, VmHWM {hwm_after / 1024:.0f} MiB", flush=True)
        ok &= bool(released) and held_after == 0 and status["labels"] == n
        code = daemon.stop(120)
        ok &= code == 0
        stored = harness.stored_report(binary, state, "held")
        replayed = harness.replay_report(binary, rule_path)
        diffs = ["no stored report"] if stored is None else harness.differences(replayed, stored)
        if diffs:
            print("held: differences: " + "; ".join(diffs), flush=True)
        labeled = sum(w.get("performance", {}).get("labeled", 0) for w in (stored or {}).get("windows", []))
        ok &= not diffs and hwm_after / 1024 < HELD_BOUND_MIB
        figures["held predictions"] = f"{held_count} ({size / held_count:.0f} bytes each)"
        figures["RSS held"] = (f"{rss_held / 1024:.0f} MiB ({(rss_held - rss_base) * 1024 / max(1, held_count):.0f} bytes per held prediction "
                               f"over the {rss_base / 1024:.0f} MiB at start), peak {hwm_held / 1024:.0f} MiB")
        figures["after labels"] = (f"{held_after} held, {status['records']} records, {labeled} labeled in {len((stored or {}).get('windows', []))} windows, "
                                   f"RSS {rss_after / 1024:.0f} MiB, peak {hwm_after / 1024:.0f} MiB (bound {HELD_BOUND_MIB} MiB), "
                                   f"{len(diffs)} differences, stop exit {code}")
    finally:
        if daemon.process.poll() is None:
            daemon.kill9()
    return figures, ok


def monitors_part(args, folder):
    sample = "".join(taxi_lines())
    predictions = os.path.join(folder, "taxi-predictions.jsonl")
    with open(predictions, "w") as f:
        for _ in range(args.copies):
            f.write(sample)
    total = sample.count("\n") * args.copies
    rules, state, log = os.path.join(folder, "taxi-rules"), os.path.join(folder, "taxi-state"), os.path.join(folder, "taxi-daemon.log")
    for i in range(args.monitors):
        harness.write_rule(rules, taxi_rule(f"taxi-{i}", predictions))
    daemon = harness.Daemon(args.binary, rules, state, log)
    try:
        started = time.monotonic()
        done = harness.wait(lambda: (lambda s: s is not None and len(s["monitors"]) == args.monitors
                                     and all(m["records"] + m["malformed_lines"] == total for m in s["monitors"]))(daemon.status()), 1800, 0.2)
        seconds = time.monotonic() - started
        hwm, rss = daemon.rss_kib("VmHWM"), daemon.rss_kib("VmRSS")
        code = daemon.stop(120)
    finally:
        if daemon.process.poll() is None:
            daemon.kill9()
    print(f"monitors: {args.monitors} x {total} lines in {seconds:.1f} s, VmHWM {hwm / 1024:.0f} MiB, VmRSS {rss / 1024:.0f} MiB", flush=True)
    ok = bool(done) and hwm / 1024 < MONITORS_BOUND_MIB and code == 0
    return {"monitors": f"{args.monitors} x {total} lines, peak RSS {hwm / 1024:.0f} MiB (bound {MONITORS_BOUND_MIB} MiB)"
                        + ("" if done else ", NOT all read")}, ok


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--held", type=int, default=1_000_000)
    parser.add_argument("--monitors", type=int, default=20)
    parser.add_argument("--copies", type=int, default=5)
    parser.add_argument("--disk-mib", type=int, default=4)
    parser.add_argument("--observe", type=float, default=20)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--parts", default="disk,held,monitors")
    args = parser.parse_args()
    if args.quick:
        args.held, args.monitors, args.copies, args.observe = 100_000, 5, 2, 10
    args.binary = os.path.abspath(args.binary)
    folder = harness.workdir("resources")
    figures, ok = {}, True
    try:
        for part, run in (("disk", disk_part), ("held", held_part), ("monitors", monitors_part)):
            if part in args.parts.split(","):
                try:
                    part_figures, part_ok = run(args, folder)
                except Exception as error:  # a part that cannot finish is a failed part; the others still run
                    print(f"{part}: {type(error).__name__}: {error}", flush=True)
                    part_figures, part_ok = {part: f"error: {error}"[:300]}, False
                figures.update(part_figures)
                ok &= part_ok
    finally:
        harness.cleanup(folder)
    harness.result_line("resources", figures, ok)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
