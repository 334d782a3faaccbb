#!/usr/bin/env python3
"""The retrain half of `make demo`: a live stream decays, driftd retrains and promotes, it recovers.

    python3 scripts/demo_retrain.py DRIFTD_BINARY [OUT_FOLDER]

Standard library only. It starts `driftd run` on two rule files that watch the same live stream,
written by sample-streams/trainers/serve.py (a model server whose traffic changes at record 3,500:
every mile takes longer, so the model's error jumps):

- `taxi-live` retrains with sample-streams/trainers/train.py --since-change: the candidate wins,
  is promoted, serve.py picks it up from the registry's `current`, and the error falls back;
- `taxi-live-hopeless` retrains with always_worse.py: three failed attempts, retrain_exhausted.

Then it prints the windows' RMSE, the alerts (as they appear in journald), the registry and the
audit log, and stops the daemon. About 25 seconds.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRAINERS = os.path.join(ROOT, "sample-streams", "trainers")
binary = os.path.abspath(sys.argv[1])
out = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "out", "demo-retrain"))
stream, rules, state = (os.path.join(out, name) for name in ("stream", "rules", "state"))
shutil.rmtree(out, ignore_errors=True)
for folder in (stream, rules, state):
    os.makedirs(folder)

RECORDS, SHIFT_AT, RATE = 9000, 3500, 500


def rule(monitor, command):
    return {
        "monitor": monitor, "task": "regression",
        "description": "Live demo stream from sample-streams/trainers/serve.py; the traffic changes at record 3500.",
        "predictions": {"path": os.path.join(stream, "predictions.jsonl")},
        "labels": {"path": os.path.join(stream, "labels.jsonl"), "max_delay": "5s"},
        "reference": {"first": 2000}, "window": {"size": 500},
        "features": {"trip_distance": {"type": "numerical", "drift": [{"method": "psi", "threshold": 0.2}]},
                     "PULocationID": {"type": "categorical", "drift": [{"method": "chi2", "p_value": 0.01}]}},
        "performance": [{"metric": "rmse", "max": 4.0}, {"metric": "mae"}],
        "retrain": {"command": command, "metric": "rmse", "max_attempts": 3, "timeout": "2m",
                    "data_records": 5000, "cooldown": "1h", "triggers": ["performance_degraded"]},
        "alerts": {"journald": True},
    }


with open(os.path.join(rules, "taxi-live.json"), "w") as f:
    json.dump(rule("taxi-live", [os.path.join(TRAINERS, "train.py"), "--since-change"]), f, indent=2)
with open(os.path.join(rules, "taxi-live-hopeless.json"), "w") as f:
    json.dump(rule("taxi-live-hopeless", [os.path.join(TRAINERS, "always_worse.py"), "rmse"]), f, indent=2)


def driftd(*args):
    return subprocess.run([binary, *args], capture_output=True, text=True)


def alerts(monitor):
    listed = driftd("alerts", "--state", state, "--monitor", monitor, "--json").stdout
    return [json.loads(line) for line in listed.splitlines() if line.strip()]


def kinds(monitor):
    return [alert["kind"] for alert in alerts(monitor)]


print(f"== driftd run --rules {os.path.relpath(rules, ROOT)} --state {os.path.relpath(state, ROOT)}   (two monitors, one live stream)")
daemon_log = open(os.path.join(out, "daemon.log"), "w")
daemon = subprocess.Popen([binary, "run", "--rules", rules, "--state", state, "--listen", "127.0.0.1:0", "--max-retrains", "2"],
                          stdout=daemon_log, stderr=daemon_log)
print(f"== serve.py: {RECORDS} trips at {RATE}/s, the traffic changes at trip {SHIFT_AT}; "
      "predictions come from the registry's current model")
server = subprocess.Popen([sys.executable, os.path.join(TRAINERS, "serve.py"), "--out", stream,
                           "--registry", os.path.join(state, "registry", "taxi-live"),
                           "--records", str(RECORDS), "--rate", str(RATE), "--shift-at", str(SHIFT_AT)],
                          stdout=open(os.path.join(out, "serve.log"), "w"), stderr=subprocess.STDOUT)
try:
    server.wait(timeout=120)
    deadline = time.time() + 60
    while time.time() < deadline and not ("model_promoted" in kinds("taxi-live")
                                          and "retrain_exhausted" in kinds("taxi-live-hopeless")):
        time.sleep(0.5)
    time.sleep(2)  # the last windows' labels
    report_path = os.path.join(out, "taxi-live.report.json")
    driftd("report", "--monitor", "taxi-live", "--state", state, "--json", report_path)
    report = json.load(open(report_path))
    promoted = [a for a in alerts("taxi-live") if a["kind"] == "model_promoted"]
    print("\n== taxi-live: RMSE per window (rule: max 4.0)")
    for window in report["windows"]:
        rmse = window.get("performance", {}).get("rmse")
        first = window["first_record"]
        note = " <- the traffic changed" if first <= SHIFT_AT < first + window["count"] else ""
        if promoted and window["index"] == promoted[0].get("window"):
            note += " <- this window triggered the retrain"
        bar = "#" * int(round((rmse or 0) * 4))
        print(f"  window {window['index']:2d}  records {first:5d}-{first + window['count'] - 1:5d}  rmse {rmse:6.2f}  {bar}{note}")
    for monitor in ("taxi-live", "taxi-live-hopeless"):
        print(f"\n== driftd alerts --monitor {monitor}   (each is also a journald entry: journalctl -t driftd DRIFTD_MONITOR={monitor})")
        print(driftd("alerts", "--state", state, "--monitor", monitor).stdout.rstrip())
    print("\n== driftd registry list taxi-live")
    print(driftd("registry", "list", "taxi-live", "--state", state).stdout.rstrip())
    print("\n== the audit log: state/registry/taxi-live-hopeless/audit.jsonl (last 3 decisions)")
    with open(os.path.join(state, "registry", "taxi-live-hopeless", "audit.jsonl")) as f:
        for line in f.read().splitlines()[-3:]:
            print("  " + line)
    with open(os.path.join(out, "serve.log")) as f:
        switched = [line.strip() for line in f if "registry version" in line]
    if switched:
        print(f"\n== serve.py: {switched[0]}")
    page = os.path.join(out, "taxi-live.html")
    driftd("report", "--monitor", "taxi-live", "--state", state, "--html", page)
    print(f"\n== the daemon's HTML report, retrain episode on the timelines: {os.path.relpath(page, ROOT)}"
          f" (driftd report --monitor taxi-live --html ..., or http://127.0.0.1:9464/report/taxi-live from a running daemon)")
    ok = bool(promoted) and "retrain_exhausted" in kinds("taxi-live-hopeless")
    print(f"\n{'ok' if ok else 'FAILED'}: taxi-live retrained and promoted, taxi-live-hopeless exhausted its 3 attempts "
          f"(files in {os.path.relpath(out, ROOT)}/)")
    sys.exit(0 if ok else 1)
finally:
    if server.poll() is None:
        server.kill()
    daemon.send_signal(signal.SIGTERM)
    daemon.wait(timeout=30)
