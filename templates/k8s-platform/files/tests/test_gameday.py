"""`make gameday` offline: what its scenarios apply is admitted, the quota (not a policy) refuses the noisy
neighbour, the bad release's values render and are admitted, the whole script runs to its reports against a
stand-in kubectl and helm, and, where the chart has alerts, the alert each scenario expects is unit-tested in
tests/alerts.test.yaml with the scenario's own fault share and within its detection bound. The scenarios
themselves need a cluster (`make cluster deploy gameday`); CI runs them. Needs `helm` (run by `make policies`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from test_admission_policies import bindings, denials, matches, pod_of, policies, render, selects, team_namespace

ROOT = Path(__file__).resolve().parent.parent
GAMEDAY = ROOT / "scripts/gameday.sh"
SCRIPT = GAMEDAY.read_text(encoding="utf-8")


def constant(name: str) -> str:
    return re.search(rf'^readonly {name}="?([^"\n]+)"?$', SCRIPT, re.M).group(1)


TEAM = team_namespace()["metadata"]["name"]
TEAM_B = constant("TEAM_B")


def team_b() -> list[dict[str, Any]]:
    out = subprocess.run(  # noqa: S603 - the project's own script
        ["python3", str(ROOT / "scripts/paved_road.py"), "print-team", TEAM_B],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [doc for doc in yaml.safe_load_all(out) if doc]


def applied() -> list[dict[str, Any]]:
    out = subprocess.run(  # noqa: S603 - the project's own script
        ["bash", str(GAMEDAY), "manifests"],  # noqa: S607 - bash from the PATH, as make runs it
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    return [doc for doc in yaml.safe_load_all(out) if doc]


def refusals(doc: dict[str, Any], namespace_labels: dict[str, str]) -> dict[str, list[str]]:
    """Policy name -> messages, for each bound policy that applies to the object in that namespace and denies it."""
    found = {}
    for binding in bindings():
        policy = policies()[binding["spec"]["policyName"]]
        resources = binding["spec"].get("matchResources", {})
        if not selects(resources.get("namespaceSelector", {}), namespace_labels):
            continue
        workload = doc["kind"] in {"Deployment", "StatefulSet", "DaemonSet", "Job"}
        for candidate in (doc, pod_of(doc)) if workload else (doc,):
            if not selects(resources.get("objectSelector", {}), candidate["metadata"].get("labels") or {}):
                continue
            if matches(policy, candidate) and (messages := denials(policy, candidate)):
                found[policy["metadata"]["name"]] = messages
    return found


def labels_of(namespace: dict[str, Any]) -> dict[str, str]:
    return {**namespace["metadata"]["labels"], "kubernetes.io/metadata.name": namespace["metadata"]["name"]}


def cpu(quantity: str) -> int:
    quantity = str(quantity)
    return int(quantity[:-1]) if quantity.endswith("m") else int(float(quantity) * 1000)


def by_kind(docs: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    return next(d for d in docs if d["kind"] == kind and "scopeSelector" not in d.get("spec", {}))


def test_the_clients_pod_is_admitted_in_the_team_namespace() -> None:
    pod = next(d for d in applied() if d["kind"] == "Pod")
    assert pod["metadata"]["namespace"] == TEAM
    assert refusals(pod, labels_of(team_namespace())) == {}


def test_the_noisy_neighbour_is_admitted_by_every_policy_and_refused_by_its_quota_alone() -> None:
    docs = team_b()
    namespace, quota, limits = by_kind(docs, "Namespace"), by_kind(docs, "ResourceQuota"), by_kind(docs, "LimitRange")
    hog = next(d for d in applied() if d["kind"] == "Deployment")
    assert hog["metadata"]["namespace"] == namespace["metadata"]["name"] == TEAM_B
    # A policy refusing the pods would stop the scenario before the quota is ever reached.
    assert refusals(hog, labels_of(namespace)) == {}
    container = hog["spec"]["template"]["spec"]["containers"][0]["resources"]
    ceiling = next(item for item in limits["spec"]["limits"] if item["type"] == "Container")["max"]
    assert cpu(container["limits"]["cpu"]) <= cpu(ceiling["cpu"]), "the LimitRange, not the quota, would refuse it"
    hard = quota["spec"]["hard"]
    replicas, asked = hog["spec"]["replicas"], cpu(container["requests"]["cpu"])
    assert asked * replicas > cpu(hard["requests.cpu"]), "the hog fits in its quota: nothing would be refused"
    assert asked <= cpu(hard["requests.cpu"]), "not one pod fits: the quota would never fill"
    assert cpu(container["limits"]["cpu"]) * (cpu(hard["requests.cpu"]) // asked) <= cpu(hard["limits.cpu"])
    assert int(hard["pods"]) >= replicas, "the pod count, not the CPU, would be what refuses it"


def test_the_bad_release_renders_admitted_with_the_fault_switched_on() -> None:
    percent = int(constant("FAULT_PERCENT"))
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as values:
        values.write(f"fault:\n  errorPercent: {percent}\n")
    try:
        docs = render(values.name)
    finally:
        Path(values.name).unlink()
    deployment = next(d for d in docs if d["kind"] == "Deployment")
    env = {e["name"]: e.get("value") for e in deployment["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["FAULT_ERROR_PERCENT"] == str(percent)
    assert refusals(deployment, labels_of(team_namespace())) == {}
    default = next(d for d in render() if d["kind"] == "Deployment")
    assert "FAULT_ERROR_PERCENT" not in {e["name"] for e in default["spec"]["template"]["spec"]["containers"][0]["env"]}


def alert_test(prefix: str) -> dict[str, Any]:
    tests = yaml.safe_load((ROOT / "tests/alerts.test.yaml").read_text(encoding="utf-8"))["tests"]
    return next(t for t in tests if t["name"].startswith(prefix))


def minutes(value: str) -> int:
    return int(value.rstrip("m"))


def expand(values: str) -> list[float]:
    """promtool's series notation, the `a+bxn` and plain forms these tests use."""
    out: list[float] = []
    for part in values.split():
        start, _, rest = part.partition("+")
        step, _, count = rest.partition("x") if rest else ("0", "", start.partition("x")[2] or "0")
        first = float(start.partition("x")[0])
        out += [first + float(step) * i for i in range(int(count) + 1)]
    return out


