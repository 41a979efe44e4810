"""No team can act on, reach or deploy into another team's namespace, proven on the rendered objects.

Besides every team and service in the repository, each check takes one more team and service made in memory from
the paved road's templates (`fence-probe`), so a repository with a single team is still checked across teams.
- RBAC: the RoleBindings and Roles grant each team's group verbs in its own namespace and in no other.
- Network: the NetworkPolicies (the team's default deny and each service's allow-list) let a team's client pods
  reach its own service and DNS; a service's own ingress rules refuse every pod of another team, even one that
  copies the client label from a namespace whose egress is open.
- Secrets: no team may change a SecretStore, and each ExternalSecret reads through its own team's store.
- GitOps: each AppProject allows only its team's namespace and this repository; every Application the
  ApplicationSet makes lands in its team's project and namespace. With Flux, each team's Flux Kustomization
  deploys into its own namespace as a reconciler bound in that namespace only, and lists only its own services.
Each check is a function of the objects, and each has a test that feeds it a broken fence and expects it to fail.
Needs `helm` (run by `make test-chart`).
"""

from __future__ import annotations

import copy
import importlib.util
import re
import subprocess
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from layout import ROOT, load_all, services, teams

CHART = next((ROOT / "charts").glob("*/Chart.yaml")).parent
KUBE_VERSION = re.search(r"^KUBE_VERSION\s*:=\s*(\S+)$", (ROOT / "Makefile").read_text(), re.M).group(1)
PROBE = "fence-probe"
# What one team's group asks of another team's namespace: reading, restarting a pod, listing workloads.
CROSS_TEAM_ASKS = [("get", "", "pods"), ("create", "", "pods/eviction"), ("list", "apps", "deployments")]
DNS = {"namespace": "kube-system", "labels": {"k8s-app": "kube-dns"}, "ports": {"dns": 53}}

spec = importlib.util.spec_from_file_location("paved_road", ROOT / "scripts/paved_road.py")
paved_road = importlib.util.module_from_spec(spec)
spec.loader.exec_module(paved_road)

Obj = dict[str, Any]


def docs(text: str) -> list[Obj]:
    return [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]


@cache
def team_objects(team: str) -> tuple[Obj, ...]:
    """The team's landing zone as it is applied: teams/<team>/, or for a team not in this repository (the probe,
    the e2e's second team) what the paved road would make for it."""
    folder = ROOT / "teams" / team
    if not folder.is_dir():
        made = paved_road.team_files(ROOT, team, paved_road.settings(ROOT)["cost_center"])
        return tuple(d for path, text in sorted(made.items()) if path.name != "kustomization.yaml" for d in docs(text))
    paths = [p for p in sorted(folder.rglob("*.yaml")) if p.name != "kustomization.yaml"]
    return tuple(d for p in paths for d in load_all(p))


@cache
def service_objects(service: str, team: str) -> tuple[Obj, ...]:
    """What the platform chart renders for the service in its team's namespace, with services/<service>/values.yaml,
    or for a service not in this repository the values the paved road would give it."""
    path = ROOT / "services" / service / "values.yaml"
    values = path.read_text(encoding="utf-8") if path.is_file() else paved_road.print_values(ROOT, service, team, None)
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", encoding="utf-8") as file:
        file.write(values)
        file.flush()
        command = ["helm", "template", service, str(CHART), "-n", team, "--kube-version", KUBE_VERSION, "-f", file.name]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603 - fixed command
    return tuple(docs(out))


def all_services() -> dict[str, str]:
    return {**services(), PROBE: PROBE}


def all_teams() -> list[str]:
    return [*teams(), PROBE]


def everything() -> list[Obj]:
    objects = [d for team in all_teams() for d in team_objects(team)]
    return objects + [d for s, team in all_services().items() for d in service_objects(s, team)]


# RBAC ------------------------------------------------------------------------------------------------------------


