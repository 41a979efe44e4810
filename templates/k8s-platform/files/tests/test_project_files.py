"""The tests that look for files by name see the project's files only, never what `make setup` put in .venv/."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import test_docs_names
import test_renovate
from project_files import project_files


def tree(root: Path) -> Path:
    for name in (
        "platform/bootstrap.sh",
        ".venv/lib/site/platform/bootstrap.sh",
        ".venv/lib/site/only-here.md",
        ".render/manifests/default.yaml",
        ".gitignore",
    ):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(".venv/\n.render/\n" if name == ".gitignore" else "x\n", encoding="utf-8")
    return root


def relative(root: Path) -> list[str]:
    return [str(p.relative_to(root)) for p in project_files(root)]


def test_a_folder_that_is_not_a_repository_is_walked_without_venv_and_render(tmp_path: Path) -> None:
    assert relative(tree(tmp_path)) == [".gitignore", "platform/bootstrap.sh"]


def test_a_repository_lists_what_git_tracks_or_would_track(tmp_path: Path) -> None:
    root = tree(tmp_path)
    subprocess.run(["git", "init", "-q", str(root)], check=True)  # noqa: S603, S607 - fixed command
    (root / "new.txt").write_text("untracked but not ignored\n", encoding="utf-8")
    assert relative(root) == [".gitignore", "new.txt", "platform/bootstrap.sh"]


def test_renovate_never_reads_a_file_in_venv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tree(tmp_path)
    (root / "platform/bootstrap.sh").unlink()
    monkeypatch.setattr(test_renovate, "ROOT", root)
    manager = {"managerFilePatterns": ["/(^|/)platform/bootstrap\\.sh$/"]}
    assert test_renovate.files_for(manager) == []


def test_a_file_that_exists_only_in_venv_is_missing_for_the_docs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tree(tmp_path)
    monkeypatch.setattr(test_docs_names, "ROOT", root)
    problems = test_docs_names.Problems()
    test_docs_names.check_path("only-here.md", problems)
    assert problems.items == ["file `only-here.md`"]
