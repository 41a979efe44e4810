"""Every object scripts/e2e.sh sends to the cluster is admitted by the project's own admission policies, offline.

The script runs for real, with a stand-in `kubectl` first on its PATH. The stand-in passes each command to this
test, which plays the API server: it records every command and manifest, answers an apply the way admission
would (each ValidatingAdmissionPolicy whose binding selects the object's namespace and whose matchConstraints
match it, its CEL evaluated by cel-python), and otherwise prints what the script waits for (a pod's phase, an
HPA's replicas, the alert receiver's log, the cluster CA, a Loki query's answer). `curl` is a stand-in judged the same
way: an HTTPS call is answered as verified only when it trusts the CA the cluster handed out. `make` and `sleep` are
stand-ins too, so nothing leaves this machine and no wait is real. `helm` is a stand-in that only records. For the
second team the script onboards, the answers come from the objects it applied: `kubectl auth can-i` from the Roles
and bindings (tests/test_fences.py's evaluator), a probe pod's phase from the NetworkPolicies, a quota's use from
the Deployments in its namespace. Needs `helm` (run by `make policies`).
"""

from __future__ import annotations

import base64
import copy
import json
import os
import re
import shlex
import socketserver
import subprocess
import sys
import tempfile
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import test_fences as fences
from test_admission_policies import bindings, denials, matches, policies, selects, team_namespace

ROOT = Path(__file__).resolve().parent.parent
E2E = ROOT / "scripts/e2e.sh"
NAME = re.search(r'^readonly NAME="([^"]+)"$', E2E.read_text(encoding="utf-8"), re.M).group(1)
HOST = re.search(r'^readonly HOST="([^"]+)"$', E2E.read_text(encoding="utf-8"), re.M).group(1)
TEAM = team_namespace()["metadata"]["name"]
TEAM_B = re.search(r'^readonly TEAM_B="([^"]+)"$', E2E.read_text(encoding="utf-8"), re.M).group(1)
SERVICE_B = re.search(r'^readonly SERVICE_B="([^"]+)"$', E2E.read_text(encoding="utf-8"), re.M).group(1)
LOKI = "/api/v1/namespaces/logging/services/loki:3100/proxy/loki/api/v1/query_range"
RULES = "/api/v1/namespaces/monitoring/services/kube-prometheus-stack-prometheus:9090/proxy/api/v1/rules"
# The stand-in kubectl, curl, helm and make: hand the tool's name, its arguments, the manifest on stdin (for `-f -`)
# and the file curl is told to trust (--cacert) to the test, print the answer. A port-forward then holds, as the real
# one.
STAND_IN = """\
import json, os, signal, socket, sys, time
tool, args = os.path.basename(sys.argv[0]), sys.argv[1:]
manifest = sys.stdin.read() if "-f" in args and args[args.index("-f") + 1 :][:1] == ["-"] else ""
cacert = None
if "--cacert" in args and os.path.isfile(args[args.index("--cacert") + 1]):
    with open(args[args.index("--cacert") + 1], encoding="utf-8", errors="replace") as trusted:
        cacert = trusted.read()
def ask():
    with socket.socket(socket.AF_UNIX) as server:
        server.connect(os.environ["E2E_API_SERVER"])
        server.sendall(json.dumps({"tool": tool, "args": args, "stdin": manifest, "cacert": cacert}).encode())
        server.shutdown(socket.SHUT_WR)
        return json.loads(b"".join(iter(lambda: server.recv(65536), b"")))
answer = ask()
# curl's --retry, with short pauses: a port-forward started in the background may not be holding yet.
for _ in range(int(args[args.index("--retry") + 1]) if tool == "curl" and "--retry" in args else 0):
    if answer["code"] == 0:
        break
    time.sleep(0.2)
    answer = ask()
sys.stdout.write(answer["stdout"])
sys.stderr.write(answer["stderr"])
sys.stdout.flush()
if answer.get("hold"):
    signal.pause()
sys.exit(answer["code"])
"""


