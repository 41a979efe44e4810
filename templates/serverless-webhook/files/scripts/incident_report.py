"""Write a game day's incident report (docs/incidents/) from what the run measured.

render() holds the layout only: every time, count and quote comes from the Incident the scenario filled in while
it ran (scripts/gameday.py), so two runs differ exactly where their measurements do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path


@dataclass
class Incident:
    slug: str
    title: str
    time_scale: float
    started: float  # Unix seconds: the fault was injected
    ended: float = 0.0  # the scenario's last check
    timeline: list[tuple[float, str]] = field(default_factory=list)
    detected: float | None = None  # the first alarm went to ALARM
    mitigated: float | None = None  # the cause was removed
    recovered: float | None = None  # every delivery applied and the alarm back to OK
    alarm: str = ""  # the alarm's name
    detected_by: str = ""  # what detection was, when it was not the alarm going to ALARM
    alarm_said: str = ""  # its AlarmDescription in template.yaml
    alarm_rule: str = ""  # its condition, from template.yaml
    runbook_anchor: str = ""
    runbook_said: str = ""  # the section's opening paragraph, from docs/runbook.md
    actions: list[str] = field(default_factory=list)  # what was done, step by step
    impact: list[str] = field(default_factory=list)
    sent: int = 0
    applied_once: int = 0
    applied_twice: int = 0
    follow_ups: list[str] = field(default_factory=list)

    def mark(self, when: float, what: str) -> None:
        self.timeline.append((when, what))

    @property
    def lost(self) -> int:
        return self.sent - self.applied_once - self.applied_twice


def clock(when: float) -> str:
    return datetime.fromtimestamp(when, UTC).strftime("%H:%M:%S.%f")[:-3]


def day(when: float) -> str:
    return datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%d")


def span(incident: Incident, until: float | None) -> str:
    """A duration since the fault, measured, and what it stands for at the stack's own timings."""
    if until is None:
        return "not reached in this run"
    seconds = until - incident.started
    return f"{seconds:.2f} s measured ({seconds * incident.time_scale:.0f} s at the stack's timings)"


def render(incident: Incident) -> str:
    lines = [
        f"# {day(incident.started)}: {incident.title}",
        "",
        f"Game day run from {clock(incident.started)} to {clock(incident.ended)} UTC on {day(incident.started)},"
        f" offline against the local pipeline (moto), every stack timing divided by {incident.time_scale:g}.",
        "",
        "## Impact",
        "",
        f"- deliveries sent: {incident.sent}; applied exactly once: {incident.applied_once}; "
        f"applied twice: {incident.applied_twice}; lost: {incident.lost}",
        *[f"- {line}" for line in incident.impact],
        "",
        "## Times",
        "",
        "| from the fault to | time |",
        "| --- | --- |",
        f"| detect ({incident.detected_by or f'`{incident.alarm}` in ALARM'}) | {span(incident, incident.detected)} |",
        f"| mitigate (cause removed) | {span(incident, incident.mitigated)} |",
        f"| recover (all applied, alarm OK) | {span(incident, incident.recovered)} |",
        "",
        "## What the alarm and the runbook said",
        "",
        f"- alarm `{incident.alarm}`: {incident.alarm_said}",
        f"- its condition: {incident.alarm_rule}",
        f"- [docs/runbook.md#{incident.runbook_anchor}](../runbook.md#{incident.runbook_anchor}): "
        f"{incident.runbook_said}",
        "",
        "## Timeline (UTC)",
        "",
        "| time | +s | what happened |",
        "| --- | --- | --- |",
    ]
    for when, what in sorted(incident.timeline, key=lambda entry: entry[0]):
        lines.append(f"| {clock(when)} | {when - incident.started:+.2f} | {what} |")
    lines += ["", "## What was done", ""]
    lines += [f"{number}. {action}" for number, action in enumerate(incident.actions, 1)]
    lines += ["", "## Follow-ups", ""]
    lines += [f"- {item}" for item in incident.follow_ups] or ["- none: every delivery was applied exactly once"]
    return "\n".join(lines) + "\n"


def write(incident: Incident, folder: Path) -> Path:
    """docs/incidents/<date>-<slug>.md; a rerun on the same day replaces that day's report of the scenario."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{day(incident.started)}-{incident.slug}.md"
    path.write_text(render(incident), encoding="utf-8")
    return path


def runbook_sections(text: str) -> dict[str, str]:
    """docs/runbook.md's `## ` sections by anchor, each with its opening paragraph."""
    sections = {}
    for block in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        heading, _, body = block.partition("\n")
        anchor = re.sub(r"[^a-z0-9 -]", "", heading.strip().lower()).replace(" ", "-")
        paragraph = body.strip().split("\n\n", 1)[0]
        sections[anchor] = " ".join(paragraph.split())
    return sections
