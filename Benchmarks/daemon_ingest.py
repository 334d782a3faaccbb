"""Ingest throughput and memory of `driftd run` while tailing (BENCHMARKS.md, "Daemon").

Usage: python3 Benchmarks/daemon_ingest.py DRIFTD_BINARY [--monitors 20] [--copies 30]

Writes COPIES copies of the taxi sample's predictions (10,002 lines each) into a temp folder, starts
the daemon with MONITORS rule files over it (the taxi-duration rule without labels, so nothing waits
for labels), and times until every monitor has read every line (polling /status), then reads the
daemon's peak resident memory (VmHWM) from /proc.
"""
import argparse, faulthandler, json, os, socket, subprocess, sys, tempfile, time, urllib.request

parser = argparse.ArgumentParser()
parser.add_argument("binary")
parser.add_argument("--monitors", type=int, default=20)
parser.add_argument("--copies", type=int, default=30)
args = parser.parse_args()
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
folder = tempfile.mkdtemp(prefix="driftd-bench-daemon-")
lines = open(os.path.join(root, "sample-streams/taxi/predictions.jsonl")).read()
with open(os.path.join(folder, "predictions.jsonl"), "w") as f:
    for _ in range(args.copies):
        f.write(lines)
total = lines.count("\n") * args.copies
rule = json.load(open(os.path.join(root, "rules/taxi-duration.json")))
for key in ("labels", "performance", "concept_drift", "retrain"):
    rule.pop(key, None)
rule["predictions"]["path"] = os.path.join(folder, "predictions.jsonl")
os.makedirs(os.path.join(folder, "rules"))
for i in range(args.monitors):
    rule["monitor"] = f"taxi-{i}"
    json.dump(rule, open(os.path.join(folder, "rules", f"taxi-{i}.json"), "w"))
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
started = time.perf_counter()
daemon = subprocess.Popen([args.binary, "run", "--rules", os.path.join(folder, "rules"), "--state", os.path.join(folder, "state"),
                           "--listen", f"127.0.0.1:{port}"], stderr=open(os.path.join(folder, "daemon.log"), "w"))
try:
    while True:
        time.sleep(0.05)
        try:
            status = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=2))
        except OSError:
            continue
        if len(status["monitors"]) == args.monitors and all(m["records"] + m["malformed_lines"] == total for m in status["monitors"]):
            break
    elapsed = time.perf_counter() - started
    peak = next(l for l in open(f"/proc/{daemon.pid}/status") if l.startswith("VmHWM")).split()[1]
    print(f"monitors {args.monitors}, lines per monitor {total}: {elapsed:.2f} s, "
          f"{total * args.monitors / elapsed / 1e3:.0f} k lines/s over all monitors, peak RSS {int(peak) / 1024:.0f} MiB")
finally:
    daemon.terminate()
    daemon.wait()
    if os.environ.get("KEEP") is None:
        subprocess.run(["rm", "-rf", folder])
