#!/usr/bin/env python3
"""Checks rules/schema.json (the JSON Schema of rule files, for editors) against the rule files.

    /work/main/.venv/bin/python scripts/check_rules_schema.py

- the schema itself is a valid draft 2020-12 schema;
- every example rules/*.json (except schema.json) is valid;
- every Tests/Fixtures/rules/bad/*.json is rejected, and every error the schema reports for it
  lies on the path of its one defect (so a file is not rejected for some other, unintended reason);
  bad files that are not JSON, or whose defect the schema cannot express (NOT_EXPRESSIBLE), are skipped;
- a few inline rules at the edges of the spec are accepted, and loopback look-alike webhook URLs
  need a secret.

Prints "N passed, M failed" and exits 1 on any failure.
"""

import glob
import json
import os
import sys

from jsonschema import Draft202012Validator

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMA = os.path.join(ROOT, "rules", "schema.json")
BAD = os.path.join(ROOT, "Tests", "Fixtures", "rules", "bad")

# Each bad file's defect, as the JSON path (keys and indices) where the schema reports it.
# An error reported at a parent of this path (e.g. a missing required key at the top) also counts.
DEFECTS = {
    "adwin-delta-out-of-range.json": ["concept_drift", 0],
    "bad-duration.json": ["window"],
    "detector-parameter-of-another.json": ["concept_drift", 0],
    "drift-without-reference.json": [],
    "duplicate-method.json": ["features", "trip_distance", "drift"],
    "empty-command.json": ["retrain", "command"],
    "ks-on-categorical.json": ["features", "payment_type", "drift", 0],
    "ks-on-predicted-class.json": ["prediction_drift", 0],
    "max-attempts-4.json": ["retrain", "max_attempts"],
    "retrain-triggers.json": ["retrain"],
    "metric-wrong-task.json": ["performance", 0, "metric"],
    "missing-monitor.json": [],
    "monitor-name-with-space.json": ["monitor"],
    "negative-threshold.json": ["features", "trip_distance", "drift", 0],
    "p-value-out-of-range.json": ["features", "payment_type", "drift", 0],
    "performance-without-labels.json": [],
    "pos-label-on-regression.json": ["performance", 0, "pos_label"],
    "psi-bins-1.json": ["features", "trip_distance", "drift", 0],
    "reference-path-and-first.json": ["reference"],
    "task-typo.json": ["task"],
    "threshold-and-p-value.json": ["features", "trip_distance", "drift", 0],
    "threshold-wrong-type.json": ["features", "trip_distance", "drift", 0],
    "unknown-detector.json": ["concept_drift", 0],
    "unknown-key-threshhold.json": ["features", "trip_distance", "drift", 0],
    "webhook-without-secret.json": ["alerts", "webhooks", 0],
    "window-size-and-duration.json": ["window"],
    "several-problems.json": None,  # many defects: rejection is enough
}


# Bad rule files whose defect JSON Schema cannot express (driftd's validator still rejects them),
# e.g. `min` above `max`, two detectors with the same `name`, `alpha` < `beta` for eddm, duplicate keys.
# They are checked to be valid JSON and otherwise skipped. Files that are not JSON at all (syntax-error
# fixtures) are skipped too.
NOT_EXPRESSIBLE = {"duplicate-key.json"}


def minimal(task="regression", **sections):
    rule = {"monitor": "m", "task": task, "predictions": {"path": "p.jsonl"}, "window": {"size": 10}}
    rule.update(sections)
    return rule


LOOKALIKE_URLS = ["http://127.0.0.1.example.com/hook", "http://localhost.example.com/hook",
                  "https://10.0.0.1/hook", "http://[::2]/hook", "http://example.com/127.0.0.1",
                  "http://example.com?next=http://localhost/", "http://128.0.0.1/", "http://127.0.0.256/"]