def team_group(team: str) -> str:
    bindings = (d for d in team_objects(team) if d["kind"] == "RoleBinding")
    return next(s["name"] for b in bindings for s in b["subjects"] if s["kind"] == "Group")


def rule_allows(rule: Obj, group: str, resource: str, verb: str) -> bool:
    def has(values: list[str], value: str) -> bool:
        return "*" in values or value in values

    groups, resources = rule.get("apiGroups", []), rule.get("resources", [])
    return has(groups, group) and has(resources, resource) and has(rule["verbs"], verb)


def can(objects: list[Obj], subject: str, verb: str, group: str, resource: str, namespace: str) -> bool:
    """Whether the group `subject` may `verb` the resource in `namespace`, by these Roles and bindings. A binding to
    a ClusterRole, or any ClusterRoleBinding naming the subject, counts as allowing everything (nothing here may
    grant through one)."""
    roles = {(d["metadata"]["namespace"], d["metadata"]["name"]): d for d in objects if d["kind"] == "Role"}
    for binding in (d for d in objects if d["kind"] in {"RoleBinding", "ClusterRoleBinding"}):
        if not any(s["kind"] == "Group" and s["name"] == subject for s in binding.get("subjects", [])):
            continue
        if binding["kind"] == "ClusterRoleBinding" or binding["roleRef"]["kind"] == "ClusterRole":
            return True
        bound_in = binding["metadata"]["namespace"]
        role = roles.get((bound_in, binding["roleRef"]["name"]))
        if bound_in == namespace and role and any(rule_allows(r, group, resource, verb) for r in role["rules"]):
            return True
    return False


def rbac_problems(objects: list[Obj], team_names: list[str]) -> list[str]:
    problems = []
    for team in team_names:
        subject = team_group(team)
        if not can(objects, subject, "get", "", "pods", team):
            problems.append(f"{team} cannot read pods in its own namespace")
        for other in (t for t in team_names if t != team):
            for verb, group, resource in CROSS_TEAM_ASKS:
                if can(objects, subject, verb, group, resource, other):
                    problems.append(f"{team} may {verb} {resource} in {other}")
    return problems


def test_no_team_role_acts_in_another_team_namespace() -> None:
    assert len(all_teams()) >= 2
    assert rbac_problems(everything(), all_teams()) == []


def test_a_binding_into_another_team_namespace_is_caught() -> None:
    objects = everything()
    team, other = all_teams()[0], all_teams()[-1]
    leak = copy.deepcopy(next(d for d in team_objects(team) if d["kind"] == "Role"))
    leak["metadata"]["namespace"] = other
    binding = copy.deepcopy(
        next(d for d in team_objects(team) if d["kind"] == "RoleBinding" and d["roleRef"]["kind"] == "Role")
    )
    binding["metadata"]["namespace"] = other
    assert f"{team} may get pods in {other}" in rbac_problems([*objects, leak, binding], all_teams())
    wide = copy.deepcopy(binding)
    wide["kind"] = "ClusterRoleBinding"
    assert f"{team} may get pods in {other}" in rbac_problems([*objects, wide], all_teams())


# Secrets ---------------------------------------------------------------------------------------------------------
# Each team's SecretStore (kind: platform/secrets/<team>.yaml) lives in its namespace and is the platform's: no team
# may change a store, and each ExternalSecret reads through the store of its own namespace.
STORE_EDITS = ("create", "update", "patch", "delete")


def kind_stores() -> list[Obj]:
    """The teams' kind SecretStores, and the one the paved road would write for the probe team and its service."""
    if not (ROOT / paved_road.KIND_STORE_TEMPLATE).is_file():
        return []
    stores = [d for team in teams() for d in load_all(ROOT / paved_road.KIND_STORES / f"{team}.yaml")]
    return [*stores, *docs(paved_road.kind_store(ROOT, PROBE, [PROBE]))]


