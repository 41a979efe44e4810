"""Every command a workflow step runs is on the hosted runner, or installed by an earlier step of the same job.

A first push must go green on GitHub's runner, which this machine is not: .github/runner-tools/<label>.txt lists
what the runner image has (dated, with its source). Each job's steps are read in order: `uses:` steps add what
their action installs, `run:` scripts are split into the commands they call (with `make` targets expanded by
`make -n`, so the recipes count too), and install commands (pip, pipx, go install, install, apt-get) add what
they put on the PATH for the steps after them.
"""

from __future__ import annotations

import copy
import importlib.metadata
import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github/workflows").glob("*.yml"))
RUNNER_TOOLS = ROOT / ".github/runner-tools"

# What each action used by the workflows puts on the PATH for later steps (by its README).
ACTIONS: dict[str, set[str]] = {
    "actions/checkout": set(),
    "actions/setup-python": {"python", "python3", "pip", "pip3"},
    "azure/setup-helm": {"helm"},
    "helm/kind-action": {"kind", "kubectl"},
    "aquasecurity/trivy-action": set(),
    "docker/setup-qemu-action": set(),
    "docker/setup-buildx-action": set(),
    "docker/build-push-action": set(),
    "docker/login-action": set(),
    "docker/metadata-action": set(),
    "sigstore/cosign-installer": {"cosign"},
    "peter-evans/create-pull-request": set(),
    "actions/upload-artifact": set(),
    "actions/download-artifact": set(),
}
# Debian/Ubuntu packages an `apt-get install` step may name, and the commands each installs.
APT_PACKAGES: dict[str, set[str]] = {"prometheus": {"prometheus", "promtool"}}
# Shell words that are not programs (builtins and keywords of bash), words that run the command after them, and
# words after which a new command starts.
BASH_WORDS = (
    "! . : [[ ]] { } ( ) break case cd command continue declare do done elif else esac eval exec exit export fi for "
    "function if in kill local read readonly return set shift source then trap type unset until wait while"
)
BUILTINS = set(BASH_WORDS.split())
PREFIXES = {"sudo", "env", "nice", "time", "exec", "command"}
SEPARATOR_WORDS = "; && || | & ( ) ;; ! { then do else elif if while until"
SEPARATORS = {"\n", *SEPARATOR_WORDS.split()}
SUBST = "SUBSTITUTED"
MAKE = shutil.which("make") or "make"


def runner_tools(label: str) -> set[str]:
    path = RUNNER_TOOLS / f"{label}.txt"
    assert path.is_file(), f"runs-on: {label} has no tool list: add {path.relative_to(ROOT)} from the image's readme"
    tools: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            tools.update(line.split(":", 1)[1].split())
    return tools


def split_substitutions(script: str) -> tuple[str, list[str]]:
    """The script with each $(...) replaced by one word, and the inner scripts (quotes respected)."""
    out, inner, i, quote = [], [], 0, ""
    while i < len(script):
        c = script[i]
        if quote != "'" and script.startswith("$(", i) and not script.startswith("$((", i):
            depth, j, q = 1, i + 2, ""
            while j < len(script) and depth:
                d = script[j]
                if q:
                    q = "" if d == q else q
                elif d in "'\"":
                    q = d
                elif d == "(":
                    depth += 1
                elif d == ")":
                    depth -= 1
                j += 1
            inner.append(script[i + 2 : j - 1])
            out.append(SUBST)
            i = j
            continue
        if c == "\\" and quote != "'":
            out.append(script[i : i + 2])
            i += 2
            continue
        if c in "'\"":
            quote = "" if quote == c else (quote or c)
        out.append(c)
        i += 1
    return "".join(out), inner


def drop_heredocs(script: str) -> str:
    lines, kept, end = script.splitlines(), [], None
    for line in lines:
        if end is not None:
            if line.strip() == end:
                end = None
            continue
        kept.append(line)
        found = re.search(r"<<-?\s*['\"]?([A-Za-z_]+)['\"]?", line)
        if found and "<<<" not in line:
            end = found.group(1)
    return "\n".join(kept)


def drop_comments(script: str) -> str:
    """The script without its comments: a # at the start of a word, outside quotes."""
    kept = []
    for line in script.splitlines():
        quote, cut = "", len(line)
        for i, c in enumerate(line):
            if quote:
                quote = "" if c == quote else quote
            elif c in "'\"":
                quote = c
            elif c == "#" and (i == 0 or line[i - 1] in " \t;"):
                cut = i
                break
        kept.append(line[:cut])
    return "\n".join(kept)


