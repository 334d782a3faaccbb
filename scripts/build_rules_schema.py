"""Builds rules/schema.json (JSON Schema 2020-12 for rule files). Run: .venv/bin/python scripts/build_rules_schema.py"""
import os
import json

DURATION_PATTERN = "^(?=[0-9]*[1-9])[0-9]{1,12}(ms|s|m|h|d)$"
OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
LOOPBACK_URL = (
    "^https?://([^/?#@]*@)?("
    "[Ll][Oo][Cc][Aa][Ll][Hh][Oo][Ss][Tt]"
    "|127(\\." + OCTET + "){3}"
    "|\\[::1\\]|\\[0{1,4}(:0{1,4}){6}:0{0,3}1\\]"
    ")(:[0-9]*)?([/?#]|$)"
)
REGRESSION_METRICS = ["mae", "rmse", "mape", "r2"]
BINARY_METRICS = ["accuracy", "precision", "recall", "f1", "roc_auc", "log_loss"]
MULTICLASS_METRICS = ["accuracy", "precision", "recall", "f1"]
ALL_METRICS = ["accuracy", "precision", "recall", "f1", "roc_auc", "log_loss", "mae", "rmse", "mape", "r2"]
METHODS = ["psi", "ks", "chi2", "jensen_shannon", "wasserstein"]
DETECTORS = ["adwin", "ddm", "eddm", "page_hinkley", "hddm_a", "hddm_w", "kswin"]
TASKS = ["regression", "binary_classification", "multiclass_classification"]


def ref(name):
    return {"$ref": "#/$defs/" + name}


def described(schema, text):
    return {"description": text, **schema}


def duration(text, default=None):
    schema = {"description": text, "$ref": "#/$defs/duration"}
    if default is not None:
        schema["default"] = default
    return schema


def closed(properties, required=(), description=None, **extra):
    schema = {}
    if description:
        schema["description"] = description
    schema["type"] = "object"
    schema["properties"] = properties
    if required:
        schema["required"] = list(required)
    schema["additionalProperties"] = False
    schema.update(extra)
    return schema


# --- Drift methods ---------------------------------------------------------------------

METHOD_TEXT = {
    "psi": "Population Stability Index over quantile bins of the reference (numerical) or over categories; drift when PSI >= threshold.",
    "ks": "Two-sample Kolmogorov-Smirnov test (scipy.stats.ks_2samp, two-sided, method auto); drift when p-value < threshold. Numerical only.",
    "chi2": "Chi-squared test of the 2 x K table of reference and window counts (scipy.stats.chi2_contingency, correction=False); drift when p-value < threshold. Categorical only.",
    "jensen_shannon": "Jensen-Shannon distance, base 2, between the reference and window proportions (PSI bins or categories); drift when distance >= threshold.",
    "wasserstein": "Wasserstein distance divided by the standard deviation of the reference (normed); drift when value >= threshold. Numerical only.",
}


def field_property(kind):
    text = "The record field to test: 'prediction' (default; numerical for regression, the predicted class for classification) or 'score' (always numerical)."
    if kind == "any":
        return {"description": text, "enum": ["prediction", "score"], "default": "prediction"}
    if kind == "prediction":
        return {"description": text, "const": "prediction", "default": "prediction"}
    return {"description": text, "const": "score"}


