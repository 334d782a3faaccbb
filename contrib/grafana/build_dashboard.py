#!/usr/bin/env python3
"""Writes contrib/grafana/driftd.json, the driftd Grafana dashboard (stdlib only).

Edit this file, not the JSON, then run `python3 contrib/grafana/build_dashboard.py`;
scripts/check_contrib.sh fails when the JSON and this generator disagree.
Metric names and labels: docs/metrics.md only.
"""
import json
import os
import sys

DS = {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}
I = 'instance=~"$instance"'
M = 'monitor=~"$monitor", ' + I

panels = []
_next_id = [1]
_y = [0]
_x = [0]
_row_h = [0]


def _nid():
    i = _next_id[0]
    _next_id[0] += 1
    return i


def row(title):
    if _x[0]:
        _y[0] += _row_h[0]
        _x[0] = 0
        _row_h[0] = 0
    panels.append({"id": _nid(), "type": "row", "title": title, "collapsed": False,
                   "gridPos": {"h": 1, "w": 24, "x": 0, "y": _y[0]}, "panels": []})
    _y[0] += 1


def _place(w, h):
    if _x[0] + w > 24:
        _y[0] += _row_h[0]
        _x[0] = 0
        _row_h[0] = 0
    pos = {"h": h, "w": w, "x": _x[0], "y": _y[0]}
    _x[0] += w
    _row_h[0] = max(_row_h[0], h)
    return pos


def target(expr, legend, ref="A", instant=False):
    t = {"datasource": DS, "refId": ref, "expr": expr, "legendFormat": legend,
         "range": not instant, "instant": instant}
    return t


def panel(kind, title, targets, w=12, h=8, unit=None, description="", thresholds=None,
          min_=None, max_=None, custom=None, options=None, mappings=None, overrides=None):
    defaults = {"unit": unit or "short"}
    if min_ is not None:
        defaults["min"] = min_
    if max_ is not None:
        defaults["max"] = max_
    defaults["thresholds"] = {"mode": "absolute",
                              "steps": thresholds or [{"color": "green", "value": None}]}
    if mappings:
        defaults["mappings"] = mappings
    if custom:
        defaults["custom"] = custom
    p = {"id": _nid(), "type": kind, "title": title, "description": description,
         "datasource": DS, "gridPos": _place(w, h),
         "targets": [target(*t) if isinstance(t, tuple) else t for t in targets],
         "fieldConfig": {"defaults": defaults, "overrides": overrides or []},
         "options": options or {}}
    panels.append(p)
    return p


def ts(title, targets, **kw):
    custom = {"drawStyle": "line", "lineWidth": 1, "fillOpacity": 0, "showPoints": "never",
              "spanNulls": False}
    custom.update(kw.pop("custom", {}))
    if kw.get("thresholds") and len(kw["thresholds"]) > 1:
        custom["thresholdsStyle"] = {"mode": "dashed"}
    kw.setdefault("options", {"legend": {"displayMode": "table", "placement": "bottom",
                                         "calcs": ["lastNotNull", "max"]},
                              "tooltip": {"mode": "multi", "sort": "desc"}})
    return panel("timeseries", title, targets, custom=custom, **kw)


def bars(title, targets, **kw):
    return ts(title, targets, custom={"drawStyle": "bars", "fillOpacity": 80,
                                      "stacking": {"mode": "normal", "group": "A"}}, **kw)


def stat(title, targets, **kw):
    kw.setdefault("options", {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                              "colorMode": "value", "graphMode": "none", "textMode": "auto"})
    return panel("stat", title, targets, **kw)


GREEN = {"color": "green", "value": None}

# ---------------------------------------------------------------- Daemons
row("Daemons")
stat("Daemons up", [(f'up{{job=~"driftd.*", {I}}}', "{{instance}}", "A", True)], w=6, h=5,
     description="Prometheus' scrape of each driftd target: 1 up, 0 down.",
     thresholds=[{"color": "red", "value": None}, {"color": "green", "value": 1}],
     mappings=[{"type": "value", "options": {"0": {"text": "down", "color": "red"},
                                             "1": {"text": "up", "color": "green"}}}])
panel("table", "Build info", [(f'driftd_build_info{{{I}}}', "{{instance}} {{version}}", "A", True)],
      w=6, h=5, description="driftd_build_info: the version each daemon runs.",
      options={"showHeader": True},
      overrides=[])["transformations"] = [
    {"id": "labelsToFields", "options": {"mode": "columns"}},
    {"id": "organize", "options": {"excludeByName": {"Time": True, "Value": True, "__name__": True}}}]
