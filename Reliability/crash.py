"""Crash safety: `kill -9` of the daemon at random moments, with a writer appending all along, loses
no record, duplicates no window result, loses no alert, and never runs more than `max_attempts`
retrain commands in an episode (RELIABILITY.md, "Crash safety").

Usage: python3 Reliability/crash.py DRIFTD_BINARY [--kills 200] [--quick] [--seed 8] [--rate 40]

A writer thread appends to a prediction log and a label log all along (before, during and after the
kills), in chunks of random size, each prediction's label a moment after it; it splits a chunk in
two writes, sometimes mid-line, and now and then rotates the prediction log by rename
(`predictions.jsonl` -> `predictions.jsonl.N`, as logrotate's `create` with `dateext`; the rules'
glob `predictions.jsonl*` matches the rotated files). The data changes regime every few hundred
records: some regimes shift the features (data drift), some make the model's error larger
(performance_degraded, concept drift, and so retrain episodes). Every line written also goes, in
the same order, to one file per stream in another folder: `replay` reads those.

Three monitors over those streams: `hooked` (labels; data drift, prediction drift, rmse/mae bounds,
ADWIN and Page-Hinkley; a generic webhook with send_resolved to a Python receiver on loopback that
records every request's Idempotency-Key and is slow at times, 0.5 to 3 s); `retrained` (labels;
rmse bound; a retrain loop running Reliability/crash_trainer.py, max_attempts 3, cooldown 3 s,
registry in the temp folder; a webhook too, so retrain alerts are delivered); `unlabeled` (no
labels, so windows are evaluated as soon as read, without the label hold).

Then, KILLS times: start the daemon, aim at a phase and kill it with SIGKILL there:
`startup` (before /status answers: the engines are being rebuilt from the stored input),
`catch-up` (a burst of 1,000 to 3,000 records was appended while the daemon was down; killed
before it has read them all), `evaluation` (just after the writer completed a window),
`webhook` (while the slow receiver holds a request), `retrain` (while a trainer the daemon
started runs), or at a random moment. Where each kill really landed is measured, not assumed:
from the state database right after the kill (records read < the backlog at start; a window
complete in the lines written but not stored; outbox rows pending), the receiver (requests being
served), /status (answering or not) and the trainers' invocation log (a trainer of this daemon
alive). A kill can land in several phases. Retrain commands are left running as a crash leaves
them (their own process group): the daemon does not end them on restart, it settles the attempt as
interrupted, removes its workdir and runs the next attempt; the orphans finish on their own (the
figures count them and whether they found their workdir gone).

After the last kill: the writer stops, the daemon starts once more and runs until every record is
read, the outbox is drained and no episode runs, then SIGTERM (exit 0). Checks:
1. records: for each monitor, `driftd report` equals `replay` on the concatenated copy (every line
   once, in the order written); counts.records and counts.labels equal the lines written.
2. windows: window_result rows are exactly indices 0..n-1, n the number of replay's windows.
3. alerts: the alert table holds every alert of replay's report exactly once (daemon-only kinds,
   retrain_* and the like, are left out of the comparison and counted); no retrain alert twice.
4. webhook: every outbox row delivered; every notification id received at least once (received
   more than once is at-least-once and counted); no notification queued twice; no key received
   that is not in the outbox; each key's bodies identical; every alert of a monitor with a webhook
   has its firing outbox row.
5. retrain: from the invocation log, attempts per episode <= 3, each attempt number run once,
   1..k in order; the invocations agree with the retrain_episode rows (an attempt invoked was
   begun; a finished episode began every attempt up to its last); registry versions == promotions;
   the retrain alerts stored match the episodes (one started, one per failed attempt, one
   exhausted or promoted).
Figures besides: how long an attempt stays begun before its command starts (a kill in between
costs an attempt that ran nothing) and what interrupted attempts leave in REGISTRY/work.
"""
import argparse, collections, datetime, http.server, json, os, random, subprocess, sys, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("binary")
parser.add_argument("--kills", type=int, default=200)
parser.add_argument("--quick", action="store_true", help="20 kills")
parser.add_argument("--seed", type=int, default=8)
parser.add_argument("--rate", type=float, default=40, help="predictions written per second (average, between bursts)")
args = parser.parse_args()
if args.quick:
    args.kills = 20
