"""Shared code of the example trainers: reading DRIFTD_DATA, encoding features, fitting
ridge / logistic regression, the metrics, and loading a model.json to predict.

Python 3 standard library only, so the trainers run on a fresh machine without a venv.
Rows are kept sparse (lists of (column, value) pairs): one-hot columns are mostly zero,
which keeps X'X and the Newton steps fast in pure Python.
"""

import json
import math

MODEL_FORMAT = "driftd-example-linear/1"
LOWER_IS_BETTER = {"rmse", "mae", "mape", "log_loss"}


class DataError(Exception):
    """The data is empty or unusable; the message says why."""


# --- Reading ----------------------------------------------------------------------------

def read_records(path):
    """Reads a DRIFTD_DATA file: JSON Lines, one labeled record per line.

    Returns (records, problems): records are dicts with "features" (a dict) and "label";
    problems is a list of "line N: why" strings for skipped lines (blank lines are ignored).
    """
    records, problems = [], []
    try:
        handle = open(path, "r", encoding="utf-8", errors="replace")
    except OSError as error:
        raise DataError("cannot read %s: %s" % (path, error.strerror or error))
    with handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError:
                problems.append("line %d: not JSON" % number)
                continue
            if not isinstance(obj, dict):
                problems.append("line %d: not a JSON object" % number)
                continue
            label = obj.get("label")
            if label is None or (isinstance(label, float) and not math.isfinite(label)):
                problems.append("line %d: no label" % number)
                continue
            features = obj.get("features")
            if features is None:
                features = {}
            if not isinstance(features, dict):
                problems.append("line %d: features is not an object" % number)
                continue
            records.append({"id": obj.get("id"), "features": features, "label": label,
                            "prediction": obj.get("prediction")})
    return records, problems


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def binary_value(label):
    """0 or 1 for a binary label (0/1, true/false, "0"/"1", "true"/"false"), else None."""
    if isinstance(label, bool):
        return int(label)
    if is_number(label) and label in (0, 1):
        return int(label)
    if isinstance(label, str) and label.strip().lower() in ("0", "1", "true", "false"):
        return 1 if label.strip().lower() in ("1", "true") else 0
    return None


def detect_task(labels):
    """'binary' when every label is 0/1 or a boolean, 'regression' when they are numbers."""
    if labels and all(binary_value(label) is not None for label in labels):
        return "binary"
    if labels and all(is_number(label) for label in labels):
        return "regression"
    kinds = sorted({type(label).__name__ for label in labels})
    raise DataError("labels are neither numbers nor binary 0/1 values (found %s); use --task" % ", ".join(kinds))


def targets(records, task):
    """The label of each record as a float (regression) or 0/1 (binary); DataError if one does not fit."""
    out = []
    for record in records:
        label = record["label"]
        value = binary_value(label) if task == "binary" else (float(label) if is_number(label) else None)
        if value is None:
            raise DataError("label %r of record %r is not a valid %s label" % (label, record.get("id"), task))
        out.append(value)
    return out


# --- Encoding ---------------------------------------------------------------------------

def category_name(value):
    return value if isinstance(value, str) else json.dumps(value)