def test_the_bad_release_alert_test_uses_the_scenario_s_share_and_fires_within_its_bound() -> None:
    if constant("MONITORING") == "none":
        assert not (ROOT / "tests/alerts.test.yaml").exists() and constant("ALERT") == "none"
        return
    test = alert_test("game day bad release")
    series = {re.search(r'code="(\d+)"', s["series"]).group(1): expand(s["values"]) for s in test["input_series"]}
    start = next(i for i, v in enumerate(series["500"]) if v > 0)
    ok, failed = series["200"][-1] - series["200"][start - 1], series["500"][-1]
    assert round(100 * failed / (ok + failed)) == int(constant("FAULT_PERCENT"))
    fires = [t for t in test["alert_rule_test"] if t["exp_alerts"]]
    assert fires and all(a["exp_labels"]["severity"] == "critical" for a in fires[0]["exp_alerts"])
    assert (minutes(fires[0]["eval_time"]) - start) * 60 <= int(constant("DETECT_BOUND"))
    # Requests a minute in the test, as the scenario's clients send them.
    assert series["200"][1] == 60 * int(constant("LOAD_RATE"))


def test_the_drain_dip_is_tested_silent() -> None:
    if constant("MONITORING") == "none":
        assert not (ROOT / "tests/alerts.test.yaml").exists() and constant("ALERT") == "none"
        return
    test = alert_test("game day node drain")
    assert test["alert_rule_test"] and all(t["exp_alerts"] == [] for t in test["alert_rule_test"])
    failed = expand(next(s["values"] for s in test["input_series"] if 'code="500"' in s["series"]))
    assert failed[-1] > 0, "a dip of no failures proves nothing"


# A stand-in for kubectl and helm: records each call (and the manifest of `apply -f -`) in $GAMEDAY_CALLS and
# answers what a cluster in the scenario's state would: the receiver has the page firing then resolved, the clients
# counted failures in their first minute only, the quota refused the noisy team's extra pods.
STAND_IN = """\
import json, os, sys, time
tool, args = os.path.basename(sys.argv[0]), sys.argv[1:]
stdin = sys.stdin.read() if "-f" in args and args[args.index("-f") + 1 :][:1] == ["-"] else ""
with open(os.environ["GAMEDAY_CALLS"], "a", encoding="utf-8") as calls:
    calls.write(json.dumps({"tool": tool, "args": args, "stdin": stdin}) + "\\n")
job, words = os.environ["GAMEDAY_JOB"], " ".join(args)
now = int(time.time())
state = os.environ["GAMEDAY_CALLS"] + ".receiver"
if tool == "helm":
    if args[:1] == ["upgrade"]:
        # The page fires while the release's fault is on, and resolves once it is off again.
        values = open(args[args.index("-f") + 1], encoding="utf-8").read()
        status = "resolved" if values.rstrip().endswith("errorPercent: 0") else "firing"
        with open(state + ".fault", "w", encoding="utf-8") as fault:
            fault.write(status)
    print(json.dumps([{"revision": 3}]) if args[:1] == ["history"] else "")
elif "logs alert-echo" in words:
    # One more webhook each time the receiver is read, as Alertmanager keeps sending. Before the first release
    # the page of an earlier run (scripts/e2e.sh burn-rate) is still firing for two reads.
    lines = open(state, encoding="utf-8").read().splitlines() if os.path.exists(state) else []
    status = open(state + ".fault", encoding="utf-8").read() if os.path.exists(state + ".fault") else None
    status = status or ("firing" if len(lines) < 2 else "resolved")
    alert = {"status": status, "labels": {"alertname": "ServiceAvailabilityBurnRate", "job": job}}
    lines.append(json.dumps({"status": status, "alerts": [alert]}))
    with open(state, "w", encoding="utf-8") as receiver:
        receiver.write("\\n".join(lines) + "\\n")
    print("\\n".join(lines))
elif args[:1] == ["logs"] or args[2:3] == ["logs"]:
    for second in range(now - 100, now):
        print(json.dumps({"t": second, "ok": 4, "failed": 1 if second < now - 60 else 0}))
elif "reason=FailedCreate" in words:
    print('Error creating: pods "gameday-hog-1" is forbidden: exceeded quota: q, requested: requests.cpu=1')
elif "gameday=gameday-hog" in words:
    print("\\n".join(f"gameday-hog-{i} 0/1 Pending" for i in range(4)))
elif "get nodes" in words:
    print("worker-a worker-b", end="")
elif "spec.nodeName=" in words:
    print("pod-1 1/1 Running")
elif "nodeName}" in words:
    print("worker-a", end="")
elif "get pdb" in words:
    print("1", end="")
elif "replicas}" in words or "readyReplicas}" in words:
    print("2", end="")
"""