def namespace_labels(namespace: str) -> dict[str, str]:
    """The labels a namespace has on the kind cluster: the team namespace's from teams/, else only its name."""
    if namespace == TEAM:
        return {**team_namespace()["metadata"]["labels"], "kubernetes.io/metadata.name": namespace}
    return {"kubernetes.io/metadata.name": namespace}


def refusals(doc: dict[str, Any]) -> dict[str, list[str]]:
    """Policy name -> messages, for each bound policy that applies to the object where it is sent and denies it."""
    labels = namespace_labels(doc["metadata"].get("namespace", "default"))
    found: dict[str, list[str]] = {}
    for binding in bindings():
        policy = policies()[binding["spec"]["policyName"]]
        resources = binding["spec"].get("matchResources", {})
        if not selects(resources.get("namespaceSelector", {}), labels):
            continue
        if not selects(resources.get("objectSelector", {}), doc["metadata"].get("labels") or {}):
            continue
        if matches(policy, doc) and (messages := denials(policy, doc)):
            found[policy["metadata"]["name"]] = messages
    return found


def option(args: list[str], name: str) -> str | None:
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


class ApiServer:
    """What the API server would answer the e2e script, with a record of everything it was sent."""

    def __init__(self, loki_answers: bool = True, extra: tuple[dict[str, Any], ...] = ()) -> None:
        self.commands: list[list[str]] = []
        self.extra = list(extra)  # objects already on the cluster besides what the script applies (broken fences)
        self.sent: list[dict[str, Any]] = []  # {"object", "dry_run", "refusals"} for each object applied
        self.loki_answers = loki_answers  # False: the Loki path answers with some other service's JSON
        self.forwarded: set[str] = set()  # local ports a `kubectl port-forward` to the Gateway's service holds
        # The cluster's CA certificate (cert-manager/platform-ca), new for every run so no fixed file can pass.
        body = base64.b64encode(os.urandom(96)).decode()
        self.ca = f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n"

    def created(self) -> set[str]:
        return {s["object"]["metadata"]["name"] for s in self.sent if not s["dry_run"] and not s["refusals"]}

    def apply(self, args: list[str], manifest: str) -> tuple[int, str, str]:
        dry_run = option(args, "--dry-run") == "server"
        errors = []
        for doc in (d for d in yaml.safe_load_all(manifest) if d):
            refused = refusals(doc)
            self.sent.append({"object": doc, "dry_run": dry_run, "refusals": refused})
            errors += [
                f'Error from server (Forbidden): {doc["kind"].lower()}s "{doc["metadata"]["name"]}" is forbidden: '
                f"ValidatingAdmissionPolicy '{policy}' with binding '{policy}' denied request: {' '.join(messages)}\n"
                for policy, messages in refused.items()
            ]
        return (1 if errors else 0), "" if errors else "pod/created\n", "".join(errors)

    def admitted_pod(self, name: str) -> dict[str, Any] | None:
        """The last pod of that name the cluster created (applied for real and admitted), if any."""
        pods = [s["object"] for s in self.sent if not s["dry_run"] and not s["refusals"]]
        return next((p for p in reversed(pods) if p["kind"] == "Pod" and p["metadata"]["name"] == name), None)

    def applied(self) -> list[dict[str, Any]]:
        return [s["object"] for s in self.sent if not s["dry_run"] and not s["refusals"]]

    def cluster(self, services: bool = True) -> list[dict[str, Any]]:
        """The fences on the cluster: the first team's landing zone and service (as `make deploy` applies them), the
        second service as the script installs it, and every object the script applied."""
        rendered = [*fences.service_objects(NAME, TEAM), *fences.service_objects(SERVICE_B, TEAM_B)] if services else []
        return [*fences.team_objects(TEAM), *rendered, *self.applied(), *self.extra]

    def can_i(self, args: list[str], namespace: str) -> tuple[int, str, str]:
        words = [
            a for i, a in enumerate(args) if not a.startswith("-") and args[i - 1] not in {"-n", "--as", "--as-group"}
        ]
        verb, resource = words[2], words[3]
        resource, _, group = resource.partition(".") if "/" not in resource else (resource, "", "")
        allowed = fences.can(
            self.cluster(services=False), option(args, "--as-group") or "", verb, group, resource, namespace
        )
        return (0, "yes\n", "") if allowed else (1, "no\n", "")

    def phase(self, pod: dict[str, Any]) -> str:
        """A probe pod's end: Succeeded when the NetworkPolicies let it reach the service its URL names."""
        url = next((a for a in pod["spec"]["containers"][0]["command"] if a.startswith("http://")), None)
        namespace = pod["metadata"]["namespace"]
        if url is None or namespace != TEAM_B:
            return "Succeeded" if namespace == TEAM else "Failed"
        service, target_namespace = (urllib.parse.urlsplit(url).hostname or "").split(".")[:2]
        objects = self.cluster()
        target = fences.service_pod(objects, service, target_namespace)
        source = {"namespace": namespace, "labels": pod["metadata"].get("labels") or {}, "ports": {}}
        return "Succeeded" if fences.reaches(objects, source, target, target["ports"]["http"]) else "Failed"

    def quota(self, namespace: str, name: str, jsonpath: str) -> tuple[int, str, str]:
        quota = next(
            (d for d in self.cluster() if d["kind"] == "ResourceQuota" and d["metadata"]["name"] == name),
            None,
        )
        if quota is None or quota["metadata"]["namespace"] != namespace:
            return 1, "", f'Error from server (NotFound): resourcequotas "{name}" not found\n'
        hard = int(float(quota["spec"]["hard"]["requests.cpu"]) * 1000)
        if "status.used" not in jsonpath:
            return 0, quota["spec"]["hard"]["requests.cpu"], ""
        asked = 0
        for deployment in (d for d in self.applied() if d["kind"] == "Deployment"):
            if deployment["metadata"]["namespace"] == namespace:
                cpu = deployment["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["cpu"]
                asked += deployment["spec"]["replicas"] * int(float(cpu) * 1000)
        # The quota admits pods until the next one would pass it: whole pods of 1 CPU here.
        return 0, f"{min(asked, hard)}m", ""

    def loki(self, url: str) -> tuple[int, str, str]:
        """A Loki query_range answer: the service's log line for a request id only if a labelled client in the team
        namespace really sent a request with that id (the e2e-logs pod, admitted, its program given the id)."""
        if not self.loki_answers:
            return 0, json.dumps({"status": "success", "data": {"groups": []}}), ""
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).get("query", [""])[0]
        found = re.fullmatch(r'\{namespace="([^"]+)", app="([^"]+)"\} \| json \| request_id="([^"]+)"', query)
        result = []
        pod = self.admitted_pod("e2e-logs")
        if found and found.group(1) == TEAM and found.group(2) == NAME and pod and pod["metadata"]["namespace"] == TEAM:
            sent_id = pod["spec"]["containers"][0]["command"][-1:] == [found.group(3)]
            client = (pod["metadata"].get("labels") or {}).get(f"{NAME}-client") == "true"
            if sent_id and client:
                line = {"level": "info", "method": "GET", "path": "/", "status": 200, "request_id": found.group(3)}
                stream = {"namespace": TEAM, "app": NAME, "team": TEAM, "pod": f"{NAME}-5d8f7c9b6-x2k4q"}
                result = [{"stream": stream, "values": [["1796594400000000000", json.dumps(line)]]}]
        stats = {"summary": {"totalEntriesReturned": len(result)}}
        data = {"resultType": "streams", "result": result, "stats": stats}
        return 0, json.dumps({"status": "success", "data": data}), ""

    def curl(self, args: list[str], cacert: str | None) -> tuple[int, str, str]:
        """curl over HTTPS to the platform's host: verified only when it trusts the cluster's CA, and reached only
        on the kind node's port 443 or a port a port-forward to the Gateway's service holds."""
        urls = [a for a in args if a.startswith("https://")]
        if len(urls) != 1:
            return 3, "", f"curl stand-in: `curl {shlex.join(args)}` is not modelled: only HTTPS to {HOST}\n"
        where = urllib.parse.urlsplit(urls[0])
        port = str(where.port or 443)
        if where.hostname != HOST or option(args, "--resolve") != f"{HOST}:{port}:127.0.0.1":
            return 6, "", f"curl: (6) Could not resolve host: {where.hostname}\n"
        if port != "443" and port not in self.forwarded:
            return 7, "", f"curl: (7) Failed to connect to {HOST} port {port}: Connection refused\n"
        if cacert != self.ca:
            return 60, "", "curl: (60) SSL certificate problem: unable to get local issuer certificate\n"
        return 0, '{"status": "ready"}', ""

    def answer(
        self, args: list[str], manifest: str, tool: str = "kubectl", cacert: str | None = None
    ) -> tuple[int, str, str]:
        if tool == "curl":
            return self.curl(args, cacert)
        if tool in ("helm", "make"):
            self.commands.append([tool, *args])
            return 0, "", ""
        self.commands.append(args)
        namespace = option(args, "-n") or "default"
        words = [a for i, a in enumerate(args) if not a.startswith("-") and (i == 0 or args[i - 1] != "-n")]
        verb, rest = (words[0], words[1:]) if words else ("", [])
        jsonpath = option(args, "-o") or ""
        if verb == "apply" and option(args, "-f") == "-":
            return self.apply(args, manifest)
        if verb in {"run", "create", "apply", "replace", "patch"}:
            return 3, "", f"kubectl stand-in: `kubectl {shlex.join(args)}` is not modelled: apply a manifest\n"
        if verb == "get" and "--raw" in args:
            raw = option(args, "--raw") or ""
            if raw == RULES:
                return 0, json.dumps({"data": {"groups": [{"name": f"{NAME}.rules"}]}}), ""
            if raw.split("?")[0] == LOKI:
                return self.loki(raw)
            return 1, "", f"Error from server (NotFound): the server could not find the requested resource ({raw})\n"
        if verb == "get" and rest[:2] == ["secret", "platform-ca"] and namespace == "cert-manager":
            return 0, base64.b64encode(self.ca.encode()).decode() if "ca" in jsonpath else "", ""
        if verb == "get" and rest[:1] == ["service"] and namespace == "envoy-gateway-system":
            gateway = "gateway.envoyproxy.io/owning-gateway-name=platform" in args
            return 0, "envoy-platform-gateway" if gateway else "", ""
        if verb == "port-forward" and rest == ["service/envoy-platform-gateway", "18443:443"]:
            self.forwarded.add("18443")
            return 0, "", ""
        if verb == "get" and rest[:1] == ["pod"] and len(rest) > 1:
            if rest[1] not in self.created():
                return 1, "", f'Error from server (NotFound): pods "{rest[1]}" not found\n'
            pod = self.admitted_pod(rest[1])
            return 0, self.phase(pod) if "status.phase" in jsonpath else "", ""
        if verb == "auth" and rest[:1] == ["can-i"]:
            return self.can_i(args, namespace)
        if verb == "get" and rest[:1] == ["resourcequota"] and len(rest) > 1:
            return self.quota(namespace, rest[1], jsonpath)
        if verb == "get" and rest[:1] == ["deployment"] and "spec.replicas" in jsonpath:
            return 0, "2", ""
        if verb == "get" and rest[:1] == ["hpa"]:
            return 0, "3" if "desiredReplicas" in jsonpath else "2" if "minReplicas" in jsonpath else "", ""
        if verb == "logs" and rest[:1] == ["alert-echo"]:
            # The receiver has one more webhook each time it is read, naming every alert the script waits for.
            calls = sum(1 for c in self.commands if "logs" in c and "alert-echo" in c)
            alerts = ("Watchdog", "ServiceDown", "ServiceAvailabilityBurnRate")
            return 0, "".join(",".join(f'{{"alertname":"{a}"}}' for a in alerts) + "\n" for _ in range(calls)), ""
        return 0, "", ""