def store_problems(objects: list[Obj], team_names: list[str]) -> list[str]:
    problems = []
    for team in team_names:
        for namespace, verb in ((ns, verb) for ns in team_names for verb in STORE_EDITS):
            if can(objects, team_group(team), verb, "external-secrets.io", "secretstores", namespace):
                problems.append(f"{team} may {verb} secretstores in {namespace}")
    stores = {
        (d["metadata"]["namespace"], d["metadata"]["name"]): {e["key"] for e in d["spec"]["provider"]["fake"]["data"]}
        for d in objects
        if d["kind"] == "SecretStore"
    }
    for secret in (d for d in objects if d["kind"] == "ExternalSecret"):
        namespace, ref = secret["metadata"]["namespace"], secret["spec"]["secretStoreRef"]
        keys = stores.get((namespace, ref["name"])) if ref.get("kind") == "SecretStore" else None
        wanted = {item["remoteRef"]["key"] for item in secret["spec"].get("data", [])}
        if keys is None or not wanted <= keys:
            problems.append(f"ExternalSecret {namespace}/{secret['metadata']['name']} has no store of its own team")
    return problems


def test_every_external_secret_reads_its_own_team_store_and_no_team_changes_one() -> None:
    objects = [*everything(), *kind_stores()]
    assert store_problems(objects, all_teams()) == []


def test_a_team_editing_a_store_or_a_secret_without_its_team_store_is_caught() -> None:
    objects = [*everything(), *kind_stores()]
    team = all_teams()[0]
    role = copy.deepcopy(next(d for d in team_objects(team) if d["kind"] == "Role"))
    role["rules"].append({"apiGroups": ["external-secrets.io"], "resources": ["secretstores"], "verbs": ["patch"]})
    widened = [d for d in objects if d is not next(r for r in team_objects(team) if r["kind"] == "Role")]
    assert f"{team} may patch secretstores in {team}" in store_problems([*widened, role], all_teams())
    if kind_stores():
        without = [d for d in objects if not (d["kind"] == "SecretStore" and d["metadata"]["namespace"] == PROBE)]
        assert f"ExternalSecret {PROBE}/" in "\n".join(store_problems(without, all_teams()))


# Network ---------------------------------------------------------------------------------------------------------


def namespace_labels(objects: list[Obj], namespace: str) -> dict[str, str]:
    found = next((d for d in objects if d["kind"] == "Namespace" and d["metadata"]["name"] == namespace), None)
    labels = dict((found or {"metadata": {}})["metadata"].get("labels") or {})
    return {**labels, "kubernetes.io/metadata.name": namespace}


def selects(selector: Obj | None, labels: dict[str, str]) -> bool:
    selector = selector or {}
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression["key"], expression["operator"], expression.get("values", [])
        present = key in labels
        if not {
            "In": present and labels.get(key) in values,
            "NotIn": not present or labels.get(key) not in values,
            "Exists": present,
            "DoesNotExist": not present,
        }[operator]:
            return False
    return True


def peer_matches(objects: list[Obj], peer: Obj, policy_namespace: str, other: Obj) -> bool:
    if "ipBlock" in peer:
        return True  # an address range may hold any pod: count it as reaching
    if "namespaceSelector" in peer:
        namespace_ok = selects(peer["namespaceSelector"], namespace_labels(objects, other["namespace"]))
    else:
        namespace_ok = other["namespace"] == policy_namespace
    return namespace_ok and ("podSelector" not in peer or selects(peer["podSelector"], other["labels"]))


def port_matches(ports: list[Obj] | None, target: Obj, port: int) -> bool:
    if not ports:
        return True
    names = {name for name, number in target["ports"].items() if number == port}
    return any(p.get("port") in (port, *names) for p in ports)


