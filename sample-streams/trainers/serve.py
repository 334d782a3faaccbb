#!/usr/bin/env python3
"""Demo model server and traffic for driftd: a live taxi-duration stream with concept drift.

    serve.py --out DIR --registry REGDIR --records N --rate R --shift-at K
             [--seed S] [--label-delay-records D] [--start RFC3339|now] [--id-prefix P]
             [--initial-model FILE]
    serve.py --dump-data FILE --records N --shift-at K [--seed S] [--start ...] [--id-prefix P]

Serving: generates N synthetic taxi trips, predicts each one's duration (minutes) and appends
the prediction record to DIR/predictions.jsonl; the true duration is appended to
DIR/labels.jsonl D records later (default 50), so labels arrive late. Every line is written
whole with one write() and flushed. R records per second (0: as fast as possible).

From record K (0-based) on, the true relation between the features and the duration changes
(concept drift; the feature distributions stay the same): every mile takes 40% longer and
the midtown zones CONGESTED_ZONES take 6 more minutes, so the production model's error jumps.

Predictions come from REGDIR/current/model.json (a model.json written by train.py) when that
exists, re-checked every 100 records, so a model promoted by driftd is picked up and the error
recovers; until then from --initial-model (default initial-model.json next to this script, a
train.py model of pre-shift data). The prediction record's "version" names the model in use:
the registry version folder's name, or "initial".

--dump-data writes N labeled records in DRIFTD_DATA's format (id, ts, features, label; no
prediction) to FILE and exits: training data for train.py and the tests.

Deterministic for a seed: the trips, ids, timestamps and labels do not depend on the rate,
and the predictions only on when a new model appears in the registry.
"""

import argparse
import collections
import datetime
import json
import math
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import model as m  # noqa: E402

# --- The generator ------------------------------------------------------------------------

DEFAULT_SEED = 20261124
DEFAULT_START = "2026-11-24T06:00:00Z"
MEAN_GAP_SECONDS = 1.6              # simulated time between trips (ts), whatever the --rate

ZONES = ["237", "161", "236", "162", "230", "186", "170", "142", "239", "163",
         "141", "48", "68", "79", "234", "107", "100", "140", "132", "138"]
ZONE_WEIGHTS = [1.0 / (rank + 1) ** 0.8 for rank in range(len(ZONES))]
AIRPORT_MILES = {"132": 16.0, "138": 9.5}          # JFK, LaGuardia: typical trip miles
ZONE_MINUTES = {"237": 1.0, "161": 2.5, "236": 0.5, "162": 2.0, "230": 3.0, "186": 1.5,
                "170": 1.5, "142": 1.0, "239": 0.5, "163": 2.0, "141": 0.5, "48": 2.5,
                "68": 1.0, "79": 1.5, "234": 1.0, "107": 0.5, "100": 2.0, "140": 0.0,
                "132": 4.0, "138": 3.0}
PAYMENTS = ["card", "cash", "no_charge", "dispute"]
PAYMENT_WEIGHTS = [0.72, 0.25, 0.02, 0.01]
PAYMENT_MINUTES = {"card": 0.0, "cash": 0.8, "no_charge": -0.5, "dispute": 1.0}
HOUR_WEIGHTS = [3.0, 2.2, 1.6, 1.1, 0.9, 1.0, 2.0, 3.4, 4.2, 4.3, 4.2, 4.3,
                4.5, 4.5, 4.8, 5.0, 5.0, 5.6, 6.2, 6.2, 5.6, 5.3, 5.0, 4.0]
PASSENGER_WEIGHTS = [0.71, 0.14, 0.05, 0.03, 0.05, 0.02]     # 1..6

# The true duration is linear in the encoded features plus Gaussian noise, so a linear model
# fitted on enough data of one regime reaches an RMSE of about NOISE_SD.
BASE_MINUTES = 5.0
MINUTES_PER_MILE = 3.0
MINUTES_PER_PASSENGER = 0.25
NOISE_SD = 2.5
# After the shift: slower traffic everywhere and congestion in midtown.
SHIFTED_MINUTES_PER_MILE = 4.2
CONGESTED_ZONES = {"161": 6.0, "162": 6.0, "230": 6.0, "163": 6.0, "170": 6.0}
MIN_DURATION = 0.5