def serve(api: ApiServer, path: str) -> socketserver.UnixStreamServer:
    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            request = json.loads(self.rfile.read())
            code, out, err = api.answer(request["args"], request["stdin"], request["tool"], request["cacert"])
            hold = request["tool"] == "kubectl" and "port-forward" in request["args"] and code == 0
            self.wfile.write(json.dumps({"code": code, "stdout": out, "stderr": err, "hold": hold}).encode())

    server = socketserver.UnixStreamServer(path, Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run_e2e(
    check: str = "all", api: ApiServer | None = None
) -> Iterator[tuple[subprocess.CompletedProcess[str], ApiServer]]:
    api = api or ApiServer()
    with tempfile.TemporaryDirectory(prefix="e2e-") as folder:
        bin_dir = Path(folder, "bin")
        bin_dir.mkdir()
        for name in ("kubectl", "curl", "helm", "make"):
            (bin_dir / name).write_text(f"#!{sys.executable}\n{STAND_IN}", encoding="utf-8")
        for name in ("sleep",):
            (bin_dir / name).write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
        for path in bin_dir.iterdir():
            path.chmod(0o755)
        socket_path = str(Path(folder, "api"))
        server = serve(api, socket_path)
        env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "E2E_API_SERVER": socket_path}
        try:
            result = subprocess.run(  # noqa: S603 - the project's own script
                ["bash", str(E2E), check],  # noqa: S607 - bash from the PATH, as CI runs it
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            yield result, api
        finally:
            server.shutdown()
            server.server_close()


@pytest.fixture(scope="module")
def e2e_all() -> Iterator[tuple[subprocess.CompletedProcess[str], ApiServer]]:
    yield from run_e2e("all")


def test_every_object_the_e2e_sends_is_admitted(e2e_all: tuple[subprocess.CompletedProcess[str], ApiServer]) -> None:
    result, api = e2e_all
    denied = [
        f"{s['object']['metadata'].get('namespace')}/{s['object']['metadata']['name']}: {s['refusals']}"
        for s in api.sent
        if s["refusals"] and not (s["dry_run"] and s["object"]["metadata"]["name"] == "e2e-policy-latest")
    ]
    assert denied == [], "\n".join(denied)
    assert result.returncode == 0, f"scripts/e2e.sh all failed with the stand-ins:\n{result.stdout}\n{result.stderr}"
    assert "e2e: all checks passed" in result.stdout


def test_the_e2e_sends_every_pod_it_starts(e2e_all: tuple[subprocess.CompletedProcess[str], ApiServer]) -> None:
    _, api = e2e_all
    sent = {s["object"]["metadata"]["name"] for s in api.sent}
    text = E2E.read_text(encoding="utf-8")
    started = set(re.findall(r"run_pod \S+ (e2e-[a-z-]+|alert-echo) ", text))
    started |= set(re.findall(r"^  name: (e2e-[a-z-]+)$", text, re.M))
    assert started, "scripts/e2e.sh starts no pod"
    assert started <= sent, f"pods the script starts but the stand-in never saw: {started - sent}"


def test_the_policy_check_expects_the_latest_image_denied() -> None:
    for _, api in run_e2e("policies"):
        verdicts = {s["object"]["metadata"]["name"]: not s["refusals"] for s in api.sent}
        assert verdicts == {"e2e-policy-pinned": True, "e2e-policy-latest": False}


def test_a_pod_without_the_cost_labels_is_refused_in_the_team_namespace_only() -> None:
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "bare", "namespace": TEAM, "labels": {"app": "x"}},
        "spec": {"containers": [{"name": "main", "image": "busybox"}]},
    }
    assert "team-cost-labels" in refusals(pod)
    pod["metadata"]["namespace"] = "default"
    assert refusals(pod) == {}