rng = random.Random(args.seed)
HERE = os.path.dirname(os.path.abspath(__file__))
TARGETS = ("startup", "catch-up", "evaluation", "webhook", "retrain", "random")
PHASES = ("startup", "catch-up", "window pending", "webhook in flight", "outbox pending", "retrain running", "none of these")
DAEMON_ONLY = {"retrain_started", "retrain_attempt_failed", "retrain_exhausted", "model_promoted", "stream_stalled", "ingest_errors"}
# monitor -> (reference records, window size, has labels)
MONITORS = {"hooked": (400, 200, True), "retrained": (400, 250, True), "unlabeled": (300, 150, False)}
HOOKED = ("hooked", "retrained")  # monitors with a webhook


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# -- the streams

CATEGORIES = ("a", "b", "c", "d")
EFFECT = {"a": 0.0, "b": 1.0, "c": -1.0, "d": 2.0}


class Writer(threading.Thread):
    """Appends predictions, then their labels, in random chunks; rotates the prediction log by rename.
    Every line also goes to the replay copy, in the same order."""

    def __init__(self, streams, copy, seed, rate):
        super().__init__(daemon=True)
        self.streams, self.copy, self.rate = streams, copy, rate
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.predictions = 0  # prediction lines complete in the files
        self.labels = 0  # label lines complete (labels[i] is the label of prediction i)
        self.rotations = 0
        self.window_completed_at = 0.0  # monotonic time of the last chunk that completed a window
        self.burst_request = 0
        self.burst_done = threading.Event()
        self.regime, self.regime_left = "normal", 0
        self.regimes = collections.Counter()
        self.error = None

    def snapshot(self):
        with self.lock:
            return self.predictions, self.labels

    def records(self, first, n):
        predictions, labels = [], []
        for i in range(first, first + n):
            if self.regime_left == 0:
                self.regime = self.rng.choices(("normal", "drift", "degraded", "both"), weights=(5, 2, 2, 1))[0]
                self.regime_left = self.rng.randint(300, 1200)
                self.regimes[self.regime] += 1
            self.regime_left -= 1
            drift = self.regime in ("drift", "both")
            degraded = self.regime in ("degraded", "both")
            x1 = self.rng.gauss(1.5 if drift else 0.0, 1.0)
            x2 = self.rng.choices(CATEGORIES, weights=(1, 1, 3, 3) if drift else (4, 3, 2, 1))[0]
            x3 = self.rng.uniform(0, 4 if drift else 2)
            truth = 2 * x1 + x3 + EFFECT[x2]
            prediction = truth + self.rng.gauss(0, 0.4)
            label = truth + (self.rng.gauss(2.5, 1.0) if degraded else self.rng.gauss(0, 0.3))
            ts = 1_780_000_000 + i * 0.1
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + f".{int(round(ts * 1000)) % 1000:03d}Z"
            predictions.append(json.dumps({"id": f"p-{i}", "ts": stamp, "features": {"x1": round(x1, 5), "x2": x2, "x3": round(x3, 5)},
                                           "prediction": round(prediction, 5)}, separators=(",", ":")) + "\n")
            labels.append(json.dumps({"id": f"p-{i}", "label": round(label, 5)}, separators=(",", ":")) + "\n")
        return predictions, labels

    def append(self, name, text, split):
        """Appends to the live file (in two writes, the first ending at `split`) and to the replay copy."""
        with open(os.path.join(self.streams, name), "a") as f:
            if 0 < split < len(text):
                f.write(text[:split])
                f.flush()
                time.sleep(self.rng.uniform(0, 0.02))
            f.write(text[split:] if 0 < split < len(text) else text)
        with open(os.path.join(self.copy, name), "a") as f:
            f.write(text)

    def chunk(self, n, fast=False):
        first = self.predictions
        predictions, labels = self.records(first, n)
        text = "".join(predictions)
        self.append("predictions.jsonl", text, self.rng.randrange(len(text)))
        with self.lock:
            self.predictions += n
        if not fast:
            time.sleep(self.rng.uniform(0, 0.1))  # the labels come a moment later
        text = "".join(labels)
        self.append("labels.jsonl", text, self.rng.randrange(len(text)))
        with self.lock:
            self.labels += n
            if any(n_windows(m, self.labels) > n_windows(m, self.labels - n) for m in MONITORS):
                self.window_completed_at = time.monotonic()
        if self.rng.random() < 0.03:
            self.rotations += 1
            os.rename(os.path.join(self.streams, "predictions.jsonl"), os.path.join(self.streams, f"predictions.jsonl.{self.rotations:04d}"))

    def burst(self, n):
        """Appends n records at once (the daemon being down: a backlog for it to catch up)."""
        self.burst_done.clear()
        with self.lock:
            self.burst_request = n
        self.burst_done.wait()

    def run(self):
        try:
            while not self.stopping.is_set():
                with self.lock:
                    burst, self.burst_request = self.burst_request, 0
                if burst:
                    while burst > 0:
                        self.chunk(min(burst, 500), fast=True)
                        burst -= 500
                    self.burst_done.set()
                    continue
                interval = self.rng.uniform(0.05, 0.4)
                n = max(1, int(self.rng.uniform(0, 2) * self.rate * interval))
                self.chunk(n)
                self.stopping.wait(interval)
        except Exception as error:  # noqa: BLE001 (reported by the main thread)
            self.error = repr(error)
            self.burst_done.set()


