#!/usr/bin/env python3
"""The paved road: onboard a team, or add a service to a team, from the platform's templates.

    make new-team TEAM=data                     # python3 scripts/paved_road.py new-team data
    make new-service SERVICE=billing TEAM=data  # python3 scripts/paved_road.py new-service billing --team data
    python3 scripts/paved_road.py print-team TEAM           # the landing zone as one YAML stream, nothing written
    python3 scripts/paved_road.py print-values SERVICE --team TEAM   # a service's values.yaml, nothing written

Templates live in platform/onboarding/ (`${name}` placeholders); platform/onboarding/paved-road.toml holds what
every team and service shares. A new service's application code (services/<service>/app/: the service, its tests,
Dockerfile and pins) starts as a copy of the first service's app, the platform's reference service.

Every name is checked before anything is written: a bad name, a taken one or an unknown team is refused with the
reason and nothing changes. The files are staged in a folder beside their destination and moved into place with one
rename each; the same inputs always give the same bytes.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import tomllib
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parent.parent
ONBOARDING = Path("platform/onboarding")
# A Kubernetes namespace and a Helm release name: a DNS-1123 label, with room for the suffixes the templates add
# (`-no-platform-priority`, `-developer`, `-dashboard`) inside the 63 characters a label allows.
NAME = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
MAX_NAME = 40
# Namespaces the platform itself runs in: a team named like one of them would share it.
RESERVED = {
    "argocd",
    "cert-manager",
    "default",
    "envoy-gateway-system",
    "external-secrets",
    "flux-system",
    "ingress-nginx",
    "logging",
    "monitoring",
    "sealed-secrets",
}
LABEL_VALUE = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")


class RefusedError(Exception):
    """An input the paved road will not take; the message says what to do instead."""


def settings(root: Path) -> dict[str, str]:
    return tomllib.loads((root / ONBOARDING / "paved-road.toml").read_text(encoding="utf-8"))


def check_name(what: str, name: str) -> None:
    if len(name) > MAX_NAME:
        raise RefusedError(f"{what} name {name!r} is {len(name)} characters long: use at most {MAX_NAME}")
    if not NAME.fullmatch(name):
        raise RefusedError(
            f"{what} name {name!r} is not a DNS-1123 label: use lowercase letters, digits and '-', "
            "starting with a letter and ending with a letter or digit (for example 'data' or 'billing-api')"
        )
    if what == "team" and (name in RESERVED or name.startswith("kube-")):
        raise RefusedError(f"{what} name {name!r} is a namespace the platform uses: pick another name")


def render_tree(root: Path, template_dir: Path, values: dict[str, str]) -> dict[Path, str]:
    """Every template under `template_dir` filled with `values`, by its path without `.tmpl`, sorted."""
    files = {}
    for path in sorted((root / template_dir).rglob("*.tmpl")):
        relative = path.relative_to(root / template_dir)
        text = Template(path.read_text(encoding="utf-8")).substitute(values)
        files[relative.with_name(relative.name.removesuffix(".tmpl"))] = text
    return files


def team_files(root: Path, team: str, cost_center: str) -> dict[Path, str]:
    """teams/<team>/: the namespace, quota, limits, default-deny policy, Role, RoleBinding and GitOps fence."""
    return render_tree(root, ONBOARDING / "team", {"team": team, "cost_center": cost_center})


def service_host(root: Path, service: str) -> str:
    """<service>.<domain>, where the domain is the first service's host without the first service's name."""
    first, host = settings(root)["first_service"], settings(root)["first_host"]
    return f"{service}.{host.removeprefix(first + '.')}"


# Left out of the copied app: what a run of its tools leaves behind.
NOT_APP = {"__pycache__", ".pytest_cache", ".ruff_cache"}


def app_files(root: Path) -> dict[Path, str]:
    """The reference app (services/<first service>/app/) by its path under app/, sorted; caches left out."""
    app = root / "services" / settings(root)["first_service"] / "app"
    if not (app / "Dockerfile").is_file():
        raise RefusedError(f"{app.relative_to(root)}/Dockerfile is missing: restore the reference app first")
    files = {}
    for path in sorted(app.rglob("*")):
        relative = path.relative_to(app)
        if path.is_file() and not NOT_APP.intersection(relative.parts) and path.suffix != ".pyc":
            files[Path("app") / relative] = path.read_text(encoding="utf-8")
    return files


def service_files(root: Path, service: str, team: str, cost_center: str, host: str) -> dict[Path, str]:
    """services/<service>/: which team owns it, its values on the platform chart, its on-call page and its app."""
    values = {"service": service, "team": team, "cost_center": cost_center, "host": host}
    return {**render_tree(root, ONBOARDING / "service", values), **app_files(root)}


# kind only: each team's SecretStore with a fixed token for each of its services (External Secrets projects).
KIND_STORE_TEMPLATE = ONBOARDING / "secret-store.yaml.tmpl"
KIND_STORES = Path("platform/secrets")


def kind_store(root: Path, team: str, services: list[str]) -> str:
    """platform/secrets/<team>.yaml: the team's kind SecretStore with a key for each of `services`."""
    entries = "".join(f"\n        - key: {name}/api-token\n          value: kind-local-token" for name in services)
    text = (root / KIND_STORE_TEMPLATE).read_text(encoding="utf-8")
    return Template(text).substitute(team=team, entries=entries or " []")


