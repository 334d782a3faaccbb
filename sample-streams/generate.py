#!/usr/bin/env python3
"""Writes the sample streams used by the example rules in rules/ and by the end-to-end tests.

    /work/main/.venv/bin/python sample-streams/generate.py

Seeded and deterministic: two runs write byte-identical files. It writes

  taxi/predictions.jsonl, taxi/labels.jsonl
      NYC-taxi-like trip-duration regression. A fixed linear model (fitted once on
      pre-drift data) predicts the duration in minutes. From record TAXI_DRIFT_AT (7,000) on the
      traffic changes (covariate drift): longer trips (airport runs), a different pickup
      zone mix with zones never seen before, more cash payments, so the RMSE worsens.
      Timestamps are RFC 3339 with milliseconds and `Z`.

  churn/predictions.jsonl, churn/labels.jsonl
      Customer-churn binary classification. The feature distributions stay the same but
      the relation between features and churn changes steadily (concept drift) while the
      model stays fixed, so F1 decays from about 0.8 to below 0.55. Timestamps are
      numbers of seconds since the Unix epoch (the other form CONTRACT.md §1 allows).

In both, labels arrive late (a heavy-tailed delay of minutes to hours) and the labels
file is sorted by label time, so it is not in prediction order; about 3% of predictions
never get a label; 3 labels are repeated later with a different value (duplicates) and
2 labels name ids that have no prediction (unmatched). The taxi predictions also hold
5 missing feature values and 2 malformed lines (neither counts as a record).
"""

import datetime
import json
import os
import sys

import numpy as np
from sklearn.metrics import f1_score

SEED = 20261122
HERE = os.path.dirname(os.path.abspath(__file__))

# --- Taxi -------------------------------------------------------------------------------

TAXI_RECORDS = 10_000
TAXI_DRIFT_AT = 7_000            # 0-based index of the first drifted prediction record
TAXI_START = datetime.datetime(2026, 11, 22, 6, 0, 0, tzinfo=datetime.timezone.utc)
TAXI_MEAN_GAP_SECONDS = 1.6      # about 5 hours in all

# Pickup zones seen before the drift (TLC LocationIDs), most frequent first.
TAXI_ZONES = ["237", "161", "236", "162", "230", "186", "170", "142", "239", "163",
              "141", "48", "68", "79", "234", "107", "100", "140", "132", "249",
              "43", "113", "246", "90", "164", "229", "238", "151", "138", "262"]
TAXI_AIRPORTS = {"132": 16.0, "138": 9.5}     # JFK, LaGuardia: typical trip miles
# Zones that only appear after the drift (Newark airport, Queens and outer boroughs).
TAXI_NEW_ZONES = ["1", "70", "93", "216", "10", "265"]
TAXI_NEW_ZONE_MILES = {"1": 17.0, "70": 8.5, "93": 7.0, "216": 11.0, "10": 12.5, "265": 20.0}
TAXI_PAYMENTS = ["card", "cash", "no_charge", "dispute"]
TAXI_PAYMENT_BEFORE = [0.72, 0.25, 0.02, 0.01]
TAXI_PAYMENT_AFTER = [0.46, 0.44, 0.06, 0.04]
# Share of pickups by hour of day (trips are scored in batches, so the pickup hour is
# the trip's own hour, not the hour of the scoring timestamp).
TAXI_HOUR_WEIGHTS = [3.0, 2.2, 1.6, 1.1, 0.9, 1.0, 2.0, 3.4, 4.2, 4.3, 4.2, 4.3,
                     4.5, 4.5, 4.8, 5.0, 5.0, 5.6, 6.2, 6.2, 5.6, 5.3, 5.0, 4.0]
TAXI_PASSENGERS = [0.71, 0.14, 0.05, 0.03, 0.05, 0.02]   # 1..6


def zone_weights(count, power=1.0):
    weights = 1.0 / np.arange(1, count + 1) ** power
    return weights / weights.sum()


