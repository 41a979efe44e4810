"""A pytest plugin: a skipped or expected-to-fail test fails the run.

A skipped test proves nothing, yet pytest reports the run as passed. tests/conftest.py
loads these hooks, so `make check` (and CI) exits non-zero and names every test that did not run.
"""

from __future__ import annotations

import pytest

_NOT_RUN: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        how = "xfailed" if hasattr(report, "wasxfail") else "skipped"
        _NOT_RUN.append(f"{report.nodeid} ({how})")


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.skipped:  # a whole module skipped, e.g. by pytest.importorskip
        _NOT_RUN.append(f"{report.nodeid} (skipped at collection)")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _NOT_RUN and exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter) -> None:
    if _NOT_RUN:
        terminalreporter.write_line(
            f"error: {len(_NOT_RUN)} test(s) did not run, and a test that does not run proves nothing:", red=True
        )
        for name in _NOT_RUN:
            terminalreporter.write_line(f"  {name}", red=True)
        terminalreporter.write_line("Install what they need or delete them; do not skip them.", red=True)