def commands(script: str) -> Iterator[list[str]]:
    """Each simple command of a shell script as its words (assignments and redirections left out)."""
    script = re.sub(r"\$\{\{.*?\}\}", "EXPR", script)
    script = drop_comments(drop_heredocs(script.replace("\\\n", " ")))
    script, inner = split_substitutions(script)
    script = re.sub(r"\$\(\((.*?)\)\)", "0", script)
    for sub in inner:
        yield from commands(sub)
    lexer = shlex.shlex(script.replace("\n", " ; "), posix=True, punctuation_chars=";&|()<>")
    lexer.whitespace_split = True
    lexer.commenters = ""
    words: list[str] = []
    skip_next = False
    case = ""  # "" outside a case, "word" before its `in`, "pattern" before a `)`, "body" in a branch
    for part in lexer:
        if skip_next:
            skip_next = False
            continue
        if not words and part == "case":
            case = "word"
            continue
        if case == "word":
            case = "pattern" if part == "in" else case
            continue
        if case == "pattern":
            case = "" if part == "esac" else ("body" if part == ")" else case)
            continue
        if case == "body" and part == ";;":
            if words:
                yield words
            words, case = [], "pattern"
            continue
        if part in SEPARATORS:
            if words:
                yield words
            words = []
            continue
        if set(part) <= set("<>&"):
            skip_next = True
            continue
        if re.fullmatch(r"[0-9]*[<>]&?[0-9-]*", part):
            continue
        if not words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", part):
            continue
        words.append(part)
    if words:
        yield words