def method_schema(method, numerical, field=None):
    properties = {"method": {"description": METHOD_TEXT[method], "const": method}}
    extra = {}
    if method in ("ks", "chi2"):
        properties["threshold"] = {"anyOf": [ref("pValueThreshold"), ref("autoThreshold")]}
        properties["p_value"] = ref("pValueAlias")
        extra["not"] = {"required": ["threshold", "p_value"]}
        properties["min_statistic"] = {
            "description": ("Effect-size guard: drift also needs the KS statistic to be at least this." if method == "ks"
                            else "Effect-size guard: drift also needs Cramér's V of the table to be at least this."),
            "type": "number", "minimum": 0, "maximum": 1}
    elif method == "psi":
        properties["threshold"] = {"anyOf": [ref("psiThreshold"), ref("autoThreshold")]}
    elif method == "jensen_shannon":
        properties["threshold"] = {"anyOf": [ref("jensenShannonThreshold"), ref("autoThreshold")]}
    else:
        properties["threshold"] = {"anyOf": [ref("wassersteinThreshold"), ref("autoThreshold")]}
    if numerical and method in ("psi", "jensen_shannon"):
        properties["bins"] = ref("bins")
    required = ["method"]
    if field is not None:
        properties["field"] = field_property(field)
        if field == "score":
            required.append("field")
    kind = "numerical" if numerical else "categorical"
    title = "%s (%s)" % (method, kind) + ("" if field is None else ", field %s" % field)
    return closed(properties, required, title=title, **extra)


NUMERICAL_METHODS = ["psi", "ks", "jensen_shannon", "wasserstein"]
CATEGORICAL_METHODS = ["psi", "chi2", "jensen_shannon"]


def method_union(methods, numerical, field=None):
    return [method_schema(m, numerical, field) for m in methods]


def at_most_once(property_name, values):
    clauses = []
    for value in values:
        match = {"type": "object", "required": [property_name], "properties": {property_name: {"const": value}}}
        clauses.append({"contains": match, "minContains": 0, "maxContains": 1})
    return clauses


def prediction_drift_unique():
    clauses = []
    for method in METHODS:
        clauses.append({"contains": {"type": "object", "required": ["method", "field"],
                                     "properties": {"method": {"const": method}, "field": {"const": "score"}}},
                        "minContains": 0, "maxContains": 1})
        clauses.append({"contains": {"type": "object", "required": ["method"],
                                     "properties": {"method": {"const": method}, "field": {"const": "prediction"}}},
                        "minContains": 0, "maxContains": 1})
    return clauses


# --- Detectors -------------------------------------------------------------------------

def number(text, default, minimum=None, maximum=None, exclusive_minimum=None, exclusive_maximum=None, integer=False):
    schema = {"description": text, "type": "integer" if integer else "number"}
    if default is not None:
        schema["default"] = default
    if minimum is not None:
        schema["minimum"] = minimum
    if exclusive_minimum is not None:
        schema["exclusiveMinimum"] = exclusive_minimum
    if maximum is not None:
        schema["maximum"] = maximum
    if exclusive_maximum is not None:
        schema["exclusiveMaximum"] = exclusive_maximum
    return schema


DETECTOR_TEXT = {
    "adwin": "ADWIN (river.drift.ADWIN): adaptive windowing on the error stream.",
    "ddm": "DDM (river.drift.binary.DDM): Drift Detection Method on the 0/1 error stream.",
    "eddm": "EDDM (river.drift.binary.EDDM): Early Drift Detection Method on the 0/1 error stream.",
    "page_hinkley": "Page-Hinkley test (river.drift.PageHinkley) on the error stream.",
    "hddm_a": "HDDM_A (river.drift.binary.HDDM_A): drift detection with Hoeffding's bounds on moving averages.",
    "hddm_w": "HDDM_W (river.drift.binary.HDDM_W): drift detection with McDiarmid's bounds on weighted moving averages.",
    "kswin": "KSWIN (river.drift.KSWIN): Kolmogorov-Smirnov windowing on the error stream.",
}