def taxi_trips(rng, n, drifted):
    """Draws n trips (features and true duration) before or after the drift."""
    if drifted:
        base = zone_weights(len(TAXI_ZONES)) * 0.62
        base[TAXI_ZONES.index("132")] += 0.14
        base[TAXI_ZONES.index("138")] += 0.08
        zones = TAXI_ZONES + TAXI_NEW_ZONES
        weights = np.concatenate([base, np.full(len(TAXI_NEW_ZONES), 0.16 / len(TAXI_NEW_ZONES))])
        payments = TAXI_PAYMENT_AFTER
        stretch = 1.25
    else:
        zones = TAXI_ZONES
        weights = zone_weights(len(TAXI_ZONES))
        payments = TAXI_PAYMENT_BEFORE
        stretch = 1.0
    weights = np.asarray(weights) / np.sum(weights)
    zone = rng.choice(len(zones), size=n, p=weights)
    zone_names = [zones[i] for i in zone]
    hour = rng.choice(24, size=n, p=np.array(TAXI_HOUR_WEIGHTS) / sum(TAXI_HOUR_WEIGHTS))
    passengers = rng.choice(6, size=n, p=TAXI_PASSENGERS) + 1
    payment = rng.choice(len(TAXI_PAYMENTS), size=n, p=payments)

    distance = np.exp(rng.normal(np.log(1.9), 0.75, size=n)) * stretch
    long_miles = np.array([TAXI_AIRPORTS.get(z, TAXI_NEW_ZONE_MILES.get(z, 0.0)) for z in zone_names])
    is_long = long_miles > 0
    distance[is_long] = long_miles[is_long] * np.exp(rng.normal(0.0, 0.22, size=int(is_long.sum())))
    distance = np.clip(np.round(distance, 2), 0.1, 80.0)

    # True duration: slow in town, faster on highways, slower at rush hour.
    speed = np.minimum(7.5 + 1.7 * distance, 38.0)
    rush = np.isin(hour, [7, 8, 9, 16, 17, 18, 19])
    night = hour <= 5
    speed = speed * np.where(rush, 0.72, 1.0) * np.where(night, 1.3, 1.0)
    if drifted:
        speed = speed * 0.92                      # more traffic, too
    duration = (1.5 + 60.0 * distance / speed) * np.exp(rng.normal(0.0, 0.2, size=n))
    fare = 3.0 + 2.8 * distance + 0.35 * duration + rng.normal(0.0, 0.6, size=n)
    fare = np.where(np.array(zone_names) == "132", 70.0, fare)          # JFK flat fare
    fare = np.maximum(np.round(fare, 1), 3.0)
    return {
        "zone": zone_names, "hour": hour, "passengers": passengers,
        "payment": [TAXI_PAYMENTS[i] for i in payment], "distance": distance,
        "duration": duration, "fare": fare, "rush": rush, "night": night,
    }


def taxi_design(trips):
    n = len(trips["distance"])
    return np.column_stack([np.ones(n), trips["distance"], trips["rush"], trips["night"]])


def fit_taxi_model(rng):
    """The production model: least squares on 20,000 pre-drift trips, coefficients rounded."""
    train = taxi_trips(rng, 20_000, drifted=False)
    coef, *_ = np.linalg.lstsq(taxi_design(train), train["duration"], rcond=None)
    return np.round(coef, 2)


