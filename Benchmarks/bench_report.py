"""Data-drift report: `driftd replay` against Evidently 0.7.23 and NannyML 0.13.1, 100k x 10 vs 100k.

The reference is 100,000 records of 10 numerical features, the current window 100,000 more (some
features shifted). driftd replays them from a JSONL prediction file (the first 100,000 records are
the reference, one window of 100,000 follows) with PSI and KS on every feature, and writes its
report: the figure covers the whole process, from reading the file to the report on disk.
Evidently (`DataDriftPreset`, PSI then KS on every column) and NannyML (`UnivariateDriftCalculator`,
Kolmogorov-Smirnov and Jensen-Shannon: NannyML has no PSI; it bins KS above 10,000 rows, driftd stays
exact) get the same values as pandas DataFrames already in memory: their figures leave out reading
the data. A second driftd figure is the same statistics in memory (`driftd-bench kernels DIR` on one
raw float64 file per column: gather, sort, PSI edges and counts of the reference, then the window's
histogram, PSI and KS), comparable with theirs. Higher is better: reports per second (1 / seconds of
the fastest of 3 runs).

Evidently and NannyML are installed into their own venv, `.venv-bench` at the repository root,
from `scripts/requirements-bench.txt` (never into the project's `.venv`); they need `pandas<3`,
`DO_NOT_TRACK=1` (Evidently) and `NML_DISABLE_USAGE_LOGGING=1` (NannyML). If the venv cannot be
made or a tool cannot be imported, its row is skipped with a message.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".venv-bench")
REQUIREMENTS = os.path.join(ROOT, "scripts", "requirements-bench.txt")
FEATURES = 10
SEED = 20261123

# Runs in .venv-bench: times Evidently and NannyML on the .npy arrays; prints one JSON line.
REFERENCES = r'''
import json, os, sys, time, warnings
warnings.filterwarnings("ignore")
import numpy as np
import pandas as pd

directory, tool = sys.argv[1], sys.argv[2]
reference = np.load(os.path.join(directory, "reference.npy"))
current = np.load(os.path.join(directory, "current.npy"))
names = [f"num_{k}" for k in range(reference.shape[1])]
reference_frame = pd.DataFrame(reference, columns=names)
current_frame = pd.DataFrame(current, columns=names)

def fastest(body, repeats=3):
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = body()
        best = min(best, time.perf_counter() - start)
    return best, result

if tool == "evidently":
    import evidently
    from evidently import Report
    from evidently.presets import DataDriftPreset

    def evidently_report():
        for method in ("psi", "ks"):
            snapshot = Report([DataDriftPreset(method=method)]).run(current_frame, reference_frame)
            snapshot.dict()
        return None

    seconds, _ = fastest(evidently_report)
    print(json.dumps({"tool": "evidently " + evidently.__version__, "seconds": seconds}))
else:
    import nannyml

    def nannyml_report():
        calculator = nannyml.UnivariateDriftCalculator(
            column_names=names, continuous_methods=["kolmogorov_smirnov", "jensen_shannon"],
            chunk_size=len(current_frame))
        calculator.fit(reference_frame)
        return calculator.calculate(current_frame).to_df()

    seconds, _ = fastest(nannyml_report)
    print(json.dumps({"tool": "nannyml " + nannyml.__version__, "seconds": seconds}))
'''


def bench_python():
    """The venv's python with Evidently and NannyML installed, or None (with a message)."""
    python = os.path.join(VENV, "bin", "python")
    marker = os.path.join(VENV, ".requirements-installed")
    try:
        if not os.path.exists(python):
            subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
            # Keep the venv out of git (Python 3.11's venv does not add this itself).
            with open(os.path.join(VENV, ".gitignore"), "w") as f:
                f.write("*\n")
        if not os.path.exists(marker) or os.path.getmtime(marker) < os.path.getmtime(REQUIREMENTS):
            subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                            "-r", REQUIREMENTS], check=True)
            with open(marker, "w") as f:
                f.write("ok\n")
    except (subprocess.CalledProcessError, OSError) as error:
        print(f"bench_report: cannot install Evidently/NannyML into {VENV} ({error}); skipping them",
              file=sys.stderr)
        return None
    return python


def driftd_binary(bench_binary):
    """`driftd` built beside `driftd-bench` (same scratch path), building it if it is missing."""
    directory = os.path.dirname(os.path.abspath(bench_binary))
    binary = os.path.join(directory, "driftd")
    if not os.path.exists(binary):
        # bench_binary is SCRATCH/<triple>/release/driftd-bench or SCRATCH/release/driftd-bench.
        scratch = os.path.dirname(directory)
        if os.path.basename(scratch).count("-") >= 2:  # the target triple
            scratch = os.path.dirname(scratch)
        subprocess.run(["swift", "build", "-c", "release", "--scratch-path", scratch, "--product", "driftd"],
                       check=True, cwd=ROOT, capture_output=True)
    return binary