stat("Uptime", [(f'time() - driftd_start_time_seconds{{{I}}}', "{{instance}}", "A", True)], w=4, h=5,
     unit="s", description="Since driftd_start_time_seconds.")
stat("Monitors in force", [(f'driftd_monitors{{{I}}}', "{{instance}}", "A", True)], w=4, h=5,
     description="driftd_monitors: monitors of each daemon's rules folder.")
stat("Ingest loop: last pass", [(f'time() - driftd_last_ingest_loop_timestamp_seconds{{{I}}}',
                                 "{{instance}}", "A", True)], w=4, h=5, unit="s",
     description="Seconds since the ingest loop last completed a pass; the DriftdIngestLoopStuck alert fires above 120 s.",
     thresholds=[GREEN, {"color": "orange", "value": 60}, {"color": "red", "value": 120}])
bars("Rule reloads", [(f'sum by (instance, result) (increase(driftd_rule_reloads_total{{{I}}}[$__rate_interval]))',
                       "{{instance}} {{result}}")], w=24, h=6,
     description="SIGHUP rule reloads by result; after a failure the old rules stay in force.",
     overrides=[{"matcher": {"id": "byRegexp", "options": ".*failure"},
                 "properties": [{"id": "color", "value": {"mode": "fixed", "fixedColor": "red"}}]}])

# ---------------------------------------------------------------- Ingest
row("Ingest")
ts("Records per second", [(f'sum by (monitor, stream) (rate(driftd_records_total{{{M}}}[$__rate_interval]))',
                           "{{monitor}} {{stream}}")], unit="reqps",
   description="Valid records read per second (driftd_records_total), by monitor and stream.")
ts("Malformed lines per second", [(f'sum by (monitor, stream) (rate(driftd_malformed_lines_total{{{M}}}[$__rate_interval]))',
                                   "{{monitor}} {{stream}}")], unit="short",
   description="Complete lines skipped as malformed (driftd_malformed_lines_total).")
ts("Ingest lag (bytes)", [(f'max by (monitor, stream) (driftd_ingest_lag_bytes{{{M}}})', "{{monitor}} {{stream}}")],
   unit="bytes", description="Bytes written to each stream's files and not read yet (per monitor and stream; driftd exports no per-file series).")
ts("Ingest lag (seconds)", [(f'max by (monitor, stream) (driftd_ingest_lag_seconds{{{M}}})', "{{monitor}} {{stream}}")],
   unit="s", description="Age of the oldest unread data; the DriftdIngestLagHigh alert fires above 300 s.",
   thresholds=[GREEN, {"color": "red", "value": 300}])

# ---------------------------------------------------------------- Windows
row("Windows")
ts("Last window index", [(f'max by (monitor) (driftd_last_window_index{{{M}}})', "{{monitor}}")], w=8,
   description="Index of the last window evaluated (the report's index).")
ts("Windows evaluated per hour", [(f'sum by (monitor) (increase(driftd_windows_total{{{M}}}[1h]))', "{{monitor}}")],
   w=8, description="driftd_windows_total, increase over one hour.")
ts("Window evaluation time", [
    (f'histogram_quantile(0.5, sum by (le, monitor) (rate(driftd_window_evaluation_seconds_bucket{{{M}}}[$__rate_interval])))', "p50 {{monitor}}", "A"),
    (f'histogram_quantile(0.9, sum by (le, monitor) (rate(driftd_window_evaluation_seconds_bucket{{{M}}}[$__rate_interval])))', "p90 {{monitor}}", "B"),
    (f'histogram_quantile(0.99, sum by (le, monitor) (rate(driftd_window_evaluation_seconds_bucket{{{M}}}[$__rate_interval])))', "p99 {{monitor}}", "C"),
], w=8, unit="s", description="Quantiles of driftd_window_evaluation_seconds (buckets 0.5 ms to 30 s).")

# ---------------------------------------------------------------- Drift
row("Drift")
DRIFT_NOTE = (" driftd does not export the rule's thresholds: the dashed line is the default of CONTRACT.md §5; "
              "a rule may set another.")
ts("PSI", [(f'max by (monitor, feature) (driftd_drift_value{{{M}, method="psi"}})', "{{monitor}} {{feature}}")],
   description="driftd_drift_value{method=\"psi\"} of the last window." + DRIFT_NOTE,
   thresholds=[GREEN, {"color": "red", "value": 0.2}], min_=0)
