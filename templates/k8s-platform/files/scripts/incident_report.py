"""Write a game day's incident report (docs/incidents/<UTC date>-<scenario>.md) from what the run recorded.

scripts/gameday.sh appends one JSON line per record to a facts file while a scenario runs: a timeline entry
(`mark`), a measured fact (`fact`) or the time of a milestone (`stamp`: started, detected, mitigated, recovered,
resolved, ended). The clients' per-second counts are a file of their own, named by the `load` fact. render() holds
the layout only: every time, count and quote comes from those records or from the runbook page of the alert, so
two runs differ exactly where their measurements do.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MILESTONES = ("started", "detected", "mitigated", "recovered", "resolved", "ended")
LISTS = ("mark", "action", "follow_up", "not_observed")


@dataclass
class Run:
    facts: dict[str, str] = field(default_factory=dict)
    times: dict[str, float] = field(default_factory=dict)
    lists: dict[str, list[tuple[float, str]]] = field(default_factory=lambda: {key: [] for key in LISTS})
    load: list[dict[str, int]] = field(default_factory=list)


def read(facts: Path) -> Run:
    run = Run()
    for line in facts.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        entry = json.loads(line)
        key, value, at = entry["key"], str(entry["value"]), float(entry["at"])
        if key in MILESTONES:
            run.times.setdefault(key, at)
        elif key in LISTS:
            run.lists[key].append((at, value))
        else:
            run.facts[key] = value
    if "load" in run.facts and Path(run.facts["load"]).is_file():
        text = Path(run.facts["load"]).read_text(encoding="utf-8")
        run.load = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    for needed in ("scenario", "title"):
        if needed not in run.facts:
            raise ValueError(f"{facts}: no `{needed}` fact: the scenario did not record it")
    if "started" not in run.times or "ended" not in run.times:
        raise ValueError(f"{facts}: no `started` or `ended` stamp: the scenario did not run to its end")
    return run


def clock(when: float) -> str:
    return datetime.fromtimestamp(when, UTC).strftime("%H:%M:%S")


def day(when: float) -> str:
    return datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%d")


def span(run: Run, milestone: str) -> str:
    if milestone not in run.times:
        return "not reached in this run"
    seconds = run.times[milestone] - run.times["started"]
    return f"{seconds:.0f} s ({clock(run.times[milestone])} UTC)"


def traffic(run: Run) -> tuple[int, int, list[int]]:
    """Requests the clients sent from the second the fault started, how many of them failed, and the seconds (Unix)
    in which some failed. The clients' warm-up before the fault is not the incident's."""
    during = [second for second in run.load if second["t"] >= int(run.times["started"])]
    failed = sum(second["failed"] for second in during)
    return sum(second["ok"] for second in during) + failed, failed, [s["t"] for s in during if s["failed"]]


def runbook_page(alert: str, service: str, root: Path = ROOT) -> Path | None:
    """The runbook page named after the alert: the hit service's own runbooks/ folder, else the platform's
    docs/runbooks/. Another service's page never stands in: its commands name another namespace and host."""
    found = [root / "services" / service / "runbooks" / f"{alert}.md", root / "docs/runbooks" / f"{alert}.md"]
    return next((page for page in found if page.is_file()), None)


def runbook_said(page: Path) -> tuple[str, str]:
    """The page's opening paragraph and the first item of its Mitigation section, each on one line."""
    text = page.read_text(encoding="utf-8")
    opening = text.split("\n\n")[1] if "\n\n" in text else ""
    mitigation = re.search(r"^## Mitigation\n\n- (.+?)(?=\n- |\n\n|\Z)", text, re.M | re.S)
    return " ".join(opening.split()), " ".join(mitigation.group(1).split()) if mitigation else ""