def allowed(objects: list[Obj], direction: str, pod: Obj, other: Obj, target: Obj, port: int) -> bool:
    """Whether the policies selecting `pod` let it talk to `other` in `direction` (Ingress or Egress)."""
    key, peers = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
    policies = [
        d
        for d in objects
        if d["kind"] == "NetworkPolicy"
        and d["metadata"]["namespace"] == pod["namespace"]
        and selects(d["spec"].get("podSelector"), pod["labels"])
        and direction in d["spec"].get("policyTypes", ["Ingress"])
    ]
    if not policies:
        return True
    return any(
        (not rule.get(peers) or any(peer_matches(objects, p, pod["namespace"], other) for p in rule[peers]))
        and port_matches(rule.get("ports"), target, port)
        for policy in policies
        for rule in policy["spec"].get(key) or []
    )


def reaches(objects: list[Obj], source: Obj, target: Obj, port: int) -> bool:
    return allowed(objects, "Egress", source, target, target, port) and allowed(
        objects, "Ingress", target, source, target, port
    )


def service_pod(objects: list[Obj], service: str, team: str) -> Obj:
    deployment = next(d for d in service_objects(service, team) if d["kind"] == "Deployment")
    pod = deployment["spec"]["template"]
    ports = {p["name"]: p["containerPort"] for c in pod["spec"]["containers"] for p in c.get("ports", [])}
    return {"namespace": team, "labels": pod["metadata"]["labels"], "ports": ports}


def client_label(service: str, team: str) -> str:
    """The label the service's NetworkPolicy asks of its clients (the chart's `<name>-client`)."""
    policy = next(
        d for d in service_objects(service, team) if d["kind"] == "NetworkPolicy" and d["metadata"]["name"] == service
    )
    return next(k for p in policy["spec"]["ingress"][0]["from"] for k in p["podSelector"]["matchLabels"])


def network_problems(objects: list[Obj]) -> list[str]:
    problems = []
    for team in all_teams():
        # Any other pod the team runs (a job, a debug pod) is shut to other teams by the namespace's default deny.
        bystander = {"namespace": team, "labels": {"app": "bystander"}, "ports": {"http": 8080}}
        for other in (t for t in all_teams() if t != team):
            intruder = {"namespace": other, "labels": {}, "ports": {}}
            if allowed(objects, "Ingress", bystander, intruder, bystander, 8080):
                problems.append(f"a pod of {other} reaches any pod of {team}")
    for service, team in all_services().items():
        target = service_pod(objects, service, team)
        port = target["ports"]["http"]
        label = client_label(service, team)
        client = {"namespace": team, "labels": {label: "true"}, "ports": {}}
        if not reaches(objects, client, target, port):
            problems.append(f"a client of {service} in {team} cannot reach it")
        if not reaches(objects, client, DNS, 53):
            problems.append(f"a client of {service} in {team} cannot reach DNS")
        for other in (t for t in all_teams() if t != team):
            for labels in ({label: "true"}, {}):
                intruder = {"namespace": other, "labels": labels, "ports": {}}
                # The other team may open its own egress (its GitOps project may deploy NetworkPolicies), so the
                # service's own ingress rules must refuse it whatever the intruder's namespace allows.
                if allowed(objects, "Ingress", target, intruder, target, port):
                    problems.append(f"a pod of {other} with labels {labels} reaches {service} of {team}")
    return problems


def test_no_pod_of_another_team_reaches_a_service_and_its_own_clients_do() -> None:
    assert network_problems(everything()) == []


def test_a_policy_open_to_every_namespace_is_caught() -> None:
    objects = everything()
    service, team = next(iter(all_services().items()))
    opened = copy.deepcopy(objects)
    policy = next(
        d
        for d in opened
        if d["kind"] == "NetworkPolicy" and d["metadata"]["name"] == service and d["metadata"]["namespace"] == team
    )
    policy["spec"]["ingress"].append({"from": [{"namespaceSelector": {}}]})
    assert any(f"reaches {service} of {team}" in p for p in network_problems(opened))
    unfenced = [d for d in objects if d["kind"] != "NetworkPolicy" or d["metadata"]["namespace"] != team]
    assert any(f"reaches {service} of {team}" in p for p in network_problems(unfenced))
    undenied = [
        d for d in objects if not (d["kind"] == "NetworkPolicy" and d["metadata"]["name"] == "default-deny-all")
    ]
    assert any(p.endswith(f"reaches any pod of {team}") for p in network_problems(undenied))


