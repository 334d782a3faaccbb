"""Webhook receivers that misbehave: every alert is delivered once the receiver is back, none is
duplicated beyond its idempotency key (RELIABILITY.md, "Receivers").

Usage: python3 Reliability/receivers.py DRIFTD_BINARY [--down-minutes 3] [--phase-seconds 60]
                                         [--interval 1] [--quick]

A receiver we control is a raw socket server in a thread (so it can misbehave at the TCP level), on
one loopback port, switched by the script from one mode to the next:

- `down`: nothing listens (the port stays bound without `listen`, so connections are refused and no
  other process can take the port); open connections are shut.
- `500`, `429` (with `Retry-After: 2`): answers that error, keeping the connection alive.
- `stall`: reads the request and never answers (the rule's webhook `timeout` is 2 s).
- `close`: reads the request, then at random closes at once, resets (RST), sends half a status
  line, half the headers, or a 500 whose body is cut short; or sends a 200 whose body is cut short
  (the receiver took the request: it counts as accepted, the daemon may or may not know it).
- `late` (only in the mixed phase): takes the request and answers 200 after the daemon's timeout,
  so the daemon tries again: a duplicate, legitimately, under the same key.
- `ok`: answers 200 and records the `Idempotency-Key` and the body.

Two monitors without labels (window sizes 50 and 80) read their own stream; a writer appends one
window to each every INTERVAL seconds during the whole outage, three windows in four drifting, so
alerts fire (and resolve) all along, not in one burst. Each monitor posts to the receiver in the
`generic` format (`send_resolved`) and the `alertmanager` format (other path). The timeline: down for
DOWN minutes (the daemon is killed with -9 halfway), then a phase each of 500, 429, stall (the
daemon is restarted with SIGTERM halfway), close, and a mixed phase (random slots of every mode,
including a per-request random one), then `ok` until the outbox is drained (the backoff reaches
5 min, so this can take that long).

Checks: every outbox row is `delivered` (none dead, none pending); per format, the set of keys the
receiver accepted equals the set of the outbox's notification ids; every accepted body parses and
carries its key (`id`, or the alertmanager annotation `driftd_id`); a key's accepted bodies are all
the same bytes and no notification (monitor, window, kind, status) was accepted under two keys; the
alerts listed by `driftd alerts --json` are exactly the drifting windows written, each listing its
deliveries as delivered; the SIGTERM exits 0; no try of a key reaches the receiver before its
backoff (1 s doubling, equal jitter) or the 2 s of a 429's Retry-After; no retry is scheduled more
than 5 min ahead (the outbox, sampled every second).

Figures: alerts, notifications, deliveries, attempts, requests seen per receiver action, time from
`ok` to drained, most attempts of one delivery, duplicates by key (keys accepted more than once, the
extra requests, and how the first was accepted: `late` is expected, `ok` means answered at the
daemon's deadline), the longest retry delay the daemon scheduled, the longest gap between two tries
of one key that the receiver saw (refused tries, and tries the HTTP client gave up before sending,
fall in between, so it can exceed 5 min), dead letters, the SIGTERM's exit status and time.
"""
import argparse, collections, json, os, random, select, socket, subprocess, sys, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("binary")
parser.add_argument("--down-minutes", type=float, default=3)
parser.add_argument("--phase-seconds", type=float, default=60)
parser.add_argument("--interval", type=float, default=1.0, help="seconds between two appended windows")
parser.add_argument("--drain-deadline", type=float, default=420, help="seconds after `ok` to wait for the outbox to drain")
parser.add_argument("--seed", type=int, default=8)
parser.add_argument("--quick", action="store_true", help="20 s down, 10 s per phase")
args = parser.parse_args()
if args.quick:
    args.down_minutes, args.phase_seconds = 20 / 60, 10
