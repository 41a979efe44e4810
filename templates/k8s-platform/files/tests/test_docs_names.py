"""Every file, make target, alert, label, test and e2e step that README.md and docs/*.md name exists: in the tree,
in the Makefile, in the rendered PrometheusRule, in the rendered manifests, in tests/ and scripts/e2e.sh. Every row
of the README's claims ledger names a proof. Needs `helm` on PATH (run by `make test-chart`)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from layout import FIRST_APP, project_with_service
from project_files import project_files

ROOT = Path(__file__).resolve().parent.parent
CHART = next((ROOT / "charts").glob("*/Chart.yaml")).parent
KUBE_VERSION = re.search(r"^KUBE_VERSION\s*:=\s*(\S+)$", (ROOT / "Makefile").read_text(), re.M).group(1)
DOCS = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").rglob("*.md")),
    *sorted(ROOT.glob("services/*/README.md")),
    *sorted(ROOT.glob("services/*/runbooks/*.md")),
]

# Folders a path in the docs starts from: the project's own, or the chart's (`templates/`, `ci/`).
TOP = {"charts", "platform", "docs", "scripts", "services", "teams", "tests", ".github"}
IN_CHART = {"templates", "ci", "dashboards"}
FILE_EXT = re.compile(r"\.(md|ya?ml|py|sh|json|toml|txt|tpl|cfg)$")
# Alerts of kube-prometheus-stack's default rules (chart 88.5.3, checked 2026-12-01) that the docs may cite: they
# are installed with the stack, not rendered by this chart.
UPSTREAM_ALERTS = {"CPUThrottlingHigh", "KubeHpaMaxedOut", "KubeHpaReplicasMismatch", "Watchdog"}
CAMEL = re.compile(r"^[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*$")
SERVICE_ALERT = re.compile(r"\bService[A-Z][A-Za-z]*(?:Down|BurnRate|Rate|Latency|Replicas|Throttling)\b")
LABELISH = re.compile(r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(/[a-z0-9*._-]+)?$")

if shutil.which("helm") is None:
    raise RuntimeError("helm is not installed: see https://helm.sh/docs/intro/install/")


@cache
def rendered() -> tuple[dict[str, Any], ...]:
    """The chart with its defaults and with every ci/*-values.yaml, and every manifest under platform/."""
    docs: list[dict[str, Any]] = []
    for values in [None, *sorted((CHART / "ci").glob("*-values.yaml"))]:
        command = ["helm", "template", CHART.name, str(CHART), "--kube-version", KUBE_VERSION]
        if values is not None:
            command += ["-f", str(values)]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603 - fixed command
        docs += [d for d in yaml.safe_load_all(out) if isinstance(d, dict)]
    for path in sorted((ROOT / "platform").rglob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if isinstance(d, dict)]
    return tuple(docs)


def walk_labels(node: Any, keys: set[str], values: set[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in {"labels", "matchLabels", "commonLabels"} and isinstance(value, dict):
                keys.update(str(k) for k in value)
                values.update(str(v) for v in value.values())
            walk_labels(value, keys, values)
    elif isinstance(node, list):
        for item in node:
            walk_labels(item, keys, values)


@dataclass
class Tree:
    """What exists, to check the docs' names against."""

    targets: set[str]
    alerts: set[str]
    kinds: set[str]
    label_keys: set[str]
    label_values: set[str]
    tests: dict[str, set[str]]
    e2e_steps: set[str]
    policies: set[str]


@cache
def tree() -> Tree:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z0-9-]*):(?!=)", makefile, re.M))
    docs = rendered()
    alerts = {
        r["alert"]
        for d in docs
        if d.get("kind") == "PrometheusRule"
        for g in d["spec"]["groups"]
        for r in g["rules"]
        if "alert" in r
    }
    vetted = (ROOT / "scripts" / "check-api-versions.py").read_text(encoding="utf-8")
    kinds = {str(d.get("kind")) for d in docs} | set(re.findall(r'"([A-Z][A-Za-z]+)":\s*"', vetted))
    keys: set[str] = set()
    values: set[str] = set()
    walk_labels(list(docs), keys, values)
    # The labels the log collector puts on Loki's streams (platform/logging/alloy-values.yaml) are labels too.
    collector = ROOT / "platform" / "logging" / "alloy-values.yaml"
    if collector.exists():
        keys |= set(re.findall(r'target_label\s*=\s*"([a-z_]+)"', collector.read_text(encoding="utf-8")))
    tests = {
        str(p.relative_to(ROOT)): set(re.findall(r"^def (test_\w+)\(", p.read_text(encoding="utf-8"), re.M))
        for p in [*ROOT.glob("tests/test_*.py"), *ROOT.glob("services/*/app/tests/test_*.py")]
    }
    e2e = ROOT / "scripts" / "e2e.sh"
    steps = set(re.findall(r"^\s+([a-z-]+)\)", e2e.read_text(encoding="utf-8"), re.M)) if e2e.exists() else set()
    policies = {str(d["metadata"]["name"]) for d in docs if d.get("kind") == "ValidatingAdmissionPolicy"}
    return Tree(targets, alerts, kinds, keys, values, tests, steps - {"*"}, policies)