def team_services(root: Path, team: str) -> list[str]:
    """The services whose services/<service>/service.yaml names `team`, sorted."""
    found = []
    for path in sorted((root / "services").glob("*/service.yaml")):
        owner = re.search(r'^team: "?([a-z0-9-]+)"?$', path.read_text(encoding="utf-8"), re.M)
        if owner and owner.group(1) == team:
            found.append(path.parent.name)
    return found


def team_cost_center(root: Path, team: str) -> str:
    namespace = root / "teams" / team / "namespace.yaml"
    if not namespace.is_file():
        known = ", ".join(sorted(p.parent.name for p in (root / "teams").glob("*/namespace.yaml"))) or "none"
        raise RefusedError(
            f"team {team!r} is not onboarded (teams known: {known}): run make new-team TEAM={team} first"
        )
    found = re.search(r'^    cost-center: "?([a-z0-9-]+)"?$', namespace.read_text(encoding="utf-8"), re.M)
    if not found:
        raise RefusedError(f"teams/{team}/namespace.yaml has no cost-center label: add one before adding services")
    return found.group(1)


def add_line(text: str, after: str, line: str) -> str:
    """`text` with `line` added to the block of lines that start like `after`, kept sorted; unchanged if present. An
    empty `resources: []` list becomes a list of that one line."""
    lines = text.splitlines()
    if line in lines:
        return text
    block = [i for i, existing in enumerate(lines) if existing.startswith(after)]
    if not block and "resources: []" in lines:
        lines[lines.index("resources: []")] = "resources:\n" + line
        return "\n".join(lines) + "\n"
    if not block:
        raise RefusedError(f"no line starting with {after.strip()!r} to add {line.strip()!r} beside: restore that list")
    members = sorted([*(lines[i] for i in block), line])
    lines[block[0] : block[-1] + 1] = members
    return "\n".join(lines) + "\n"


def edits_for_team(root: Path, team: str) -> dict[Path, str]:
    """The GitOps overlay that applies each team's project. teams/ stays the platform's to review (CODEOWNERS):
    a team cannot widen its own fence."""
    edits = {}
    for tool in ("argocd", "flux"):
        overlay = root / f"platform/{tool}/base/kustomization.yaml"
        if overlay.is_file():
            line = f"  - ../../../teams/{team}/{tool}"
            edits[overlay] = add_line(overlay.read_text(encoding="utf-8"), "  - ../../../teams/", line)
    return edits


SERVICE_LIST = Path("flux/services/kustomization.yaml")


def list_service(text: str, service: str) -> str:
    """A team's Flux list of services (teams/<team>/flux/services/kustomization.yaml) with `service` in it."""
    return add_line(text, "  - ../../../../services/", f"  - ../../../../services/{service}/flux")


# The serving certificate of the platform Gateway: it names every service's host (`dnsNames`, one `    - "host"` each).
EDGE_CERTIFICATE = Path("platform/tls/gateway-certificate.yaml")


def edits_for_service(root: Path, service: str, team: str, host: str) -> dict[Path, str]:
    owners = root / ".github/CODEOWNERS"
    org = settings(root)["github_org"]
    line = f"/services/{service}/ @{org}/{team}"
    edits = {owners: add_line(owners.read_text(encoding="utf-8"), "/services/", line)}
    services = root / "teams" / team / SERVICE_LIST
    if services.is_file():
        edits[services] = list_service(services.read_text(encoding="utf-8"), service)
    if (root / KIND_STORE_TEMPLATE).is_file():
        owned = sorted([*team_services(root, team), service])
        edits[root / KIND_STORES / f"{team}.yaml"] = kind_store(root, team, owned)
    certificate = root / EDGE_CERTIFICATE
    if certificate.is_file():
        edits[certificate] = add_line(certificate.read_text(encoding="utf-8"), '    - "', f'    - "{host}"')
    return edits