rng = random.Random(args.seed)
TIMEOUT = 2  # the webhooks' `timeout` in the rules, seconds
MONITORS = {"hook-a": 50, "hook-b": 80}  # monitor -> window size
REFERENCE = 100


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Receiver:
    """The misbehaving webhook receiver: one loopback port, a mode switched by the script."""

    CLOSE_WAYS = ("fin", "rst", "half-status", "half-headers", "cut-500", "cut-200")
    MIXED = ("500", "429", "stall", "close", "late", "ok")

    def __init__(self):
        self.lock = threading.Lock()
        self.mode = "down"
        self.requests = []  # (time, mode, action, path, key, body, accepted)
        self.details = []  # per request: its connection's number and accept time, its number on it, when answered
        self.connections = set()
        self.connections_seen = []  # accept times
        self.listener = None
        self.placeholder = self._bound()
        self.port = self.placeholder.getsockname()[1]
        self.rng = random.Random(args.seed + 1)

    def _bound(self, port=0):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)  # the placeholder binds beside the listener
        s.bind(("127.0.0.1", port))
        return s

    def set_mode(self, mode):
        with self.lock:
            previous, self.mode = self.mode, mode
        if mode == "down" and previous != "down":
            self.placeholder = self._bound(self.port)  # bound, not listening: connections refused
            listener, self.listener = self.listener, None
            listener.close()  # the accept thread sees it closed
            with self.lock:
                connections = list(self.connections)
            for c in connections:
                try:
                    c.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        elif mode != "down" and previous == "down":
            self.placeholder.listen(128)
            self.listener, self.placeholder = self.placeholder, None
            threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener):
        while True:
            try:
                ready, _, _ = select.select([listener], [], [], 0.2)
            except (OSError, ValueError):
                return
            if listener.fileno() < 0:
                return
            if ready:
                try:
                    connection, _ = listener.accept()
                except OSError:
                    return
                with self.lock:
                    self.connections.add(connection)
                    number = len(self.connections_seen)
                    self.connections_seen.append(time.monotonic())
                threading.Thread(target=self._serve, args=(connection, number), daemon=True).start()

    @staticmethod
    def _fill(connection, buffer, enough):
        """Receives into `buffer` until `enough(buffer)`; None if the peer closes first."""
        while not enough(buffer):
            chunk = connection.recv(65536)
            if not chunk:
                return None
            buffer += chunk
        return buffer

    @staticmethod
    def _read_request(connection, buffer):
        """One HTTP request from the connection: (head lines, headers, body, rest of buffer) or None."""
        buffer = Receiver._fill(connection, buffer, lambda b: b"\r\n\r\n" in b)
        if buffer is None:
            return None
        head, buffer = buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                buffer = Receiver._fill(connection, buffer, lambda b: b"\r\n" in b)
                if buffer is None:
                    return None
                size_line, buffer = buffer.split(b"\r\n", 1)
                size = int(size_line.split(b";")[0], 16)
                buffer = Receiver._fill(connection, buffer, lambda b: len(b) >= size + 2)
                if buffer is None:
                    return None
                body, buffer = body + buffer[:size], buffer[size + 2:]
                if size == 0:
                    break
        else:
            length = int(headers.get("content-length", "0"))
            buffer = Receiver._fill(connection, buffer, lambda b: len(b) >= length)
            if buffer is None:
                return None
            body, buffer = buffer[:length], buffer[length:]
        return lines[0], headers, body, buffer

    @staticmethod
    def _answer(status, reason, extra=""):
        body = f'{{"status": {status}}}'
        return (f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n{extra}\r\n"
                + body).encode()

    def _serve(self, connection, number):
        buffer, nth = b"", 0
        try:
            while True:
                request = self._read_request(connection, buffer)
                if request is None:
                    return
                first, headers, body, buffer = request
                with self.lock:
                    mode = self.mode
                action = self.rng.choice(self.MIXED) if mode == "mixed" else mode
                if action == "down":  # a connection accepted just before the switch
                    return
                if action == "close":
                    action = "close-" + self.rng.choice(self.CLOSE_WAYS)
                accepted = action in ("ok", "late", "close-cut-200")
                nth += 1
                detail = {"connection": number, "connected": self.connections_seen[number], "nth": nth}
                with self.lock:
                    self.requests.append((time.monotonic(), mode, action, first.split(" ")[1], headers.get("idempotency-key"),
                                          body, accepted))
                    self.details.append(detail)
                if action == "ok":
                    connection.sendall(self._answer(200, "OK"))
                    detail["answered"] = time.monotonic()
                elif action == "500":
                    connection.sendall(self._answer(500, "Internal Server Error"))
                elif action == "429":
                    connection.sendall(self._answer(429, "Too Many Requests", "Retry-After: 2\r\n"))
                elif action == "late":
                    time.sleep(TIMEOUT + 1)
                    connection.sendall(self._answer(200, "OK"))
                    detail["answered"] = time.monotonic()
                elif action == "stall":
                    while connection.recv(65536):  # until the daemon gives up (or we go down)
                        pass
                    return
                else:
                    way = action[len("close-"):]
                    if way == "rst":
                        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    elif way == "half-status":
                        connection.sendall(b"HTTP/1.1 2")
                    elif way == "half-headers":
                        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/js")
                    elif way in ("cut-500", "cut-200"):
                        status = "200 OK" if way == "cut-200" else "500 Internal Server Error"
                        connection.sendall(f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n"
                                           '{"status": '.encode())
                    return
        except OSError:
            pass
        finally:
            with self.lock:
                self.connections.discard(connection)
            try:
                connection.close()
            except OSError:
                pass