def true_mean_duration(features, shifted):
    """The expected duration (minutes) of a trip in the given regime."""
    zone = features["PULocationID"]
    per_mile = SHIFTED_MINUTES_PER_MILE if shifted else MINUTES_PER_MILE
    minutes = (BASE_MINUTES + per_mile * features["trip_distance"]
               + MINUTES_PER_PASSENGER * features["passenger_count"]
               + ZONE_MINUTES[zone] + PAYMENT_MINUTES[features["payment_type"]])
    if shifted:
        minutes += CONGESTED_ZONES.get(zone, 0.0)
    return minutes


def trip(rng, shifted):
    """Draws one trip: (features, true duration in minutes, rounded to 0.01)."""
    zone = rng.choices(ZONES, ZONE_WEIGHTS)[0]
    hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
    passengers = rng.choices(range(1, 7), PASSENGER_WEIGHTS)[0]
    payment = rng.choices(PAYMENTS, PAYMENT_WEIGHTS)[0]
    if zone in AIRPORT_MILES:
        distance = AIRPORT_MILES[zone] * math.exp(rng.gauss(0.0, 0.22))
    else:
        distance = math.exp(rng.gauss(math.log(1.9), 0.75))
    distance = round(min(max(distance, 0.1), 80.0), 2)
    fare = 70.0 if zone == "132" else max(round(3.0 + 2.8 * distance + rng.gauss(0.0, 1.5), 1), 3.0)
    features = {"trip_distance": distance, "passenger_count": passengers, "pickup_hour": hour,
                "PULocationID": zone, "payment_type": payment, "fare_amount": fare}
    duration = true_mean_duration(features, shifted) + rng.gauss(0.0, NOISE_SD)
    return features, round(max(duration, MIN_DURATION), 2)


def parse_start(text):
    if text == "now":
        return int(time.time() * 1000)
    moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return int(round(moment.timestamp() * 1000))