DETECTOR_PARAMETERS = {
    "adwin": {
        "delta": number("Significance value (River 'delta'); smaller means fewer, surer detections.", 0.002, exclusive_minimum=0, exclusive_maximum=1),
        "clock": number("How often, in observations, ADWIN checks for change.", 32, minimum=1, integer=True),
        "max_buckets": number("Maximum number of buckets of each size ADWIN keeps.", 5, minimum=1, integer=True),
        "min_window_length": number("Minimum length of each subwindow compared.", 5, minimum=1, integer=True),
        "grace_period": number("Observations before the first check.", 10, minimum=1, integer=True),
    },
    "ddm": {
        "warm_start": number("Observations before drift can be detected.", 30, minimum=1, integer=True),
        "warning_threshold": number("Standard deviations above the best error rate that raise a warning.", 2.0, exclusive_minimum=0),
        "drift_threshold": number("Standard deviations above the best error rate that signal drift.", 3.0, exclusive_minimum=0),
    },
    "eddm": {
        "warm_start": number("Errors seen before drift can be detected.", 30, minimum=1, integer=True),
        "alpha": number("Warning threshold on the ratio of the current to the best distance between errors (River requires alpha >= beta).", 0.95, exclusive_minimum=0, maximum=1),
        "beta": number("Drift threshold on the ratio of the current to the best distance between errors.", 0.9, exclusive_minimum=0, maximum=1),
    },
    "page_hinkley": {
        "min_instances": number("Observations before drift can be detected.", 30, minimum=1, integer=True),
        "delta": number("Magnitude of change tolerated.", 0.005, minimum=0),
        "threshold": number("Cumulative deviation (lambda) that signals drift.", 50.0, exclusive_minimum=0),
        "alpha": number("Forgetting factor for the mean.", 0.9999, exclusive_minimum=0, maximum=1),
        "mode": {"description": "Which changes to detect: increases ('up'), decreases ('down') or 'both'.",
                 "enum": ["both", "up", "down"], "default": "both"},
    },
    "hddm_a": {
        "drift_confidence": number("Confidence level for drift.", 0.001, exclusive_minimum=0, exclusive_maximum=1),
        "warning_confidence": number("Confidence level for a warning.", 0.005, exclusive_minimum=0, exclusive_maximum=1),
        "two_sided_test": {"description": "Also detect a decrease of the error (two-sided test).", "type": "boolean", "default": False},
    },
    "hddm_w": {
        "drift_confidence": number("Confidence level for drift.", 0.001, exclusive_minimum=0, exclusive_maximum=1),
        "warning_confidence": number("Confidence level for a warning.", 0.005, exclusive_minimum=0, exclusive_maximum=1),
        "lambda_val": number("Weight given to recent data in the exponentially weighted moving average.", 0.05, exclusive_minimum=0, maximum=1),
        "two_sided_test": {"description": "Also detect a decrease of the error (two-sided test).", "type": "boolean", "default": False},
    },
    "kswin": {
        "alpha": number("Probability for the KS test; smaller means fewer detections.", 0.005, exclusive_minimum=0, exclusive_maximum=1),
        "window_size": number("Size of the sliding window (River requires stat_size < window_size).", 100, minimum=1, integer=True),
        "stat_size": number("Size of the statistic window (the most recent observations) compared with a sample of the rest.", 30, minimum=1, integer=True),
        "seed": number("Seed of the random sampling of the older part of the window.", 42, integer=True),
    },
}


def detector_schema(name):
    properties = {
        "detector": {"description": DETECTOR_TEXT[name], "const": name},
        "name": {"description": "A name to tell two detectors apart in reports and alerts (unique within the file).",
                 "type": "string", "minLength": 1},
    }
    properties.update(DETECTOR_PARAMETERS[name])
    return closed(properties, ["detector"], title=name)


# --- Sections --------------------------------------------------------------------------

def non_empty_string(text, default=None):
    schema = {"description": text, "type": "string", "minLength": 1}
    if default is not None:
        schema["default"] = default
    return schema


def argv(text):
    return {"description": text, "type": "array", "minItems": 1,
            "prefixItems": [{"description": "The program to run (a relative path is resolved against the rule file's folder).", "type": "string", "minLength": 1}],
            "items": {"description": "An argument.", "type": "string"}}