class Writer(threading.Thread):
    """Appends one window to each monitor's stream every INTERVAL seconds until stopped."""

    def __init__(self, folder):
        super().__init__(daemon=True)
        self.folder = folder
        self.windows = {m: 0 for m in MONITORS}
        self.stopping = threading.Event()
        for monitor in MONITORS:
            with open(self.path(monitor), "w") as f:
                for i in range(REFERENCE):
                    f.write(json.dumps({"id": f"{monitor}-r{i}", "features": {"x": i % 10}}) + "\n")

    def path(self, monitor):
        return os.path.join(self.folder, f"{monitor}.jsonl")

    @staticmethod
    def drifts(window):
        return window % 4 != 3

    def run(self):
        while not self.stopping.wait(args.interval):
            for monitor, size in MONITORS.items():
                w = self.windows[monitor]
                shift = (20 if w % 2 == 0 else 40) if self.drifts(w) else 0
                lines = "".join(json.dumps({"id": f"{monitor}-w{w}-{i}", "features": {"x": shift + i % 10}}) + "\n"
                                for i in range(size))
                with open(self.path(monitor), "a") as f:
                    f.write(lines)
                self.windows[monitor] = w + 1


class Sampler(threading.Thread):
    """Polls the outbox for the furthest retry scheduled ahead of now: the daemon's own backoff, refused
    tries included (the receiver does not see those). The poll comes after the daemon's clock read, so
    what it sees is at most the delay the daemon chose."""

    def __init__(self, state):
        super().__init__(daemon=True)
        self.state, self.longest, self.stopping = state, 0.0, threading.Event()

    def run(self):
        while not self.stopping.wait(1):
            try:
                ahead = harness.query(self.state, "select max(next_attempt_at) from outbox where state = 'pending'")[0][0]
            except Exception:  # no database yet
                continue
            if ahead is not None:
                self.longest = max(self.longest, ahead - time.time())


def outbox_states(state):
    try:
        return dict(harness.query(state, "select state, count(*) from outbox group by state"))
    except Exception:  # the database not created yet
        return {}