class Encoder:
    """Numbers standardised (missing -> 0, the mean), booleans 0/1, strings one-hot for the
    values seen in training (an unseen value -> all zeros). Column 0 is the intercept."""

    def __init__(self, spec):
        self.spec = spec
        self.columns = ["(intercept)"]
        self.index = {}
        for feature in spec:
            if feature["type"] == "categorical":
                for value in feature["values"]:
                    self.index[(feature["name"], value)] = len(self.columns)
                    self.columns.append("%s=%s" % (feature["name"], value))
            else:
                self.index[feature["name"]] = len(self.columns)
                self.columns.append(feature["name"])

    @classmethod
    def fit(cls, feature_dicts, max_categories=100):
        kinds = {}
        for features in feature_dicts:
            for name, value in features.items():
                counts = kinds.setdefault(name, {"number": 0, "boolean": 0, "string": 0})
                if isinstance(value, bool):
                    counts["boolean"] += 1
                elif is_number(value):
                    counts["number"] += 1
                elif value is not None and not (isinstance(value, float)):
                    counts["string"] += 1
        spec = []
        for name in sorted(kinds):
            counts = kinds[name]
            if counts["number"] == counts["boolean"] == counts["string"] == 0:
                continue                               # only ever null
            if counts["number"] >= max(counts["string"], counts["boolean"]):
                values = [f[name] for f in feature_dicts if name in f and is_number(f[name])]
                mean = math.fsum(values) / len(values)
                sd = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / len(values))
                spec.append({"name": name, "type": "numerical", "mean": mean, "sd": sd if sd > 0 else 1.0})
            elif counts["boolean"] >= counts["string"]:
                spec.append({"name": name, "type": "boolean"})
            else:
                seen = {}
                for f in feature_dicts:
                    value = f.get(name)
                    if value is not None and not isinstance(value, bool) and (isinstance(value, str) or is_number(value)):
                        key = category_name(value)
                        seen[key] = seen.get(key, 0) + 1
                # the most frequent values, ties by name; then sorted by name for a stable layout
                kept = sorted(seen, key=lambda v: (-seen[v], v))[:max_categories]
                spec.append({"name": name, "type": "categorical", "values": sorted(kept)})
        return cls(spec)

    def row(self, features):
        """Sparse row: [(column, value), ...] in increasing column order, intercept first."""
        out = [(0, 1.0)]
        for feature in self.spec:
            name = feature["name"]
            value = features.get(name)
            kind = feature["type"]
            if kind == "numerical":
                if is_number(value):
                    x = (value - feature["mean"]) / feature["sd"]
                    if x != 0.0:
                        out.append((self.index[name], x))
            elif kind == "boolean":
                if value is True:
                    out.append((self.index[name], 1.0))
            else:
                if value is not None and not isinstance(value, bool) and (isinstance(value, str) or is_number(value)):
                    column = self.index.get((name, category_name(value)))
                    if column is not None:
                        out.append((column, 1.0))
        return out


# --- Linear algebra ---------------------------------------------------------------------

