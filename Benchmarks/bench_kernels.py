"""Statistics kernels: driftd's PSI, Jensen-Shannon, KS, Wasserstein and window sort against numpy/scipy.

The arrays are generated once (seeded), written as raw float64 files for `driftd-bench kernels DIR`,
and the same arrays are timed with numpy/scipy in the same run. Both sides report the fastest of
several runs, over a few rounds taken in turns (the machine is shared). What is timed, per window
(the daemon's work; the reference profile is built once):
- PSI / Jensen-Shannon: the window's histogram over the reference's precomputed quantile edges
  (10 bins) and the statistic; numpy: `np.searchsorted` + `np.bincount` + the PSI sum, scipy's
  `jensenshannon` for JS.
- KS / Wasserstein: driftd sorts the window into a new array, then merges it once with the reference,
  which is sorted once per profile; scipy's `ks_2samp` and `wasserstein_distance` take the raw
  arrays (and sort both).
- sort: 1M doubles into a new sorted array (`RadixSort.sorted`); `np.sort`.
Results are cross-checked: a mismatch with numpy/scipy is reported on stderr.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from scipy import stats
from scipy.spatial import distance

SEED = 20261123
COUNT = 1_000_000
BIG_COUNT = 10_000_000
BINS = 10


def fastest(repeats, body):
    best = float("inf")
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = body()
        best = min(best, time.perf_counter() - start)
    return best, result


def numpy_psi(current, edges, reference_counts):
    counts = np.bincount(np.searchsorted(edges, current, side="left"), minlength=len(edges) + 1)
    r = reference_counts / reference_counts.sum()
    c = counts / counts.sum()
    r[r == 0] = 1e-4
    c[c == 0] = 1e-4
    return float(np.sum((c - r) * np.log(c / r)))


def numpy_js(current, edges, reference_counts):
    counts = np.bincount(np.searchsorted(edges, current, side="left"), minlength=len(edges) + 1)
    return float(distance.jensenshannon(reference_counts / reference_counts.sum(), counts / counts.sum(), base=2))


def make_data(directory, quick):
    rng = np.random.default_rng(SEED)
    # A shifted and widened window, values rounded to 4 decimals as logged features usually are (ties).
    reference = np.round(rng.normal(0.0, 1.0, COUNT), 4)
    current = np.round(rng.normal(0.1, 1.1, COUNT), 4)
    edges = np.unique(np.quantile(reference, [k / BINS for k in range(1, BINS)]))
    arrays = {"reference": reference, "current": current, "edges": edges}
    if not quick:
        arrays["reference-big"] = rng.normal(0.0, 1.0, BIG_COUNT)
        arrays["current-big"] = rng.normal(0.02, 1.0, BIG_COUNT)
    for name, array in arrays.items():
        np.ascontiguousarray(array, dtype="<f8").tofile(os.path.join(directory, name + ".f64"))
    return arrays


def check(what, ours, theirs, tolerance=0.0):
    if ours != theirs and abs(ours - theirs) > tolerance * abs(theirs):
        print(f"bench_kernels: {what}: driftd {ours!r} != reference {theirs!r}", file=sys.stderr)


def run(bench_binary, quick=False):
    """Returns rows (what, ours, reference, unit, reference name); higher is better.

    The machine is shared, so its load changes during a run: driftd's binary and the numpy/scipy
    timings take turns for a few rounds, and each side keeps its fastest figure over all rounds."""
    repeats = 3 if quick else 5
    rounds = 1 if quick else 3
    ours = {}
    theirs = {}
    results = {}

    def keep(name, seconds, result=None):
        if name not in theirs or seconds < theirs[name]:
            theirs[name] = seconds
        results[name] = result

    with tempfile.TemporaryDirectory() as directory:
        arrays = make_data(directory, quick)
        reference, current, edges = arrays["reference"], arrays["current"], arrays["edges"]
        reference_counts = np.bincount(np.searchsorted(edges, reference, side="left"), minlength=len(edges) + 1)
        for _ in range(rounds):
            out = subprocess.run([bench_binary, "kernels", directory], check=True, capture_output=True,
                                 text=True).stdout
            for row in map(json.loads, out.strip().splitlines()):
                if row["name"] not in ours or row["seconds"] < ours[row["name"]]["seconds"]:
                    ours[row["name"]] = row
            keep("sort", *fastest(repeats, lambda: np.sort(current)))
            keep("psi", *fastest(repeats, lambda: numpy_psi(current, edges, reference_counts)))
            keep("js", *fastest(repeats, lambda: numpy_js(current, edges, reference_counts)))
            keep("ks", *fastest(repeats, lambda: stats.ks_2samp(reference, current)))
            keep("wasserstein", *fastest(repeats, lambda: stats.wasserstein_distance(reference, current)))
            if "reference-big" in arrays:
                big_reference, big_current = arrays["reference-big"], arrays["current-big"]
                keep("ks-big", *fastest(1, lambda: stats.ks_2samp(big_reference, big_current)))

    check("PSI", ours["psi"]["value"], results["psi"], 1e-12)
    check("Jensen-Shannon", ours["js"]["value"], results["js"], 1e-12)
    check("KS statistic", ours["ks"]["statistic"], float(results["ks"].statistic))
    check("KS p-value", ours["ks"]["pvalue"], float(results["ks"].pvalue), 1e-9)
    check("Wasserstein", ours["wasserstein"]["value"], float(results["wasserstein"]), 1e-12)
    millions = COUNT / 1e6
    rows = [
        (f"sort {millions:.0f}M doubles (copy + sort)", "sort", COUNT, "np.sort"),
        (f"PSI {millions:.0f}M window, {len(edges) + 1} precomputed bins", "psi", COUNT,
         "np.searchsorted + np.bincount + sum"),
        (f"Jensen-Shannon {millions:.0f}M window, {len(edges) + 1} precomputed bins", "js", COUNT,
         "np.searchsorted + np.bincount + scipy jensenshannon"),
        (f"KS {millions:.0f}M vs {millions:.0f}M (window sort + merge)", "ks", COUNT, "scipy.stats.ks_2samp"),
        (f"Wasserstein {millions:.0f}M vs {millions:.0f}M (window sort + merge)", "wasserstein", COUNT,
         "scipy.stats.wasserstein_distance"),
    ]
    if "ks-big" in ours:
        check("KS 10M statistic", ours["ks-big"]["statistic"], float(results["ks-big"].statistic))
        check("KS 10M p-value", ours["ks-big"]["pvalue"], float(results["ks-big"].pvalue), 1e-9)
        rows.insert(4, (f"KS {BIG_COUNT // 1_000_000}M vs {BIG_COUNT // 1_000_000}M (window sort + merge)", "ks-big",
                        BIG_COUNT, "scipy.stats.ks_2samp"))
    return [(what, count / ours[name]["seconds"] / 1e6, count / theirs[name] / 1e6, "M values/s", reference)
            for what, name, count, reference in rows]
