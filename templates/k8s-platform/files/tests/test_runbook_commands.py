"""Every kubectl command in docs/runbook.md, any page in docs/runbooks/ and each service's runbooks/ is allowed for the
team Role they tell the on-call to use (teams/<team>/rbac.yaml), and a service's pages (services/<service>/runbooks/)
name that service, its team's namespace and its host, also for a service `make new-service` adds. Lines marked
`platform on-call` are for the platform team and are left out."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from layout import FIRST_TEAM, ROOT, project_with_service
from test_rbac import grants, team_role


def service_teams(root: Path = ROOT) -> dict[str, str]:
    """Every service under `root` and the team that owns it (services/<service>/service.yaml)."""
    return {
        path.parent.name: yaml.safe_load(path.read_text(encoding="utf-8"))["team"]
        for path in sorted((root / "services").glob("*/service.yaml"))
    }


def pages(root: Path = ROOT) -> list[tuple[Path, str]]:
    """(page, the team whose Role its commands run as): the first service's runbook and any page in docs/runbooks/ for
    the first team, and each service's runbooks/ for the service's team."""
    found = [(root / "docs/runbook.md", FIRST_TEAM)]
    found += [(page, FIRST_TEAM) for page in sorted((root / "docs/runbooks").glob("*.md"))]
    for service, team in service_teams(root).items():
        found += [(page, team) for page in sorted((root / "services" / service / "runbooks").glob("*.md"))]
    return found


DOCS = [page for page, _ in pages()]

# kubectl resource names and short names -> (API group, plural).
RESOURCES = {
    **dict.fromkeys(["pod", "pods", "po"], ("", "pods")),
    **dict.fromkeys(["deploy", "deployment", "deployments"], ("apps", "deployments")),
    **dict.fromkeys(["rs", "replicaset", "replicasets"], ("apps", "replicasets")),
    **dict.fromkeys(["hpa", "horizontalpodautoscalers"], ("autoscaling", "horizontalpodautoscalers")),
    **dict.fromkeys(["pdb", "poddisruptionbudget", "poddisruptionbudgets"], ("policy", "poddisruptionbudgets")),
    **dict.fromkeys(["svc", "service", "services"], ("", "services")),
    **dict.fromkeys(["ep", "endpoints"], ("", "endpoints")),
    **dict.fromkeys(["endpointslice", "endpointslices"], ("discovery.k8s.io", "endpointslices")),
    **dict.fromkeys(["ev", "event", "events"], ("", "events")),
    **dict.fromkeys(["quota", "resourcequota", "resourcequotas"], ("", "resourcequotas")),
    **dict.fromkeys(["limits", "limitrange", "limitranges"], ("", "limitranges")),
    **dict.fromkeys(["cm", "configmap", "configmaps"], ("", "configmaps")),
    **dict.fromkeys(["secret", "secrets"], ("", "secrets")),
    **dict.fromkeys(["netpol", "networkpolicy", "networkpolicies"], ("networking.k8s.io", "networkpolicies")),
    **dict.fromkeys(["ing", "ingress", "ingresses"], ("networking.k8s.io", "ingresses")),
    **dict.fromkeys(["httproute", "httproutes"], ("gateway.networking.k8s.io", "httproutes")),
    **dict.fromkeys(["servicemonitor", "servicemonitors"], ("monitoring.coreos.com", "servicemonitors")),
    **dict.fromkeys(["prometheusrule", "prometheusrules"], ("monitoring.coreos.com", "prometheusrules")),
    **dict.fromkeys(["node", "nodes", "no"], ("", "nodes")),
}
VALUE_FLAGS = {"-n", "--namespace", "-l", "--selector", "-o", "--output", "-c", "--container"}
CLUSTER_SCOPED = {("", "nodes")}


def page_commands(page: Path) -> list[str]:
    """Every kubectl command in the code blocks and inline code of `page`."""
    found = []
    text = page.read_text(encoding="utf-8").replace("\\\n", " ")
    for line in text.splitlines():
        if "platform on-call" in line:
            continue
        found += [match.group(0).strip() for match in re.finditer(r"kubectl [^`|#\n]*", line)]
    return found


def commands(root: Path = ROOT) -> list[tuple[str, str, str]]:
    """(page, team, command) for every kubectl command of every page."""
    return [
        (str(page.relative_to(root)), team, command) for page, team in pages(root) for command in page_commands(page)
    ]


def resource(name: str) -> tuple[str, str]:
    kind = name.split("/", 1)[0]
    assert kind in RESOURCES, f"unknown kubectl resource {kind!r}: add it to RESOURCES"
    return RESOURCES[kind]


def needed(command: str) -> tuple[str | None, set[tuple[str, str, str]]]:
    """The namespace a kubectl command runs in and the (group, resource, verb) grants it needs."""
    words = shlex.split(command)[1:]
    namespace, args, skip = None, [], False
    for i, word in enumerate(words):
        if skip:
            skip = False
        elif word in ("-n", "--namespace"):
            namespace, skip = words[i + 1], True
        elif word in VALUE_FLAGS:
            skip = True
        elif not word.startswith("-"):
            args.append(word)
    verb, rest = args[0], args[1:]
    if verb in ("get", "describe"):
        return namespace, {(*resource(r), "get") for r in rest[0].split(",")} | {
            (*resource(r), "list") for r in rest[0].split(",")
        }
    if verb == "logs":
        return namespace, {("", "pods/log", "get")}
    if verb == "top":
        return namespace, {("metrics.k8s.io", resource(rest[0])[1], "list")}
    if verb == "port-forward":
        return namespace, {("", "pods/portforward", "create")}
    if verb == "rollout":
        sub = rest[0]
        group, plural = resource(rest[1])
        if sub == "status":
            return namespace, {(group, plural, "watch")}
        if sub == "history":
            return namespace, {(group, plural, "get"), ("apps", "replicasets", "list")}
        return namespace, {(group, plural, "patch")}
    if verb == "scale":
        return namespace, {(resource(rest[0])[0], resource(rest[0])[1] + "/scale", "patch")}
    if verb == "delete":
        return namespace, {(*resource(rest[0]), "delete")}
    if verb == "create" and "--raw" in words:
        # `kubectl create --raw /api/v1/namespaces/NS/pods/POD/eviction -f -`: a POST to that subresource.
        path = words[words.index("--raw") + 1]
        found = re.fullmatch(r"/api/v1/namespaces/([^/]+)/(pods)/[^/]+/(eviction)", path)
        assert found, f"unknown raw path {path!r} in {command!r}: teach tests/test_runbook_commands.py"
        return found.group(1), {("", f"{found.group(2)}/{found.group(3)}", "create")}
    if verb in ("cordon", "uncordon", "drain"):
        return namespace, {("", "nodes", "patch")}
    if verb in ("edit", "patch", "label", "annotate", "set", "apply"):
        return namespace, {(*resource(rest[0]), "patch")}
    if verb in ("exec", "debug", "attach", "cp"):
        return namespace, {("", "pods/exec", "create")}
    raise AssertionError(f"unknown kubectl verb {verb!r} in {command!r}: teach tests/test_runbook_commands.py")


def role_of(root: Path, team: str) -> dict[str, Any]:
    docs = yaml.safe_load_all((root / "teams" / team / "rbac.yaml").read_text(encoding="utf-8"))
    [role] = [d for d in docs if d and d["kind"] == "Role"]
    return role


def denied(command: str, role: dict[str, Any] | None = None) -> list[str]:
    role = role or team_role()
    namespace, needs = needed(command)
    problems = []
    if any((g, r) in CLUSTER_SCOPED for g, r, _ in needs):
        problems.append("cluster-scoped resource: a namespaced Role cannot grant it")
    if namespace != role["metadata"]["namespace"]:
        problems.append(f"runs in namespace {namespace!r}, the Role covers {role['metadata']['namespace']!r}")
    problems += [f"{verb} on {group or 'core'}/{plural}" for group, plural, verb in sorted(needs - grants(role))]
    return problems


def test_the_runbooks_have_commands() -> None:
    assert len(commands()) >= 5


def test_every_runbook_command_is_allowed_for_the_team_role() -> None:
    refused = {f"{name}: {command}": denied(command, role_of(ROOT, team)) for name, team, command in commands()}
    assert {k: v for k, v in refused.items() if v} == {}


def alerting() -> bool:
    """Whether the chart renders alerts (monitoring=prometheus-operator): then every service has runbook pages."""
    values = yaml.safe_load(next((ROOT / "charts").glob("*/values.yaml")).read_text(encoding="utf-8"))
    return bool(values["monitoring"]["prometheusRule"]["enabled"])


def host_of(root: Path, service: str) -> str:
    values = yaml.safe_load((root / "services" / service / "values.yaml").read_text(encoding="utf-8"))
    return (values.get("httpRoute") or values.get("ingress"))["host"]


def wrong_names(root: Path, service: str, team: str) -> list[str]:
    """What in the service's runbook pages does not name the service, its team's namespace or its host."""
    folder = root / "services" / service / "runbooks"
    found = sorted(folder.glob("*.md"))
    if not alerting():
        return [f"{folder.relative_to(root)} exists, but no alert fires"] if folder.exists() else []
    problems = [] if found else [f"{folder.relative_to(root)} holds no page"]
    for page in found:
        name = f"{page.relative_to(root)}"
        text = page.read_text(encoding="utf-8")
        if host_of(root, service) not in text:
            problems.append(f"{name}: does not name the host {host_of(root, service)}")
        listed = page_commands(page)
        if not any(f"deployment/{service}" in c or f"deployment {service}" in c for c in listed):
            problems.append(f"{name}: no command names the Deployment {service}")
        for command in listed:
            namespace = re.search(r"(?:-n|--namespace) (\S+)", command) or re.search(r"/namespaces/([^/]+)/", command)
            if not namespace or namespace.group(1) != team:
                problems.append(f"{name}: `{command}` does not run in the namespace {team}")
            for kind, target in re.findall(
                r"\b(deployment|hpa|servicemonitor|networkpolicy)[/ ]([a-z][-a-z0-9]*)", command
            ):
                if target != service:
                    problems.append(f"{name}: `{command}` names the {kind} {target}, not {service}")
            for selected in re.findall(r"(?:instance|service-name)=(\S+)", command):
                if selected != service:
                    problems.append(f"{name}: `{command}` selects {selected}, not {service}")
            problems += [f"{name}: `{command}`: {p}" for p in denied(command, role_of(root, team))]
    return problems


def test_each_service_s_runbook_pages_name_that_service() -> None:
    for service, team in service_teams().items():
        assert wrong_names(ROOT, service, team) == [], service


@pytest.fixture(scope="module")
def probe_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project after `make new-team TEAM=probe-team` and `make new-service SERVICE=runbook-probe`."""
    return project_with_service(tmp_path_factory.mktemp("project") / "project", "runbook-probe", "probe-team")