def solve(matrix, vector):
    """Solves A x = b by Gaussian elimination with partial pivoting (A is copied)."""
    n = len(vector)
    a = [list(matrix[i]) + [vector[i]] for i in range(n)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        if abs(a[pivot][col]) < 1e-12:
            raise DataError("the normal equations are singular (column %d); try a larger --alpha" % col)
        if pivot != col:
            a[col], a[pivot] = a[pivot], a[col]
        pivot_row = a[col]
        inv = 1.0 / pivot_row[col]
        for r in range(col + 1, n):
            row = a[r]
            factor = row[col] * inv
            if factor != 0.0:
                for c in range(col, n + 1):
                    row[c] -= factor * pivot_row[c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        row = a[r]
        x[r] = (row[n] - sum(row[c] * x[c] for c in range(r + 1, n))) / row[r]
    return x


def gram(rows, dim, weights=None):
    """X' W X (W diagonal, default identity) for sparse rows, as a dense symmetric matrix."""
    g = [[0.0] * dim for _ in range(dim)]
    for k, row in enumerate(rows):
        w = 1.0 if weights is None else weights[k]
        for a, (i, vi) in enumerate(row):
            gi = g[i]
            wvi = w * vi
            for j, vj in row[a:]:
                gi[j] += wvi * vj
    for i in range(dim):
        for j in range(i + 1, dim):
            g[j][i] = g[i][j]
    return g


def dot(row, coef):
    return sum(coef[i] * v for i, v in row)


def fit_ridge(rows, y, dim, alpha):
    """Minimises ||y - X w||^2 + alpha * ||w[1:]||^2 (the intercept is not penalised)."""
    g = gram(rows, dim)
    b = [0.0] * dim
    for row, target in zip(rows, y):
        for i, v in row:
            b[i] += v * target
    for i in range(1, dim):
        g[i][i] += alpha
    return solve(g, b)


def sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def fit_logistic(rows, y, dim, alpha, max_iter=100, tol=1e-9, log=None):
    """L2-regularised logistic regression by Newton's method (IRLS) with step halving.

    Minimises sum(log loss) + alpha/2 * ||w[1:]||^2. Returns (coef, iterations)."""
    def objective(coef):
        total = 0.0
        for row, target in zip(rows, y):
            z = dot(row, coef)
            # log(1 + exp(-z)) for y=1, log(1 + exp(z)) for y=0, computed stably
            m = -z if target else z
            total += m + math.log1p(math.exp(-m)) if m > 0 else math.log1p(math.exp(m))
        return total + 0.5 * alpha * sum(c * c for c in coef[1:])

    coef = [0.0] * dim
    current = objective(coef)
    for iteration in range(1, max_iter + 1):
        p = [sigmoid(dot(row, coef)) for row in rows]
        grad = [0.0] * dim
        for row, pi, target in zip(rows, p, y):
            r = pi - target
            for i, v in row:
                grad[i] += r * v
        for i in range(1, dim):
            grad[i] += alpha * coef[i]
        hess = gram(rows, dim, [max(pi * (1.0 - pi), 1e-10) for pi in p])
        for i in range(1, dim):
            hess[i][i] += alpha
        hess[0][0] += 1e-9
        step = solve(hess, grad)
        scale = 1.0
        while True:
            candidate = [c - scale * s for c, s in zip(coef, step)]
            value = objective(candidate)
            if value <= current + 1e-12 or scale < 1e-6:
                break
            scale *= 0.5
        change = max(abs(scale * s) for s in step)
        coef, previous, current = candidate, current, value
        if log:
            log("  newton iteration %d: objective %.6f, largest step %.3g" % (iteration, current, change))
        if change < tol or abs(previous - current) <= tol * max(1.0, abs(current)):
            return coef, iteration
    return coef, max_iter


# --- Where the production model's error rose ----------------------------------------------

def production_errors(records, y, task):
    """The production model's error on each record, from its "prediction" field, as driftd's
    concept-drift detectors see it: absolute error (regression) or 0/1 wrong (binary).
    None when a record has no usable prediction."""
    errors = []
    for record, target in zip(records, y):
        prediction = record.get("prediction")
        if task == "binary":
            value = binary_value(prediction)
            if value is None:
                return None
            errors.append(float(value != target))
        else:
            if not is_number(prediction):
                return None
            errors.append(abs(prediction - target))
    return errors


def change_point(errors, min_segment, min_z=5.0):
    """The most likely single rise in the mean of errors (least squares split).

    Returns (index of the first record after the change, mean before, mean after, z) when the
    mean after is higher by at least min_z standard errors (pooled within-segment variance)
    and both segments hold at least min_segment values; otherwise None."""
    n = len(errors)
    if n < 2 * min_segment:
        return None
    prefix = [0.0]
    for e in errors:
        prefix.append(prefix[-1] + e)
    total = prefix[-1]
    best, best_gain = None, 0.0
    for c in range(min_segment, n - min_segment + 1):
        m1 = prefix[c] / c
        m2 = (total - prefix[c]) / (n - c)
        gain = c * (n - c) / n * (m2 - m1) ** 2
        if m2 > m1 and gain > best_gain:
            best, best_gain = c, gain
    if best is None:
        return None
    m1 = prefix[best] / best
    m2 = (total - prefix[best]) / (n - best)
    within = (math.fsum((e - m1) ** 2 for e in errors[:best]) + math.fsum((e - m2) ** 2 for e in errors[best:])) / (n - 2)
    if within <= 0:
        return (best, m1, m2, math.inf)
    z = (m2 - m1) / math.sqrt(within * (1.0 / best + 1.0 / (n - best)))
    return (best, m1, m2, z) if z >= min_z else None


# --- Metrics (as scikit-learn computes them) ---------------------------------------------

def regression_metrics(y, pred):
    n = len(y)
    errors = [p - t for p, t in zip(pred, y)]
    mse = math.fsum(e * e for e in errors) / n
    mean = math.fsum(y) / n
    ss_tot = math.fsum((t - mean) ** 2 for t in y)
    ss_res = mse * n
    if ss_tot > 0:
        r2 = 1.0 - ss_res / ss_tot
    else:                                          # sklearn's force_finite behaviour
        r2 = 1.0 if ss_res == 0 else 0.0
    eps = 2.220446049250313e-16
    return {
        "rmse": math.sqrt(mse),
        "mae": math.fsum(abs(e) for e in errors) / n,
        "mape": math.fsum(abs(e) / max(abs(t), eps) for e, t in zip(errors, y)) / n,
        "r2": r2,
    }


def roc_auc(y, score):
    """Area under the ROC curve (Mann-Whitney U with average ranks for ties); None with one class."""
    positives = sum(y)
    negatives = len(y) - positives
    if positives == 0 or negatives == 0:
        return None
    order = sorted(range(len(score)), key=lambda i: score[i])
    rank_sum = 0.0
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and score[order[j + 1]] == score[order[i]]:
            j += 1
        average = (i + j) / 2.0 + 1.0
        rank_sum += average * sum(y[order[k]] for k in range(i, j + 1))
        i = j + 1
    return (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives)


def binary_metrics(y, score, threshold=0.5):
    n = len(y)
    pred = [1 if s >= threshold else 0 for s in score]
    tp = sum(1 for t, p in zip(y, pred) if t == 1 and p == 1)
    fp = sum(1 for t, p in zip(y, pred) if t == 0 and p == 1)
    fn = sum(1 for t, p in zip(y, pred) if t == 1 and p == 0)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    eps = 1e-15
    log_loss = -math.fsum(math.log(min(max(s, eps), 1 - eps)) if t else math.log(1 - min(max(s, eps), 1 - eps))
                          for t, s in zip(y, score)) / n
    metrics = {"f1": f1, "accuracy": (n - fp - fn) / n, "precision": precision, "recall": recall,
               "log_loss": log_loss}
    auc = roc_auc(y, score)
    if auc is not None:
        metrics["roc_auc"] = auc
    return metrics


# --- The saved model --------------------------------------------------------------------

class Model:
    """A model.json loaded for prediction."""

    def __init__(self, document):
        if not isinstance(document, dict) or document.get("format") != MODEL_FORMAT:
            raise ValueError("not a %s model" % MODEL_FORMAT)
        self.document = document
        self.task = document["task"]
        self.encoder = Encoder(document["features"])
        if self.encoder.columns != document["columns"]:
            raise ValueError("model.json columns do not match its features")
        self.coef = [float(c) for c in document["coef"]]
        self.threshold = float(document.get("threshold", 0.5))

    def raw(self, features):
        """The linear prediction (regression) or the probability of the positive class."""
        z = dot(self.encoder.row(features), self.coef)
        return sigmoid(z) if self.task == "binary" else z

    def predict(self, features):
        """Returns (prediction, score): score is None for regression."""
        value = self.raw(features)
        if self.task == "binary":
            return (1 if value >= self.threshold else 0), value
        return value, None


def load_model(path):
    with open(path, "r", encoding="utf-8") as handle:
        return Model(json.load(handle))


def model_document(task, encoder, coef, extra=None):
    document = {"format": MODEL_FORMAT, "task": task, "features": encoder.spec,
                "columns": encoder.columns, "coef": coef}
    if task == "binary":
        document["threshold"] = 0.5
    if extra:
        document.update(extra)
    return document
