"""Every name the docs use exists: a reader who copies one from README.md or docs/ finds it.

The docs name things in backticks (and run commands in fenced blocks). Each name is sorted by its shape:
  `make X ...`                         a target in the Makefile
  `path/to/file.ext`, `file.py`, `dir/`  a file or folder of this project (`file.py::test_x`: a test in that file)
  `test_x`                             a test function under tests/
  `--parameter-overrides Name=...`     a parameter in template.yaml
  `<stack>-suffix`                     a `${AWS::StackName}-suffix` name in template.yaml (queues, tables, alarms...)
  `X` followed by the word "metric"    a metric the functions emit or an alarm reads (MetricName)
  `CamelCase` or `Dotted.CamelCase`    a template parameter, resource, output, property or metric, or a word of the code
A name of none of these shapes (an error code, a JSON example) is prose and is not checked.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import local_env

ROOT = Path(__file__).resolve().parent.parent
THIS = Path(__file__).resolve()
FILE_SUFFIXES = (".py", ".md", ".yaml", ".yml", ".json", ".toml", ".sh", ".txt", ".cfg", ".ini")

# Names that look like this project's files but belong to other projects, with the reason.
ELSEWHERE = {
    "spec/standard-webhooks.md": "the specification's file in the standard-webhooks repository",
    "templates/pricing/aws-us-east-1.toml": "the price table of the scaffold generator",
}
# AWS's own names the code never spells out, with the reason.
AWS_NAMES = {
    "InitDuration": "a field of Lambda's REPORT log line",
    "ConcurrentExecutions": "an AWS/Lambda metric the runbook reads in CloudWatch; no alarm of the stack uses it",
}

CAMEL = re.compile(r"[A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)+(?:\.[A-Z][A-Za-z0-9]+)*")
PATH = re.compile(r"\.?[\w-]+(?:[./][\w.-]+)*/?")
KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")


def project_files(root: Path) -> list[Path]:
    """The project's own files: never git's objects, caches, or a virtualenv (.venv alone holds tens of thousands
    of files), whatever its name; a folder that .gitignore lists is not the project's either."""
    ignored = {".git", "__pycache__"}
    gitignore = root / ".gitignore"
    if gitignore.exists():
        ignored.update(line.strip().strip("/") for line in gitignore.read_text().splitlines() if line.endswith("/"))
    found = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [
            name for name in subfolders if name not in ignored and not (Path(folder) / name / "pyvenv.cfg").exists()
        ]
        found.extend(Path(folder) / name for name in files)
    return sorted(found)


def docs(root: Path = ROOT) -> list[Path]:
    return [root / "README.md", *sorted((root / "docs").rglob("*.md"))]


@dataclass
class Known:
    """What the project defines, gathered from template.yaml, the Makefile, the code and the tree."""

    root: Path
    stack: str
    targets: set[str] = field(default_factory=set)
    parameters: set[str] = field(default_factory=set)
    template_names: set[str] = field(default_factory=set)
    stack_suffixes: set[str] = field(default_factory=set)
    metrics: set[str] = field(default_factory=set)
    tests: dict[str, set[str]] = field(default_factory=dict)
    words: set[str] = field(default_factory=set)
    kebab_words: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)
    basenames: set[str] = field(default_factory=set)

    @classmethod
    def gather(cls, root: Path = ROOT, exclude: tuple[Path, ...] = (THIS,)) -> Known:
        readme = (root / "README.md").read_text(encoding="utf-8")
        stack = re.match(r"# (\S+)", readme).group(1)
        known = cls(root=root, stack=stack)
        makefile = (root / "Makefile").read_text(encoding="utf-8")
        known.targets = set(re.findall(r"^([a-z][a-z0-9-]*):", makefile, re.M))
        template = local_env.load_template(root / "template.yaml")
        known.parameters = set(template.get("Parameters", {}))
        known.template_names = set(template.get("Resources", {})) | set(template.get("Outputs", {})) | known.parameters
        for key, value in _walk(template):
            if isinstance(key, str):
                known.template_names.add(key)
            if key == "MetricName" and isinstance(value, str):
                known.metrics.add(value)
            if isinstance(value, str):
                known.stack_suffixes.update(re.findall(r"\$\{AWS::StackName\}-([a-z0-9-]+)", value))
        for path in project_files(root):
            relative = path.relative_to(root).as_posix()
            known.files.add(relative)
            known.files.update(parent.as_posix() + "/" for parent in path.relative_to(root).parents if parent.name)
            known.basenames.add(path.name)
            if path in exclude or path.suffix not in (".py", ".yaml", ".yml", ".sh", ""):
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            known.words.update(re.findall(r"\w+", text))
            known.kebab_words.update(re.findall(r"[\w-]+", text))
            if path.suffix == ".py":
                known.metrics.update(re.findall(r'add_metric\(name="(\w+)"', text))
                if relative.startswith("tests/"):
                    known.tests[relative] = set(re.findall(r"^def (test_\w+)", text, re.M))
        # A metric chosen by a conditional expression: name = "A" if ... else "B".
        for path in (root / "src").glob("*.py"):
            for pair in re.findall(r'name = "(\w+)" if .+ else "(\w+)"', path.read_text(encoding="utf-8")):
                known.metrics.update(pair)
        return known