def code(text: str) -> list[tuple[str, str]]:
    """(code, the line it is on): inline code spans, and every line of a fenced block."""
    out: list[tuple[str, str]] = []
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            out.append((line.split(" #", 1)[0], line))
        else:
            out += [(span, line) for span in re.findall(r"`([^`]+)`", line)]
    return out


@dataclass
class Problems:
    items: list[str] = field(default_factory=list)

    def add(self, what: str, name: str) -> None:
        self.items.append(f"{what} `{name}`")


def check_path(token: str, problems: Problems) -> None:
    token = token.split("::", 1)[0].rstrip(".,;:")
    first = token.split("/", 1)[0]
    if token.startswith(("/", "http")) or "{" in token or "<" in token:
        return
    is_path = "/" in token and (first in TOP or first in IN_CHART or FILE_EXT.search(token))
    is_file = "/" not in token and FILE_EXT.search(token) and not token.startswith("*")
    if not (is_path or is_file):
        return
    if is_file:
        if token not in {p.name for p in project_files(ROOT)}:
            problems.add("file", token)
        return
    # From the project root, the chart, the first service's app (`service/main.py`), or a top-level folder the sentence
    # is about.
    bases = [ROOT, CHART, FIRST_APP, *(ROOT / top for top in TOP)]
    if "*" in token:
        found = any(list(base.glob(token.rstrip("/"))) for base in bases if base.is_dir())
    else:
        found = any((base / token).exists() for base in bases)
    if not found:
        problems.add("file", token)


def missing(text: str, doc: Path = ROOT / "README.md") -> list[str]:
    """The names `text` uses that do not exist."""
    t = tree()
    problems = Problems()
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if not target.startswith(("http://", "https://", "mailto:")) and not (doc.parent / target).exists():
            problems.add("link", target)
    for span, line in code(text):
        for token in span.split():
            check_path(token, problems)
            if "::" in token:
                file, _, test = token.partition("::")
                if test not in t.tests.get(file, set()):
                    problems.add("test", token)
            elif re.fullmatch(r"test_\w+", token) and not any(token in tests for tests in t.tests.values()):
                problems.add("test", token)
        for words in re.findall(r"(?:^|[\s;&|(])make((?:\s+[^\s#]+)*)", span):
            for word in words.split():
                if "=" in word or not re.fullmatch(r"[a-z][a-z0-9-]*", word):
                    break
                if word not in t.targets:
                    problems.add("make target", word)
        for step in re.findall(r"scripts/e2e\.sh\s+([a-z-]+)", span):
            if step not in t.e2e_steps:
                problems.add("e2e step", step)
        lowered = line.lower()
        alert_like = "alert" in lowered and CAMEL.match(span) and span not in t.kinds
        if alert_like and span not in t.alerts | UPSTREAM_ALERTS:
            problems.add("alert", span)
        # Kubernetes labels; a metric's labels (`route`, `other`) are the service's own.
        if "label" in lowered and "metric" not in lowered:
            for part in span.split("="):
                # An admission policy named on a line about the labels it requires is a policy, not a label.
                if LABELISH.match(part) and not known_label(part, t) and part not in t.policies:
                    problems.add("label", part)
    for name in SERVICE_ALERT.findall(text):
        if name not in t.alerts:
            problems.add("alert", name)
    for cells in table_rows(text, "alert"):
        name = cells[0].strip("` ")
        if name and name not in t.alerts | UPSTREAM_ALERTS:
            problems.add("alert", name)
    return problems.items


