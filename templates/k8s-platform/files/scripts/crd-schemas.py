#!/usr/bin/env python3
"""Validate every custom resource against the CRD schema of the controller version the platform pins.

  crd-schemas.py fetch --dir DIR            download each CRD in SOURCES from its pinned tag, check its sha256,
                                            convert it into strict JSON schemas in DIR (needs network)
  crd-schemas.py convert --dir DIR FILE...  convert CRD files already on disk (the same conversion)
  crd-schemas.py validate --dir DIR FILE... check every custom resource in the YAML streams with check-jsonschema

A schema is written as DIR/<group>/<kind>_<version>.json (lowercase kind). Every object that declares
properties gets `additionalProperties: false` unless the CRD keeps unknown fields, so a misspelt field fails.
A custom resource without a schema in DIR is an error, never a skip: run `make crd-schemas` first.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

import yaml

RAW = "https://raw.githubusercontent.com"
# (repository, tag, path, sha256). The tags match platform/bootstrap.sh; read 2026-12-01.
SOURCES: list[tuple[str, str, str, str]] = [
    (
        "prometheus-community/helm-charts",
        "kube-prometheus-stack-88.5.3",
        "charts/kube-prometheus-stack/charts/crds/crds/crd-servicemonitors.yaml",
        "3322d612f23bf144c887c94bf247b0b4a69189adf37c0d482d2c6267ffe906ab",
    ),
    (
        "prometheus-community/helm-charts",
        "kube-prometheus-stack-88.5.3",
        "charts/kube-prometheus-stack/charts/crds/crds/crd-prometheusrules.yaml",
        "72b1e5f9959e67990d1598eb31b24ca4415007e31df3916356ef216316b2bf40",
    ),
    (
        "argoproj/argo-cd",
        "v3.5.1",
        "manifests/crds/application-crd.yaml",
        "5dde0e229249b6b707beb98674c1deae3949d5c319a6c45b9f5a80c99618e40c",
    ),
    (
        "argoproj/argo-cd",
        "v3.5.1",
        "manifests/crds/appproject-crd.yaml",
        "ab225266944322750136f1198d93786e4a79a0e43c8d149abfba44da30a3eac8",
    ),
    # The ApplicationSet that makes one Application per service; sha256 read from the v3.5.1 tag on 2026-12-06.
    (
        "argoproj/argo-cd",
        "v3.5.1",
        "manifests/crds/applicationset-crd.yaml",
        "7d282054f41ca2b71a22bab04a8caf0000e07e53a62432e6ea292dae5ab4f07d",
    ),
    # Flux v2.9.4 ships source-controller v1.9.4; v1.9.1 is the newest tag this checksum was read from.
    (
        "fluxcd/source-controller",
        "v1.9.1",
        "config/crd/bases/source.toolkit.fluxcd.io_gitrepositories.yaml",
        "39a5a46c81539c992abc53f9be3e5434cd70d50a10d169b1e8a450e0df1c9d09",
    ),
    # Each team's Flux Kustomization; Flux v2.9.4 ships kustomize-controller v1.9.4 (sha256 read 2026-12-06).
    (
        "fluxcd/kustomize-controller",
        "v1.9.4",
        "config/crd/bases/kustomize.toolkit.fluxcd.io_kustomizations.yaml",
        "da23ca0e6b4c80d3d26a91583137491e147ef4ef1e2208aece0d0af4ef851974",
    ),
    (
        "fluxcd/helm-controller",
        "v1.6.3",
        "config/crd/bases/helm.toolkit.fluxcd.io_helmreleases.yaml",
        "aa8638ac68465ceac1f93a617baf5be833c589c51fd78a7384a4a274c252becc",
    ),
    (
        "external-secrets/external-secrets",
        "helm-chart-2.9.0",
        "config/crds/bases/external-secrets.io_externalsecrets.yaml",
        "5044be5a610ca90a075f34f03ed20b462695c43387ba9410db7f4250e47b1e2f",
    ),
    (
        "external-secrets/external-secrets",
        "helm-chart-2.9.0",
        "config/crds/bases/external-secrets.io_secretstores.yaml",
        "7f750858d393913915a2f15daff9e1d2f56ca207c09920c055d7a68cceacb641",
    ),
    (
        "bitnami-labs/sealed-secrets",
        "helm-v2.18.5",
        "helm/sealed-secrets/crds/bitnami.com_sealedsecrets.yaml",
        "fb33ba448b89c2c3252480664078b7f4bdf0949426e5280d07ca049c0dbdbfb7",
    ),
    # cert-manager v1.21.1 (platform/bootstrap.sh installs its chart with crds.enabled); read 2026-12-06.
    (
        "cert-manager/cert-manager",
        "v1.21.1",
        "deploy/crds/cert-manager.io_certificates.yaml",
        "7ad91029c00ec959d54215b19d3b1a9b7e0247eaa60f987151c2b70d8661f8af",
    ),
    (
        "cert-manager/cert-manager",
        "v1.21.1",
        "deploy/crds/cert-manager.io_clusterissuers.yaml",
        "30008001b78aafb8e110af61359561104b5fafc3a4dc6ac0013245d0ee3fe4ca",
    ),
    # The Gateway API CRDs (bundle v1.6.1) that Envoy Gateway v1.9.0 installs.
    (
        "envoyproxy/gateway",
        "v1.9.0",
        "charts/gateway-helm/charts/crds/crds/gatewayapi-crds.yaml",
        "f0342ed49e7cd1b62624659984ea2934addd334efc8630827d0e1a81194b157a",
    ),
]

# API groups the Kubernetes schemas cover (`make validate` checks those); anything else is a custom resource.
BUILTIN_GROUPS = {
    "",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "apps",
    "autoscaling",
    "batch",
    "certificates.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "events.k8s.io",
    "networking.k8s.io",
    "node.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "scheduling.k8s.io",
    "storage.k8s.io",
}


class SchemaError(Exception):
    """A schema that is missing, corrupt or does not match its pinned checksum."""


def strict(node: Any) -> Any:
    """The OpenAPI v3 schema of a CRD as a JSON schema that rejects unknown fields."""
    if isinstance(node, list):
        return [strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: strict(value) for key, value in node.items()}
    pattern = out.get("pattern")
    if isinstance(pattern, str):
        # Go's RE2 takes flags anywhere (`^(?i)...`); Python's re only at the start, so move them there.
        out["pattern"] = re.sub(r"^\^\(\?([a-z]+)\)", r"(?\1)^", pattern)
    if out.get("nullable") is True and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    keeps_unknown = out.get("x-kubernetes-preserve-unknown-fields") is True
    if "properties" in out and "additionalProperties" not in out and not keeps_unknown:
        out["additionalProperties"] = False
    return out


def convert(text: str, out_dir: Path) -> list[Path]:
    """Writes one schema per served version of every CRD in the YAML stream; returns the files written."""
    written = []
    for doc in yaml.safe_load_all(text):
        if not isinstance(doc, dict) or doc.get("kind") != "CustomResourceDefinition":
            continue
        group, kind = doc["spec"]["group"], doc["spec"]["names"]["kind"]
        for version in doc["spec"]["versions"]:
            schema = version.get("schema", {}).get("openAPIV3Schema")
            if not version.get("served", True) or schema is None:
                continue
            path = out_dir / group / f"{kind.lower()}_{version['name']}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(strict(schema), indent=1, sort_keys=True) + "\n", encoding="utf-8")
            written.append(path)
    return written


def verified(data: bytes, expected: str, where: str) -> str:
    got = hashlib.sha256(data).hexdigest()
    if got != expected:
        raise SchemaError(f"{where}: sha256 {got} does not match the pinned {expected}; refusing to use it")
    return data.decode("utf-8")


def fetch(out_dir: Path) -> None:
    for repo, tag, path, sha256 in SOURCES:
        url = f"{RAW}/{repo}/{tag}/{path}"
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - fixed https URLs
            text = verified(response.read(), sha256, url)
        written = convert(text, out_dir)
        if not written:
            raise SchemaError(f"{url}: holds no CustomResourceDefinition")
        print(f"crd-schemas: {repo}@{tag}: {len(written)} schema(s)")


def schema_for(doc: dict[str, Any], schema_dir: Path) -> Path | None:
    """The schema file of a custom resource, or None for a built-in kind."""
    group, _, version = doc["apiVersion"].rpartition("/")
    if group in BUILTIN_GROUPS:
        return None
    return schema_dir / group / f"{doc['kind'].lower()}_{version}.json"


def validate(files: list[Path], schema_dir: Path) -> int:
    by_schema: dict[Path, list[tuple[str, dict[str, Any]]]] = {}
    missing = []
    for path in files:
        for number, doc in enumerate(yaml.safe_load_all(path.read_text(encoding="utf-8")), start=1):
            if not isinstance(doc, dict) or "apiVersion" not in doc:
                continue
            schema = schema_for(doc, schema_dir)
            if schema is None:
                continue
            where = f"{path} document {number} ({doc['kind']} {doc.get('metadata', {}).get('name', '?')})"
            if not schema.is_file():
                missing.append(f"{where}: no schema {schema}")
            by_schema.setdefault(schema, []).append((where, doc))
    if missing:
        print("\n".join(missing), file=sys.stderr)
        print(f"crd-schemas: {len(missing)} custom resource(s) have no schema: run `make crd-schemas`", file=sys.stderr)
        return 1
    if not by_schema:
        print("crd-schemas: no custom resource found in the files given", file=sys.stderr)
        return 1
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for index, (schema, docs) in enumerate(sorted(by_schema.items())):
            instances = []
            for n, (where, doc) in enumerate(docs):
                # Named after the document, so check-jsonschema's messages say which one failed.
                instance = Path(tmp) / f"{index}-{n}-{re.sub(r'[^A-Za-z0-9.]+', '-', where)[-120:]}.json"
                instance.write_text(json.dumps(doc), encoding="utf-8")
                instances.append(instance)
                print(f"check {where} against {schema.relative_to(schema_dir)}")
            # CRD patterns are Go regular expressions: Python's dialect is the closer of the two on offer.
            command = ["check-jsonschema", "--regex-variant", "python", "--schemafile", str(schema)]
            command += map(str, instances)
            failed |= subprocess.run(command, check=False).returncode  # noqa: S603 - fixed command
    count = sum(len(docs) for docs in by_schema.values())
    print(f"crd-schemas: {count} custom resource(s) checked" + (", some FAILED" if failed else ", all valid"))
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["fetch", "convert", "validate"])
    parser.add_argument("--dir", type=Path, required=True, help="the schema cache folder")
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_intermixed_args(argv)
    try:
        if args.command == "fetch":
            fetch(args.dir)
            return 0
        if not args.files:
            parser.error(f"{args.command} needs at least one file")
        if args.command == "convert":
            for path in args.files:
                if not convert(path.read_text(encoding="utf-8"), args.dir):
                    raise SchemaError(f"{path}: holds no CustomResourceDefinition")
            return 0
        return validate(args.files, args.dir)
    except SchemaError as error:
        print(f"crd-schemas: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