def main():
    folder = harness.workdir("receivers")
    state, rules, log_path = (os.path.join(folder, name) for name in ("state", "rules", "daemon.log"))
    receiver = Receiver()
    base = f"http://127.0.0.1:{receiver.port}"
    writer = Writer(folder)
    for monitor, size in MONITORS.items():
        harness.write_rule(rules, {
            "monitor": monitor, "task": "regression", "predictions": {"path": writer.path(monitor)},
            "reference": {"first": REFERENCE}, "window": {"size": size},
            "features": {"x": {"type": "numerical", "drift": [{"method": "psi", "threshold": 0.2, "bins": 5}]}},
            "alerts": {"journald": False, "webhooks": [
                {"url": f"{base}/generic/{monitor}", "format": "generic", "timeout": f"{TIMEOUT}s", "send_resolved": True},
                {"url": f"{base}/api/v2/alerts", "format": "alertmanager", "timeout": f"{TIMEOUT}s"}]}})
    ok, failures, figures = True, [], {}

    def fail(message):
        nonlocal ok
        ok = False
        failures.append(message)
        log(f"FAIL: {message}")

    sampler = Sampler(state)
    daemon = harness.Daemon(args.binary, rules, state, log_path)
    try:
        if not daemon.wait_ready():
            fail(f"daemon did not start: {daemon.log_text()[-2000:]}")
            raise SystemExit
        writer.start()
        sampler.start()
        down = args.down_minutes * 60
        phases = [("down", down), ("500", args.phase_seconds), ("429", args.phase_seconds), ("stall", args.phase_seconds),
                  ("close", args.phase_seconds), ("mixed", args.phase_seconds)]
        sigterm = {}
        for mode, seconds in phases:
            log(f"receiver {mode} for {seconds:.0f} s; outbox {outbox_states(state)}")
            start = time.monotonic()
            if mode == "mixed":
                while time.monotonic() - start < seconds:
                    receiver.set_mode(rng.choice(("down", "500", "429", "stall", "close", "late", "mixed", "ok")))
                    time.sleep(min(rng.uniform(1, 3), max(0.0, seconds - (time.monotonic() - start))))
                continue
            receiver.set_mode(mode)
            time.sleep(seconds / 2)
            if mode == "down":
                log("kill -9 of the daemon, restart")
                daemon.kill9()
                daemon = harness.Daemon(args.binary, rules, state, log_path)
                if not daemon.wait_ready():
                    fail("daemon did not restart after kill -9")
            elif mode == "stall":
                log("SIGTERM to the daemon, restart")
                began = time.monotonic()
                sigterm["code"] = daemon.stop()
                sigterm["seconds"] = time.monotonic() - began
                sigterm["span"] = (began, time.monotonic())
                if sigterm["code"] != 0:
                    fail(f"SIGTERM exit status {sigterm['code']}")
                daemon = harness.Daemon(args.binary, rules, state, log_path)
                if not daemon.wait_ready():
                    fail("daemon did not restart after SIGTERM")
            time.sleep(max(0.0, seconds - (time.monotonic() - start)))
        writer.stopping.set()
        writer.join()
        receiver.set_mode("ok")
        ok_at = time.monotonic()
        windows = dict(writer.windows)
        firing = {m: sum(1 for w in range(n) if Writer.drifts(w)) for m, n in windows.items()}
        resolved = {m: sum(1 for w in range(1, n) if not Writer.drifts(w) and Writer.drifts(w - 1)) for m, n in windows.items()}
        expected_alerts = sum(firing.values())
        expected_notifications = expected_alerts + sum(resolved.values())
        log(f"receiver ok; {windows} windows written, {expected_alerts} alerts and {expected_notifications} notifications "
            f"expected per webhook format; outbox {outbox_states(state)}")
        stored = harness.wait(lambda: harness.query(state, "select count(*) from alert")[0][0] >= expected_alerts, 180, 0.5)
        if not stored:
            fail(f"only {harness.query(state, 'select count(*) from alert')[0][0]} of {expected_alerts} alerts stored")
        last = [0.0]

        def drained():
            states = outbox_states(state)
            if time.monotonic() - last[0] >= 30:
                last[0] = time.monotonic()
                log(f"draining: outbox {states}")
            return states.get("pending", 0) == 0 and sum(states.values()) >= 2 * expected_notifications
        if harness.wait(drained, args.drain_deadline, 0.2):
            figures_drain = time.monotonic() - ok_at
        else:
            figures_drain = None
            fail(f"outbox not drained {args.drain_deadline:.0f} s after ok: {outbox_states(state)}")
        time.sleep(1)  # late answers in flight
        # -- checks
        states = outbox_states(state)
        rows = harness.query(state, "select notification_id, status, format, state, attempts, monitor, last_error from outbox")
        dead = [r for r in rows if r[3] == "dead"]
        if states.get("delivered", 0) != len(rows) or len(rows) != 2 * expected_notifications:
            fail(f"outbox {states}, {len(rows)} rows, {2 * expected_notifications} expected")
        for r in dead[:3]:
            fail(f"dead letter {r[0]} ({r[2]}): {r[6]}")
        with receiver.lock:
            requests, details = list(receiver.requests), list(receiver.details)
        accepted = collections.defaultdict(list)  # (format, key) -> bodies
        accepted_by = collections.defaultdict(list)  # (format, key) -> the receiver's actions
        for _, _, action, path, key, body, is_accepted in requests:
            if is_accepted:
                fmt = "alertmanager" if path == "/api/v2/alerts" else "generic"
                accepted[(fmt, key)].append(body)
                accepted_by[(fmt, key)].append(action)
        for fmt in ("generic", "alertmanager"):
            keys = {k for f, k in accepted if f == fmt}
            ids = {r[0] for r in rows if r[2] == fmt}
            if keys != ids:
                fail(f"{fmt}: {len(ids - keys)} notifications never accepted (e.g. {sorted(ids - keys)[:3]}), "
                     f"{len(keys - ids)} accepted keys not in the outbox (e.g. {sorted(keys - ids)[:3]})")
        identity = collections.defaultdict(set)  # notification -> keys
        bad_bodies = 0
        for (fmt, key), bodies in accepted.items():
            if len(set(bodies)) != 1:
                fail(f"{fmt} key {key} accepted with {len(set(bodies))} different bodies")
            for body in set(bodies):
                try:
                    value = json.loads(body)
                    if fmt == "generic":
                        carried = value["id"]
                        who = (fmt, value["monitor"], value["window"], value["kind"], value["status"])
                    else:
                        carried = value[0]["annotations"]["driftd_id"]
                        who = (fmt, value[0]["labels"]["monitor"], value[0]["annotations"]["window"], value[0]["labels"]["alertname"],
                               "resolved" if value[0].get("endsAt") else "firing")
                except (ValueError, KeyError, IndexError, TypeError) as error:
                    bad_bodies += 1
                    if bad_bodies <= 3:
                        fail(f"{fmt} key {key}: body does not parse ({error!r}): {body[:200]!r}")
                    continue
                if carried != key:
                    fail(f"{fmt} key {key}: body carries id {carried}")
                identity[who].add(key)
        # Backoff as the receiver sees it: the daemon's attempt number of the i-th request of a key
        # that reached the receiver is at least i (refused attempts add to it), so the wait before the
        # next is at least min(5 min, 2^(i-1) s)/2 (equal jitter), and at least 2 s after a 429
        # (Retry-After). A SIGTERM may end an attempt before it is recorded: that attempt is made again
        # under the same number, so a gap across the restart is skipped and counted once.
        tries = collections.defaultdict(list)
        for t, _, action, path, key, _, _ in requests:
            tries[(path, key)].append((t, action))
        span = sigterm.get("span", (float("inf"), float("inf")))
        early, longest = [], 0.0
        for key, seen in tries.items():
            index = 1
            for (t0, action), (t1, _) in zip(seen, seen[1:]):
                gap = t1 - t0
                longest = max(longest, gap)
                if t0 <= span[1] and t1 >= span[0]:
                    continue
                floor = max(min(300, 2 ** (index - 1)) / 2, 2 if action == "429" else 0)
                if gap < floor - 0.05:
                    early.append((key, index, action, round(gap, 2), floor))
                index += 1
        sampler.stopping.set()
        if sampler.longest > 301:
            fail(f"a retry was scheduled {sampler.longest:.0f} s ahead (backoff and Retry-After stop at 5 min)")
        if early:
            fail(f"{len(early)} tries came before their backoff or Retry-After, e.g. {early[:3]}")
        multiple = {who: keys for who, keys in identity.items() if len(keys) > 1}
        if multiple:
            fail(f"{len(multiple)} notifications accepted under two keys, e.g. {next(iter(multiple.items()))}")
        # alerts as `driftd alerts --json` lists them
        listed = subprocess.run([args.binary, "alerts", "--state", state, "--json"], capture_output=True, text=True)
        alerts = [json.loads(line) for line in listed.stdout.splitlines()] if listed.returncode == 0 else []
        if listed.returncode != 0:
            fail(f"driftd alerts failed: {listed.stderr[-500:]}")
        if len(alerts) != expected_alerts:
            fail(f"driftd alerts lists {len(alerts)} alerts, {expected_alerts} expected")
        seen = collections.Counter((a["monitor"], a["window"], a["kind"]) for a in alerts)
        wanted = collections.Counter((m, w, "data_drift") for m, n in windows.items() for w in range(n) if Writer.drifts(w))
        if seen != wanted:
            fail(f"alerts differ from the drifting windows: missing {list((wanted - seen).elements())[:3]}, "
                 f"unexpected {list((seen - wanted).elements())[:3]}")
        undelivered = [a for a in alerts if len(a.get("deliveries", [])) != 2
                       or any(d.get("state") != "delivered" for d in a.get("deliveries", []))]
        if undelivered:
            fail(f"{len(undelivered)} alerts listed without 2 delivered deliveries, e.g. {json.dumps(undelivered[0])[:300]}")
        # figures
        actions = collections.Counter(r[2] for r in requests)
        extra = sum(len(b) - 1 for b in accepted.values())
        # what the repeated keys were first accepted as (`late`: answered after the daemon's timeout)
        causes = collections.Counter(by[0] for by in accepted_by.values() if len(by) > 1)
        if os.environ.get("KEEP") is not None:
            with open(os.path.join(folder, "requests.jsonl"), "w") as f:
                for (t, mode, action, path, key, body, is_accepted), detail in zip(requests, details):
                    detail = {k: round(v - ok_at, 3) if k in ("connected", "answered") else v for k, v in detail.items()}
                    f.write(json.dumps({"t": round(t - ok_at, 3), "mode": mode, "action": action, "path": path, "key": key,
                                        "accepted": is_accepted, **detail}) + "\n")
        figures.update({
            "alerts": len(alerts), "notifications": expected_notifications, "deliveries": len(rows),
            "attempts": sum(r[4] for r in rows), "max attempts": max((r[4] for r in rows), default=0),
            "requests": "/".join(f"{a}:{actions[a]}" for a in sorted(actions)),
            "ok->drained": f"{figures_drain:.0f} s" if figures_drain is not None else "not drained",
            "duplicates by key": f"{sum(1 for b in accepted.values() if len(b) > 1)} keys ({extra} extra requests; first accepted as "
                                 f"{', '.join(f'{a} {n}' for a, n in sorted(causes.items())) or 'none'})",
            "longest retry delay": f"{sampler.longest:.0f} s",
            "longest gap between tries seen": f"{longest:.0f} s", "dead letters": len(dead), "SIGTERM": f"exit {sigterm.get('code')} in {sigterm.get('seconds', 0):.1f} s"})
    except SystemExit:
        pass
    finally:
        writer.stopping.set()
        code = daemon.stop()
        if code not in (0, None) and ok:
            fail(f"final SIGTERM exit status {code}")
        if not ok:
            log(f"daemon log tail:\n{daemon.log_text()[-3000:]}")
    harness.result_line("receivers", figures, ok)
    harness.cleanup(folder)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