def n_windows(monitor, records):
    reference, size, _ = MONITORS[monitor]
    return max(0, (records - reference) // size)


# -- the webhook receiver


class Receiver:
    """ThreadingHTTPServer on loopback: records each request's Idempotency-Key and body; slow at times."""

    def __init__(self, seed):
        self.lock = threading.Lock()
        self.requests = []  # (monotonic time, path, key, body)
        self.in_flight = 0
        self.slow = False
        self.rng = random.Random(seed)
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                try:
                    body = self.read_body()
                except (OSError, ValueError):
                    return  # the daemon was killed while sending: not received
                with receiver.lock:
                    receiver.in_flight += 1
                    receiver.requests.append((time.monotonic(), self.path, self.headers.get("Idempotency-Key"), body))
                    delay = receiver.rng.uniform(0.5, 3.0) if receiver.slow else 0.0
                try:
                    time.sleep(delay)
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"{}")
                except OSError:
                    pass  # the daemon was killed meanwhile
                finally:
                    with receiver.lock:
                        receiver.in_flight -= 1

            def read_body(self):
                if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
                    return self.rfile.read(int(self.headers.get("Content-Length", "0")))
                body = b""
                while True:
                    size = int(self.rfile.readline().split(b";")[0], 16)
                    body += self.rfile.read(size)
                    self.rfile.readline()
                    if size == 0:
                        return body

            def log_message(self, *_):
                pass

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                if not isinstance(sys.exc_info()[1], OSError):  # a connection reset by a killed daemon is expected
                    super().handle_error(request, client_address)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


# -- the rules


def rules_for(streams, folder, receiver_port, invocations):
    features = {"x1": {"type": "numerical", "drift": [{"method": "psi"}, {"method": "ks"}]},
                "x2": {"type": "categorical", "drift": [{"method": "psi"}, {"method": "chi2"}]},
                "x3": {"type": "numerical", "drift": [{"method": "wasserstein", "threshold": 0.3}]}}
    common = {"task": "regression", "predictions": {"path": os.path.join(streams, "predictions.jsonl*")}}
    labels = {"path": os.path.join(streams, "labels.jsonl"), "max_delay": "10m"}
    hooked = dict(common, monitor="hooked", labels=labels, reference={"first": MONITORS["hooked"][0]},
                  window={"size": MONITORS["hooked"][1]}, features=features, prediction_drift=[{"method": "psi"}],
                  performance=[{"metric": "rmse", "max": 1.5}, {"metric": "mae"}],
                  concept_drift=[{"detector": "adwin"}, {"detector": "page_hinkley", "threshold": 20}],
                  alerts={"journald": False, "webhooks": [{"url": f"http://127.0.0.1:{receiver_port}/hooked", "format": "generic",
                                                           "send_resolved": True, "timeout": "10s"}]})
    retrained = dict(common, monitor="retrained", labels=labels, reference={"first": MONITORS["retrained"][0]},
                     window={"size": MONITORS["retrained"][1]}, features={"x1": features["x1"]},
                     performance=[{"metric": "rmse", "max": 1.5}],
                     retrain={"command": [sys.executable, os.path.join(HERE, "crash_trainer.py"), invocations, str(args.seed)],
                              "metric": "rmse", "max_attempts": 3, "timeout": "60s", "cooldown": "3s", "data_records": 500,
                              "registry": os.path.join(folder, "registry", "retrained"), "after_promotion": "keep"},
                     alerts={"journald": False, "webhooks": [{"url": f"http://127.0.0.1:{receiver_port}/retrained", "format": "generic",
                                                              "send_resolved": True, "timeout": "10s"}]})
    unlabeled = dict(common, monitor="unlabeled", reference={"first": MONITORS["unlabeled"][0]}, window={"size": MONITORS["unlabeled"][1]},
                     features={"x1": {"type": "numerical", "drift": [{"method": "ks"}]},
                               "x2": {"type": "categorical", "drift": [{"method": "chi2"}]}},
                     alerts={"journald": False})
    return [hooked, retrained, unlabeled]


