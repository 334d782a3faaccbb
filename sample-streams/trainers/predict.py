#!/usr/bin/env python3
"""Predicts with a model.json written by train.py. Python 3 standard library only.

    predict.py MODEL.json [FILE]

Reads JSON Lines from FILE (default: standard input): either records with a "features"
object (a prediction record, a DRIFTD_DATA record) or bare feature objects. Writes one line
per input line to standard output: {"id": ..., "prediction": ...} plus "score" (the
probability of class 1) for a binary model. From Python: model.load_model(path).predict(features).
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model as m  # noqa: E402


def main(argv):
    if len(argv) not in (1, 2) or argv[0] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        fitted = m.load_model(argv[0])
    except (OSError, ValueError, KeyError) as error:
        print("predict: error: cannot load %s: %s" % (argv[0], error), file=sys.stderr)
        return 2
    source = open(argv[1], encoding="utf-8") if len(argv) == 2 else sys.stdin
    bad = 0
    with source:
        for number, line in enumerate(source, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError:
                obj = None
            if not isinstance(obj, dict):
                bad += 1
                print("predict: line %d: not a JSON object, skipped" % number, file=sys.stderr)
                continue
            features = obj["features"] if isinstance(obj.get("features"), dict) else obj
            prediction, score = fitted.predict(features)
            out = {"id": obj.get("id"), "prediction": prediction}
            if score is not None:
                out["score"] = score
            sys.stdout.write(json.dumps(out, separators=(",", ":")) + "\n")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
