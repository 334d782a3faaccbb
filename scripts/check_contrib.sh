#!/usr/bin/env bash
# Checks the Prometheus and Grafana files of contrib/ (see contrib/README.md):
#   - promtool check config / check rules / test rules on contrib/prometheus/
#   - the rules' and the dashboard's PromQL use only metrics that docs/metrics.md documents
#   - contrib/grafana/driftd.json: valid JSON, in sync with build_dashboard.py, every panel with a
#     title and a datasource, unique panel ids, the datasource and monitor variables
# Needs python3 (stdlib) and promtool: when promtool is missing, installs the Debian package
# `prometheus` (which ships /usr/bin/promtool) with apt-get. PROMTOOL=/path/to/promtool overrides.
# Exits non-zero on any failure.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 2
PROM=contrib/prometheus
GRAFANA=contrib/grafana
failures=0

fail() { echo "check_contrib: FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "check_contrib: ok: $*"; }

for f in "$PROM/prometheus.yml" "$PROM/driftd-alerts.yml" "$PROM/driftd-alerts.test.yml" \
         "$GRAFANA/driftd.json" "$GRAFANA/build_dashboard.py" docs/metrics.md; do
    [ -f "$f" ] || { echo "check_contrib: FAIL: missing $f" >&2; exit 1; }
done

# ---------------------------------------------------------------- promtool
PROMTOOL=${PROMTOOL:-$(command -v promtool || true)}
if [ -z "$PROMTOOL" ]; then
    echo "check_contrib: promtool not found; installing the Debian package prometheus (provides promtool)"
    SUDO=
    if [ "$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null; then SUDO="sudo -n"; else
            echo "check_contrib: FAIL: promtool missing and not root: apt-get install prometheus, or set PROMTOOL" >&2
            exit 1
        fi
    fi
    export DEBIAN_FRONTEND=noninteractive
    if ! { $SUDO apt-get install -y --no-install-recommends prometheus \
           || { $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends prometheus; }; }; then
        echo "check_contrib: FAIL: apt-get install prometheus failed" >&2
        exit 1
    fi
    PROMTOOL=$(command -v promtool || true)
    [ -n "$PROMTOOL" ] || { echo "check_contrib: FAIL: promtool still missing after installing prometheus" >&2; exit 1; }
fi
echo "check_contrib: using $PROMTOOL ($("$PROMTOOL" --version 2>&1 | head -1))"

run() {  # run DESCRIPTION CMD...: runs CMD, shows its output on failure
    local desc=$1; shift
    local out
    if out=$("$@" 2>&1); then ok "$desc"; else
        printf '%s\n' "$out" >&2
        fail "$desc"
    fi
}
run "promtool check config $PROM/prometheus.yml" "$PROMTOOL" check config "$PROM/prometheus.yml"
run "promtool check rules $PROM/driftd-alerts.yml" "$PROMTOOL" check rules "$PROM/driftd-alerts.yml"
run "promtool test rules $PROM/driftd-alerts.test.yml" "$PROMTOOL" test rules "$PROM/driftd-alerts.test.yml"

# ---------------------------------------------------------------- dashboard and metric names
if python3 - "$GRAFANA/driftd.json" docs/metrics.md "$PROM/driftd-alerts.yml" <<'PY'
import json, re, sys

dash_path, metrics_doc, rules_path = sys.argv[1:4]
errors = []

# Metrics documented in docs/metrics.md: the first column of its tables.
documented = {}
for line in open(metrics_doc, encoding="utf-8"):
    m = re.match(r"\|\s*`(driftd_[a-z_]+)`\s*\|\s*(\w+)\s*\|", line)
    if m:
        documented[m.group(1)] = m.group(2)
allowed = set(documented)
for name, kind in documented.items():
    if kind == "histogram":
        allowed |= {name + "_bucket", name + "_sum", name + "_count"}
if len(documented) < 10:
    errors.append(f"{metrics_doc}: found only {len(documented)} metrics in its tables; has its format changed?")

def metric_names(expr):
    """driftd_* tokens of a PromQL expression that name metrics (not labels or label values)."""
    e = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', '""', expr)   # string literals
    e = re.sub(r"\{[^{}]*\}", "{}", e)                                           # label matchers
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)", r"\1()", e)
    e = re.sub(r"\{\{[^}]*\}\}", "", e)                                          # Go templates
    return set(re.findall(r"(?<![A-Za-z0-9_:])driftd_[a-z_]+", e))

def check_expr(where, expr):
    for name in sorted(metric_names(expr)):
        if name not in allowed:
            errors.append(f"{where}: metric {name} is not in {metrics_doc}")

# The alert rules' expressions (a small reader for `expr:` scalars and `expr: |` blocks).
lines = open(rules_path, encoding="utf-8").read().splitlines()
i = 0
rule_exprs = 0
while i < len(lines):
    m = re.match(r"^(\s*)(?:- )?expr:\s*(.*)$", lines[i])
    if m and not lines[i].lstrip().startswith("#"):
        indent, rest = len(m.group(1)), m.group(2)
        if rest in ("|", ">", "|-", ">-"):
            body = []
            i += 1
            while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
                body.append(lines[i])
                i += 1
            expr = "\n".join(body)
        else:
            expr = rest
            i += 1
        rule_exprs += 1
        check_expr(f"{rules_path}: expr {expr.strip().splitlines()[0][:60]!r}", expr)
    else:
        i += 1
if rule_exprs == 0:
    errors.append(f"{rules_path}: no expr found")

# The dashboard.
try:
    dash = json.load(open(dash_path, encoding="utf-8"))
except ValueError as e:
    print(f"check_contrib: FAIL: {dash_path} is not valid JSON: {e}", file=sys.stderr)
    sys.exit(1)

def all_panels(panels):
    for p in panels:
        yield p
        yield from all_panels(p.get("panels", []))

panels = list(all_panels(dash.get("panels", [])))
if not panels:
    errors.append(f"{dash_path}: no panels")
ids = {}
exprs = 0
for p in panels:
    pid = p.get("id")
    title = (p.get("title") or "").strip()
    where = f"{dash_path}: panel {pid} {title!r}"
    if pid is None:
        errors.append(f"{where}: no id")
    elif pid in ids:
        errors.append(f"{where}: id {pid} also used by panel {ids[pid]!r}")
    else:
        ids[pid] = title
    if not title:
        errors.append(f"{where}: no title")
    if p.get("type") == "row":
        continue            # a row holds no query: no datasource of its own
    if not isinstance(p.get("datasource"), dict) or not p["datasource"].get("uid"):
        errors.append(f"{where}: no datasource")
    if "gridPos" not in p:
        errors.append(f"{where}: no gridPos")
    targets = p.get("targets") or []
    if not targets:
        errors.append(f"{where}: no targets")
    for t in targets:
        expr = t.get("expr", "")
        if not expr.strip():
            errors.append(f"{where}: target {t.get('refId')} has no expr")
            continue
        exprs += 1
        check_expr(f"{where} target {t.get('refId')}", expr)

# Variables: the datasource and the monitor variable.
variables = {v.get("name"): v for v in dash.get("templating", {}).get("list", [])}
ds = variables.get("DS_PROMETHEUS")
if not ds or ds.get("type") != "datasource" or ds.get("query") != "prometheus":
    errors.append(f"{dash_path}: no datasource variable DS_PROMETHEUS of type prometheus")
if not any(i.get("name") == "DS_PROMETHEUS" and i.get("type") == "datasource" for i in dash.get("__inputs", [])):
    errors.append(f"{dash_path}: no __inputs entry DS_PROMETHEUS")
mon = variables.get("monitor")
if not mon:
    errors.append(f"{dash_path}: no monitor variable")
else:
    q = mon.get("query")
    q = q.get("query") if isinstance(q, dict) else q
    if q != "label_values(driftd_records_total, monitor)":
        errors.append(f"{dash_path}: monitor variable query is {q!r}")
    if not (mon.get("multi") and mon.get("includeAll")):
        errors.append(f"{dash_path}: monitor variable must be multi-select with All")
for name, v in variables.items():
    q = v.get("query")
    q = q.get("query") if isinstance(q, dict) else q
    if v.get("type") == "query" and q:
        check_expr(f"{dash_path}: variable {name}", q)
if not isinstance(dash.get("schemaVersion"), int) or dash["schemaVersion"] < 36:
    errors.append(f"{dash_path}: schemaVersion {dash.get('schemaVersion')!r} (expected 36 or more)")

for e in errors:
    print(f"check_contrib: FAIL: {e}", file=sys.stderr)
if errors:
    sys.exit(1)
print(f"check_contrib: ok: {dash_path}: {len(panels)} panels, {exprs} queries; {rule_exprs} rule expressions; "
      f"all metric names in {metrics_doc} ({len(documented)} metrics)")
PY
then :; else fail "dashboard and metric-name checks"; fi

if python3 "$GRAFANA/build_dashboard.py" --stdout | diff -u "$GRAFANA/driftd.json" - >/dev/null; then
    ok "$GRAFANA/driftd.json is what $GRAFANA/build_dashboard.py writes"
else
    fail "$GRAFANA/driftd.json differs from the output of $GRAFANA/build_dashboard.py (edit the generator and run it)"
fi

if [ "$failures" -ne 0 ]; then
    echo "check_contrib: $failures check(s) failed" >&2
    exit 1
fi
echo "check_contrib: all checks passed"
