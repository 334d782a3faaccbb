"""Webhook delivery throughput and latency of `driftd run` (BENCHMARKS.md, "Webhook delivery").

Usage: python3 Benchmarks/webhook_delivery.py DRIFTD_BINARY [--windows 2000] [--monitors 4]

Starts a threaded HTTP receiver on loopback (Python's http.server, answering 200 at once), writes
streams where every window drifts (so every window raises one data_drift alert per monitor), starts
the daemon with MONITORS rule files posting generic webhooks to the receiver, and waits until every
alert has been received. Latency is from the alert's commit in the daemon (`raised_at` in
`driftd alerts --json`) to its receipt; throughput is alerts received per second from the first
receipt to the last.
"""
import argparse, datetime, http.server, json, os, socket, subprocess, tempfile, threading, time

parser = argparse.ArgumentParser()
parser.add_argument("binary")
parser.add_argument("--windows", type=int, default=2000)
parser.add_argument("--monitors", type=int, default=4)
parser.add_argument("--trickle", type=int, default=100, help="windows appended one at a time after the burst")
args = parser.parse_args()
folder = tempfile.mkdtemp(prefix="driftd-bench-webhook-")
received = {}
lock = threading.Lock()


class Receiver(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        now = time.time()
        with lock:
            received.setdefault(self.headers["Idempotency-Key"], (now, json.loads(body)))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
threading.Thread(target=server.serve_forever, daemon=True).start()
with open(os.path.join(folder, "p.jsonl"), "w") as f:
    for i in range(100):
        f.write(json.dumps({"id": f"r{i}", "features": {"x": i % 10}}) + "\n")
    for w in range(args.windows):
        shift = 20 if w % 2 == 0 else 40  # every window drifts from the reference
        for i in range(100):
            f.write(json.dumps({"id": f"w{w}-{i}", "features": {"x": shift + i % 10}}) + "\n")
os.makedirs(os.path.join(folder, "rules"))
for m in range(args.monitors):
    json.dump({"monitor": f"hook-{m}", "task": "regression", "predictions": {"path": os.path.join(folder, "p*.jsonl")},
               "reference": {"first": 100}, "window": {"size": 100},
               "features": {"x": {"type": "numerical", "drift": [{"method": "psi", "threshold": 0.2, "bins": 5}]}},
               "alerts": {"journald": False, "webhooks": [{"url": f"http://127.0.0.1:{server.server_port}/hook"}]}},
              open(os.path.join(folder, "rules", f"hook-{m}.json"), "w"))
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
expected = args.windows * args.monitors
state = os.path.join(folder, "state")
daemon = subprocess.Popen([args.binary, "run", "--rules", os.path.join(folder, "rules"), "--state", state, "--listen", f"127.0.0.1:{port}"],
                          stderr=open(os.path.join(folder, "daemon.log"), "w"))
try:
    deadline = time.time() + 600
    while len(received) < expected and time.time() < deadline:
        time.sleep(0.05)
    burst = dict(received)
    # Trickle: one window at a time, so latency is one alert's path and not the burst's queue.
    appended = {}
    with open(os.path.join(folder, "p.jsonl"), "a") as f:
        for w in range(args.windows, args.windows + args.trickle):
            for i in range(100):
                f.write(json.dumps({"id": f"w{w}-{i}", "features": {"x": (20 if w % 2 == 0 else 40) + i % 10}}) + "\n")
            f.flush()
            appended[w] = time.time()
            time.sleep(0.2)
    deadline = time.time() + 120
    while len(received) < expected + args.trickle * args.monitors and time.time() < deadline:
        time.sleep(0.05)
    listed = subprocess.run([args.binary, "alerts", "--state", state, "--json"], capture_output=True, text=True, check=True).stdout
    raised = {}
    for line in listed.splitlines():
        alert = json.loads(line)
        raised[(alert["monitor"], alert["window"])] = datetime.datetime.fromisoformat(alert["raised_at"].replace("Z", "+00:00")).timestamp()
    latencies = sorted(t - raised[(body["monitor"], body["window"])] for t, body in burst.values())
    times = sorted(t for t, _ in burst.values())
    def pct(p):
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1e3
    print(f"{len(burst)} of {expected} alerts received ({args.monitors} monitors x {args.windows} windows); "
          f"{len(received) / max(times[-1] - times[0], 1e-9):.0f} alerts/s; latency commit->receipt "
          f"p50 {pct(50):.1f} ms, p90 {pct(90):.1f} ms, p99 {pct(99):.1f} ms, max {latencies[-1] * 1e3:.1f} ms")
    trickle = [(t, body) for key, (t, body) in received.items() if key not in burst]
    # The burst's windows are numbered after the reference: window w of the file is report window w.
    commit = sorted(t - raised[(b["monitor"], b["window"])] for t, b in trickle)
    written = sorted(t - appended[b["window"]] for t, b in trickle if b["window"] in appended)
    def pcts(values):
        return ", ".join(f"p{p} {values[min(len(values) - 1, int(p / 100 * len(values)))] * 1e3:.1f} ms" for p in (50, 90, 99))
    if commit:
        print(f"trickle: {len(trickle)} of {args.trickle * args.monitors} alerts received, one window every 0.2 s; "
              f"latency commit->receipt {pcts(commit)}; line written->receipt {pcts(written) if written else 'n/a'}")
finally:
    daemon.terminate()
    daemon.wait()
    server.shutdown()
    if os.environ.get("KEEP") is None:
        subprocess.run(["rm", "-rf", folder])
