"""RSS of the daemon as labeled predictions flow (each label written right after its prediction, so
nothing is held): does it grow with the number of labels read? It does (RELIABILITY.md, "Resources":
the engine remembers every label id). A measurement, not a pass/fail run; not in `make reliability`.

Usage: python3 Reliability/labels_growth.py DRIFTD_BINARY [pairs, default 2000000] [step, default 250000]"""
import json, os, random, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness, resources
binary = sys.argv[1]; total = int(sys.argv[2]) if len(sys.argv) > 2 else 2_000_000; step = int(sys.argv[3]) if len(sys.argv) > 3 else 250_000
folder = harness.workdir("labels-growth")
pred, lab = os.path.join(folder, "p.jsonl"), os.path.join(folder, "l.jsonl")
open(pred, "w").close(); open(lab, "w").close()
rule = {"monitor": "grow", "task": "regression", "predictions": {"path": pred}, "labels": {"path": lab, "max_delay": "1h"},
        "reference": {"first": 10000}, "window": {"size": 10000},
        "features": {"amount": {"type": "numerical", "drift": [{"method": "psi", "threshold": 0.2}]},
                     "country": {"type": "categorical", "drift": [{"method": "psi", "threshold": 0.2}]}},
        "performance": [{"metric": "rmse"}], "alerts": {"journald": False}}
harness.write_rule(os.path.join(folder, "rules"), rule)
d = harness.Daemon(binary, os.path.join(folder, "rules"), os.path.join(folder, "state"), os.path.join(folder, "d.log"))
d.wait_ready()
rng = random.Random(1); n = 0
print(f"start RSS {d.rss_kib() / 1024:.0f} MiB", flush=True)
try:
    while n < total:
        with open(pred, "a") as p, open(lab, "a") as l:
            for _ in range(step):
                p.write(resources.held_line(n, rng)); l.write(f'{{"id":"h-{n:09d}","label":{rng.uniform(0, 100):.2f}}}\n'); n += 1
        harness.wait(lambda: (d.status() or {"monitors": [{"records": -1}]})["monitors"][0]["records"] == n, 1800, 0.5)
        time.sleep(1)
        db = sum(os.path.getsize(os.path.join(folder, "state", f)) for f in os.listdir(os.path.join(folder, "state")))
        print(f"{n} labeled predictions: VmRSS {d.rss_kib() / 1024:.0f} MiB, VmHWM {d.rss_kib('VmHWM') / 1024:.0f} MiB, state {db / 1e6:.0f} MB", flush=True)
finally:
    d.stop(); harness.cleanup(folder)