ts("Jensen-Shannon and Wasserstein", [
    (f'max by (monitor, feature, method) (driftd_drift_value{{{M}, method=~"jensen_shannon|wasserstein"}})',
     "{{monitor}} {{feature}} {{method}}")],
   description="driftd_drift_value of the last window: jensen_shannon distance, normed wasserstein distance." + DRIFT_NOTE,
   thresholds=[GREEN, {"color": "red", "value": 0.1}], min_=0)
ts("KS and chi2 statistics", [
    (f'max by (monitor, feature, method) (driftd_drift_value{{{M}, method=~"ks|chi2"}})',
     "{{monitor}} {{feature}} {{method}}")],
   description="driftd_drift_value for ks and chi2 is the test's statistic; drift is judged on the p-value (next panel).", min_=0)
ts("p-values (ks, chi2)", [
    (f'min by (monitor, feature, method) (driftd_drift_p_value{{{M}}})', "{{monitor}} {{feature}} {{method}}")],
   description="driftd_drift_p_value of the last window, before multiple-testing correction. Drift below the rule's p_value (default 0.05, dashed).",
   thresholds=[{"color": "red", "value": None}, {"color": "green", "value": 0.05}], min_=0, max_=1,
   custom={"scaleDistribution": {"type": "log", "log": 10}})
panel("state-timeline", "Drift detected", [
    (f'max by (monitor, feature, method) (driftd_drift_detected{{{M}}})', "{{monitor}} {{feature}} {{method}}")],
    w=24, h=10, description="driftd_drift_detected: 1 when the last window's test found drift.",
    mappings=[{"type": "value", "options": {"0": {"text": "no drift", "color": "green"},
                                            "1": {"text": "drift", "color": "red"}}}],
    thresholds=[GREEN, {"color": "red", "value": 1}],
    options={"showValue": "never", "mergeValues": True, "rowHeight": 0.8,
             "legend": {"showLegend": False}, "tooltip": {"mode": "single"}})
ts("Dataset drift share", [(f'max by (monitor) (driftd_dataset_drift_share{{{M}}})', "{{monitor}}")],
   unit="percentunit", min_=0, max_=1,
   description="Share of tested features that drifted in the last window (rules with dataset_drift).")
ts("Missing values", [(f'max by (monitor, feature) (driftd_missing_values{{{M}}})', "{{monitor}} {{feature}}")],
   description="Missing values of each feature in the last window.")

# ---------------------------------------------------------------- Performance
row("Performance")
ts("Performance metrics", [(f'max by (monitor, metric) (driftd_performance{{{M}}})', "{{monitor}} {{metric}}")],
   description="driftd_performance: the last performance-evaluated window's metrics (it may be older than the last window). "
               "Bounds are in the rules, not in the metrics: see the performance_degraded alerts below.")
ts("Labeled records", [(f'max by (monitor) (driftd_labeled_records{{{M}}})', "{{monitor}}")],
   description="Records of the last performance-evaluated window that had a label.")

# ---------------------------------------------------------------- Alerts and retrain
row("Alerts and retraining")
bars("Alerts raised by kind", [
    (f'sum by (monitor, kind) (increase(driftd_alerts_total{{{M}}}[$__rate_interval]))', "{{monitor}} {{kind}}")],
    description="driftd_alerts_total: alerts raised by driftd, by monitor and kind.")
panel("table", "Alerts in the time range", [
    (f'sum by (monitor, kind, severity) (increase(driftd_alerts_total{{{M}}}[$__range])) > 0',
     "{{monitor}} {{kind}} {{severity}}", "A", True)],
    description="Alerts raised over the dashboard's time range, by monitor, kind and severity.",
    options={"showHeader": True, "sortBy": [{"displayName": "Value", "desc": True}]})["transformations"] = [
    {"id": "labelsToFields", "options": {"mode": "columns"}},
    {"id": "organize", "options": {"excludeByName": {"Time": True}}}]
bars("Retrain events", [
    (f'sum by (monitor, kind) (increase(driftd_alerts_total{{{M}, kind=~"retrain_.*|model_promoted"}}[$__rate_interval]))',
     "{{monitor}} {{kind}}")], w=24,
    description="retrain_started, retrain_attempt_failed, retrain_exhausted and model_promoted alerts (docs/retrain.md).",
    overrides=[{"matcher": {"id": "byRegexp", "options": ".*retrain_exhausted"},
                "properties": [{"id": "color", "value": {"mode": "fixed", "fixedColor": "red"}}]},
               {"matcher": {"id": "byRegexp", "options": ".*model_promoted"},
                "properties": [{"id": "color", "value": {"mode": "fixed", "fixedColor": "green"}}]}])