def iso_millis(ms):
    moment = datetime.datetime.fromtimestamp(ms // 1000, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % (ms % 1000)


def trips(n, seed=DEFAULT_SEED, shift_at=None, start=DEFAULT_START, id_prefix="s"):
    """Yields n labeled trips as dicts: index, id, ts, ms, features, label, shifted.

    Trip i is drawn from the shifted regime when shift_at is not None and i >= shift_at."""
    rng = random.Random(seed)
    ms = parse_start(start) if isinstance(start, str) else int(start)
    for i in range(n):
        ms += max(1, int(round(rng.expovariate(1.0 / (MEAN_GAP_SECONDS * 1000.0)))))
        shifted = shift_at is not None and i >= shift_at
        features, label = trip(rng, shifted)
        yield {"index": i, "id": "%s-%06d" % (id_prefix, i + 1), "ts": iso_millis(ms), "ms": ms,
               "features": features, "label": label, "shifted": shifted}


def data_records(n, seed=DEFAULT_SEED, shift_at=None, start=DEFAULT_START, id_prefix="s"):
    """n records in DRIFTD_DATA's format (id, ts, features, label)."""
    return [{"id": t["id"], "ts": t["ts"], "features": t["features"], "label": t["label"]}
            for t in trips(n, seed, shift_at, start, id_prefix)]


def dumps(obj):
    return json.dumps(obj, separators=(",", ":"))


# --- Serving ------------------------------------------------------------------------------

class ModelSource:
    """The model in production: REGDIR/current/model.json when present, else the initial one."""

    def __init__(self, registry, initial_path, log):
        self.registry = registry
        self.log = log
        self.current_target = None
        self.model = m.load_model(initial_path)
        self.version = "initial"

    def refresh(self, index):
        link = os.path.join(self.registry, "current")
        try:
            target = os.path.realpath(link, strict=True)
        except (OSError, TypeError):
            return                                   # no production model yet: keep what we have
        if target == self.current_target:
            return
        try:
            loaded = m.load_model(os.path.join(target, "model.json"))
        except (OSError, ValueError, KeyError) as error:
            self.log("record %d: cannot load %s/model.json (%s); keeping version %s"
                     % (index, target, error, self.version))
            self.current_target = target
            return
        self.current_target = target
        self.model = loaded
        self.version = os.path.basename(target.rstrip(os.sep)) or "current"
        self.log("record %d: now predicting with registry version %s (%s)" % (index, self.version, target))


def append_line(fd, obj):
    os.write(fd, (dumps(obj) + "\n").encode("utf-8"))


def serve(args, log):
    os.makedirs(args.out, exist_ok=True)
    source = ModelSource(args.registry, args.initial_model, log)
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
    predictions_fd = os.open(os.path.join(args.out, "predictions.jsonl"), flags, 0o644)
    labels_fd = os.open(os.path.join(args.out, "labels.jsonl"), flags, 0o644)
    pending = collections.deque()
    squared = collections.deque(maxlen=500)
    began = time.monotonic()
    log("serving %d trips to %s (rate %s/s, shift at record %d, labels %d records late)"
        % (args.records, args.out, args.rate if args.rate > 0 else "max", args.shift_at, args.label_delay_records))
    try:
        for t in trips(args.records, args.seed, args.shift_at, args.start, args.id_prefix):
            i = t["index"]
            if i % 100 == 0:
                source.refresh(i)
            if args.rate > 0:
                delay = began + i / args.rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            prediction, _ = source.model.predict(t["features"])
            prediction = round(prediction, 2)
            append_line(predictions_fd, {"id": t["id"], "ts": t["ts"], "model": "taxi", "version": source.version,
                                         "features": t["features"], "prediction": prediction})
            squared.append((prediction - t["label"]) ** 2)
            pending.append((t["id"], t["label"]))
            while len(pending) > args.label_delay_records:
                ident, label = pending.popleft()
                append_line(labels_fd, {"id": ident, "ts": t["ts"], "label": label})
            if i == args.shift_at:
                log("record %d: the relation between features and duration changes now" % i)
            if (i + 1) % 1000 == 0:
                log("after %d records: rmse of the last %d predictions %.2f (model version %s)"
                    % (i + 1, len(squared), math.sqrt(sum(squared) / len(squared)), source.version))
        last_ts = t["ts"] if args.records > 0 else None
        while pending:
            ident, label = pending.popleft()
            append_line(labels_fd, {"id": ident, "ts": last_ts, "label": label})
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        os.close(predictions_fd)
        os.close(labels_fd)
    log("done: %d predictions in %.1f s" % (args.records, time.monotonic() - began))
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description="Demo taxi model server with concept drift, for driftd.")
    parser.add_argument("--out", help="folder for predictions.jsonl and labels.jsonl (appended to)")
    parser.add_argument("--registry", help="driftd registry folder; REGDIR/current/model.json is used when present")
    parser.add_argument("--records", type=int, required=True, help="number of trips")
    parser.add_argument("--rate", type=float, default=0.0, help="records per second, 0 = as fast as possible")
    parser.add_argument("--shift-at", type=int, required=True, help="0-based index of the first drifted record")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--label-delay-records", type=int, default=50,
                        help="a label is written this many records after its prediction (default 50)")
    parser.add_argument("--start", default=DEFAULT_START,
                        help="ts of the simulated clock's start, RFC 3339 or 'now' (default %s)" % DEFAULT_START)
    parser.add_argument("--id-prefix", default="s", help="ids are PREFIX-000001, ... (default s)")
    parser.add_argument("--initial-model", default=os.path.join(HERE, "initial-model.json"),
                        help="model used until REGDIR/current exists (default initial-model.json here)")
    parser.add_argument("--dump-data", metavar="FILE", help="write DRIFTD_DATA-format records to FILE and exit")
    args = parser.parse_args(argv)

    def log(message):
        print("serve: " + message, flush=True)

    if args.records < 0 or args.label_delay_records < 0 or args.rate < 0:
        parser.error("--records, --rate and --label-delay-records must not be negative")
    try:
        parse_start(args.start)
    except ValueError:
        parser.error("--start must be RFC 3339 or 'now'")
    if args.dump_data:
        with open(args.dump_data, "w", encoding="utf-8") as out:
            for record in data_records(args.records, args.seed, args.shift_at, args.start, args.id_prefix):
                out.write(dumps(record) + "\n")
        log("wrote %d records to %s" % (args.records, args.dump_data))
        return 0
    if not args.out or not args.registry:
        parser.error("--out and --registry are required (unless --dump-data)")
    try:
        m.load_model(args.initial_model)
    except (OSError, ValueError, KeyError) as error:
        print("serve: error: cannot load the initial model %s: %s" % (args.initial_model, error), file=sys.stderr)
        return 2
    return serve(args, log)


if __name__ == "__main__":
    sys.exit(main())