def make_data(directory, rows):
    rng = np.random.default_rng(SEED)
    means = np.arange(FEATURES, dtype=float)
    scales = 1.0 + np.arange(FEATURES) / 4
    reference = np.round(rng.normal(means, scales, size=(rows, FEATURES)), 4)
    # Half of the features drift: shifted means, wider spread.
    shift = np.where(np.arange(FEATURES) % 2 == 0, 0.3, 0.0)
    current = np.round(rng.normal(means + shift * scales, scales * (1 + shift / 3), size=(rows, FEATURES)), 4)
    np.save(os.path.join(directory, "reference.npy"), reference)
    np.save(os.path.join(directory, "current.npy"), current)
    for k in range(FEATURES):  # for `driftd-bench kernels DIR`: one raw float64 file per column
        np.ascontiguousarray(reference[:, k], dtype="<f8").tofile(os.path.join(directory, f"report-reference-{k}.f64"))
        np.ascontiguousarray(current[:, k], dtype="<f8").tofile(os.path.join(directory, f"report-current-{k}.f64"))
    names = [f"num_{k}" for k in range(FEATURES)]
    with open(os.path.join(directory, "predictions.jsonl"), "w") as f:
        for index, row in enumerate(np.vstack([reference, current])):
            record = {"id": f"p-{index:08d}", "ts": f"2026-11-23T{index // 3_600_000 % 24:02d}:"
                      f"{index // 60_000 % 60:02d}:{index // 1000 % 60:02d}.{index % 1000:03d}Z",
                      "model": "bench", "version": "v1",
                      "features": dict(zip(names, map(float, row))), "prediction": float(row[0])}
            f.write(json.dumps(record, separators=(",", ":")) + "\n")
    rule = {"monitor": "report-bench", "task": "regression",
            "predictions": {"path": "predictions.jsonl"},
            "reference": {"first": rows}, "window": {"size": rows},
            "features": {name: {"type": "numerical",
                                "drift": [{"method": "psi", "threshold": 0.2}, {"method": "ks", "p_value": 0.01}]}
                         for name in names}}
    with open(os.path.join(directory, "rule.json"), "w") as f:
        json.dump(rule, f)


def time_replay(driftd, directory, repeats=3):
    best = float("inf")
    report = os.path.join(directory, "report.json")
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([driftd, "replay", os.path.join(directory, "rule.json"), "--report", report],
                       check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    with open(report) as f:
        windows = json.load(f).get("windows", [])
    if len(windows) != 1:
        print(f"bench_report: expected one window in driftd's report, got {len(windows)}", file=sys.stderr)
    return best


def time_reference(python, directory, tool):
    environment = dict(os.environ, DO_NOT_TRACK="1", NML_DISABLE_USAGE_LOGGING="1")
    result = subprocess.run([python, "-c", REFERENCES, directory, tool], capture_output=True, text=True,
                            env=environment)
    if result.returncode != 0:
        print(f"bench_report: {tool} failed, skipping it:\n{result.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(bench_binary, quick=False):
    """Returns rows (what, ours, reference, unit, reference name); higher is better."""
    rows = 20_000 if quick else 100_000
    driftd = driftd_binary(bench_binary)
    python = bench_python()
    table = []
    with tempfile.TemporaryDirectory() as directory:
        make_data(directory, rows)
        replay = time_replay(driftd, directory)
        out = subprocess.run([bench_binary, "kernels", directory], check=True, capture_output=True, text=True).stdout
        statistics = {row["name"]: row for row in map(json.loads, out.strip().splitlines())}["report-statistics"]
        size = f"{rows // 1000}k x {FEATURES} reference vs {rows // 1000}k current, PSI + KS per feature"
        ours = [(f"data-drift report, {size} (driftd: replay, JSONL file to report file)", replay),
                (f"data-drift report, {size} (driftd: the statistics in memory, reference profile included)",
                 statistics["seconds"])]
        if python is None:
            for what, seconds in ours:
                print(f"bench_report: {what}: {seconds:.3f} s (no reference to compare with)", file=sys.stderr)
            return table
        references = [time_reference(python, directory, tool) for tool in ("evidently", "nannyml")]
        for what, seconds in ours:
            for tool, reference in zip(("evidently", "nannyml"), references):
                if reference is None:
                    continue
                label = reference["tool"] + (" DataDriftPreset psi, then ks, DataFrames in memory" if tool == "evidently"
                                             else " UnivariateDriftCalculator ks + jensen_shannon, DataFrames in memory")
                table.append((what, 1 / seconds, 1 / reference["seconds"], "reports/s", label))
    return table
