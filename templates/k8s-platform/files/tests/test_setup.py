"""`make setup` checks the Python version before it installs anything, and says what to do about it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAKE = shutil.which("make") or "make"


def fake_python(folder: Path, version: str) -> Path:
    """A python3 that reports `version` and fails the version check the way an old interpreter does."""
    major, minor = (int(part) for part in version.split(".")[:2])
    path = folder / "python3"
    old = (major, minor) < (3, 11)
    path.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "--version" ]; then echo "Python {version}"; exit 0; fi\n'
        f'if [ "$1" = "-c" ]; then exit {int(old)}; fi\n'
        'echo "fake python3 ran: $*" >&2\nexit 3\n',
        encoding="utf-8",
    )
    path.chmod(0o755)
    return path


def setup_with(python: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed program
        [MAKE, "--no-print-directory", "setup", f"VENV_PY={python}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_an_old_python_is_refused_before_anything_is_installed(tmp_path: Path) -> None:
    result = setup_with(fake_python(tmp_path, "3.10.12"))
    assert result.returncode != 0
    assert "needs Python 3.11+" in result.stderr
    assert "Python 3.10.12" in result.stderr
    assert "make setup VENV_PY=" in result.stderr, "the message says how to name another interpreter"
    assert "fake python3 ran" not in result.stderr, "nothing may run before the check"
    assert "pip" not in result.stdout


def test_a_new_enough_python_passes_the_check(tmp_path: Path) -> None:
    result = setup_with(fake_python(tmp_path, "3.12.3"))
    # The check passes and the first step starts (the fake interpreter then refuses to make a virtualenv).
    assert "needs Python" not in result.stderr
    assert "[1/4]" in result.stdout
    assert "fake python3 ran: -m venv .venv" in result.stderr