def variants():
    """Valid rules at the edges of the spec (label, rule)."""
    detectors = [
        {"detector": "adwin", "name": "a", "delta": 0.5, "clock": 1, "max_buckets": 1, "min_window_length": 1, "grace_period": 1},
        {"detector": "ddm", "warm_start": 1, "warning_threshold": 0.5, "drift_threshold": 4},
        {"detector": "eddm", "warm_start": 10, "alpha": 1, "beta": 0.5},
        {"detector": "page_hinkley", "min_instances": 1, "delta": 0, "threshold": 10, "alpha": 1, "mode": "down"},
        {"detector": "hddm_a", "drift_confidence": 0.01, "warning_confidence": 0.02, "two_sided_test": True},
        {"detector": "hddm_w", "drift_confidence": 0.01, "warning_confidence": 0.02, "lambda_val": 1, "two_sided_test": False},
        {"detector": "kswin", "alpha": 0.01, "window_size": 200, "stat_size": 50, "seed": 7},
    ]
    loopback_hooks = [{"url": url} for url in ["http://127.0.0.1:9093/api/v2/alerts", "http://localhost/hook",
                                               "https://LOCALHOST:8443", "http://127.255.0.9", "http://[::1]:9000/x",
                                               "http://user@127.0.0.1/"]]
    secured_hooks = [{"url": "https://hooks.example.com/x", "format": "slack", "secret_file": "/etc/s", "timeout": "5s"},
                     {"url": "http://10.1.2.3/x", "format": "generic", "credential": "hook"}]
    return [
        ("every detector with every parameter", minimal(labels={"path": "l.jsonl", "id": "rid", "label": "y", "max_delay": "500ms"},
                                                         concept_drift=detectors)),
        ("loopback webhooks without a secret", minimal(alerts={"journald": False, "webhooks": loopback_hooks, "repeat_interval": "1d"})),
        ("non-loopback webhooks with a secret", minimal(alerts={"webhooks": secured_hooks})),
        ("hopping count windows and a reference file", minimal(window={"size": 100, "step": 50}, reference={"path": "ref.jsonl"},
                                                                features={"x": {"type": "numerical", "drift": [{"method": "psi", "bins": 2}, {"method": "jensen_shannon", "threshold": 1, "bins": 1000}]},
                                                                          "c": {"type": "categorical", "drift": []}})),
        ("hopping time windows", minimal(window={"duration": "1h", "step": "15m"})),
        ("no drift without a reference", minimal(features={"x": {"type": "numerical"}, "y": {"type": "categorical", "drift": []}},
                                                 prediction_drift=[], performance=[], concept_drift=[])),
        ("renamed prediction fields", minimal(predictions={"path": "*.jsonl", "id": "uid", "timestamp": "time", "features": "x",
                                                           "prediction": "yhat", "score": "p"})),
        ("regression prediction drift on prediction and score", minimal(reference={"first": 1},
            prediction_drift=[{"method": "ks", "threshold": 0.5, "min_statistic": 0}, {"method": "wasserstein", "field": "score"},
                              {"method": "ks", "field": "score", "p_value": 0.01}, {"method": "psi", "field": "prediction", "bins": 5}])),
        ("classification prediction drift on class and score", minimal("binary_classification", reference={"first": 1},
            prediction_drift=[{"method": "chi2"}, {"method": "psi", "field": "prediction"}, {"method": "psi", "field": "score", "bins": 20},
                              {"method": "ks", "field": "score"}, {"method": "jensen_shannon"}])),
        ("binary metrics with pos_label forms", minimal("binary_classification", labels={"path": "l"},
            performance=[{"metric": m, "min": 0.1, "max": 0.9} for m in ["accuracy", "precision", "recall", "roc_auc", "log_loss"]]
                        + [{"metric": "f1", "pos_label": "churned"}])),
        ("multiclass metrics and retrain", minimal("multiclass_classification", labels={"path": "l"},
            performance=[{"metric": m} for m in ["accuracy", "precision", "recall", "f1"]],
            retrain={"command": ["/bin/train", "--fast", ""], "max_attempts": 1, "timeout": "2h", "metric": "f1",
                     "min_improvement": 0.01, "registry": "/var/lib/r", "cooldown": "7d", "promote_command": ["/bin/promote"],
                     "data_records": 1})),
        ("regression metrics", minimal(labels={"path": "l"}, performance=[{"metric": m} for m in ["mae", "rmse", "mape", "r2"]])),
        ("a 128-character monitor name and a description", dict(minimal(), monitor="a" * 128, description="")),
    ]


