#!/usr/bin/env python3
"""Tests of the example trainers (standard library only):

    python3 sample-streams/trainers/test_trainers.py
"""

import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import model as m  # noqa: E402
import serve  # noqa: E402

TRAIN = os.path.join(HERE, "train.py")
ALWAYS_WORSE = os.path.join(HERE, "always_worse.py")
SERVE = os.path.join(HERE, "serve.py")
PREDICT = os.path.join(HERE, "predict.py")
INITIAL_MODEL = os.path.join(HERE, "initial-model.json")
SAMPLES = os.path.dirname(HERE)

REGRESSION_KEYS = {"rmse", "mae", "mape", "r2", "n_train", "n_test"}
BINARY_KEYS = {"f1", "accuracy", "precision", "recall", "roc_auc", "log_loss", "n_train", "n_test"}


def write_jsonl(path, records):
    with open(path, "w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record) + "\n")


def rmse_of(fitted, records):
    return math.sqrt(sum((fitted.predict(r["features"])[0] - r["label"]) ** 2 for r in records) / len(records))


class Trainers(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="driftd-trainers-")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def run_command(self, argv, data=None, workdir=None, env_extra=None):
        """Runs a trainer like driftd does; returns (CompletedProcess, workdir)."""
        if workdir is None:
            workdir = tempfile.mkdtemp(dir=self.tmp, prefix="work-")
        env = {key: value for key, value in os.environ.items() if not key.startswith("DRIFTD_")}
        env.update({"DRIFTD_MONITOR": "test", "DRIFTD_ATTEMPT": "1", "DRIFTD_WORKDIR": workdir})
        if data is not None:
            env["DRIFTD_DATA"] = data
        env.update(env_extra or {})
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
        return done, workdir

    def train(self, records, *options):
        data = os.path.join(self.tmp, "data-%d.jsonl" % len(os.listdir(self.tmp)))
        write_jsonl(data, records)
        done, workdir = self.run_command([TRAIN, *options], data)
        self.assertEqual(done.returncode, 0, done.stderr)
        with open(os.path.join(workdir, "metrics.json")) as handle:
            metrics = json.load(handle)
        return metrics, m.load_model(os.path.join(workdir, "model.json")), done

    def assert_numbers(self, metrics, keys):
        self.assertEqual(set(metrics), keys)
        for key, value in metrics.items():
            self.assertIsInstance(value, (int, float), key)
            self.assertTrue(math.isfinite(value), key)

    # --- train.py, regression ------------------------------------------------------------

    def test_pre_shift_rmse_is_the_noise_level(self):
        records = serve.data_records(5000, seed=11)
        metrics, fitted, done = self.train(records)
        self.assert_numbers(metrics, REGRESSION_KEYS)
        self.assertEqual((metrics["n_train"], metrics["n_test"]), (4000, 1000))
        self.assertIn("regression task", done.stdout)
        # A correctly specified linear model: out-of-sample RMSE ~ sd * sqrt(1 + p / n),
        # MAE ~ sd * sqrt(2 / pi). The tolerance is several standard errors for 1000 test records.
        columns = len(fitted.encoder.columns)
        expected_rmse = serve.NOISE_SD * math.sqrt(1.0 + columns / metrics["n_train"])
        self.assertAlmostEqual(metrics["rmse"] / expected_rmse, 1.0, delta=0.08)
        self.assertAlmostEqual(metrics["mae"] / (serve.NOISE_SD * math.sqrt(2 / math.pi)), 1.0, delta=0.1)
        self.assertGreater(metrics["r2"], 0.8)
        # metrics.json is measured on the last 20% in file order, with the saved model
        test = records[4000:]
        self.assertAlmostEqual(rmse_of(fitted, test), metrics["rmse"], places=9)

    def test_ten_thousand_records_train_fast(self):
        started = time.monotonic()
        metrics, _, _ = self.train(serve.data_records(10000, seed=16, shift_at=5000))
        self.assertEqual(metrics["n_train"] + metrics["n_test"], 10000)
        self.assertLess(time.monotonic() - started, 5.0)

    def test_post_shift_model_beats_the_initial_model(self):
        metrics, fitted, _ = self.train(serve.data_records(5000, seed=12, shift_at=0))
        initial = m.load_model(INITIAL_MODEL)
        held_out = serve.data_records(2000, seed=13, shift_at=0)
        new_rmse, initial_rmse = rmse_of(fitted, held_out), rmse_of(initial, held_out)
        self.assertLess(new_rmse, 0.6 * initial_rmse, (new_rmse, initial_rmse))
        self.assertAlmostEqual(new_rmse / serve.NOISE_SD, 1.0, delta=0.08)
        # and it wins driftd's check: metrics.json beats the production model's rmse
        self.assertLess(metrics["rmse"], initial_rmse)
        # while the initial model is fine before the shift
        before = serve.data_records(2000, seed=14)
        self.assertAlmostEqual(rmse_of(initial, before) / serve.NOISE_SD, 1.0, delta=0.08)

    def test_since_change_trains_on_the_new_regime(self):
        # driftd's DRIFTD_DATA soon after the shift: 4700 old-regime records, 300 new, with the
        # production (initial) model's predictions
        initial = m.load_model(INITIAL_MODEL)
        records = serve.data_records(5000, seed=17, shift_at=4700)
        for record in records:
            record["prediction"] = round(initial.predict(record["features"])[0], 2)
        production_rmse = math.sqrt(sum((r["prediction"] - r["label"]) ** 2 for r in records[-1000:]) / 1000)
        held_out = serve.data_records(2000, seed=18, shift_at=0)
        plain, plain_model, _ = self.train(records)
        metrics, fitted, done = self.train(records, "--since-change")
        found = re.search(r"rises at record (\d+) of 5000", done.stdout)
        self.assertIsNotNone(found, done.stdout)
        self.assertAlmostEqual(int(found.group(1)), 4700, delta=20)           # the estimate is statistical
        self.assertEqual(metrics["n_train"] + metrics["n_test"], 5000 - int(found.group(1)))
        self.assertLess(metrics["rmse"], 0.7 * production_rmse)           # wins driftd's check
        self.assertLess(rmse_of(fitted, held_out), 1.3 * serve.NOISE_SD)  # and is a model of the new regime
        self.assertGreater(rmse_of(plain_model, held_out), 2.0 * serve.NOISE_SD)   # unlike the plain fit
        # a rise with too few records after it: all records are used, with a warning
        early = serve.data_records(3000, seed=20, shift_at=2950)
        for record in early:
            record["prediction"] = round(initial.predict(record["features"])[0], 2)
        metrics, _, done = self.train(early, "--since-change")
        self.assertIn("fewer than --min-change-records 100", done.stdout)
        self.assertEqual(metrics["n_train"] + metrics["n_test"], 3000)
        # no rise: all records are used
        steady = serve.data_records(3000, seed=19)
        for record in steady:
            record["prediction"] = round(initial.predict(record["features"])[0], 2)
        metrics, _, done = self.train(steady, "--since-change")
        self.assertIn("no clear rise", done.stdout)
        self.assertEqual(metrics["n_train"] + metrics["n_test"], 3000)

    def test_initial_model_regenerates_byte_for_byte(self):
        # the recipe in README.md
        data = os.path.join(self.tmp, "pre-shift.jsonl")
        done = subprocess.run([SERVE, "--dump-data", data, "--records", "5000", "--shift-at", "5000", "--seed", "1"],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(done.returncode, 0, done.stderr)
        done, workdir = self.run_command([TRAIN], data)
        self.assertEqual(done.returncode, 0, done.stderr)
        with open(os.path.join(workdir, "model.json"), "rb") as a, open(INITIAL_MODEL, "rb") as b:
            self.assertEqual(a.read(), b.read())

    def test_missing_and_unseen_values_and_deterministic_output(self):
        records = serve.data_records(600, seed=15)
        records[3]["features"]["trip_distance"] = None
        del records[4]["features"]["passenger_count"]
        records[5]["features"]["fare_amount"] = "NaN"
        records[6]["features"]["PULocationID"] = 132           # a number in a string feature
        records[7]["features"]["airport_fee"] = True            # a boolean feature
        records[8]["features"] = None
        data = os.path.join(self.tmp, "data.jsonl")
        write_jsonl(data, records)
        outputs = []
        for _ in range(2):
            done, workdir = self.run_command([TRAIN], data)
            self.assertEqual(done.returncode, 0, done.stderr)
            with open(os.path.join(workdir, "model.json"), "rb") as a, open(os.path.join(workdir, "metrics.json"), "rb") as b:
                outputs.append((a.read(), b.read()))
        self.assertEqual(outputs[0], outputs[1])
        fitted = m.load_model(os.path.join(workdir, "model.json"))
        kinds = {f["name"]: f["type"] for f in fitted.encoder.spec}
        self.assertEqual(kinds["airport_fee"], "boolean")
        self.assertEqual(kinds["PULocationID"], "categorical")
        self.assertEqual(kinds["trip_distance"], "numerical")
        self.assertAlmostEqual(fitted.predict({})[0], fitted.coef[0])    # all missing: the intercept
        self.assertTrue(math.isfinite(fitted.predict({"PULocationID": "never-seen", "trip_distance": "x"})[0]))
        # predict.py gives the same predictions as the module
        done = subprocess.run([PREDICT, os.path.join(workdir, "model.json"), data], capture_output=True, text=True)
        self.assertEqual(done.returncode, 0, done.stderr)
        lines = [json.loads(line) for line in done.stdout.splitlines()]
        self.assertEqual(len(lines), len(records))
        self.assertAlmostEqual(lines[0]["prediction"], fitted.predict(records[0]["features"])[0], places=9)

    # --- train.py, binary classification --------------------------------------------------

    def churn_records(self, limit):
        predictions = []
        with open(os.path.join(SAMPLES, "churn", "predictions.jsonl")) as handle:
            for line in handle:
                predictions.append(json.loads(line))
        labels = {}
        with open(os.path.join(SAMPLES, "churn", "labels.jsonl")) as handle:
            for line in handle:
                label = json.loads(line)
                labels.setdefault(label["id"], label["label"])
        joined = [dict(p, label=labels[p["id"]]) for p in predictions if p["id"] in labels]
        return joined[:limit]

    def test_binary_on_the_churn_sample(self):
        records = self.churn_records(3000)
        metrics, fitted, done = self.train(records)
        self.assert_numbers(metrics, BINARY_KEYS)
        self.assertIn("binary task", done.stdout)
        self.assertEqual(fitted.task, "binary")
        self.assertGreater(metrics["roc_auc"], 0.7)
        self.assertGreater(metrics["f1"], 0.5)
        for key in ("f1", "accuracy", "precision", "recall", "roc_auc"):
            self.assertTrue(0.0 <= metrics[key] <= 1.0, key)
        self.assertLess(metrics["log_loss"], math.log(2))
        prediction, score = fitted.predict(records[-1]["features"])
        self.assertIn(prediction, (0, 1))
        self.assertTrue(0.0 < score < 1.0)
        # boolean labels and an explicit --task give the same model
        as_booleans = [dict(r, label=bool(r["label"])) for r in records]
        metrics_b, fitted_b, _ = self.train(as_booleans, "--task", "binary")
        self.assertEqual(metrics_b, metrics)
        self.assertEqual(fitted_b.coef, fitted.coef)

    # --- always_worse.py -------------------------------------------------------------------

    def test_always_worse(self):
        for argv, metric, value in [([], "rmse", 1e6), (["f1"], "f1", 0.0), (["log_loss"], "log_loss", 1e6),
                                    (["r2"], "r2", -1e6)]:
            done, workdir = self.run_command([ALWAYS_WORSE, *argv])
            self.assertEqual(done.returncode, 0, done.stderr)
            with open(os.path.join(workdir, "metrics.json")) as handle:
                self.assertEqual(json.load(handle), {metric: value})
            m.load_model(os.path.join(workdir, "model.json"))
        done, _ = self.run_command([ALWAYS_WORSE, "bogus"])
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("unknown metric", done.stderr)

    # --- unusable data ---------------------------------------------------------------------

    def assert_fails(self, content, fragment, *options, data=None):
        if data is None:
            data = os.path.join(self.tmp, "bad.jsonl")
            with open(data, "w") as out:
                out.write(content)
        done, workdir = self.run_command([TRAIN, *options], data)
        self.assertNotEqual(done.returncode, 0, done.stdout)
        self.assertIn("error", done.stderr)
        self.assertIn(fragment, done.stderr)
        self.assertFalse(os.path.exists(os.path.join(workdir, "metrics.json")))

    def test_bad_data_fails_with_a_message(self):
        self.assert_fails("", "is empty")
        self.assert_fails("\n\n", "is empty")
        self.assert_fails("garbage\n{not json\n[1,2,3]\n\"x\"\n", "no usable records")
        self.assert_fails("\n".join(json.dumps({"id": i, "features": {"x": i}}) for i in range(50)) + "\n",
                          "no usable records")                            # no labels
        self.assert_fails("\n".join(json.dumps({"id": i, "features": {"x": i}, "label": 1.5}) for i in range(5)),
                          "only 5 usable records")
        self.assert_fails("\n".join(json.dumps({"id": i, "features": {"x": i}, "label": "cat"}) for i in range(50)),
                          "neither numbers nor binary")
        self.assert_fails("\n".join(json.dumps({"id": i, "features": {"x": i}, "label": 1}) for i in range(50)),
                          "both classes")
        self.assert_fails("\n".join(json.dumps({"id": i, "features": {}, "label": i * 0.5}) for i in range(50)),
                          "no usable features")
        self.assert_fails(None, "cannot read", data=os.path.join(self.tmp, "does-not-exist.jsonl"))
        done, _ = self.run_command([TRAIN])                                     # no DRIFTD_DATA
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("DRIFTD_DATA is not set", done.stderr)

    # --- serve.py --------------------------------------------------------------------------

    def test_generator_shift(self):
        before = serve.data_records(3, seed=5, shift_at=None)
        after = serve.data_records(3, seed=5, shift_at=0)
        self.assertEqual([r["features"] for r in before], [r["features"] for r in after])   # same covariates
        self.assertTrue(all(a["label"] > b["label"] for a, b in zip(after, before)))           # slower trips
        self.assertEqual(serve.data_records(50, seed=5, shift_at=20), serve.data_records(50, seed=5, shift_at=20))

    def serve_run(self, out, registry, *extra):
        done = subprocess.run([SERVE, "--out", out, "--registry", registry, "--records", "400", "--rate", "0",
                               "--shift-at", "200", "--seed", "3", "--label-delay-records", "30", *extra],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(done.returncode, 0, done.stderr)
        with open(os.path.join(out, "predictions.jsonl")) as handle:
            predictions = [json.loads(line) for line in handle]
        with open(os.path.join(out, "labels.jsonl")) as handle:
            labels = [json.loads(line) for line in handle]
        return predictions, labels

    def test_serve_streams(self):
        registry = os.path.join(self.tmp, "registry")
        predictions, labels = self.serve_run(os.path.join(self.tmp, "a"), registry)
        self.assertEqual(len(predictions), 400)
        self.assertEqual([p["id"] for p in predictions], [label["id"] for label in labels])
        self.assertEqual({p["version"] for p in predictions}, {"initial"})
        for i, label in enumerate(labels[:370]):                         # written 30 records later
            self.assertEqual(label["ts"], predictions[i + 30]["ts"])
        first = predictions[0]
        self.assertEqual(set(first), {"id", "ts", "model", "version", "features", "prediction"})
        self.assertRegex(first["ts"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertEqual(set(first["features"]), {"trip_distance", "passenger_count", "pickup_hour",
                                                  "PULocationID", "payment_type", "fare_amount"})
        # deterministic for a seed
        again, again_labels = self.serve_run(os.path.join(self.tmp, "b"), registry)
        self.assertEqual((again, again_labels), (predictions, labels))
        # the initial model's error jumps at the shift
        truth = {label["id"]: label["label"] for label in labels}
        def rmse(part):
            return math.sqrt(sum((p["prediction"] - truth[p["id"]]) ** 2 for p in part) / len(part))
        self.assertGreater(rmse(predictions[200:]), 2.0 * rmse(predictions[:200]))

        # a production model in the registry is used
        version = os.path.join(registry, "versions", "7")
        os.makedirs(version)
        done, _ = self.run_command([TRAIN], None, version,
                                   {"DRIFTD_DATA": self.dump(serve.data_records(3000, seed=21, shift_at=0))})
        self.assertEqual(done.returncode, 0, done.stderr)
        os.symlink(os.path.join("versions", "7"), os.path.join(registry, "current"))
        promoted, promoted_labels = self.serve_run(os.path.join(self.tmp, "c"), registry)
        self.assertEqual({p["version"] for p in promoted}, {"7"})
        self.assertEqual(promoted_labels, labels)
        truth_after = promoted[200:]
        self.assertLess(rmse(truth_after), 0.6 * rmse(predictions[200:]))

    def dump(self, records):
        path = os.path.join(self.tmp, "dump-%d.jsonl" % len(os.listdir(self.tmp)))
        write_jsonl(path, records)
        return path


if __name__ == "__main__":
    unittest.main(verbosity=2)