def write(root: Path, folder: Path, files: dict[Path, str], edits: dict[Path, str]) -> None:
    """Stage `files` beside `folder`, then move the folder into place and replace each edited file whole."""
    if folder.exists():
        raise RefusedError(f"{folder.relative_to(root)} already exists: pick another name")
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    staged_edits = []
    try:
        for relative, text in files.items():
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            (staging / relative).write_text(text, encoding="utf-8")
        for path, text in edits.items():
            handle, name = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.chmod(name, path.stat().st_mode & 0o777 if path.exists() else 0o644)
            staged_edits.append((Path(name), path))
        staging.chmod(0o755)
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        for name, _ in staged_edits:
            name.unlink(missing_ok=True)
        raise
    for name, path in staged_edits:
        name.replace(path)


def new_team(root: Path, team: str, cost_center: str | None) -> list[Path]:
    check_name("team", team)
    cost_center = cost_center or settings(root)["cost_center"]
    if not LABEL_VALUE.fullmatch(cost_center):
        raise RefusedError(f"cost center {cost_center!r} is not a label value: use lowercase letters, digits and '-'")
    folder = root / "teams" / team
    if folder.exists():
        raise RefusedError(f"teams/{team} already exists: the team is onboarded")
    files = team_files(root, team, cost_center)
    edits = edits_for_team(root, team)
    if (root / KIND_STORE_TEMPLATE).is_file():
        store = root / KIND_STORES / f"{team}.yaml"
        if store.exists():
            raise RefusedError(f"{store.relative_to(root)} already exists: move it away, then onboard the team")
        edits[store] = kind_store(root, team, [])
    write(root, folder, files, edits)
    return [folder / p for p in files] + list(edits)


def new_service(root: Path, service: str, team: str) -> list[Path]:
    check_name("service", service)
    check_name("team", team)
    cost_center = team_cost_center(root, team)
    folder = root / "services" / service
    if folder.exists():
        raise RefusedError(f"services/{service} already exists: pick another name")
    host = service_host(root, service)
    if len(host) > 253:
        raise RefusedError(f"the host {host} is longer than 253 characters: pick a shorter service name")
    files = service_files(root, service, team, cost_center, host)
    edits = edits_for_service(root, service, team, host)
    write(root, folder, files, edits)
    return [folder / p for p in files] + list(edits)


def print_team(root: Path, team: str, cost_center: str | None) -> str:
    """The objects `kubectl apply -k teams/<team>` would apply, in its order (the namespace first), for a team
    that need not be in this repository (scripts/e2e.sh onboards a second team on the cluster with it)."""
    check_name("team", team)
    files = team_files(root, team, cost_center or settings(root)["cost_center"])
    order = re.findall(r"^  - (\S+)$", files[Path("kustomization.yaml")], re.M)
    return "---\n".join(files[Path(name)] for name in order)


def print_values(root: Path, service: str, team: str, cost_center: str | None) -> str:
    check_name("service", service)
    check_name("team", team)
    cost_center = cost_center or settings(root)["cost_center"]
    return service_files(root, service, team, cost_center, service_host(root, service))[Path("values.yaml")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the project folder (default: this project)")
    commands = parser.add_subparsers(dest="command", required=True)
    team = commands.add_parser("new-team", help="onboard a team: teams/<team>/")
    team.add_argument("team")
    team.add_argument("--cost-center", help="the team's cost-center label (default: the platform's)")
    service = commands.add_parser("new-service", help="add a service owned by a team: services/<service>/")
    service.add_argument("service")
    service.add_argument("--team", required=True)
    printed = commands.add_parser("print-team", help="print a team's landing zone; writes nothing")
    printed.add_argument("team")
    printed.add_argument("--cost-center")
    values = commands.add_parser("print-values", help="print a service's values.yaml; writes nothing")
    values.add_argument("service")
    values.add_argument("--team", required=True)
    values.add_argument("--cost-center")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        if args.command == "print-team":
            sys.stdout.write(print_team(root, args.team, args.cost_center))
            return 0
        if args.command == "print-values":
            sys.stdout.write(print_values(root, args.service, args.team, args.cost_center))
            return 0
        if args.command == "new-team":
            written = new_team(root, args.team, args.cost_center)
        else:
            written = new_service(root, args.service, args.team)
    except RefusedError as refused:
        print(f"paved road: {refused}; nothing was written", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path.relative_to(root)}")
    print("paved road: run make check, then commit the files above")
    return 0


if __name__ == "__main__":
    sys.exit(main())
