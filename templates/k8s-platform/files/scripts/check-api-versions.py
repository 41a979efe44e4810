#!/usr/bin/env python3
"""Fail when a manifest uses an apiVersion that is removed or deprecated, or one this project never vetted.

kubernetes-validate only warns about a removed API and cannot see CRDs at all, so this keeps both in check:
each kind must use the version listed in CURRENT, and the message names the replacement.

Usage: check-api-versions.py FILE... (YAML streams, for example `helm template` output)
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

# kind -> the apiVersion this project uses, current for Kubernetes 1.36 (the Makefile's KUBE_VERSION) and the
# pinned controllers.
CURRENT: dict[str, str | tuple[str, ...]] = {
    "Namespace": "v1",
    "Service": "v1",
    "ServiceAccount": "v1",
    "ConfigMap": "v1",
    "Pod": "v1",
    "ResourceQuota": "v1",
    "LimitRange": "v1",
    "Deployment": "apps/v1",
    "HorizontalPodAutoscaler": "autoscaling/v2",
    "PodDisruptionBudget": "policy/v1",
    "NetworkPolicy": "networking.k8s.io/v1",
    "Ingress": "networking.k8s.io/v1",
    "Role": "rbac.authorization.k8s.io/v1",
    "RoleBinding": "rbac.authorization.k8s.io/v1",
    "ValidatingAdmissionPolicy": "admissionregistration.k8s.io/v1",
    "ValidatingAdmissionPolicyBinding": "admissionregistration.k8s.io/v1",
    "GatewayClass": "gateway.networking.k8s.io/v1",
    "Gateway": "gateway.networking.k8s.io/v1",
    "HTTPRoute": "gateway.networking.k8s.io/v1",
    "ServiceMonitor": "monitoring.coreos.com/v1",
    "PrometheusRule": "monitoring.coreos.com/v1",
    "ExternalSecret": "external-secrets.io/v1",
    "SecretStore": "external-secrets.io/v1",
    "SealedSecret": "bitnami.com/v1alpha1",
    "Certificate": "cert-manager.io/v1",
    "ClusterIssuer": "cert-manager.io/v1",
    "PriorityClass": "scheduling.k8s.io/v1",
    "Application": "argoproj.io/v1alpha1",
    "ApplicationSet": "argoproj.io/v1alpha1",
    "AppProject": "argoproj.io/v1alpha1",
    "GitRepository": "source.toolkit.fluxcd.io/v1",
    "HelmRelease": "helm.toolkit.fluxcd.io/v2",
    # A kustomize file (kustomize.config.k8s.io) and Flux's Kustomization object share the kind.
    "Kustomization": ("kustomize.config.k8s.io/v1beta1", "kustomize.toolkit.fluxcd.io/v1"),
}

# apiVersions known to be removed or deprecated, with what replaced them (for a clearer message).
RETIRED: dict[str, str] = {
    "extensions/v1beta1": "apps/v1 or networking.k8s.io/v1 (removed in 1.16/1.22)",
    "apps/v1beta1": "apps/v1 (removed in 1.16)",
    "apps/v1beta2": "apps/v1 (removed in 1.16)",
    "networking.k8s.io/v1beta1": "networking.k8s.io/v1 (removed in 1.22)",
    "policy/v1beta1": "policy/v1 (removed in 1.25)",
    "autoscaling/v2beta1": "autoscaling/v2 (removed in 1.25)",
    "autoscaling/v2beta2": "autoscaling/v2 (removed in 1.26)",
    "batch/v1beta1": "batch/v1 (removed in 1.25)",
    "rbac.authorization.k8s.io/v1beta1": "rbac.authorization.k8s.io/v1 (removed in 1.22)",
    "admissionregistration.k8s.io/v1beta1": "admissionregistration.k8s.io/v1 (ValidatingAdmissionPolicy GA in 1.30)",
    "admissionregistration.k8s.io/v1alpha1": "admissionregistration.k8s.io/v1 (ValidatingAdmissionPolicy GA in 1.30)",
    "gateway.networking.k8s.io/v1beta1": "gateway.networking.k8s.io/v1 (GA since Gateway API 1.0)",
    "external-secrets.io/v1beta1": "external-secrets.io/v1 (v1beta1 is deprecated since ESO 0.17)",
    "helm.toolkit.fluxcd.io/v2beta1": "helm.toolkit.fluxcd.io/v2 (removed in Flux 2.3)",
    "helm.toolkit.fluxcd.io/v2beta2": "helm.toolkit.fluxcd.io/v2 (deprecated in Flux 2.3)",
    "source.toolkit.fluxcd.io/v1beta2": "source.toolkit.fluxcd.io/v1 for GitRepository",
    "kustomize.toolkit.fluxcd.io/v1beta2": "kustomize.toolkit.fluxcd.io/v1 (GA in Flux 2.0)",
}


def problems_in(path: Path) -> list[str]:
    found: list[str] = []
    with path.open(encoding="utf-8") as stream:
        for number, doc in enumerate(yaml.safe_load_all(stream), start=1):
            if not isinstance(doc, dict):
                continue
            kind = doc.get("kind")
            version = doc.get("apiVersion")
            where = f"{path}: document {number} ({kind} {doc.get('metadata', {}).get('name', '?')})"
            if version in RETIRED:
                found.append(f"{where}: {version} is retired, use {RETIRED[version]}")
            elif kind not in CURRENT:
                found.append(f"{where}: kind {kind} is not in the vetted list; add it to CURRENT after review")
            elif version not in (allowed := (CURRENT[kind],) if isinstance(CURRENT[kind], str) else CURRENT[kind]):
                found.append(f"{where}: uses {version}, expected {' or '.join(allowed)}")
    return found


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    found = [problem for name in argv for problem in problems_in(Path(name))]
    for problem in found:
        print(problem, file=sys.stderr)
    if found:
        return 1
    print(f"api versions: {len(argv)} file(s) use only current apiVersions")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
