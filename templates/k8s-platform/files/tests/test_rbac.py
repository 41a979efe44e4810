"""The team Role reads, follows logs, port-forwards and evicts pods; it never deletes a pod, writes a workload or
reads a Secret."""

from __future__ import annotations

from typing import Any

import yaml

from layout import team_dir

READ = {"get", "list", "watch"}
# The only writes: open a port-forward, and evict a pod so its ReplicaSet recreates it from the same spec. An
# eviction waits for the PodDisruptionBudget; a delete does not, so it is not among them.
WRITES = {("", "pods/portforward", "create"), ("", "pods/eviction", "create")}
REQUIRED = {
    ("", "pods/log", "get"),
    ("", "pods/portforward", "create"),
    ("", "pods/eviction", "create"),
    ("apps", "deployments", "get"),
}


def team_role(team: str | None = None) -> dict[str, Any]:
    path = team_dir(team) if team else team_dir()
    docs = yaml.safe_load_all((path / "rbac.yaml").read_text(encoding="utf-8"))
    roles = [d for d in docs if d and d["kind"] == "Role"]
    assert len(roles) == 1, f"{path.name}/rbac.yaml must hold one Role"
    return roles[0]


def grants(role: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {
        (group, resource, verb)
        for rule in role["rules"]
        for group in rule.get("apiGroups", [])
        for resource in rule.get("resources", [])
        for verb in rule.get("verbs", [])
    }


def violations(role: dict[str, Any]) -> list[str]:
    found = []
    for group, resource, verb in sorted(grants(role)):
        if "*" in (group, resource, verb):
            found.append(f"wildcard in {group}/{resource}:{verb}")
        elif resource == "secrets" or resource.startswith("secrets/"):
            found.append(f"{verb} on Secrets")
        elif verb not in READ and (group, resource, verb) not in WRITES:
            found.append(f"write {verb} on {group or 'core'}/{resource}")
    found += [f"missing {g or 'core'}/{r}:{v}" for g, r, v in sorted(REQUIRED - grants(role))]
    return found


def test_the_team_role_follows_the_policy() -> None:
    assert violations(team_role()) == []


def test_the_policy_rejects_a_write_on_deployments_and_secret_reads() -> None:
    role = team_role()
    role["rules"].append({"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["patch"]})
    role["rules"].append({"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]})
    found = violations(role)
    assert "write patch on apps/deployments" in found
    assert "get on Secrets" in found


def test_the_policy_rejects_deleting_pods() -> None:
    role = team_role()
    role["rules"].append({"apiGroups": [""], "resources": ["pods"], "verbs": ["delete"]})
    assert "write delete on core/pods" in violations(role)