@pytest.mark.parametrize("verb", ["run", "create"])
def test_an_object_sent_another_way_is_not_waved_through(verb: str) -> None:
    assert ApiServer().answer([verb, "pod", "x", "--image=busybox"], "")[0] == 3


def test_the_e2e_asks_loki_a_bounded_number_of_times_when_the_answer_is_not_loki_s() -> None:
    for result, api in run_e2e("logs", ApiServer(loki_answers=False)):
        queries = [c for c in api.commands if (option(c, "--raw") or "").startswith(LOKI)]
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert "not a Loki query_range answer" in result.stderr
        assert "no log line with request_id" in result.stderr
        assert 1 < len(queries) <= 30


def test_loki_has_a_line_only_for_the_id_a_labelled_client_sent() -> None:
    api = ApiServer()
    query = f'{{namespace="{TEAM}", app="{NAME}"}} | json | request_id="e2e-1-2"'
    url = f"{LOKI}?query={urllib.parse.quote(query, safe='')}"
    assert json.loads(api.loki(url)[1])["data"]["result"] == []
    for result, api in run_e2e("logs"):
        assert result.returncode == 0, result.stderr
        sent = api.admitted_pod("e2e-logs")["spec"]["containers"][0]["command"][-1]
        assert json.loads(api.loki(url.replace("e2e-1-2", sent))[1])["data"]["result"]
        assert json.loads(api.loki(url)[1])["data"]["result"] == []