# GitOps ----------------------------------------------------------------------------------------------------------


def repository() -> str:
    return f"https://github.com/{paved_road.settings(ROOT)['github_org']}/{CHART.name}.git"


def gitops_problems(projects: dict[str, Obj], applications: dict[str, Obj], owners: dict[str, str]) -> list[str]:
    """Each team's AppProject allows only its namespace and this repository; each Application sits in its owner's
    project and deploys into a namespace that project allows."""
    problems = []
    for team, project in projects.items():
        namespaces = [d.get("namespace") for d in project["spec"].get("destinations", [])]
        if namespaces != [team]:
            problems.append(f"the AppProject {team} allows namespaces {namespaces}")
        if project["spec"].get("sourceRepos") != [repository()]:
            problems.append(f"the AppProject {team} allows repositories {project['spec'].get('sourceRepos')}")
        if project["spec"].get("clusterResourceWhitelist") != []:
            problems.append(f"the AppProject {team} allows cluster-scoped objects")
    for service, app in applications.items():
        project = projects.get(app["spec"]["project"])
        if app["spec"]["project"] != owners[service] or project is None:
            problems.append(f"{service} is in project {app['spec']['project']}, not its team's {owners[service]}")
            continue
        allowed_namespaces = [d.get("namespace") for d in project["spec"]["destinations"]]
        if app["spec"]["destination"]["namespace"] not in allowed_namespaces:
            problems.append(f"{service} deploys into {app['spec']['destination']['namespace']}, outside its project")
    return problems


def argocd_state() -> tuple[dict[str, Obj], dict[str, Obj], dict[str, str]]:
    from test_gitops import applicationset, generated_applications

    projects = {t: next(d for d in team_objects(t) if d["kind"] == "AppProject") for t in all_teams()}
    probe = Path(tempfile.mkdtemp()) / PROBE / "service.yaml"
    probe.parent.mkdir()
    probe.write_text(paved_road.service_files(ROOT, PROBE, PROBE, "cc-probe", "h")[Path("service.yaml")])
    service_files = [*sorted((ROOT / "services").glob("*/service.yaml")), probe]
    return projects, generated_applications(applicationset(), service_files), all_services()


def test_every_project_and_application_stays_inside_its_team() -> None:
    if not (ROOT / "platform/argocd").exists():
        assert not any(d["kind"] == "AppProject" for d in everything())
        return
    assert gitops_problems(*argocd_state()) == []
    listed = yaml.safe_load((ROOT / "platform/argocd/base/kustomization.yaml").read_text(encoding="utf-8"))
    assert {f"../../../teams/{t}/argocd" for t in teams()} <= set(listed["resources"])


def test_a_project_or_application_across_teams_is_caught() -> None:
    def project(team: str, namespaces: list[str]) -> Obj:
        destinations = [{"server": "https://kubernetes.default.svc", "namespace": n} for n in namespaces]
        spec = {"sourceRepos": [repository()], "destinations": destinations, "clusterResourceWhitelist": []}
        return {"metadata": {"name": team}, "spec": spec}

    def app(team: str, namespace: str) -> Obj:
        return {"spec": {"project": team, "destination": {"namespace": namespace}}}

    owners = {"billing": "data", "search": "web"}
    projects = {"data": project("data", ["data"]), "web": project("web", ["web"])}
    apps = {"billing": app("data", "data"), "search": app("web", "web")}
    assert gitops_problems(projects, apps, owners) == []
    wide = {**projects, "data": project("data", ["data", "web"])}
    assert gitops_problems(wide, apps, owners) == ["the AppProject data allows namespaces ['data', 'web']"]
    assert gitops_problems({**projects, "data": project("data", ["*"])}, apps, owners)
    moved = {**apps, "billing": app("data", "web")}
    assert gitops_problems(projects, moved, owners) == ["billing deploys into web, outside its project"]
    borrowed = {**apps, "billing": app("web", "web")}
    assert gitops_problems(projects, borrowed, owners) == ["billing is in project web, not its team's data"]


