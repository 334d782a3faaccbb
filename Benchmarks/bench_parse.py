"""Record parser benchmark: driftd's parser (file to columns) against orjson doing the same in Python."""
import json
import os
import subprocess
import tempfile
import time

import numpy as np
import orjson

FEATURES = 10


def make_predictions(path, n, seed=7, digits=4):
    """`digits` decimals for the numbers (None: full precision, up to 17 significant digits)."""
    rng = np.random.default_rng(seed)
    zones = [str(z) for z in range(1, 266)]

    def number(x, places):
        return float(x) if digits is None else round(float(x), places)

    with open(path, "w", newline="\n") as f:
        for i in range(n):
            feats = {f"num_{k}": number(rng.normal(k, 1 + k), digits) for k in range(FEATURES - 3)}
            feats["zone"] = zones[int(rng.integers(0, len(zones)))]
            feats["payment"] = ["card", "cash", "no_charge"][int(rng.integers(0, 3))]
            feats["passengers"] = int(rng.integers(1, 7))
            rec = {"id": f"p-{i:08d}", "ts": f"2026-11-22T10:{(i // 60) % 60:02d}:{i % 60:02d}.123Z",
                   "model": "taxi", "version": "v3", "features": feats,
                   "prediction": number(rng.normal(12, 4), 3), "score": number(rng.random(), 4)}
            f.write(json.dumps(rec, separators=(",", ":")) + "\n")


def make_rule(path):
    features = {f"num_{k}": {"type": "numerical"} for k in range(FEATURES - 3)}
    features["zone"] = {"type": "categorical"}
    features["payment"] = {"type": "categorical"}
    features["passengers"] = {"type": "numerical"}
    rule = {"monitor": "bench", "task": "regression", "predictions": {"path": "p.jsonl"},
            "window": {"size": 1000}, "features": features}
    with open(path, "w") as f:
        json.dump(rule, f)


def orjson_parse(path):
    """The Python equivalent of driftd's parser: each line to columns (lists), orjson per line."""
    names = [f"num_{k}" for k in range(FEATURES - 3)]
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        columns = {n: [] for n in names + ["zone", "payment", "passengers"]}
        ids, preds = [], []
        with open(path, "rb") as f:
            for line in f:
                rec = orjson.loads(line)
                ids.append(rec["id"])
                preds.append(rec.get("prediction"))
                feats = rec.get("features", {})
                for n in columns:
                    columns[n].append(feats.get(n))
        best = min(best, time.perf_counter() - start)
    return len(ids), best


def run(bench_binary, quick=False):
    """Returns rows (what, ours, reference, unit, reference name); higher is better.

    Two streams: numbers rounded to a few decimals, and full-precision floats (Python's shortest
    round-trip form, up to 17 significant digits: what `json.dumps` of an unrounded float writes)."""
    rows = []
    for digits, lines, label in [(4, 100_000 if quick else 500_000, "4-decimal numbers"),
                                 (None, 50_000 if quick else 200_000, "full-precision floats")]:
        with tempfile.TemporaryDirectory() as tmp:
            data = os.path.join(tmp, "p.jsonl")
            rule = os.path.join(tmp, "rule.json")
            make_predictions(data, lines, digits=digits)
            make_rule(rule)
            out = subprocess.run([bench_binary, "parse", rule, data], check=True, capture_output=True, text=True).stdout
            ours = json.loads(out.strip().splitlines()[-1])
            n, seconds = orjson_parse(data)
            size_mb = os.path.getsize(data) / 1e6
            what = f"record parser, {lines} lines x {FEATURES} features, {label} ({size_mb:.0f} MB), file to columns"
            rows.append((what, ours["lines_per_second"] / 1e6, n / seconds / 1e6, "M lines/s", "orjson.loads per line into lists"))
    return rows