def _walk(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield None, value
            yield from _walk(value)


def names_in(text: str) -> list[tuple[str, str]]:
    """(name, what follows it) for every inline code span, plus the commands of fenced blocks."""
    found: list[tuple[str, str]] = []
    prose: list[str] = []
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            prose.append("")
            continue
        if fenced:
            command = line.split("#", 1)[0].strip()
            for part in re.split(r"&&|\|\||;|\|", command):
                part = part.strip()
                if part.startswith("make "):
                    found.append((part, ""))
                for word in part.split()[1:] if part.startswith("python") else []:
                    if word.endswith(FILE_SUFFIXES):
                        found.append((word, ""))
            prose.append("")
        else:
            prose.append(line)
    joined = "\n".join(prose)
    for match in re.finditer(r"`([^`\n]+)`", joined):
        found.append((match.group(1), joined[match.end() : match.end() + 12]))
    return found


def problems(doc: str, text: str, known: Known) -> list[str]:
    """Every name in text that the project does not define, each with where it was looked for."""
    out = []

    def missing(name: str, looked: str, candidates=()) -> None:
        close = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.8)
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        out.append(f"{doc} names `{name}`, which is not {looked}{hint}")

    for name, after in names_in(text):
        name = name.strip()
        if name in ELSEWHERE or name in AWS_NAMES:
            continue
        if name.startswith("make "):
            target = name.split()[1]
            if target not in known.targets:
                missing(name, f"a target of the Makefile (targets: {', '.join(sorted(known.targets))})")
            continue
        overrides = re.search(r"--parameter-overrides\s+(.+)", name)
        if overrides:
            for pair in overrides.group(1).split():
                parameter = pair.split("=", 1)[0]
                if parameter not in known.parameters:
                    missing(parameter, "a parameter in template.yaml Parameters", known.parameters)
            continue
        if " " in name:
            continue
        file_part, _, test = name.partition("::")
        if PATH.fullmatch(file_part) and (file_part.endswith(FILE_SUFFIXES) or file_part.endswith("/")):
            where = file_part if "/" in file_part.rstrip("/") else None
            if where is not None and where not in known.files:
                missing(name, "a file or folder of this project (looked from the project root)", known.files)
            elif where is None and file_part not in known.basenames and file_part not in known.files:
                missing(name, "the name of any file in this project's tree", known.basenames)
            elif test and test not in known.tests.get(file_part, set()):
                missing(name, f"a test function defined in {file_part}", known.tests.get(file_part, set()))
            continue
        if re.fullmatch(r"test_\w+", name):
            if not any(name in defined for defined in known.tests.values()):
                missing(name, "a test function defined in any tests/*.py file", set().union(*known.tests.values()))
            continue
        if KEBAB.fullmatch(name) and name.startswith(known.stack + "-"):
            suffix = name[len(known.stack) + 1 :]
            if suffix not in known.stack_suffixes and not name.endswith("-"):
                stacked = {f"{known.stack}-{s}" for s in known.stack_suffixes}
                missing(name, "a ${AWS::StackName}-... name in template.yaml (queues, tables, alarms...)", stacked)
            continue
        if KEBAB.fullmatch(name) and not (
            name in known.stack_suffixes or name in known.targets or name in known.kebab_words
        ):
            # A bare alarm or resource suffix (`dlq-not-empty`); other kebab words are prose unless one is near.
            if difflib.get_close_matches(name, sorted(known.stack_suffixes), n=1, cutoff=0.8):
                missing(name, "a ${AWS::StackName}-... suffix in template.yaml", known.stack_suffixes)
            continue
        if re.match(r"\s*metrics?\b", after) and re.fullmatch(r"[A-Z]\w+", name):
            if name not in known.metrics:
                looked = "a metric the functions emit (add_metric in src/) or a MetricName in template.yaml"
                missing(name, looked, known.metrics)
            continue
        if CAMEL.fullmatch(name):
            parts = name.split(".")
            if not all(part in known.template_names or part in known.words for part in parts):
                looked = (
                    "a parameter, resource, output, property or MetricName in template.yaml, "
                    "nor a word of src/, scripts/, tests/, the Makefile or the CI files"
                )
                missing(name, looked, known.template_names | known.metrics)
    return out