# ---------------------------------------------------------------- Webhooks
row("Webhooks")
bars("Webhook deliveries by result", [
    (f'sum by (monitor, result) (increase(driftd_webhook_deliveries_total{{{M}}}[$__rate_interval]))',
     "{{monitor}} {{result}}")],
    description="Delivery attempts: delivered, retry (failed, tried again later), dead (given up).",
    overrides=[{"matcher": {"id": "byRegexp", "options": ".*dead"},
                "properties": [{"id": "color", "value": {"mode": "fixed", "fixedColor": "red"}}]},
               {"matcher": {"id": "byRegexp", "options": ".*retry"},
                "properties": [{"id": "color", "value": {"mode": "fixed", "fixedColor": "orange"}}]}])
ts("Webhook delivery latency", [
    (f'histogram_quantile(0.5, sum by (le, monitor) (rate(driftd_webhook_delivery_seconds_bucket{{{M}}}[$__rate_interval])))', "p50 {{monitor}}", "A"),
    (f'histogram_quantile(0.9, sum by (le, monitor) (rate(driftd_webhook_delivery_seconds_bucket{{{M}}}[$__rate_interval])))', "p90 {{monitor}}", "B"),
    (f'histogram_quantile(0.99, sum by (le, monitor) (rate(driftd_webhook_delivery_seconds_bucket{{{M}}}[$__rate_interval])))', "p99 {{monitor}}", "C"),
], unit="s", description="From an alert's commit to its webhook delivery (delivered attempts), quantiles of driftd_webhook_delivery_seconds.")


def var_query(name, label, query, multi=True):
    return {"name": name, "label": label, "type": "query", "datasource": DS,
            "query": {"query": query, "refId": f"{name}-var"}, "definition": query,
            "refresh": 2, "sort": 1, "multi": multi, "includeAll": True,
            "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
            "options": [], "hide": 0, "regex": ""}


dashboard = {
    "__inputs": [{"name": "DS_PROMETHEUS", "label": "Prometheus", "description": "The Prometheus that scrapes driftd",
                  "type": "datasource", "pluginId": "prometheus", "pluginName": "Prometheus"}],
    "__requires": [{"type": "grafana", "id": "grafana", "name": "Grafana", "version": "10.4.0"},
                   {"type": "datasource", "id": "prometheus", "name": "Prometheus", "version": "1.0.0"},
                   {"type": "panel", "id": "timeseries", "name": "Time series", "version": ""},
                   {"type": "panel", "id": "stat", "name": "Stat", "version": ""},
                   {"type": "panel", "id": "table", "name": "Table", "version": ""},
                   {"type": "panel", "id": "state-timeline", "name": "State timeline", "version": ""}],
    "id": None,
    "uid": "driftd-overview",
    "title": "driftd",
    "description": "driftd drift monitoring: ingest, windows, drift, performance, alerts, retraining and webhooks (metrics of docs/metrics.md).",
    "tags": ["driftd", "ml", "drift"],
    "timezone": "browser",
    "editable": True,
    "graphTooltip": 1,
    "schemaVersion": 39,
    "version": 1,
    "refresh": "1m",
    "time": {"from": "now-24h", "to": "now"},
    "timepicker": {},
    "fiscalYearStartMonth": 0,
    "liveNow": False,
    "links": [],
    "annotations": {"list": [{"builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"},
                              "enable": True, "hide": True, "iconColor": "rgba(0, 211, 255, 1)",
                              "name": "Annotations & Alerts", "type": "dashboard"}]},
    "templating": {"list": [
        {"name": "DS_PROMETHEUS", "label": "Data source", "type": "datasource", "query": "prometheus",
         "current": {}, "hide": 0, "refresh": 1, "regex": "", "options": []},
        var_query("instance", "Daemon", "label_values(driftd_build_info, instance)"),
        var_query("monitor", "Monitor", "label_values(driftd_records_total, monitor)"),
    ]},
    "panels": panels,
}

if __name__ == "__main__":
    out = json.dumps(dashboard, indent=2, ensure_ascii=False) + "\n"
    if len(sys.argv) > 1 and sys.argv[1] == "--stdout":
        sys.stdout.write(out)
    else:
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "driftd.json")
        with open(path, "w", encoding="utf-8") as f:
            f.write(out)
        print(f"wrote {path} ({len(panels)} panels)")
