"""The project's own files: what git tracks or would track, never `.venv/`, `.render/` or caches.

Tests that look for a file by name use this list instead of walking the folder: `make setup` puts thousands of
files in `.venv/`, and a walk through them costs seconds and can find a same-named file that is not the project's.
"""

from __future__ import annotations

import os
import subprocess
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Left out when the project is not a git repository (the same folders .gitignore names).
NOT_THE_PROJECT = {".git", ".venv", ".render", "__pycache__", ".pytest_cache", ".ruff_cache"}


@cache
def project_files(root: Path = ROOT) -> tuple[Path, ...]:
    """Every file of the project under `root`, sorted: git's view when `root` is a repository, else a walk."""
    if (root / ".git").exists():
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # noqa: S607 - git from the PATH
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout.decode()
        return tuple(sorted(root / name for name in listed.split("\0") if name and (root / name).is_file()))
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in NOT_THE_PROJECT)
        found += [Path(folder, name) for name in files]
    return tuple(sorted(found))
