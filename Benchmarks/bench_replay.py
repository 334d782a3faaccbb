"""`driftd replay` end to end (parse + count windows + 10 features x 2 methods), timed as the real
command on a generated stream, against orjson parsing the same file in Python (issue 3: >= 1.5M
records/s on one core, 5x what orjson alone parses)."""
import json
import os
import subprocess
import tempfile
import time

from bench_parse import FEATURES, make_predictions, orjson_parse

REFERENCE = 100_000
WINDOW = 5_000


def make_rule(path, predictions):
    """Ten features, two methods each: PSI and KS for numerical ones, PSI and chi-square for categorical."""
    numerical = [{"method": "psi", "threshold": 0.2, "bins": 10}, {"method": "ks", "p_value": 0.05}]
    categorical = [{"method": "psi", "threshold": 0.2}, {"method": "chi2", "p_value": 0.05}]
    features = {f"num_{k}": {"type": "numerical", "drift": numerical} for k in range(FEATURES - 3)}
    features["zone"] = {"type": "categorical", "drift": categorical}
    features["payment"] = {"type": "categorical", "drift": categorical}
    features["passengers"] = {"type": "numerical", "drift": numerical}
    rule = {"monitor": "bench-replay", "task": "regression", "predictions": {"path": predictions},
            "reference": {"first": REFERENCE}, "window": {"size": WINDOW}, "features": features}
    with open(path, "w") as f:
        json.dump(rule, f)


def driftd_replay(driftd, rule, report, repeats):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([driftd, "replay", rule, "--report", report, "--quiet"], check=True)
        best = min(best, time.perf_counter() - start)
    return best


def run(bench_binary, quick=False):
    """Returns rows (what, ours, reference, unit, reference name); higher is better.

    `driftd` is taken from the directory of `bench_binary` (build both products into one folder)."""
    driftd = os.path.join(os.path.dirname(os.path.abspath(bench_binary)), "driftd")
    if not os.path.exists(driftd):
        raise FileNotFoundError(f"{driftd}: build the driftd product into the same folder as driftd-bench "
                                "(swift build -c release --scratch-path .build-bench --product driftd)")
    records = 150_000 if quick else 600_000
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "p.jsonl")
        rule = os.path.join(tmp, "rule.json")
        report = os.path.join(tmp, "report.json")
        make_predictions(data, records)
        make_rule(rule, data)
        seconds = driftd_replay(driftd, rule, report, 5)
        with open(report) as f:
            windows = len(json.load(f)["windows"])
        assert windows == (records - REFERENCE) // WINDOW, windows
        n, orjson_seconds = orjson_parse(data)
        size_mb = os.path.getsize(data) / 1e6
        what = (f"driftd replay, {records} records ({size_mb:.0f} MB), reference first {REFERENCE}, "
                f"{windows} count windows of {WINDOW}, {FEATURES} features x 2 methods")
        return [(what, records / seconds / 1e6, n / orjson_seconds / 1e6, "M records/s",
                 "orjson.loads per line into lists, same file")]
