"""Every object scripts/e2e.sh sends to the cluster is admitted by the project's own admission policies, offline.

The script runs for real, with a stand-in `kubectl` first on its PATH. The stand-in passes each command to this
test, which plays the API server: it records every command and manifest, answers an apply the way admission
would (each ValidatingAdmissionPolicy whose binding selects the object's namespace and whose matchConstraints
match it, its CEL evaluated by cel-python), and otherwise prints what the script waits for (a pod's phase, an
HPA's replicas, the alert receiver's log). `make`, `curl` and `sleep` are stand-ins too, so nothing leaves this
machine and no wait is real. Needs `helm` (run by `make policies`).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import socketserver
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from test_admission_policies import bindings, denials, matches, policies, selects, team_namespace

ROOT = Path(__file__).resolve().parent.parent
E2E = ROOT / "scripts/e2e.sh"
NAME = re.search(r'^readonly NAME="([^"]+)"$', E2E.read_text(encoding="utf-8"), re.M).group(1)
TEAM = team_namespace()["metadata"]["name"]
# The stand-in kubectl: hands its arguments (and the manifest on stdin, for `-f -`) to the test, prints the answer.
STAND_IN = """\
import json, os, socket, sys
args = sys.argv[1:]
manifest = sys.stdin.read() if "-f" in args and args[args.index("-f") + 1 :][:1] == ["-"] else ""
with socket.socket(socket.AF_UNIX) as server:
    server.connect(os.environ["E2E_API_SERVER"])
    server.sendall(json.dumps({"args": args, "stdin": manifest}).encode())
    server.shutdown(socket.SHUT_WR)
    answer = json.loads(b"".join(iter(lambda: server.recv(65536), b"")))
sys.stdout.write(answer["stdout"])
sys.stderr.write(answer["stderr"])
sys.exit(answer["code"])
"""


def namespace_labels(namespace: str) -> dict[str, str]:
    """The labels a namespace has on the kind cluster: the team namespace's from platform/team, else only its name."""
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

    def __init__(self) -> None:
        self.commands: list[list[str]] = []
        self.sent: list[dict[str, Any]] = []  # {"object", "dry_run", "refusals"} for each object applied

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

    def answer(self, args: list[str], manifest: str) -> tuple[int, str, str]:
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
            return 0, json.dumps({"data": {"groups": [{"name": f"{NAME}.rules"}]}}), ""
        if verb == "get" and rest[:1] == ["pod"] and len(rest) > 1:
            if rest[1] not in self.created():
                return 1, "", f'Error from server (NotFound): pods "{rest[1]}" not found\n'
            # The NetworkPolicy lets only the team namespace's labelled clients reach the service.
            return 0, ("Succeeded" if namespace == TEAM else "Failed") if "status.phase" in jsonpath else "", ""
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
            code, out, err = api.answer(request["args"], request["stdin"])
            self.wfile.write(json.dumps({"code": code, "stdout": out, "stderr": err}).encode())

    server = socketserver.UnixStreamServer(path, Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run_e2e(check: str = "all") -> Iterator[tuple[subprocess.CompletedProcess[str], ApiServer]]:
    api = ApiServer()
    with tempfile.TemporaryDirectory(prefix="e2e-") as folder:
        bin_dir = Path(folder, "bin")
        bin_dir.mkdir()
        (bin_dir / "kubectl").write_text(f"#!{sys.executable}\n{STAND_IN}", encoding="utf-8")
        for name in ("make", "curl", "sleep"):
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
