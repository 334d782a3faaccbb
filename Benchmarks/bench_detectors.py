"""Concept-drift detectors: driftd's updates per second against River 0.26.1's, same sequences, one run.

driftd is timed by `driftd-bench detectors SPEC.json` (Benchmarks/driftd-bench/DetectorBenchmark.swift)
through `AnyConceptDriftDetector`, the engine's path; River by the loop a user writes
(`detector.update(x)` then `detector.drift_detected`). Both see the same float64 values (River's binary
detectors get Python ints). The detection positions must agree (KSWIN aside: driftd draws its samples
from its own generator), else the suite raises.
"""
import json
import os
import subprocess
import tempfile
import time

import numpy as np
from river import drift


def real_sequence(n, rng):
    """Normal values whose mean and spread change every 20k-200k values."""
    parts, total = [], 0
    while total < n:
        size = int(rng.integers(20_000, 200_000))
        parts.append(rng.normal(rng.uniform(-2, 2), rng.uniform(0.5, 2), size))
        total += size
    return np.concatenate(parts)[:n]


def binary_sequence(n, rng):
    """0/1 errors whose rate changes every 20k-200k values."""
    rates, total = [], 0
    while total < n:
        size = int(rng.integers(20_000, 200_000))
        rates.append(np.full(size, rng.uniform(0.05, 0.45)))
        total += size
    return (rng.random(n) < np.concatenate(rates)[:n]).astype(np.float64)


RUNS = [
    # (name, detector, River constructor, parameters as the rule gives them, mode, sequence)
    ("ADWIN", "adwin", lambda: drift.ADWIN(),
     {"delta": 0.002, "clock": 32, "max_buckets": 5, "min_window_length": 5, "grace_period": 10}, None, "real"),
    ("ADWIN on 0/1 errors", "adwin", lambda: drift.ADWIN(),
     {"delta": 0.002, "clock": 32, "max_buckets": 5, "min_window_length": 5, "grace_period": 10}, None, "binary"),
    ("Page-Hinkley", "page_hinkley", lambda: drift.PageHinkley(),
     {"min_instances": 30, "delta": 0.005, "threshold": 50.0, "alpha": 1 - 0.0001}, "both", "real"),
    ("DDM", "ddm", lambda: drift.binary.DDM(),
     {"warm_start": 30, "warning_threshold": 2.0, "drift_threshold": 3.0}, None, "binary"),
    ("EDDM", "eddm", lambda: drift.binary.EDDM(), {"warm_start": 30, "alpha": 0.95, "beta": 0.9}, None, "binary"),
    ("HDDM-A", "hddm_a", lambda: drift.binary.HDDMA(),
     {"drift_confidence": 0.001, "warning_confidence": 0.005, "two_sided_test": 0}, None, "binary"),
    ("HDDM-W", "hddm_w", lambda: drift.binary.HDDMW(),
     {"drift_confidence": 0.001, "warning_confidence": 0.005, "lambda_val": 0.05, "two_sided_test": 0}, None, "binary"),
    ("KSWIN", "kswin", lambda: drift.KSWIN(seed=42),
     {"alpha": 0.005, "window_size": 100, "stat_size": 30, "seed": 42}, None, "kswin"),
]


def river_time(make, values, repeats):
    """Fastest of `repeats` passes: (seconds, detection positions)."""
    best, found = float("inf"), []
    for _ in range(repeats):
        detector = make()
        positions = []
        start = time.perf_counter()
        for i, x in enumerate(values):
            detector.update(x)
            if detector.drift_detected:
                positions.append(i)
        best = min(best, time.perf_counter() - start)
        found = positions
    return best, found


def run(bench_binary, quick=False):
    """Returns rows (what, ours, reference, unit, reference name); higher is better."""
    n = 200_000 if quick else 1_000_000
    kswin_n = 5_000 if quick else 20_000
    rng = np.random.default_rng(20260601)
    arrays = {"real": real_sequence(n, rng), "binary": binary_sequence(n, rng), "kswin": real_sequence(kswin_n, rng)}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for name, values in arrays.items():
            paths[name] = os.path.join(tmp, name + ".f64")
            values.astype("<f8").tofile(paths[name])
        spec = {"sequences": paths,
                "runs": [{"name": name, "detector": kind, "parameters": params, "mode": mode, "sequence": seq}
                         for name, kind, _, params, mode, seq in RUNS]}
        spec_path = os.path.join(tmp, "spec.json")
        with open(spec_path, "w") as f:
            json.dump(spec, f)
        out = subprocess.run([bench_binary, "detectors", spec_path], check=True, capture_output=True, text=True).stdout
        ours = {row["name"]: row for row in map(json.loads, out.strip().splitlines())}

    for name, kind, make, params, mode, seq in RUNS:
        values = arrays[seq]
        feed = [int(v) for v in values] if seq == "binary" and kind not in ("adwin", "page_hinkley") else values.tolist()
        seconds, found = river_time(make, feed, 2 if len(feed) >= 1_000_000 else 3)
        mine = ours[name]
        if kind != "kswin" and mine["detections"] != found:
            raise AssertionError(f"{name}: driftd's detections differ from River's")
        same = "own generator" if kind == "kswin" else "same detections"
        what = f"{name}, {len(values)} updates ({len(found)} drifts, {same}), updates per second"
        rows.append((what, mine["updates_per_second"] / 1e6, len(values) / seconds / 1e6, "M updates/s",
                     f"river {kind} update + drift_detected"))
    return rows
