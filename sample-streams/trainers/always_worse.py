#!/usr/bin/env python3
"""Example retrain command that always loses: for the "all attempts fail" story of driftd.

    always_worse.py [METRIC]          (default METRIC: rmse)

Writes $DRIFTD_WORKDIR/model.json (a valid model.json that predicts a constant) and
$DRIFTD_WORKDIR/metrics.json holding METRIC at a value worse than any production model's:
1e6 for the metrics where lower is better (rmse, mae, mape, log_loss), 0.0 for the others
(f1, accuracy, precision, recall, roc_auc), -1e6 for r2. It exits 0: every attempt runs and
is checked, none wins, and driftd raises retrain_exhausted after the last one.
$DRIFTD_DATA is not read.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model as m  # noqa: E402

KNOWN = {"rmse", "mae", "mape", "log_loss", "r2", "f1", "accuracy", "precision", "recall", "roc_auc"}


def worst_value(metric):
    if metric in m.LOWER_IS_BETTER:
        return 1e6
    if metric == "r2":
        return -1e6
    return 0.0


def main(argv):
    if len(argv) > 1 or (argv and argv[0] in ("-h", "--help")):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    metric = argv[0] if argv else "rmse"
    if metric not in KNOWN:
        print("always_worse: error: unknown metric %r (one of %s)" % (metric, ", ".join(sorted(KNOWN))),
              file=sys.stderr)
        return 2
    workdir = os.environ.get("DRIFTD_WORKDIR")
    if not workdir or not os.path.isdir(workdir):
        print("always_worse: error: DRIFTD_WORKDIR is not set or not a folder", file=sys.stderr)
        return 2
    print("always_worse: monitor %s, attempt %s: writing a deliberately bad candidate (%s = %g)"
          % (os.environ.get("DRIFTD_MONITOR", "?"), os.environ.get("DRIFTD_ATTEMPT", "?"), metric, worst_value(metric)),
          flush=True)
    task = "regression" if metric in ("rmse", "mae", "mape", "r2") else "binary"
    document = m.model_document(task, m.Encoder([]), [0.0], {"fit": {"method": "always_worse"}})
    with open(os.path.join(workdir, "model.json"), "w", encoding="utf-8") as out:
        json.dump(document, out, indent=1, sort_keys=True)
        out.write("\n")
    with open(os.path.join(workdir, "metrics.json"), "w", encoding="utf-8") as out:
        json.dump({metric: worst_value(metric)}, out)
        out.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