def task_branch(task, metrics, prediction_drift):
    performance_item = {"properties": {"metric": {"enum": metrics}}}
    if task != "binary_classification":
        performance_item["properties"]["pos_label"] = False
    return {
        "if": {"required": ["task"], "properties": {"task": {"const": task}}},
        "then": {"properties": {
            "performance": {"items": performance_item},
            "retrain": {"properties": {"metric": {"enum": metrics}}},
            "prediction_drift": {"items": ref(prediction_drift)},
        }},
    }


def schema():
    defs = {
        "duration": {
            "description": "A duration: a positive whole number and a unit, ms, s, m, h or d (\"90s\", \"30m\", \"6h\", \"7d\").",
            "type": "string", "pattern": DURATION_PATTERN, "examples": ["90s", "30m", "6h", "7d"]},
        "psiThreshold": number("Drift when PSI >= threshold.", 0.2, exclusive_minimum=0),
        "jensenShannonThreshold": number("Drift when the Jensen-Shannon distance >= threshold.", 0.1, exclusive_minimum=0, maximum=1),
        "wassersteinThreshold": number("Drift when the normed Wasserstein distance >= threshold.", 0.1, exclusive_minimum=0),
        "pValueThreshold": number("Drift when the p-value < threshold ('p_value' is an alias; give one of them).", 0.05, exclusive_minimum=0, exclusive_maximum=1),
        "pValueAlias": number("Alias of 'threshold': drift when the p-value < p_value. Give 'threshold' or 'p_value', not both.", 0.05, exclusive_minimum=0, exclusive_maximum=1),
        "autoThreshold": {"description": "Calibrate the threshold on the reference (NannyML's way): the reference is cut into chunks of the window's size, each chunk is tested against the whole reference, and drift is a statistic above the mean + 3 standard deviations of those chunk statistics. Needs a count window.",
                          "const": "auto"},
        "qualityBounds": closed({
            "missing_rate": number("Raise data_quality when the window's share of missing values is above this.", None, minimum=0, maximum=1),
            "unseen_rate": number("Raise data_quality when the share of categorical values whose category never appeared in the reference is above this (categorical features).", None, minimum=0, maximum=1),
            "out_of_range_rate": number("Raise data_quality when the share of numerical values outside the reference's [min, max] is above this (numerical features).", None, minimum=0, maximum=1),
        }, [], description="Data-quality bounds; a rate above its bound raises a data_quality alert."),
        "bins": number("Number of quantile bins of the reference (numerical values only); duplicate edges are removed.", 10, minimum=2, maximum=1000, integer=True),
        "numericalDriftMethod": {
            "description": "A drift test of a numerical feature: psi, ks, jensen_shannon or wasserstein.",
            "oneOf": method_union(NUMERICAL_METHODS, True)},
        "categoricalDriftMethod": {
            "description": "A drift test of a categorical feature: psi, chi2 or jensen_shannon.",
            "oneOf": method_union(CATEGORICAL_METHODS, False)},
        "predictionDriftRegression": {
            "description": "A drift test of the numerical prediction or of the score: psi, ks, jensen_shannon or wasserstein.",
            "oneOf": method_union(NUMERICAL_METHODS, True, "any")},
        "predictionDriftClassification": {
            "description": "A drift test of the predicted class (psi, chi2, jensen_shannon) or, with \"field\": \"score\", of the score (psi, ks, jensen_shannon, wasserstein).",
            "oneOf": method_union(CATEGORICAL_METHODS, False, "prediction") + method_union(NUMERICAL_METHODS, True, "score")},
        "predictionDriftMethod": {
            "description": "A drift test of the model's output.",
            "anyOf": [ref("predictionDriftRegression"), ref("predictionDriftClassification")]},
        "feature": closed({
            "type": {"description": "How the feature's values are compared: as numbers ('numerical'; a null, missing, string or boolean value is missing) or as categories ('categorical').",
                     "enum": ["numerical", "categorical"]},
            "drift": {"description": "Drift tests of this feature against the reference; each method at most once.",
                      "type": "array", "allOf": at_most_once("method", METHODS)},
            "data_quality": {"description": "This feature's data-quality bounds (the monitor's 'data_quality' fills the rest).", **ref("qualityBounds")},
        }, ["type"], description="A feature to watch.",
            allOf=[
                {"if": {"required": ["type"], "properties": {"type": {"const": "numerical"}}},
                 "then": {"properties": {"drift": {"items": ref("numericalDriftMethod")}}}},
                {"if": {"required": ["type"], "properties": {"type": {"const": "categorical"}}},
                 "then": {"properties": {"drift": {"items": ref("categoricalDriftMethod")}}}},
            ]),
        "performanceCheck": closed({
            "metric": {"description": "The metric, computed as scikit-learn does. regression: mae, rmse, mape, r2; binary_classification: accuracy, precision, recall, f1, roc_auc, log_loss; multiclass_classification: accuracy, precision, recall, f1 (macro).",
                       "enum": ALL_METRICS},
            "min": {"description": "Raise performance_degraded when the window's value is below this.", "type": "number"},
            "max": {"description": "Raise performance_degraded when the window's value is above this.", "type": "number"},
            "pos_label": {"description": "The positive class (binary_classification only).", "type": ["string", "number", "boolean"], "default": 1},
        }, ["metric"], description="A performance metric with optional bounds."),
        "detector": {
            "description": "A concept-drift detector fed the error of each labeled record (0/1 for classification, absolute error for regression), with River 0.26's parameter names and defaults.",
            "oneOf": [detector_schema(name) for name in DETECTORS]},
        "webhook": closed({
            "url": {"description": "Where to post alerts (http:// or https://). A URL whose host is not loopback (127.0.0.0/8, ::1, localhost) needs 'secret_file' or 'credential'.",
                    "type": "string", "pattern": "^https?://"},
            "format": {"description": "Body format: one alert object per request ('generic'), Alertmanager's /api/v2/alerts ('alertmanager') or a Slack message ('slack').",
                       "enum": ["generic", "alertmanager", "slack"], "default": "generic"},
            "secret_file": non_empty_string("File holding the HMAC-SHA256 secret that signs each body (header X-Driftd-Signature); its trailing newline is not part of the secret."),
            "credential": non_empty_string("Name of a systemd credential holding the signing secret."),
            "timeout": duration("Timeout of one delivery attempt.", "10s"),
            "retry_for": duration("How long a failing delivery is retried (exponential backoff) before it is dead-lettered with a journald error.", "24h"),
            "send_resolved": {"description": "Post a resolved notification when a firing alert's condition clears in a later window (default: true for 'alertmanager', false otherwise).",
                              "type": "boolean"},
        }, ["url"], description="A webhook receiver.",
            **{"if": {"required": ["url"], "properties": {"url": {"type": "string", "not": {"pattern": LOOPBACK_URL}}}},
               "then": {"anyOf": [{"required": ["secret_file"]}, {"required": ["credential"]}]}}),
    }

    properties = {
        "$schema": {"description": "The schema this file follows (for editors); driftd ignores it.", "type": "string"},
        "monitor": {"description": "The monitor's name: a letter or digit, then letters, digits, '_', '.', '-' (at most 128 characters).",
                    "type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"},
        "task": {"description": "The kind of model watched; it decides the metrics and how predictions and labels are compared.", "enum": TASKS},
        "description": {"description": "Free text about the monitor.", "type": "string"},
        "predictions": closed({
            "path": non_empty_string("The prediction stream (JSON Lines); relative to the rule file's folder; may be a glob (files read oldest first)."),
            "id": non_empty_string("Name of the record's id field.", "id"),
            "timestamp": non_empty_string("Name of the record's time field (RFC 3339 or seconds since the epoch).", "ts"),
            "features": non_empty_string("Name of the record's features object.", "features"),
            "prediction": non_empty_string("Name of the record's prediction field.", "prediction"),
            "score": non_empty_string("Name of the record's score field (a probability).", "score"),
        }, ["path"], description="Where prediction records come from and what their fields are called."),
        "labels": closed({
            "path": non_empty_string("The label stream (JSON Lines); relative to the rule file's folder; may be a glob."),
            "id": non_empty_string("Name of the label's id field (joins it to its prediction).", "id"),
            "label": non_empty_string("Name of the label's value field.", "label"),
            "max_delay": duration("How long after a window completes to wait for its labels before evaluating its performance over the labels known then.", "1h"),
        }, ["path"], description="Where labels come from. Without labels a monitor has no performance and no concept drift."),
        "reference": {
            "description": "The reference data for drift tests: a file, or the first N prediction records (windows then start at record N). Required when data drift is configured.",
            "oneOf": [
                closed({"path": non_empty_string("A reference file (JSON Lines, prediction records); relative to the rule file's folder.")}, ["path"], title="reference file"),
                closed({"first": {"description": "Take the first N prediction records as reference.", "type": "integer", "minimum": 1}}, ["first"], title="first N records"),
            ]},
        "window": {
            "description": "How records are grouped for evaluation: count windows ('size', optional 'step' in records) or tumbling/hopping time windows ('duration', optional 'step' as a duration).",
            "oneOf": [
                closed({"size": {"description": "Records per window.", "type": "integer", "minimum": 1},
                        "step": {"description": "Records between window starts (hopping windows); defaults to size.", "type": "integer", "minimum": 1}},
                       ["size"], title="count window"),
                closed({"duration": duration("Length of a time window."),
                        "step": duration("Time between window starts; defaults to duration.")},
                       ["duration"], title="time window"),
            ]},
        "features": {"description": "Features to watch, by name.", "type": "object",
                     "propertyNames": {"minLength": 1}, "additionalProperties": ref("feature")},
        "prediction_drift": {"description": "Drift tests of the model's output: the prediction (numerical for regression, the predicted class for classification) or, with \"field\": \"score\", the score. Each method at most once per field.",
                             "type": "array", "items": ref("predictionDriftMethod"), "allOf": prediction_drift_unique()},
        "performance": {"description": "Performance metrics per window, over the window's labeled records; each metric at most once. Needs 'labels'.",
                        "type": "array", "items": ref("performanceCheck"), "allOf": at_most_once("metric", ALL_METRICS)},
        "correction": {"description": "Multiple-testing correction of the features' KS and chi2 p-values within a window (as statsmodels' multipletests); drift is decided on the adjusted p-values.",
                       "enum": ["none", "bonferroni", "holm", "fdr_bh"], "default": "none"},
        "dataset_drift": closed({"share": number("The window drifts as a whole when at least this share of the tested features drifts.", None, exclusive_minimum=0, maximum=1)},
                               ["share"], description="A dataset-level drift verdict per window."),
        "data_quality": {"description": "Data-quality bounds for every feature (a feature's own 'data_quality' overrides).", **ref("qualityBounds")},
        "concept_drift": {"description": "Concept-drift detectors run on the labeled records in prediction order. Needs 'labels'.",
                          "type": "array", "items": ref("detector")},
        "retrain": closed({
            "command": argv("The retrain command as an argv array (no shell). It gets DRIFTD_MONITOR, DRIFTD_ATTEMPT, DRIFTD_WORKDIR and DRIFTD_DATA and leaves the candidate and a metrics.json in DRIFTD_WORKDIR."),
            "max_attempts": {"description": "Attempts per episode before retrain_exhausted.", "type": "integer", "minimum": 1, "maximum": 3, "default": 3},
            "timeout": duration("Time limit of one attempt; the whole process group is ended when it passes.", "30m"),
            "metric": {"description": "The metric (one of the task's) on which a candidate must beat the production model.", "enum": ALL_METRICS},
            "min_improvement": {"description": "How much better than production the candidate's metric must be.", "type": "number", "minimum": 0, "default": 0},
            "registry": non_empty_string("The model registry folder (default STATE/registry/<monitor>)."),
            "cooldown": duration("After an episode ends, how long further triggers start no new episode.", "6h"),
            "promote_command": argv("A command run to promote a winning candidate (argv array, no shell)."),
            "data_records": {"description": "How many recent labeled records are written to DRIFTD_DATA.", "type": "integer", "minimum": 1, "maximum": 10000000, "default": 10000},
            "triggers": {"description": "The alert kinds that start a retrain episode.", "type": "array", "minItems": 1, "uniqueItems": True,
                         "items": {"enum": ["performance_degraded", "concept_drift", "data_drift", "prediction_drift"]},
                         "default": ["performance_degraded", "concept_drift"]},
            "after_promotion": {"description": "The reference after a promotion: keep it, or rebaseline (the next records after the promotion, as many as the reference holds, become the reference).",
                                "enum": ["keep", "rebaseline"], "default": "keep"},
            "min_drifted_features": {"description": "A data_drift trigger needs at least this many features drifting in one window.",
                                     "type": "integer", "minimum": 1, "maximum": 100000, "default": 1},
        }, ["command", "metric"], description="The bounded retrain-check loop. Needs 'labels'."),
        "alerts": closed({
            "journald": {"description": "Send alerts to the systemd journal.", "type": "boolean", "default": True},
            "webhooks": {"description": "Webhook receivers.", "type": "array", "items": ref("webhook")},
            "repeat_interval": duration("An alert that is still firing (same fingerprint) is not posted to webhooks again before this long; journald gets every alert (no default: every alert is posted).", None),
            "stalled_after": duration("The daemon raises stream_stalled when no prediction arrived for this long (no default: off).", None),
            "max_malformed_rate": {"description": "The daemon raises ingest_errors when more than this share of a block of 1000 lines read is malformed.",
                                   "type": "number", "minimum": 0, "maximum": 1, "default": 0.05},
        }, description="Where alerts go."),
    }
    any_feature_drift = {"required": ["features"], "properties": {"features": {
        "type": "object",
        "not": {"additionalProperties": {"not": {"type": "object", "required": ["drift"], "properties": {"drift": {"type": "array", "minItems": 1}}}}}}}}
    some_prediction_drift = {"required": ["prediction_drift"], "properties": {"prediction_drift": {"type": "array", "minItems": 1}}}

    def non_empty(key):
        return {"required": [key], "properties": {key: {"type": "array", "minItems": 1}}}

    top = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://driftd.dev/schemas/rules.schema.json",
        "title": "driftd rule file",
        "description": "One monitor: what to watch, how to window it, what to test and where to alert (CONTRACT.md §2).",
        "type": "object",
        "properties": properties,
        "required": ["monitor", "task", "predictions", "window"],
        "additionalProperties": False,
        "allOf": [
            {"if": {"anyOf": [any_feature_drift, some_prediction_drift]},
             "then": {"required": ["reference"]}},
            {"if": {"anyOf": [non_empty("performance"), non_empty("concept_drift"), {"required": ["retrain"]}]},
             "then": {"required": ["labels"]}},
            task_branch("regression", REGRESSION_METRICS, "predictionDriftRegression"),
            task_branch("binary_classification", BINARY_METRICS, "predictionDriftClassification"),
            task_branch("multiclass_classification", MULTICLASS_METRICS, "predictionDriftClassification"),
        ],
        "$defs": defs,
    }
    return top


if __name__ == "__main__":
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "rules", "schema.json"), "w", newline="\n") as out:
        json.dump(schema(), out, indent=2, ensure_ascii=False)
        out.write("\n")
