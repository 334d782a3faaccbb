#!/usr/bin/env python3
"""Side-by-side benchmarks: driftd's hot paths against the Python references, same data, one run.

Usage (from the repository root; `make bench` does this):
    .venv/bin/python Benchmarks/run.py --bench-binary PATH/driftd-bench [--only parse] [--quick]

Every `Benchmarks/bench_NAME.py` is a suite with `run(bench_binary, quick) -> rows`, each row
(what, ours, reference, unit, reference name) where higher is better. Prints a table with both
figures and the ratio; copy it into BENCHMARKS.md with the date.
"""
import argparse
import importlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bench-binary", required=True)
    parser.add_argument("--only", action="append", help="run only these suites (by NAME)")
    parser.add_argument("--quick", action="store_true", help="smaller inputs")
    args = parser.parse_args()
    sys.path.insert(0, HERE)
    suites = sorted(f[len("bench_"):-3] for f in os.listdir(HERE) if f.startswith("bench_") and f.endswith(".py"))
    for name in suites:
        if args.only and name not in args.only:
            continue
        rows = importlib.import_module("bench_" + name).run(args.bench_binary, args.quick)
        for what, ours, theirs, unit, reference in rows:
            print(f"{what}")
            print(f"  driftd     {ours:10.3f} {unit}")
            print(f"  reference  {theirs:10.3f} {unit}  ({reference})")
            print(f"  ratio      {ours / theirs:10.1f}x")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