# -- observations


def read_counts(state):
    """Per monitor: prediction records read (fed or held), windows stored; and outbox rows pending."""
    with harness.database(state) as db:
        read = collections.Counter(dict(db.execute(
            "SELECT monitor, count(*) FROM engine_input WHERE stream = 'predictions' GROUP BY monitor").fetchall()))
        read.update(dict(db.execute("SELECT monitor, count(*) FROM held WHERE stream = 'predictions' GROUP BY monitor").fetchall()))
        windows = collections.Counter(dict(db.execute("SELECT monitor, count(*) FROM window_result GROUP BY monitor").fetchall()))
        pending = db.execute("SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()[0]
    return read, windows, pending


def invocations(path):
    try:
        with open(path) as f:
            return [json.loads(line) for line in f if line.endswith("\n")]
    except FileNotFoundError:
        return []


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def running_trainers(path, parent=None):
    """Trainers started (by `parent`, if given) that have not ended and are alive."""
    entries = invocations(path)
    ended = {e["pid"] for e in entries if e["event"] == "end"}
    return [e for e in entries if e["event"] == "start" and e["pid"] not in ended and (parent is None or e["ppid"] == parent)
            and alive(e["pid"])]


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


# -- the run


def main():
    folder = harness.workdir("crash")
    streams, copy, rules, state = (os.path.join(folder, name) for name in ("streams", "copy", "rules", "state"))
    for path in (streams, copy, rules, state):
        os.makedirs(path)
    invocation_log = os.path.join(folder, "invocations.jsonl")
    log_path = os.path.join(folder, "daemon.log")
    receiver = Receiver(args.seed + 1)
    for rule in rules_for(streams, folder, receiver.port, invocation_log):
        harness.write_rule(rules, rule)
    writer = Writer(streams, copy, args.seed + 2, args.rate)
    figures = {"kills": args.kills}
    failures = []
    ok = True

    def fail(message):
        nonlocal ok
        ok = False
        failures.append(message)
        log(f"FAIL: {message}")

    started = time.monotonic()
    writer.start()
    daemon = None
    phase_counts = collections.Counter()
    target_counts = collections.Counter()
    hits = collections.Counter()  # kills aimed at a phase that landed in it
    target_phase = {"startup": "startup", "catch-up": "catch-up", "evaluation": "window pending", "webhook": "webhook in flight",
                    "retrain": "retrain running", "random": None}
    orphaned = set()  # trainer pids alive when their daemon was killed
    catch_up_estimate = 1.0  # seconds after the start to aim a catch-up kill within (adapted as we go)
    ready_times = [0.5]  # seconds from spawn to /status answering, measured
    starts = 0
    try:
        # Let the streams get going: the reference and a few windows.
        writer.burst(1000)
        log(f"{args.kills} kills; folder {folder}")
        for i in range(args.kills):
            if writer.error:
                fail(f"writer: {writer.error}")
                break
            target = rng.choice(TARGETS)
            target_counts[target] += 1
            if target == "catch-up":
                writer.burst(rng.randint(1000, 3000))
            time.sleep(rng.uniform(0, 0.5))  # down a moment, the writer going on
            receiver.slow = target == "webhook" or rng.random() < 0.25
            backlog_mark = writer.snapshot()[0]
            try:
                read_before = read_counts(state)[0] if starts else collections.Counter()
            except Exception:  # noqa: BLE001 (no database yet)
                read_before = collections.Counter()
            backlog = backlog_mark - min((read_before[m] for m in MONITORS), default=0)
            daemon = harness.Daemon(args.binary, rules, state, log_path)
            starts += 1
            spawned = time.monotonic()
            if target == "startup":
                time.sleep(rng.uniform(0, 1.2 * sorted(ready_times)[len(ready_times) // 2]))
            else:
                if not daemon.wait_ready(120):
                    fail(f"kill {i + 1}: the daemon did not start (exit {daemon.process.poll()}):\n{daemon.log_text()[-2000:]}")
                    break
                ready_times.append(time.monotonic() - spawned)
                if target == "catch-up":
                    time.sleep(max(0.0, rng.uniform(0, catch_up_estimate) - (time.monotonic() - spawned)))
                elif target == "evaluation":
                    ready_at = time.monotonic()
                    harness.wait(lambda: writer.window_completed_at > ready_at, 15, 0.005)
                    time.sleep(rng.uniform(0, 0.05))
                elif target == "webhook":
                    harness.wait(lambda: receiver.in_flight > 0, 10, 0.02)
                    time.sleep(rng.uniform(0, 0.8))
                elif target == "retrain":
                    harness.wait(lambda: running_trainers(invocation_log, daemon.pid), 10, 0.05)
                    time.sleep(rng.uniform(0, 1.5))
                else:
                    time.sleep(rng.uniform(0, 4))
            # What was going on at the kill.
            answering = daemon.status() is not None if target == "startup" else True
            in_flight = receiver.in_flight
            trainers = running_trainers(invocation_log, daemon.pid)
            written = writer.snapshot()
            daemon.kill9()
            orphaned.update(t["pid"] for t in alive_only(trainers))
            read, windows, pending = read_counts(state)
            landed = set()
            if not answering:
                landed.add("startup")
            if backlog >= 500 and min(read[m] for m in MONITORS) < backlog_mark:
                landed.add("catch-up")
            if target == "catch-up":
                catch_up_estimate *= 1.15 if "catch-up" in landed else 0.85
                catch_up_estimate = min(10.0, max(0.1, catch_up_estimate))
            if any(n_windows(m, written[1] if MONITORS[m][2] else written[0]) > windows[m] for m in MONITORS):
                landed.add("window pending")
            if in_flight:
                landed.add("webhook in flight")
            if pending:
                landed.add("outbox pending")
            if trainers:
                landed.add("retrain running")
            if not landed:
                landed.add("none of these")
            phase_counts.update(landed)
            hits[target] += target_phase[target] in landed
            if (i + 1) % max(1, args.kills // 10) == 0:
                log(f"{i + 1} kills; {writer.snapshot()[0]} records written, {writer.rotations} rotations; phases so far "
                    + ", ".join(f"{p} {phase_counts[p]}" for p in PHASES))
        # -- the end: stop the writer, restart once, run until everything is settled, SIGTERM.
        writer.stopping.set()
        writer.join()
        if writer.error:
            fail(f"writer: {writer.error}")
        receiver.slow = False
        total, total_labels = writer.snapshot()
        log(f"writer stopped: {total} records, {writer.rotations} rotations; last start")
        daemon = harness.Daemon(args.binary, rules, state, log_path)
        if not daemon.wait_ready(180):
            fail(f"the daemon did not start after the kills:\n{daemon.log_text()[-2000:]}")
            raise SystemExit
        last = [0.0]

        def settled():
            read, windows, pending = read_counts(state)
            running = harness.query(state, "SELECT count(*) FROM retrain_episode WHERE state = 'running'")[0][0]
            queued = harness.query(state, "SELECT count(*) FROM retrain_trigger WHERE state = 'pending'")[0][0]
            fed = dict(harness.query(state, "SELECT monitor, count(*) FROM engine_input WHERE stream = 'predictions' GROUP BY monitor"))
            if time.monotonic() - last[0] > 30:
                last[0] = time.monotonic()
                log(f"settling: read {dict(read)}, fed {fed}, outbox pending {pending}, episodes running {running}, triggers queued {queued}")
            return (all(fed.get(m, 0) == total for m in MONITORS) and pending == 0 and running == 0 and queued == 0
                    and not running_trainers(invocation_log))
        if not harness.wait(settled, 600, 0.5):
            fail("not settled 10 minutes after the last start: " + repr(read_counts(state)))
        time.sleep(1)  # answers in flight
        code = daemon.stop()
        if code != 0:
            fail(f"SIGTERM: exit status {code}")
        figures["wall time"] = f"{(time.monotonic() - started) / 60:.1f} min"
        check(folder, copy, rules, state, invocation_log, receiver, total, total_labels, orphaned, figures, fail)
        figures["kills per phase"] = "/".join(f"{p}:{phase_counts[p]}" for p in PHASES)
        figures["aimed (landed)"] = "/".join(f"{t}:{target_counts[t]}({hits[t]})" if target_phase[t] else f"{t}:{target_counts[t]}" for t in TARGETS)
        figures["rotations"] = writer.rotations
        figures["daemon starts"] = starts + 1
    except SystemExit:
        pass
    finally:
        writer.stopping.set()
        if daemon is not None and daemon.process.poll() is None:
            daemon.stop()
        for trainer in running_trainers(invocation_log):
            harness.wait(lambda: not alive(trainer["pid"]), 10)
        if not ok:
            log(f"daemon log tail:\n{open(log_path, errors='replace').read()[-3000:] if os.path.exists(log_path) else ''}")
    figures["failures"] = len(failures)
    harness.result_line("crash", figures, ok)
    if ok:
        harness.cleanup(folder)
    else:
        print(f"kept {folder}")
    return 0 if ok else 1


def alive_only(trainers):
    return [t for t in trainers if alive(t["pid"])]


def check(folder, copy, rules, state, invocation_log, receiver, total, total_labels, orphaned, figures, fail):
    binary = args.binary
    replay_rules = os.path.join(folder, "replay-rules")
    alerts_table = harness.query(state, "SELECT id, monitor, json FROM alert ORDER BY id")
    differences_found = 0
    windows_total = 0
    replay_alerts_total = 0
    for monitor in MONITORS:
        rule = json.load(open(os.path.join(rules, f"{monitor}.json")))
        rule["predictions"]["path"] = os.path.join(copy, "predictions.jsonl")
        if "labels" in rule:
            rule["labels"]["path"] = os.path.join(copy, "labels.jsonl")
        rule.pop("retrain", None)
        rule.pop("alerts", None)
        expected = harness.replay_report(binary, harness.write_rule(replay_rules, rule))
        stored = harness.stored_report(binary, state, monitor)
        if stored is None:
            fail(f"{monitor}: no stored report")
            continue
        # 1. records and results
        found = harness.differences(expected, stored, f"{monitor}")
        differences_found += len(found)
        for line in found[:5]:
            fail(f"{monitor}: stored report differs from replay: {line}")
        if stored["counts"]["records"] != total:
            fail(f"{monitor}: {stored['counts']['records']} records stored, {total} written")
        if MONITORS[monitor][2] and stored["counts"]["labels"] != total_labels:
            fail(f"{monitor}: {stored['counts']['labels']} labels stored, {total_labels} written")
        # 2. window results: indices 0..n-1, once each
        n = len(expected["windows"])
        windows_total += n
        indices = [r[0] for r in harness.query(state, "SELECT window_index FROM window_result WHERE monitor = ? ORDER BY window_index", monitor)]
        if indices != list(range(n)):
            fail(f"{monitor}: window_result rows {len(indices)} (indices {indices[:3]}...{indices[-3:]}), replay has {n} windows")
        # 3. alerts: replay's, each exactly once in the table
        wanted = collections.Counter(canonical(a) for a in expected["alerts"])
        replay_alerts_total += len(expected["alerts"])
        table = [json.loads(j) for _, m, j in alerts_table if m == monitor]
        have = collections.Counter(canonical(a) for a in table if a.get("kind") not in DAEMON_ONLY)
        if have != wanted:
            missing, extra = wanted - have, have - wanted
            fail(f"{monitor}: alerts differ from replay's: {sum(missing.values())} missing (e.g. {list(missing)[:1]}), "
                 f"{sum(extra.values())} extra or duplicated (e.g. {list(extra)[:1]})")
        events = collections.Counter(canonical(a) for a in table if a.get("kind") in DAEMON_ONLY)
        twice = [e for e, k in events.items() if k > 1]
        if twice:
            fail(f"{monitor}: {len(twice)} daemon alerts stored twice, e.g. {twice[0][:200]}")
    figures["records written"] = total
    figures["windows"] = windows_total
    figures["alerts"] = f"{replay_alerts_total} (+{sum(1 for _, _, j in alerts_table if json.loads(j).get('kind') in DAEMON_ONLY)} retrain)"
    figures["differences"] = differences_found
    listed = subprocess.run([binary, "alerts", "--state", state, "--json"], capture_output=True, text=True)
    listed = [json.loads(line) for line in listed.stdout.splitlines()] if listed.returncode == 0 else None
    if listed is None or len(listed) != len(alerts_table):
        fail(f"driftd alerts --json lists {None if listed is None else len(listed)} alerts, the table holds {len(alerts_table)}")
    elif any(d.get("state") != "delivered" for a in listed for d in a.get("deliveries", [])):
        fail("driftd alerts --json lists deliveries not delivered")
    # 4. webhook deliveries
    outbox = harness.query(state, "SELECT notification_id, state, attempts, monitor, alert_id, status, url FROM outbox")
    not_delivered = [r for r in outbox if r[1] != "delivered"]
    if not_delivered:
        fail(f"{len(not_delivered)} outbox rows not delivered, e.g. {not_delivered[0]}")
    queued = collections.Counter((r[0], r[6]) for r in outbox)
    if any(k > 1 for k in queued.values()):
        fail(f"{sum(1 for k in queued.values() if k > 1)} notifications queued twice")
    with receiver.lock:
        requests = list(receiver.requests)
    bodies = collections.defaultdict(list)
    for _, path, key, body in requests:
        bodies[(path.strip("/"), key)].append(body)
    ids = {(r[3], r[0]) for r in outbox}
    received = set(bodies)
    if ids - received:
        fail(f"{len(ids - received)} notifications never received, e.g. {sorted(ids - received)[:3]}")
    if received - ids:
        fail(f"{len(received - ids)} keys received that are not in the outbox, e.g. {sorted(received - ids)[:3]}")
    differing = [k for k, b in bodies.items() if len(set(b)) > 1]
    if differing:
        fail(f"{len(differing)} keys received with different bodies, e.g. {differing[0]}")
    firing = {r[4] for r in outbox if r[5] == "firing"}
    unqueued = [(i, m) for i, m, _ in alerts_table if m in HOOKED and i not in firing]
    if unqueued:
        fail(f"{len(unqueued)} alerts of monitors with a webhook have no firing outbox row, e.g. {unqueued[:3]}")
    figures["deliveries"] = len(outbox)
    figures["requests received"] = len(requests)
    figures["duplicate deliveries"] = f"{sum(1 for b in bodies.values() if len(b) > 1)} keys ({sum(len(b) - 1 for b in bodies.values())} extra requests)"
    # 5. retrain
    entries = invocations(invocation_log)
    starts = [e for e in entries if e["event"] == "start"]
    by_episode = collections.defaultdict(list)
    for e in starts:
        by_episode[(e["monitor"], e["episode"])].append(e["attempt"])
    for key, attempts in by_episode.items():
        # An attempt begun whose command the kill prevented is settled as interrupted: its number is skipped.
        if attempts != sorted(set(attempts)) or len(attempts) > 3 or not all(1 <= a <= 3 for a in attempts):
            fail(f"episode {key}: attempts run {attempts} (max_attempts 3, each once, in order)")
    episodes = {}
    for (data,) in harness.query(state, "SELECT data FROM retrain_episode ORDER BY id"):
        episode = json.loads(data)
        episodes[(episode["monitor"], episode["id"])] = episode
    for key, episode in episodes.items():
        run = by_episode.get(key, [])
        if episode["state"] == "running":
            fail(f"episode {key} still running at the end")
        if len(run) > episode["attemptsBegun"] or episode["attemptsBegun"] > episode["maxAttempts"]:
            fail(f"episode {key}: {len(run)} commands run, {episode['attemptsBegun']} attempts begun (max {episode['maxAttempts']})")
        if episode["state"] == "exhausted" and episode["attemptsFinished"] != episode["maxAttempts"]:
            fail(f"episode {key} exhausted after {episode['attemptsFinished']} attempts")
    for key in by_episode:
        if key not in episodes:
            fail(f"the trainer ran for episode {key}, which the daemon does not have")
    promoted = sum(1 for e in episodes.values() if e["state"] == "promoted")
    # Every step of every episode has its alert, once.
    kinds = collections.Counter(json.loads(j)["kind"] for _, m, j in alerts_table if m == "retrained")
    expected_kinds = {"retrain_started": len(episodes), "retrain_attempt_failed": sum(len(e["failures"]) for e in episodes.values()),
                      "retrain_exhausted": sum(1 for e in episodes.values() if e["state"] == "exhausted"), "model_promoted": promoted}
    for kind, n in expected_kinds.items():
        if kinds[kind] != n:
            fail(f"{kinds[kind]} {kind} alerts stored, {n} expected from the episodes")
    registry = os.path.join(folder, "registry", "retrained")
    versions = sorted(int(v) for v in os.listdir(os.path.join(registry, "versions"))) if os.path.isdir(os.path.join(registry, "versions")) else []
    if versions != list(range(1, promoted + 1)):
        fail(f"registry versions {versions}, {promoted} promotions")
    if versions and os.readlink(os.path.join(registry, "current")) != f"versions/{max(versions)}":
        fail(f"current -> {os.readlink(os.path.join(registry, 'current'))}, last version {max(versions)}")
    begun_not_run = sum(e["attemptsBegun"] - len(by_episode.get(k, [])) for k, e in episodes.items())
    ends = {e["pid"]: e for e in entries if e["event"] == "end"}
    orphans_late = sum(1 for pid in orphaned if pid in ends and not ends[pid]["workdir_existed"])
    interrupted = sum(1 for e in episodes.values() for reason in e.get("failures", []) if reason.startswith("interrupted"))
    figures["episodes"] = len(episodes)
    figures["attempts"] = len(starts)
    figures["max attempts in an episode"] = max((len(a) for a in by_episode.values()), default=0)
    figures["promotions"] = promoted
    figures["exhausted"] = sum(1 for e in episodes.values() if e["state"] == "exhausted")
    figures["attempts interrupted"] = interrupted
    figures["begun, command not started"] = begun_not_run
    figures["orphaned trainers"] = f"{len(orphaned)} ({orphans_late} found their workdir removed)"
    # How long an attempt stays begun before its command starts (a kill then costs an attempt that ran nothing).
    begun_at = {}
    audit_path = os.path.join(registry, "audit.jsonl")
    if os.path.exists(audit_path):
        for line in open(audit_path):
            entry = json.loads(line) if line.endswith("\n") else {}
            if entry.get("action") == "attempt_started":
                when = datetime.datetime.strptime(entry["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
                begun_at[(entry["monitor"], entry["episode"], entry["attempt"])] = when.timestamp()
    delays = sorted(e["time"] - begun_at[k] for e in starts if (k := (e["monitor"], e["episode"], e["attempt"])) in begun_at)
    if delays:
        figures["attempt begun -> command started"] = f"median {delays[len(delays) // 2]:.2f} s, max {delays[-1]:.2f} s"
    # What interrupted attempts leave behind in REGISTRY/work (the data file is removed after an attempt, not after a crash).
    work = os.path.join(registry, "work")
    left = sorted(os.listdir(work)) if os.path.isdir(work) else []
    figures["left in registry/work"] = (f"{sum(1 for n in left if n.endswith('.data.jsonl'))} data files, "
                                        f"{sum(1 for n in left if not n.endswith('.data.jsonl'))} workdirs")


if __name__ == "__main__":
    sys.exit(main())