@functools.cache
def gathered() -> Known:
    return Known.gather()


def test_every_name_the_docs_use_exists():
    known = gathered()
    found = []
    for path in docs():
        found += problems(path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8"), known)
    assert not found, "names in the docs that the project does not define:\n  " + "\n  ".join(found)


def test_the_docs_are_read():
    """The check sees the names it is meant to: it would pass vacuously on docs it failed to parse."""
    seen = {name for path in docs() for name, _ in names_in(path.read_text(encoding="utf-8"))}
    assert {"make check", "make local", "template.yaml", "MaxBodyBytes", "DuplicateSkipped"} <= seen


def test_a_misspelt_name_is_caught_with_the_doc_and_the_place_looked():
    known = gathered()
    text = "\n".join(
        [
            "Run `make replay-dryrun` first, then `make check`.",
            "The `SignatureRejcted` metric counts refusals; `DuplicateSkipped` metric counts repeats.",
            "Raise it: `sam deploy --parameter-overrides ApiThrotleRateLimit=20`.",
            f"The alarm `{known.stack}-dlq-not-emtpy` pages; `{known.stack}-dlq-not-empty` is right.",
            "Detection: `processor-erors`; `processor-errors` and `k8s-platform` are fine.",
            "See `tests/test_ingset.py`, `tests/test_ingest.py::test_no_such_case` and `test_never_written`.",
            "Edit `src/procesor.py` or `signatures.py`; the `ProcessorMaxConcurency` parameter; `WebhookUrl`.",
            "```bash",
            "make lcoal",
            "python3 scripts/send_test_webhok.py http://127.0.0.1:3000/webhooks",
            "```",
        ]
    )
    found = problems("docs/example.md", text, known)
    named = {line.split("`")[1] for line in found}
    assert named == {
        "make replay-dryrun",
        "SignatureRejcted",
        "ApiThrotleRateLimit",
        f"{known.stack}-dlq-not-emtpy",
        "tests/test_ingset.py",
        "tests/test_ingest.py::test_no_such_case",
        "test_never_written",
        "src/procesor.py",
        "ProcessorMaxConcurency",
        "make lcoal",
        "scripts/send_test_webhok.py",
        "processor-erors",
    }, found
    assert all(line.startswith("docs/example.md names `") for line in found)
    assert any("a target of the Makefile (targets: " in line for line in found)
    assert any("MetricName in template.yaml" in line for line in found)
    assert any("`SignatureRejcted`" in line and "(did you mean `SignatureRejected`?)" in line for line in found)


def test_the_walk_reads_the_project_and_skips_virtualenvs_caches_and_ignored_folders(tmp_path):
    # A venv holds tens of thousands of files: walking it made this check take most of `make check`.
    for relative in ("src/app.py", "docs/a.md", ".github/workflows/ci.yml", "env/lib/x.py", ".venv/lib/y.py"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("x\n")
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    for relative in ("dist/sam/template.yaml", "src/__pycache__/app.pyc", ".git/HEAD"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("x\n")
    (tmp_path / ".gitignore").write_text(".venv/\ndist/\n*.pyc\n")
    found = {p.relative_to(tmp_path).as_posix() for p in project_files(tmp_path)}
    assert found == {"src/app.py", "docs/a.md", ".github/workflows/ci.yml", ".gitignore"}