def flux_problems(
    teams_objects: dict[str, list[Obj]], listed: dict[str, list[str]], owners: dict[str, str]
) -> list[str]:
    """Each team's Flux Kustomization deploys into its namespace only, as a ServiceAccount bound in that namespace
    only, and the team lists only services it owns."""
    problems = []
    for team, objects in teams_objects.items():
        for sync in (d for d in objects if d["kind"] == "Kustomization"):
            spec = sync["spec"]
            if sync["metadata"]["namespace"] != team or spec.get("targetNamespace") != team:
                problems.append(f"{team}'s Flux Kustomization deploys into {spec.get('targetNamespace')}")
            if not spec.get("serviceAccountName"):
                problems.append(f"{team}'s Flux Kustomization runs as the controller, not the team's reconciler")
        for binding in (d for d in objects if d["kind"] in {"RoleBinding", "ClusterRoleBinding"}):
            accounts = [s for s in binding["subjects"] if s["kind"] == "ServiceAccount"]
            if accounts and (binding["kind"] == "ClusterRoleBinding" or binding["metadata"]["namespace"] != team):
                problems.append(f"{team}'s reconciler is bound outside its namespace")
    for team, names in listed.items():
        problems += [f"{team} lists {s}, a service of {owners.get(s)}" for s in names if owners.get(s) != team]
    return problems


def flux_state() -> tuple[dict[str, list[Obj]], dict[str, list[str]], dict[str, str]]:
    listed = {}
    for team in teams():
        text = (ROOT / "teams" / team / paved_road.SERVICE_LIST).read_text(encoding="utf-8")
        listed[team] = re.findall(r"^  - \.\./\.\./\.\./\.\./services/([^/]+)/flux$", text, re.M)
    return {t: list(team_objects(t)) for t in all_teams()}, listed, services()


def test_every_flux_kustomization_stays_inside_its_team() -> None:
    if not (ROOT / "platform/flux").exists():
        assert not any(d["kind"] == "HelmRelease" for d in everything())
        return
    state = flux_state()
    assert flux_problems(*state) == []
    assert sorted(s for listed in state[1].values() for s in listed) == sorted(services())
    for service in services():
        release = load_all(ROOT / "services" / service / "flux/helmrelease.yaml")[0]
        assert release["spec"]["serviceAccountName"], service


def test_a_flux_fence_across_teams_is_caught() -> None:
    def team_state(team: str, target: str, bound_in: str) -> list[Obj]:
        sync = {"kind": "Kustomization", "metadata": {"namespace": team}, "spec": {"targetNamespace": target}}
        sync["spec"]["serviceAccountName"] = "flux-reconciler"
        subject = {"kind": "ServiceAccount", "name": "flux-reconciler", "namespace": team}
        binding = {"kind": "RoleBinding", "metadata": {"namespace": bound_in}, "subjects": [subject]}
        return [sync, binding]

    owners = {"billing": "data", "search": "web"}
    good = {"data": team_state("data", "data", "data"), "web": team_state("web", "web", "web")}
    listed = {"data": ["billing"], "web": ["search"]}
    assert flux_problems(good, listed, owners) == []
    assert flux_problems({**good, "data": team_state("data", "web", "data")}, listed, owners) == [
        "data's Flux Kustomization deploys into web"
    ]
    assert flux_problems({**good, "data": team_state("data", "data", "web")}, listed, owners) == [
        "data's reconciler is bound outside its namespace"
    ]
    assert flux_problems(good, {"data": ["billing", "search"]}, owners) == ["data lists search, a service of web"]