def render(run: Run, root: Path = ROOT) -> str:
    started, ended = run.times["started"], run.times["ended"]
    facts = run.facts
    sent, failed, failing = traffic(run)
    share = f" ({100 * failed / sent:.1f}%)" if sent else ""
    lines = [
        f"# {day(started)}: {facts['title']}",
        "",
        f"Game day `{facts['scenario']}` from {clock(started)} to {clock(ended)} UTC on {day(started)}, on the kind"
        f" cluster of `make cluster deploy`: service {facts.get('service', '?')}, GitOps `{facts.get('gitops', '?')}`,"
        f" monitoring `{facts.get('monitoring', '?')}`. Every figure below was measured in this run.",
        "",
        "## Impact",
        "",
        f"- client requests sent from the start of the fault: {sent}; failed: {failed}{share}",
    ]
    if failing:
        lines.append(f"- failures between {clock(min(failing))} and {clock(max(failing) + 1)} UTC")
    if "hog_asked" in facts:
        admitted = f"{facts.get('hog_created')} of {facts['hog_asked']} asked for"
        lines.append(f"- pods of the noisy team admitted by its quota: {admitted}")
    if "paged" in facts:
        lines.append(f"- ServiceAvailabilityBurnRate fired during the drain: {facts['paged']}")
    lines += [
        "",
        "## Times",
        "",
        "| from the start of the fault to | after |",
        "| --- | --- |",
        f"| detect ({facts.get('detected_by', 'not detected')}) | {span(run, 'detected')} |",
        f"| mitigate | {span(run, 'mitigated')} |",
        f"| recover | {span(run, 'recovered')} |",
    ]
    if "detected" in run.times and facts.get("alert", "none") != "none":
        lines.append(f"| alert resolved at the receiver | {span(run, 'resolved')} |")
    lines += ["", "## What the alert and its runbook said", ""]
    alert = facts.get("alert", "none")
    # The service fact is `namespace/name`.
    page = runbook_page(alert, facts.get("service", "").rsplit("/", 1)[-1], root) if alert != "none" else None
    if page is None:
        lines.append("- no alert of this project watches this fault; the detection above is what showed it")
    else:
        opening, mitigation = runbook_said(page)
        relative = page.relative_to(root).as_posix()
        lines += [f"- alert `{alert}`, runbook [{relative}](../../{relative}): {opening}"]
        if mitigation:
            lines.append(f"- its Mitigation, first step: {mitigation}")
    if run.lists["not_observed"]:
        lines += ["", "## What this run could not observe", ""]
        lines += [f"- {text}" for _, text in run.lists["not_observed"]]
    lines += ["", "## Timeline (UTC)", "", "| time | +s | what happened |", "| --- | --- | --- |"]
    for when, what in sorted(run.lists["mark"]):
        lines.append(f"| {clock(when)} | {when - started:+.1f} | {what} |")
    lines += ["", "## What was done", ""]
    lines += [f"{number}. {text}" for number, (_, text) in enumerate(run.lists["action"], 1)]
    follow_ups = [text for _, text in run.lists["follow_up"]]
    if facts["scenario"] == "node-drain" and failed:
        cause = "find which eviction cut them (readiness, drainSeconds, the PDB)"
        follow_ups.append(f"{failed} requests failed during the drain: {cause}.")
    follow_ups += [f"Find out why: {text}" for _, text in run.lists["not_observed"] if "monitoring is none" not in text]
    lines += ["", "## Follow-ups", ""]
    lines += [f"- {text}" for text in follow_ups] or ["- none: the fault was handled within its bounds"]
    return "\n".join(lines) + "\n"


def write(run: Run, folder: Path, root: Path = ROOT) -> Path:
    """docs/incidents/<date>-<scenario>.md; a rerun on the same day replaces that day's report of the scenario."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{day(run.times['started'])}-{run.facts['scenario']}.md"
    path.write_text(render(run, root), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=Path, required=True, help="the facts file scripts/gameday.sh wrote")
    parser.add_argument("--out", type=Path, required=True, help="the folder of the reports (docs/incidents)")
    args = parser.parse_args(argv)
    try:
        path = write(read(args.facts), args.out)
    except (OSError, ValueError) as error:
        print(f"incident_report: {error}", file=sys.stderr)
        return 1
    print(f"incident_report: wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