def known_label(name: str, t: Tree) -> bool:
    if name.endswith("/*"):
        return any(k.startswith(name[:-1]) for k in t.label_keys)
    # `instance` for `app.kubernetes.io/instance`, as a sentence that already named the prefix writes it.
    tails = {k.rsplit("/", 1)[-1] for k in t.label_keys}
    return name in t.label_keys or name in t.label_values or name in tails


def table_rows(text: str, header: str) -> list[list[str]]:
    """The rows of every table whose first header cell is `header`, as cells."""
    rows: list[list[str]] = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0].lower() == header and i + 1 < len(lines):
            for row in lines[i + 2 :]:
                if not row.startswith("|"):
                    break
                rows.append([c.strip() for c in row.strip().strip("|").split("|")])
    return rows


def ledger() -> list[list[str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Claims ledger", 1)[1].split("\n## ", 1)[0]
    return table_rows(section, "claim")


def test_every_name_in_the_docs_exists() -> None:
    problems = [f"{doc.relative_to(ROOT)}: {p}" for doc in DOCS for p in missing(doc.read_text("utf-8"), doc)]
    assert problems == [], "names that do not exist:\n" + "\n".join(problems)


def test_every_claim_in_the_ledger_names_a_proof() -> None:
    rows = ledger()
    assert len(rows) >= 8, "the README's claims ledger lists the main claims"
    for claim, proof in ((r[0], r[1]) for r in rows):
        spans = [s for s, _ in code(proof)]
        proven = [
            s
            for s in spans
            if "::" in s or re.match(r"(\./)?scripts/e2e\.sh \w", s) or re.match(r"make [a-z]", s) or "/" in s
        ]
        assert proven, f"claim without a proof: {claim}"
        assert missing(proof) == [], claim


def test_the_cost_page_prices_the_kubernetes_version_the_makefile_checks() -> None:
    """The control plane's price depends on the version's EKS support tier, so it must be the version `make` checks."""
    page = (ROOT / "docs" / "cost.md").read_text(encoding="utf-8")
    priced = re.search(r"^## Control plane: Kubernetes (\d+\.\d+)$", page, re.M)
    assert priced, "docs/cost.md names the Kubernetes version it prices"
    assert priced.group(1) == ".".join(KUBE_VERSION.split(".")[:2]), (priced.group(1), KUBE_VERSION)


def test_a_misspelt_name_is_caught() -> None:
    chart = CHART.relative_to(ROOT)
    correct = (
        f"Run `make check`, read `{chart}/values.yaml` and [the runbook](docs/runbook.md); "
        "`tests/test_rbac.py::test_the_team_role_follows_the_policy` proves the role; every pod has the `team` label."
    )
    assert missing(correct) == []
    for text, problem in [
        ("Run `make chek`.", "make target `chek`"),
        (f"See `{chart}/values.yml`.", f"file `{chart}/values.yml`"),
        ("See `templates/deploymnet.yaml`.", "file `templates/deploymnet.yaml`"),
        ("Read [the runbook](docs/runbok.md).", "link `docs/runbok.md`"),
        (
            "`tests/test_rbac.py::test_the_team_role_follows_policy`",
            "test `tests/test_rbac.py::test_the_team_role_follows_policy`",
        ),
        ("Every pod carries the `cost-centre` label.", "label `cost-centre`"),
        ("The `ServiceDwnAlert` alert pages the on-call.", "alert `ServiceDwnAlert`"),
        (
            "| alert | severity |\n| --- | --- |\n| ServiceLatencyBurnRates | critical |",
            "alert `ServiceLatencyBurnRates`",
        ),
        ("`./scripts/e2e.sh rolout`", "e2e step `rolout`"),
    ]:
        assert problem in missing(text), text


def service_alerts(root: Path, service: str) -> list[dict[str, Any]]:
    """The alert rules of `service` as `make render` renders it: the chart under `root` with the service's values."""
    team = yaml.safe_load((root / "services" / service / "service.yaml").read_text(encoding="utf-8"))["team"]
    chart = next((root / "charts").glob("*/Chart.yaml")).parent
    command = ["helm", "template", service, str(chart), "--namespace", team, "--kube-version", KUBE_VERSION]
    command += ["-f", str(root / "services" / service / "values.yaml")]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603 - fixed command
    return [
        rule
        for doc in yaml.safe_load_all(out)
        if isinstance(doc, dict) and doc.get("kind") == "PrometheusRule"
        for group in doc["spec"]["groups"]
        for rule in group["rules"]
        if "alert" in rule
    ]


def unresolved_runbooks(root: Path, only: str = "*") -> list[str]:
    """Every alert of every service whose runbook_url is not a page of this repository about that service: its
    commands in the service's team namespace, on its Deployment, and the page naming its host."""
    home = yaml.safe_load(next((root / "charts").glob("*/Chart.yaml")).read_text(encoding="utf-8"))["home"]
    problems = []
    for path in sorted((root / "services").glob(f"{only}/service.yaml")):
        service, team = path.parent.name, yaml.safe_load(path.read_text(encoding="utf-8"))["team"]
        values = yaml.safe_load((path.parent / "values.yaml").read_text(encoding="utf-8"))
        host = (values.get("httpRoute") or values.get("ingress"))["host"]
        for rule in service_alerts(root, service):
            url = rule["annotations"]["runbook_url"]
            where = f"{service}'s {rule['alert']} links {url}"
            if not url.startswith(f"{home}/blob/main/"):
                problems.append(f"{where}: not a page of {home}")
                continue
            relative, _, anchor = url.removeprefix(f"{home}/blob/main/").partition("#")
            page = root / relative
            if not page.is_file():
                problems.append(f"{where}: {relative} does not exist")
                continue
            text = page.read_text(encoding="utf-8")
            headings = {
                re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-") for h in re.findall(r"^#+ (.+)$", text, re.M)
            }
            if anchor and anchor not in headings:
                problems.append(f"{where}: {relative} has no heading #{anchor}")
            if not text.startswith(f"# {rule['alert']}\n"):
                problems.append(f"{where}: {relative} is not the page of {rule['alert']}")
            for name in (f"-n {team} ", f"deployment/{service}", host):
                if name not in text:
                    problems.append(f"{where}: {relative} does not name `{name.strip()}`")
    return problems


@pytest.fixture(scope="module")
def probe_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project after `make new-team TEAM=probe-team` and `make new-service SERVICE=runbook-probe`."""
    return project_with_service(tmp_path_factory.mktemp("project") / "project", "runbook-probe", "probe-team")


def test_every_alert_of_every_service_links_a_runbook_page_for_that_service(probe_project: Path) -> None:
    alerts = service_alerts(probe_project, "runbook-probe")
    assert alerts or not (ROOT / "services" / FIRST_APP.parent.name / "runbooks").exists()
    assert unresolved_runbooks(probe_project) == []


def test_a_runbook_link_to_another_service_s_page_is_caught(probe_project: Path) -> None:
    values = probe_project / "services" / "runbook-probe" / "values.yaml"
    text = values.read_text(encoding="utf-8")
    if "/services/runbook-probe/runbooks" not in text:
        assert not service_alerts(probe_project, "runbook-probe"), "alerts without their own runbook pages"
        return
    first = FIRST_APP.parent.name
    try:
        values.write_text(text.replace("/services/runbook-probe/", f"/services/{first}/"), encoding="utf-8")
        problems = unresolved_runbooks(probe_project, "runbook-probe")
    finally:
        values.write_text(text, encoding="utf-8")
    assert any("does not name `-n probe-team`" in p for p in problems), problems