def test_https_is_verified_only_with_the_cluster_ca() -> None:
    api = ApiServer()
    call = ["-fsS", "--cacert", "ca.crt", "--resolve", f"{HOST}:443:127.0.0.1", f"https://{HOST}/readyz"]
    assert api.answer(call, "", "curl", api.ca)[0] == 0
    assert api.answer(call, "", "curl", None)[0] == 60
    assert api.answer(call, "", "curl", ApiServer().ca)[0] == 60
    assert api.answer(call[:3] + call[5:], "", "curl", api.ca)[0] == 6


def test_the_tenancy_steps_pass_with_the_fences_as_rendered(
    e2e_all: tuple[subprocess.CompletedProcess[str], ApiServer],
) -> None:
    result, api = e2e_all
    for step in ("second team", "can-i", "fills its quota", "still scales"):
        assert step in result.stdout, step
    assert sum(c[:3] == ["helm", "upgrade", "--install"] and SERVICE_B in c for c in api.commands) == 1
    applied = {(d["kind"], d["metadata"]["name"]) for d in api.applied()}
    assert {("Namespace", TEAM_B), ("Deployment", "e2e-hog")} <= applied
    asked = [c for c in api.commands if c[:2] == ["auth", "can-i"]]
    assert {option(c, "-n") for c in asked} == {TEAM, TEAM_B}
    phases = {name: api.phase(api.admitted_pod(name)) for name in ("e2e-b-own", "e2e-b-cross")}
    assert phases == {"e2e-b-own": "Succeeded", "e2e-b-cross": "Failed"}