def test_a_new_service_gets_runbook_pages_for_its_own_name_team_and_host(probe_project: Path) -> None:
    assert service_teams(probe_project)["runbook-probe"] == "probe-team"
    assert wrong_names(probe_project, "runbook-probe", "probe-team") == []


def test_pages_for_another_service_are_caught(tmp_path: Path, probe_project: Path) -> None:
    if not alerting():
        return
    first = next(iter(service_teams()))
    root = tmp_path / "project"
    shutil.copytree(probe_project / "services", root / "services")
    shutil.copytree(probe_project / "teams", root / "teams")
    folder = root / "services" / "runbook-probe" / "runbooks"
    shutil.rmtree(folder)
    shutil.copytree(root / "services" / first / "runbooks", folder)
    problems = wrong_names(root, "runbook-probe", "probe-team")
    assert any("does not run in the namespace probe-team" in p for p in problems), problems
    assert any("no command names the Deployment runbook-probe" in p for p in problems), problems
    assert any("does not name the host runbook-probe." in p for p in problems), problems


def test_no_runbook_tells_the_on_call_to_use_helm_by_hand() -> None:
    for doc in DOCS:
        for line in doc.read_text(encoding="utf-8").splitlines():
            assert not re.search(r"\bhelm (rollback|history|upgrade|uninstall)\b", line), f"{doc.name}: {line}"


def test_writes_and_secret_reads_are_refused() -> None:
    namespace = team_role()["metadata"]["namespace"]
    assert denied(f"kubectl -n {namespace} rollout restart deployment/x")
    assert denied(f"kubectl -n {namespace} scale deployment/x --replicas=3")
    assert denied(f"kubectl -n {namespace} get secret x -o yaml")
    assert denied("kubectl cordon node-1")
    assert denied(f"kubectl -n {namespace} delete pod x")
    assert not denied(f"kubectl create --raw /api/v1/namespaces/{namespace}/pods/x/eviction -f -")
    assert not denied(f"kubectl -n {namespace} logs -l app=x --tail=10")


def test_no_runbook_restarts_a_pod_by_deleting_it() -> None:
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        assert not re.search(r"\bdelete (the )?pods?\b", text), f"{doc.name}: a delete skips the PodDisruptionBudget"