def iso_millis(ms):
    moment = datetime.datetime.fromtimestamp(ms // 1000, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % (ms % 1000)


def iso_seconds(ms):
    moment = datetime.datetime.fromtimestamp(ms // 1000, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def dumps(obj):
    return json.dumps(obj, separators=(",", ":"))


def arrival_millis(rng, n, start, mean_gap_seconds):
    """Prediction times: Poisson arrivals, in integer milliseconds since the epoch."""
    gaps = np.maximum(np.round(rng.exponential(mean_gap_seconds * 1000.0, size=n)), 1).astype(np.int64)
    return int(start.timestamp() * 1000) + np.cumsum(gaps)


def label_delays_millis(rng, n):
    """Heavy-tailed label delay: median about 25 minutes, a long tail of hours (capped at 1 day)."""
    minutes = 1.0 + np.exp(rng.normal(np.log(25.0), 1.1, size=n))
    return np.round(np.minimum(minutes, 1440.0) * 60_000.0).astype(np.int64)


def label_plan(rng, n, prefix, prediction_ms):
    """Which predictions get labels, when, plus the duplicates and the unmatched ids.

    Returns (labeled mask, label times, duplicates [(index, time)], unmatched [(id, time)])."""
    labeled = rng.random(n) >= 0.03
    label_ms = prediction_ms + label_delays_millis(rng, n)
    candidates = np.flatnonzero(labeled)
    duplicate_indices = sorted(int(i) for i in rng.choice(candidates, size=3, replace=False))
    duplicates = [(i, int(label_ms[i] + rng.integers(5, 120) * 60_000)) for i in duplicate_indices]
    unmatched_at = sorted(int(i) for i in rng.choice(n, size=2, replace=False))
    unmatched = [("%s-%06d" % (prefix, 990_001 + k), int(label_ms[i] + 1234)) for k, i in enumerate(unmatched_at)]
    return labeled, label_ms, duplicates, unmatched


def write_lines(path, lines):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="\n") as out:
        for line in lines:
            out.write(line + "\n")


def write_labels(path, entries):
    """entries: (label time ms, sequence, line); written sorted by label time."""
    entries.sort(key=lambda e: (e[0], e[1]))
    write_lines(path, [line for _, _, line in entries])


def generate_taxi(rng):
    coef = fit_taxi_model(rng)
    before = taxi_trips(rng, TAXI_DRIFT_AT, drifted=False)
    after = taxi_trips(rng, TAXI_RECORDS - TAXI_DRIFT_AT, drifted=True)
    trips = {key: np.concatenate([np.asarray(before[key]), np.asarray(after[key])]) for key in before}
    prediction = np.round(taxi_design(trips) @ coef, 1)
    label = np.round(trips["duration"], 2)
    times = arrival_millis(rng, TAXI_RECORDS, TAXI_START, TAXI_MEAN_GAP_SECONDS)

    # Missing values (index -> feature, how): null, an absent key, a string in a number.
    missing = {1234: ("trip_distance", None), 3456: ("passenger_count", "absent"),
               5555: ("fare_amount", "NaN"), 8100: ("trip_distance", None),
               9876: ("pickup_hour", None)}
    lines = []
    for i in range(TAXI_RECORDS):
        features = {
            "trip_distance": float(trips["distance"][i]),
            "passenger_count": int(trips["passengers"][i]),
            "pickup_hour": int(trips["hour"][i]),
            "PULocationID": str(trips["zone"][i]),
            "payment_type": str(trips["payment"][i]),
            "fare_amount": float(trips["fare"][i]),
        }
        if i in missing:
            name, how = missing[i]
            if how == "absent":
                del features[name]
            else:
                features[name] = how
        record = {"id": "t-%06d" % (i + 1), "ts": iso_millis(int(times[i])), "model": "taxi", "version": "v3",
                  "features": features, "prediction": float(prediction[i])}
        line = dumps(record)
        if i == 6000:
            lines.append(line[: len(line) * 3 // 5])        # a writer died mid-record, then retried
        lines.append(line)
        if i == 8500:
            lines.append(dumps(["t-008501", iso_millis(int(times[i])), 12.5]))   # not an object
    write_lines(os.path.join(HERE, "taxi", "predictions.jsonl"), lines)

    labeled, label_ms, duplicates, unmatched = label_plan(rng, TAXI_RECORDS, "t", times)
    entries = []
    for i in np.flatnonzero(labeled):
        entries.append((int(label_ms[i]), len(entries), dumps({"id": "t-%06d" % (i + 1), "ts": iso_seconds(int(label_ms[i])), "label": float(label[i])})))
    for i, ms in duplicates:
        corrected = round(float(label[i]) + 3.0, 2)                     # a later, different value
        entries.append((ms, len(entries), dumps({"id": "t-%06d" % (i + 1), "ts": iso_seconds(ms), "label": corrected})))
    for ident, ms in unmatched:
        entries.append((ms, len(entries), dumps({"id": ident, "ts": iso_seconds(ms), "label": 14.25})))
    write_labels(os.path.join(HERE, "taxi", "labels.jsonl"), entries)

    print("taxi: %d prediction records (+2 malformed lines), %d labels (+%d duplicates, %d unmatched), %d never labeled"
          % (TAXI_RECORDS, int(labeled.sum()), len(duplicates), len(unmatched), int((~labeled).sum())))
    print("taxi: model duration = %.2f %+.2f*trip_distance %+.2f*rush %+.2f*night; drift from record %d; missing values at records %s"
          % (*coef, TAXI_DRIFT_AT, sorted(missing)))
    print("taxi: %s .. %s" % (iso_millis(int(times[0])), iso_millis(int(times[-1]))))
    error = prediction - label
    rows = []
    for start in range(0, TAXI_RECORDS, 1000):
        part = slice(start, min(start + 1000, TAXI_RECORDS))
        known = labeled[part]
        rmse = float(np.sqrt(np.mean(error[part][known] ** 2)))
        mae = float(np.mean(np.abs(error[part][known])))
        rows.append("%d:%.1f/%.1f" % (start, rmse, mae))
    print("taxi: RMSE/MAE per 1000 records (labeled only): " + " ".join(rows))


# --- Churn ------------------------------------------------------------------------------

CHURN_RECORDS = 9_000
CHURN_START = datetime.datetime(2026, 11, 23, 8, 0, 0, tzinfo=datetime.timezone.utc)
CHURN_MEAN_GAP_SECONDS = 1.2
CHURN_CONTRACTS = ["monthly", "annual", "two_year"]
CHURN_REGIONS = ["north", "south", "east", "west", "central"]
CHURN_SHARPNESS = 1.6            # how deterministic churn is given the true logit
# Logit coefficients: (intercept, short tenure, high charges, support calls,
#                      contract monthly/annual/two_year, region north/south/east/west/central)
CHURN_MODEL = np.array([-0.9, 1.3, 0.9, 0.35, 1.3, -0.6, -1.6, 0.0, 0.0, 0.0, 0.0, 0.0])
# Where the true relation ends up: tenure and contract matter less, support calls and
# the west region (a competitor's launch) much more, high charges no longer matter.
CHURN_TRUTH_END = np.array([-1.5, 0.4, 0.0, 0.75, 0.5, -0.15, -0.7, -0.4, 0.0, 0.15, 1.95, -0.4])


def churn_customers(rng, n):
    tenure = np.where(rng.random(n) < 0.3, rng.integers(1, 13, size=n), rng.integers(1, 73, size=n))
    charges = np.round(np.clip(rng.normal(68.0, 28.0, size=n), 18.25, 118.75), 2)
    calls = np.minimum(rng.poisson(1.3, size=n), 10)
    contract = rng.choice(3, size=n, p=[0.55, 0.25, 0.20])
    region = rng.choice(5, size=n, p=[0.24, 0.2, 0.2, 0.2, 0.16])
    design = np.column_stack([
        np.ones(n), -(tenure - 24.0) / 18.0, (charges - 65.0) / 30.0, calls - 1.3,
        np.eye(3)[contract], np.eye(5)[region]])
    return tenure, charges, calls, contract, region, design


def generate_churn(rng):
    tenure, charges, calls, contract, region, design = churn_customers(rng, CHURN_RECORDS)
    progress = np.arange(CHURN_RECORDS) / (CHURN_RECORDS - 1)
    truth = CHURN_MODEL[None, :] + progress[:, None] * (CHURN_TRUTH_END - CHURN_MODEL)[None, :]
    true_logit = CHURN_SHARPNESS * np.sum(design * truth, axis=1)
    label = (rng.random(CHURN_RECORDS) < 1.0 / (1.0 + np.exp(-true_logit))).astype(int)
    score = np.round(1.0 / (1.0 + np.exp(-CHURN_SHARPNESS * (design @ CHURN_MODEL))), 3)
    prediction = (score >= 0.5).astype(int)
    times = arrival_millis(rng, CHURN_RECORDS, CHURN_START, CHURN_MEAN_GAP_SECONDS)

    lines = []
    for i in range(CHURN_RECORDS):
        record = {"id": "c-%06d" % (i + 1), "ts": int(times[i]) / 1000.0,
                  "features": {"tenure_months": int(tenure[i]), "monthly_charges": float(charges[i]),
                               "support_calls": int(calls[i]), "contract": CHURN_CONTRACTS[contract[i]],
                               "region": CHURN_REGIONS[region[i]]},
                  "prediction": int(prediction[i]), "score": float(score[i])}
        lines.append(dumps(record))
    write_lines(os.path.join(HERE, "churn", "predictions.jsonl"), lines)

    labeled, label_ms, duplicates, unmatched = label_plan(rng, CHURN_RECORDS, "c", times)
    entries = []
    for i in np.flatnonzero(labeled):
        entries.append((int(label_ms[i]), len(entries), dumps({"id": "c-%06d" % (i + 1), "ts": int(label_ms[i]) // 1000, "label": int(label[i])})))
    for i, ms in duplicates:
        entries.append((ms, len(entries), dumps({"id": "c-%06d" % (i + 1), "ts": ms // 1000, "label": 1 - int(label[i])})))
    for ident, ms in unmatched:
        entries.append((ms, len(entries), dumps({"id": ident, "ts": ms // 1000, "label": 1})))
    write_labels(os.path.join(HERE, "churn", "labels.jsonl"), entries)

    print("churn: %d prediction records, %d labels (+%d duplicates, %d unmatched), %d never labeled; positive rate %.3f, predicted %.3f"
          % (CHURN_RECORDS, int(labeled.sum()), len(duplicates), len(unmatched), int((~labeled).sum()),
             label.mean(), prediction.mean()))
    known = np.flatnonzero(labeled)
    first = f1_score(label[known[:1000]], prediction[known[:1000]])
    last = f1_score(label[known[-1000:]], prediction[known[-1000:]])
    rows = []
    for start in range(0, CHURN_RECORDS, 1000):
        part = np.arange(start, min(start + 1000, CHURN_RECORDS))
        part = part[labeled[part]]
        rows.append("%.3f" % f1_score(label[part], prediction[part]))
    print("churn: F1 per 1000 records (labeled only): " + " ".join(rows))
    print("churn: F1 first 1000 labeled %.3f, last 1000 labeled %.3f" % (first, last))
    if not (0.75 <= first <= 0.85 and last < 0.55):
        sys.exit("churn: F1 out of the intended range (want 0.75-0.85 first, < 0.55 last)")


def main():
    taxi_rng, churn_rng = np.random.default_rng(SEED).spawn(2)
    generate_taxi(taxi_rng)
    generate_churn(churn_rng)
    total = 0
    for name in ["taxi/predictions.jsonl", "taxi/labels.jsonl", "churn/predictions.jsonl", "churn/labels.jsonl"]:
        size = os.path.getsize(os.path.join(HERE, name))
        total += size
        print("%-24s %9d bytes" % (name, size))
    print("%-24s %9d bytes" % ("total", total))
    if total >= 5_000_000:
        sys.exit("the sample streams must stay under 5 MB")


if __name__ == "__main__":
    main()