def test_a_cross_team_binding_fails_the_rbac_step() -> None:
    bindings = (d for d in fences.team_objects(TEAM_B) if d["kind"] == "RoleBinding" and d["roleRef"]["kind"] == "Role")
    binding = copy.deepcopy(next(bindings))
    role = copy.deepcopy(next(d for d in fences.team_objects(TEAM_B) if d["kind"] == "Role"))
    binding["metadata"]["namespace"] = role["metadata"]["namespace"] = TEAM
    for result, _ in run_e2e("tenancy-rbac", ApiServer(extra=(binding, role))):
        assert result.returncode == 1
        assert f"may get pods in {TEAM}" in result.stderr


def test_an_open_network_fence_fails_the_network_step() -> None:
    spec = {"podSelector": {}, "policyTypes": ["Ingress", "Egress"], "ingress": [{}], "egress": [{}]}
    opened = tuple(
        {"kind": "NetworkPolicy", "metadata": {"name": "allow-all", "namespace": ns}, "spec": spec}
        for ns in (TEAM, TEAM_B)
    )
    for result, _ in run_e2e("tenancy-network", ApiServer(extra=opened)):
        assert result.returncode == 1
        assert "the network fence between teams is open" in result.stderr


def test_the_network_step_calls_the_first_service_through_the_edge() -> None:
    """`make smoke` calls the service SERVICE names: the e2e names its own, whatever SERVICE make e2e-all got."""
    for result, api in run_e2e("network"):
        assert result.returncode == 0, result.stderr
        assert [c for c in api.commands if c[0] == "make"] == [["make", "smoke", f"SERVICE={NAME}"]]
