#!/usr/bin/env python3
"""Example retrain command for driftd (CONTRACT.md section 7). Python 3 standard library only.

    train.py [--task auto|regression|binary] [--alpha A] [--test-fraction F] [--max-categories K]
             [--since-change [--min-change-records M]]

Reads the labeled records in $DRIFTD_DATA (JSON Lines: id, ts, features, prediction, score,
label), holds out the last 20% of them in file order, fits ridge regression (normal equations,
Gaussian elimination) or L2-regularised logistic regression (Newton's method) on the rest, and
writes $DRIFTD_WORKDIR/model.json and $DRIFTD_WORKDIR/metrics.json (measured on the held-out
records). With --since-change, when the production model's error (the records' "prediction"
against their "label") rose part-way through the file, only the records from the rise on are
used (and their last 20% held out): a model of the new regime, not of the old one.
Exit status: 0 on success, 2 for unusable data or a bad environment.
"""

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model as m  # noqa: E402

MIN_RECORDS = 10
CHANGE_DETECTION_SEGMENT = 20     # the fewest records on either side of a detected rise


def log(message):
    print("train: " + message, flush=True)


def fail(message):
    print("train: error: " + message, file=sys.stderr, flush=True)
    sys.exit(2)


def write_json(path, document):
    """Writes via a temporary file and a rename, so a reader never sees half a file."""
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as out:
        json.dump(document, out, indent=1, sort_keys=True)
        out.write("\n")
    os.replace(temporary, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Example driftd trainer: ridge / logistic regression on $DRIFTD_DATA.")
    parser.add_argument("--task", choices=["auto", "regression", "binary"], default="auto",
                        help="default: detected from the labels (0/1 or booleans -> binary, other numbers -> regression)")
    parser.add_argument("--alpha", type=float, default=1.0, help="L2 penalty on the (standardised) weights, default 1.0")
    parser.add_argument("--test-fraction", type=float, default=0.2,
                        help="share of the records, the last in file order, held out for metrics.json (default 0.2)")
    parser.add_argument("--since-change", action="store_true",
                        help="if the production model's error (from the records' prediction field) rose part-way "
                             "through the data, train and test only on the records after the rise")
    parser.add_argument("--min-change-records", type=int, default=100,
                        help="with --since-change: the fewest records after a rise to use it (default 100)")
    parser.add_argument("--max-categories", type=int, default=100,
                        help="one-hot columns per string feature: the most frequent values (default 100)")
    args = parser.parse_args(argv)
    if not 0.0 < args.test_fraction < 1.0:
        fail("--test-fraction must be between 0 and 1")
    if args.alpha < 0:
        fail("--alpha must not be negative")

    started = time.monotonic()
    data_path = os.environ.get("DRIFTD_DATA")
    workdir = os.environ.get("DRIFTD_WORKDIR")
    if not data_path:
        fail("DRIFTD_DATA is not set (the JSON Lines file of labeled records)")
    if not workdir:
        fail("DRIFTD_WORKDIR is not set (the folder for the candidate model)")
    if not os.path.isdir(workdir):
        fail("DRIFTD_WORKDIR %s is not a folder" % workdir)
    log("monitor %s, attempt %s, data %s" % (os.environ.get("DRIFTD_MONITOR", "?"),
                                             os.environ.get("DRIFTD_ATTEMPT", "?"), data_path))

    try:
        records, problems = m.read_records(data_path)
        if problems:
            log("skipped %d unusable lines (first: %s)" % (len(problems), problems[0]))
        if not records:
            if problems:
                fail("%s has no usable records: %d lines skipped (first: %s)" % (data_path, len(problems), problems[0]))
            fail("%s is empty: no labeled records to train on" % data_path)
        if len(records) < MIN_RECORDS:
            fail("%s has only %d usable records; at least %d are needed" % (data_path, len(records), MIN_RECORDS))
        if len(problems) > len(records):
            fail("%s is mostly unusable: %d lines skipped, %d records (first problem: %s)"
                 % (data_path, len(problems), len(records), problems[0]))

        task = m.detect_task([r["label"] for r in records]) if args.task == "auto" else args.task
        y = m.targets(records, task)
        change = None
        if args.since_change:
            errors = m.production_errors(records, y, task)
            if errors is None:
                log("--since-change: some records have no usable prediction; using all records")
            else:
                change = m.change_point(errors, CHANGE_DETECTION_SEGMENT)
                if change is None:
                    log("--since-change: no clear rise in the production error; using all records")
                elif len(records) - change[0] < max(args.min_change_records, MIN_RECORDS):
                    log("--since-change: warning: the production error rises at record %d of %d, but only %d records "
                        "follow, fewer than --min-change-records %d; using all records (this candidate is unlikely "
                        "to beat production: retrain again once more labeled records have arrived)"
                        % (change[0], len(records), len(records) - change[0], args.min_change_records))
                    change = None
                else:
                    first, before, after, z = change
                    log("--since-change: production error rises at record %d of %d (mean %s %.4g -> %.4g, z %.1f); "
                        "using the %d records from there"
                        % (first, len(records), "absolute error" if task == "regression" else "0/1 error",
                           before, after, z, len(records) - first))
                    records, y = records[first:], y[first:]
        n_test = max(1, int(round(len(records) * args.test_fraction)))
        n_train = len(records) - n_test
        train, test = records[:n_train], records[n_train:]
        y_train, y_test = y[:n_train], y[n_train:]
        log("%d records (%s task): training on the first %d, testing on the last %d"
            % (len(records), task, n_train, n_test))

        encoder = m.Encoder.fit([r["features"] for r in train], args.max_categories)
        if len(encoder.spec) == 0:
            fail("no usable features in %s (every record's features are empty or null)" % data_path)
        summary = ", ".join("%s (%s%s)" % (f["name"], f["type"],
                                          ", %d values" % len(f["values"]) if f["type"] == "categorical" else "")
                            for f in encoder.spec)
        log("features: " + summary + "; %d columns" % len(encoder.columns))
        rows_train = [encoder.row(r["features"]) for r in train]
        dim = len(encoder.columns)

        if task == "regression":
            coef = m.fit_ridge(rows_train, y_train, dim, args.alpha)
            extra = {"fit": {"method": "ridge", "alpha": args.alpha, "n_train": n_train}}
        else:
            positives = sum(y_train)
            if positives == 0 or positives == n_train:
                fail("every training label is %d: a binary classifier needs both classes" % y_train[0])
            coef, iterations = m.fit_logistic(rows_train, y_train, dim, args.alpha)
            log("logistic regression converged in %d Newton iterations" % iterations)
            extra = {"fit": {"method": "logistic", "alpha": args.alpha, "n_train": n_train,
                             "iterations": iterations}}
        if change is not None:
            extra["fit"]["since_record"] = change[0]
        document = m.model_document(task, encoder, coef, extra)
        fitted = m.Model(document)

        train_values = [fitted.raw(r["features"]) for r in train]
        test_values = [fitted.raw(r["features"]) for r in test]
        if task == "regression":
            metrics = m.regression_metrics(y_test, test_values)
            train_metrics = m.regression_metrics(y_train, train_values)
            log("train rmse %.4f; held-out rmse %.4f, mae %.4f, r2 %.4f"
                % (train_metrics["rmse"], metrics["rmse"], metrics["mae"], metrics["r2"]))
        else:
            metrics = m.binary_metrics(y_test, test_values)
            if "roc_auc" not in metrics:
                log("warning: the held-out records are all one class, so roc_auc is left out")
            log("held-out f1 %.4f, accuracy %.4f, roc_auc %s, log_loss %.4f"
                % (metrics["f1"], metrics["accuracy"],
                   "%.4f" % metrics["roc_auc"] if "roc_auc" in metrics else "n/a", metrics["log_loss"]))
        metrics["n_train"] = n_train
        metrics["n_test"] = n_test
    except m.DataError as error:
        fail(str(error))

    try:
        write_json(os.path.join(workdir, "model.json"), document)
        write_json(os.path.join(workdir, "metrics.json"), metrics)
    except OSError as error:
        fail("cannot write to %s: %s" % (workdir, error))
    log("wrote model.json and metrics.json to %s in %.2f s" % (workdir, time.monotonic() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
