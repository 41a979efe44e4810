"""Every query of the Grafana dashboards names only series that exist: the service's own metrics, the chart's
recording rules, or the named exporters of kube-prometheus-stack; the cost-by-team dashboard groups only by labels
kube-state-metrics is told to export. Run by `make rules` (it renders the rules)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import yaml

from layout import FIRST_APP

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / ".render/rules/rules.yaml"
DASHBOARD = next((ROOT / "charts").glob("*/dashboards/overview.json"))
COST = ROOT / "platform/monitoring/cost-by-team.json"
STACK_VALUES = ROOT / "platform/monitoring/kube-prometheus-stack-values.yaml"
# Series from kube-prometheus-stack's own scrapes, not from this project: cAdvisor (kubelet) and kube-state-metrics.
EXPORTERS = {
    "container_cpu_usage_seconds_total": "cAdvisor",
    "kube_pod_container_resource_requests": "kube-state-metrics",
    "kube_pod_container_resource_limits": "kube-state-metrics",
    "kube_horizontalpodautoscaler_status_desired_replicas": "kube-state-metrics",
    "kube_horizontalpodautoscaler_spec_max_replicas": "kube-state-metrics",
    "kube_namespace_labels": "kube-state-metrics",
    "kube_resourcequota": "kube-state-metrics",
}
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset"}


def app_metrics() -> set[str]:
    """The series the service exposes, read from its own registry."""
    sys.path.insert(0, str(FIRST_APP))
    # The app is importable only once its folder is on the path.
    from service.main import Metrics

    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}
    return {f.name + end for f in Metrics().registry.collect() for end in suffixes.get(f.type, ("",))}


def recorded() -> set[str]:
    assert RULES.is_file(), "run `make rules` (it renders the chart first)"
    groups = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]
    return {rule["record"] for group in groups for rule in group["rules"] if "record" in rule}


def series_in(expr: str) -> set[str]:
    """The metric names a PromQL expression selects: identifiers that are not functions, keywords or labels."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    # Grafana's label_values(selector, label): the last argument is a label name.
    text = re.sub(r"label_values\((.*),\s*\w+\s*\)$", r"(\1)", text)
    text = re.sub(r"\{[^}]*\}", " ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    names = re.findall(r"(?<![\w:$.])([A-Za-z_:][\w:]*)\b(?!\s*\()", text)
    return {n for n in names if n not in KEYWORDS and not re.fullmatch(r"[0-9eE]+", n)}


def exprs(path: Path = DASHBOARD) -> list[str]:
    dashboard = json.loads(path.read_text(encoding="utf-8"))
    found = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    found += [v["query"] for v in dashboard["templating"]["list"] if v.get("type") == "query"]
    return found


def unknown(expressions: list[str], known: set[str]) -> list[str]:
    return sorted({f"{name} in {e}" for e in expressions for name in series_in(e) - known})


def test_every_dashboard_query_names_a_series_that_exists() -> None:
    known = app_metrics() | recorded() | set(EXPORTERS)
    assert unknown(exprs(), known) == []


def test_the_burn_rate_panel_uses_the_slo_rules() -> None:
    used = set().union(*(series_in(e) for e in exprs()))
    assert {"slo:sli_error:ratio_rate1h", "slo:sli_latency:ratio_rate1h", "slo:objective:ratio"} <= used
    assert used & recorded() >= {"slo:objective:ratio"}


def test_a_misspelt_series_is_caught() -> None:
    known = app_metrics() | recorded() | set(EXPORTERS)
    assert unknown(['sum(rate(http_request_total{job="$job"}[5m]))'], known) == [
        'http_request_total in sum(rate(http_request_total{job="$job"}[5m]))'
    ]
    assert series_in('label_values(http_requests_total{namespace="$namespace"}, job)') == {"http_requests_total"}


def exported_labels() -> set[str]:
    """The Prometheus labels kube-state-metrics adds for the Kubernetes labels it is allowed to export."""
    allowed = yaml.safe_load(STACK_VALUES.read_text(encoding="utf-8"))["kube-state-metrics"]["metricLabelsAllowlist"]
    names = {name for entry in allowed for name in entry.split("=", 1)[1].strip("[]").split(",")}
    return {"label_" + re.sub(r"[^a-zA-Z0-9_]", "_", name) for name in names}


def unexported(expressions: list[str], exported: set[str]) -> list[str]:
    return sorted({label for e in expressions for label in re.findall(r"\blabel_\w+", e)} - exported)


def test_the_cost_dashboard_sums_by_labels_that_are_exported() -> None:
    queries = exprs(COST)
    known = app_metrics() | recorded() | set(EXPORTERS)
    assert unknown(queries, known) == []
    assert any("sum by (label_team)" in q for q in queries)
    assert unexported(queries, exported_labels()) == []
    assert unexported(["sum by (label_owner) (kube_namespace_labels)"], exported_labels()) == ["label_owner"]