def explain(error):
    """The errors that say why: for a oneOf/anyOf over shapes told apart by a `const` (the method,
    the detector, the field) or by a required key, the errors of the shapes that matched on those;
    else the error itself."""
    if error.validator not in ("oneOf", "anyOf") or not error.context:
        return [error]
    branches = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    matching = [subs for subs in branches.values() if not any(sub.validator == "const" for sub in subs)]
    if not matching:
        return [error]
    # Prefer the shapes whose required keys are there (the window or reference form the rule chose).
    complete = [subs for subs in matching if not any(sub.validator == "required" for sub in subs)]
    matching = complete or matching
    return [leaf for subs in matching for sub in subs for leaf in explain(sub)]


def on_path(error_path, defect_path):
    """Whether the error is reported at the defect, at one of its parents, or inside it."""
    n = min(len(error_path), len(defect_path))
    return list(error_path)[:n] == list(defect_path)[:n] and len(error_path) <= len(defect_path) + 2


def main():
    passed, failed = 0, 0

    def result(ok, name, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
            print("ok    %s%s" % (name, detail))
        else:
            failed += 1
            print("FAIL  %s%s" % (name, detail))

    with open(SCHEMA) as source:
        schema = json.load(source)
    try:
        Draft202012Validator.check_schema(schema)
        result(True, "rules/schema.json is a valid draft 2020-12 schema")
    except Exception as error:  # SchemaError
        result(False, "rules/schema.json is a valid draft 2020-12 schema", ": %s" % error)
        print("%d passed, %d failed" % (passed, failed))
        return 1
    validator = Draft202012Validator(schema)

    examples = sorted(p for p in glob.glob(os.path.join(ROOT, "rules", "*.json")) if os.path.basename(p) != "schema.json")
    # The end-to-end fixtures' rule files are valid rules too.
    examples += sorted(glob.glob(os.path.join(ROOT, "Tests", "Fixtures", "replay", "*", "rule.json")))
    if not examples:
        result(False, "rules/*.json", ": no example rule files")
    for path in examples:
        name = os.path.relpath(path, ROOT)
        with open(path) as source:
            rule = json.load(source)
        errors = sorted(validator.iter_errors(rule), key=lambda e: list(e.absolute_path))
        detail = "".join("\n      %s: %s" % ("/".join(map(str, e.absolute_path)) or "(top)", e.message) for e in errors)
        result(not errors, name + " is valid", detail)

    bad_files = sorted(glob.glob(os.path.join(BAD, "*.json")))
    names = {os.path.basename(p) for p in bad_files}
    for missing in sorted(set(DEFECTS) - names):
        result(False, "Tests/Fixtures/rules/bad/" + missing, ": listed in DEFECTS but missing")
    for path in bad_files:
        name = os.path.relpath(path, ROOT)
        base = os.path.basename(path)
        try:
            with open(path) as source:
                rule = json.load(source)
        except ValueError:
            print("skip  %s (not JSON: a syntax-error fixture for driftd check)" % name)
            continue
        if base in NOT_EXPRESSIBLE:
            print("skip  %s (its defect is not expressible in JSON Schema)" % name)
            continue
        errors = list(validator.iter_errors(rule))
        if not errors:
            result(False, name + " is rejected", ": the schema accepts it")
            continue
        if base not in DEFECTS:
            result(False, name + " is rejected", ": add its defect's path to DEFECTS (or the file to NOT_EXPRESSIBLE)")
            continue
        errors = [leaf for e in errors for leaf in explain(e)]
        stray = [e for e in errors if DEFECTS[base] is not None and not on_path(e.absolute_path, DEFECTS[base])]
        if stray:
            detail = "".join("\n      unexpected error at %s: %s" % ("/".join(map(str, e.absolute_path)) or "(top)", e.message) for e in stray)
            result(False, name + " is rejected for its defect only", detail)
            continue
        result(True, name + " is rejected", "".join("\n      %s: %s" % ("/".join(map(str, e.absolute_path)) or "(top)", e.message[:110]) for e in errors))

    # Small inline cases at the edges of the spec: valid ones the schema must not reject, and
    # webhook URLs that only look like loopback.
    for label, rule in variants():
        errors = list(validator.iter_errors(rule))
        detail = "".join("\n      %s: %s" % ("/".join(map(str, e.absolute_path)) or "(top)", e.message) for e in errors)
        result(not errors, "accepts " + label, detail)
    for url in LOOKALIKE_URLS:
        rule = minimal(alerts={"webhooks": [{"url": url}]})
        result(bool(list(validator.iter_errors(rule))), "needs a secret for " + url)

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