def test_every_scenario_runs_to_its_report_and_applies_only_admitted_objects(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("kubectl", "helm"):
        (bin_dir / name).write_text(f"#!{sys.executable}\n{STAND_IN}", encoding="utf-8")
    (bin_dir / "sleep").write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    for path in bin_dir.iterdir():
        path.chmod(0o755)
    project = tmp_path / "project"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(".render", ".venv", ".git", "incidents"))
    calls = tmp_path / "calls.jsonl"
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "GAMEDAY_CALLS": str(calls),
        "GAMEDAY_JOB": constant("NAME"),
    }
    result = subprocess.run(  # noqa: S603 - the project's own script
        ["bash", str(project / "scripts/gameday.sh"), "all"],  # noqa: S607 - bash from the PATH, as make runs it
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    reports = sorted(
        p.name.split("-", 3)[3] for p in (project / "docs/incidents").glob("*.md") if p.name != "README.md"
    )
    assert reports == ["bad-release.md", "node-drain.md", "noisy-neighbour.md"]
    namespaces = {
        doc["metadata"]["name"]: labels_of(doc) for doc in [team_namespace(), *team_b()] if doc["kind"] == "Namespace"
    }
    recorded = [json.loads(line) for line in calls.read_text(encoding="utf-8").splitlines()]
    applied_calls = [call for call in recorded if call["args"][:1] == ["apply"]]
    objects = [doc for call in applied_calls for doc in yaml.safe_load_all(call["stdin"]) if doc]
    assert {doc["kind"] for doc in objects} >= {"Pod", "Deployment", "Namespace", "ResourceQuota"}
    for doc in objects:
        labels = namespaces.get(doc["metadata"].get("namespace", ""), {"kubernetes.io/metadata.name": "x"})
        assert refusals(doc, labels) == {}, f"{doc['kind']} {doc['metadata']['name']} would be refused"
    words = [" ".join(call["args"]) for call in recorded]
    # What the scenarios undo: the fault switched off again, the noisy team removed, the drained node uncordoned.
    assert any(w.startswith("drain worker-a") for w in words) and "uncordon worker-a" in words
    assert any(w.startswith("delete") and "-f -" in w for w in words)
    release = (next((project / "docs/incidents").glob("*-bad-release.md"))).read_text(encoding="utf-8")
    assert "client requests sent from the start of the fault:" in release
    paged = "ServiceAvailabilityBurnRate (firing) reached the receiver" in release
    assert paged == (constant("MONITORING") == "prometheus-operator")
    if paged:
        # The earlier page still firing was waited out, not taken for this release's.
        assert "waiting for it to resolve first" in result.stdout
        assert "ServiceAvailabilityBurnRate (resolved) reached the receiver" in release
    if not paged:
        assert "no alert: the project has no Prometheus (monitoring is none)" in release


def test_the_readme_says_what_the_script_does() -> None:
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert f"while clients send {constant('LOAD_RATE')} requests a second" in readme
    assert "`fault.errorPercent`" in readme
    assert ("ServiceAvailabilityBurnRate" in readme) == (constant("ALERT") == "ServiceAvailabilityBurnRate")
    gitops = constant("GITOPS")
    assert ("as CI deploys main" in readme) == (gitops == "none")
    for scenario in ("bad release", "noisy neighbour", "node drain"):
        assert f"**{scenario}**" in readme
