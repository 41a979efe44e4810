"""tests/no_skips.py: a run with a skipped or xfailed test fails, a clean run passes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent


def run_pytest(tmp_path: Path, test_source: str) -> subprocess.CompletedProcess:
    (tmp_path / "conftest.py").write_text("from no_skips import *  # noqa: F403\n")
    (tmp_path / "test_sample.py").write_text(test_source)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    env = dict(os.environ, PYTHONPATH=str(TESTS))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("source", "how"),
    [
        ("import pytest\n\n@pytest.mark.skip(reason='no tool')\ndef test_a():\n    pass\n", "skipped"),
        ("import pytest\n\ndef test_a():\n    pytest.skip('later')\n", "skipped"),
        ("import pytest\n\n@pytest.mark.xfail(reason='known')\ndef test_a():\n    assert False\n", "xfailed"),
    ],
)
def test_a_test_that_does_not_run_fails_the_run(tmp_path, source, how):
    result = run_pytest(tmp_path, "def test_ok():\n    pass\n\n\n" + source)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"test_sample.py::test_a ({how})" in result.stdout
    assert "did not run" in result.stdout


def test_a_module_skipped_at_collection_fails_the_run(tmp_path):
    result = run_pytest(tmp_path, "import pytest\n\npytest.importorskip('no_such_module_here')\n")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "test_sample.py (skipped at collection)" in result.stdout


def test_a_run_where_every_test_ran_passes(tmp_path):
    result = run_pytest(tmp_path, "def test_ok():\n    pass\n")
    assert result.returncode == 0, result.stdout + result.stderr
