"""Every kubectl command in docs/runbook.md and docs/runbooks/ is allowed for the team Role they tell the on-call
to use (teams/<team>/rbac.yaml). Lines marked `platform on-call` are for the platform team and are left out."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from test_rbac import grants, team_role

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "docs/runbook.md", *sorted((ROOT / "docs/runbooks").glob("*.md"))]

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


def commands() -> list[tuple[str, str]]:
    """(file name, command) for every kubectl command in code blocks and inline code."""
    found = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8").replace("\\\n", " ")
        for line in text.splitlines():
            if "platform on-call" in line:
                continue
            for match in re.finditer(r"kubectl [^`|#\n]*", line):
                found.append((doc.name, match.group(0).strip()))
    return found


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


def denied(command: str) -> list[str]:
    role = team_role()
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
    refused = {f"{name}: {command}": denied(command) for name, command in commands()}
    assert {k: v for k, v in refused.items() if v} == {}


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