def programs(words: list[str]) -> Iterator[tuple[str, list[str]]]:
    """The program a simple command runs (and its arguments), looking through sudo, env and the like."""
    while words:
        head, rest = words[0], words[1:]
        if head == "command" and rest[:1] == ["-v"]:
            return  # a lookup, not a run
        if head in PREFIXES:
            yield head, rest
            rest = [w for w in rest if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", w)] if head == "env" else rest
            while rest and rest[0].startswith("-"):
                rest = rest[2:] if rest[0] in {"-n", "-u"} else rest[1:]
            words = rest
            continue
        if head in {"for", "case", "select"}:
            return
        yield head, rest
        return


def requirements(path: Path) -> Iterator[str]:
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            yield from requirements(path.parent / line[3:].strip())
        elif line:
            yield re.split(r"[=<>!~\[; ]", line, maxsplit=1)[0]


def distribution_commands(name: str) -> set[str]:
    """The commands a pip install of `name` puts on the PATH: its console scripts and the files it ships in bin/."""
    try:
        dist = importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        pytest.fail(f"{name} is not installed here, so what it installs is unknown: make setup")
    found = {ep.name for ep in dist.entry_points if ep.group == "console_scripts"}
    found |= {Path(str(f)).name for f in dist.files or [] if Path(str(f)).parent.name == "bin"}
    return found


def installed_by(program: str, args: list[str]) -> set[str]:
    """What an install command adds to the PATH (empty for any other command)."""
    if program in {"pip", "pip3"} or (program.startswith("python") and args[:3] in (["-m", "pip", "install"],)):
        args = args[2:] if program.startswith("python") else args
        if args[:1] != ["install"]:
            return set()
        found: set[str] = set()
        rest = args[1:]
        for i, arg in enumerate(rest):
            if arg == "-r":
                for name in requirements(ROOT / rest[i + 1]):
                    found |= distribution_commands(name)
            elif not arg.startswith("-") and (i == 0 or rest[i - 1] != "-r"):
                found |= distribution_commands(re.split(r"[=<>!~\[]", arg, maxsplit=1)[0])
        return found
    if program == "pipx" and args[:1] == ["install"]:
        return {re.split(r"[=<>!~\[]", a, maxsplit=1)[0] for a in args[1:] if not a.startswith("-")}
    if program == "go" and args[:1] == ["install"]:
        return {a.split("@")[0].rsplit("/", 1)[-1] for a in args[1:] if "@" in a}
    if program == "install":
        paths = [a for a in args if not a.startswith("-") and not re.fullmatch(r"[0-7]{3,4}", a)]
        return {Path(paths[-1]).name} if paths and "/bin/" in paths[-1] else set()
    if program in {"apt-get", "apt"} and args[:1] == ["install"]:
        found = set()
        for package in (a.split("=")[0] for a in args[1:] if not a.startswith("-")):
            assert package in APT_PACKAGES, f"apt-get install {package}: add its commands to APT_PACKAGES"
            found |= APT_PACKAGES[package]
        return found
    return set()


def make_commands(args: list[str]) -> Iterator[list[str]]:
    """What `make ARGS` would run: its dry run, read as a shell script."""
    result = subprocess.run(  # noqa: S603 - fixed program
        [MAKE, "-n", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"make -n {' '.join(args)} failed:\n{result.stderr}"
    yield from commands(result.stdout)


def missing_in(job: dict[str, Any], where: str) -> list[str]:
    """Each command of the job that is neither on its runner nor installed by an earlier step."""
    if "uses" in job:
        return []  # a reusable workflow: checked as its own file
    have = runner_tools(job["runs-on"])
    problems = []
    for number, step in enumerate(job["steps"], 1):
        label = f"{where} step {number} ({step.get('name') or step.get('uses') or step['run'].splitlines()[0]})"
        if "uses" in step:
            action = step["uses"].split("@")[0]
            if action.startswith("./"):
                continue
            assert action in ACTIONS, f"{label}: add what {action} installs to ACTIONS"
            have |= ACTIONS[action]
            continue
        for words in commands(step["run"]):
            for program, args in programs(words):
                problems += check_program(program, label, have)
                runs = [ran for w in make_commands(args) for ran in programs(w)] if program == "make" else []
                for name, rest in [(program, args), *runs]:
                    problems += check_program(name, label, have) if runs else []
                    have |= installed_by(name, rest)
    return problems


def check_program(name: str, label: str, have: set[str]) -> list[str]:
    if name in BUILTINS or name == SUBST or name.startswith("$") or name == "EXPR":
        return []
    if "/" in name:
        if SUBST in name or "$" in name:
            name = Path(name).name
        else:
            return [] if (ROOT / name).is_file() else [f"{label}: runs {name}, which is not in the repository"]
    return [] if name in have else [f"{label}: runs `{name}`, which the runner lacks and no earlier step installs"]


def workflow_problems(workflow: dict[str, Any], where: str) -> list[str]:
    return [p for name, job in workflow["jobs"].items() for p in missing_in(job, f"{where} job {name}")]


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_command_of_every_step_is_on_the_runner_or_installed_before(path: Path) -> None:
    assert workflow_problems(load(path), path.name) == []


def test_every_workflow_was_read() -> None:
    names = {p.name for p in WORKFLOWS}
    assert {"ci.yml", "release.yml"} <= names, names


def job(steps: list[dict[str, Any]]) -> dict[str, Any]:
    return {"jobs": {"probe": {"runs-on": "ubuntu-24.04", "steps": steps}}}


@pytest.mark.parametrize("tool", ["promtool", "terraform", "kubeseal", "cosign", "checkov"])
def test_a_tool_the_runner_lacks_is_caught(tool: str) -> None:
    workflow = job([{"uses": "actions/checkout@v0"}, {"run": f"set -e\nif true; then\n  {tool} --version\nfi"}])
    assert workflow_problems(workflow, "probe") == [
        f"probe job probe step 2 (set -e): runs `{tool}`, which the runner lacks and no earlier step installs"
    ]


def test_a_tool_is_found_through_sudo_substitutions_and_pipes() -> None:
    script = 'echo "$(jq -r . x.json | sudo terraform fmt)" && VAR=1 env A=b tofu plan'
    found = {words[0] for words in commands(script)}
    assert {"jq", "sudo", "env", "echo"} <= found
    problems = workflow_problems(job([{"run": script}]), "probe")
    assert [p.split("`")[1] for p in problems] == ["terraform", "tofu"]


def test_an_install_counts_only_for_the_steps_after_it() -> None:
    install = {"run": "go install example.com/cmd/kubeseal@v1.0.0"}
    use = {"run": "kubeseal --version"}
    assert workflow_problems(job([install, use]), "probe") == []
    assert len(workflow_problems(job([use, install]), "probe")) == 1


def test_make_targets_are_expanded_into_their_recipes() -> None:
    # `make check` runs hadolint, which only the requirements install step provides.
    assert any(words[0] == "hadolint" for words in make_commands(["check"]))
    workflow = job([{"uses": "actions/setup-python@v0"}, {"run": "make check"}])
    assert any("`hadolint`" in p for p in workflow_problems(workflow, "probe"))


def test_ci_without_its_install_steps_fails() -> None:
    ci = load(ROOT / ".github/workflows/ci.yml")
    check = copy.deepcopy(ci["jobs"]["check"])
    check["steps"] = [s for s in check["steps"] if not re.search(r"\binstall\b", s.get("run", ""))]
    problems = missing_in(check, "ci.yml job check")
    assert any("`checkov`" in p for p in problems), problems
    if "rules" in make_targets():
        assert any("`promtool`" in p for p in problems), problems


def make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z-]*):", text, re.M))
