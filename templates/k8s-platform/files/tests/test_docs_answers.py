"""The docs say only what holds for the answers this project was generated from (.scaffold/answers.toml).

Each test reads the answers and the rendered docs, and fails on a sentence that is untrue for them: a claim
made for another answer set, or a promise the manifests do not keep.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

from layout import team_dir

ROOT = Path(__file__).resolve().parent.parent
RECORD = tomllib.loads((ROOT / ".scaffold/answers.toml").read_text(encoding="utf-8"))
ANSWERS = {**RECORD.get("derived", {}), **RECORD["answers"]}
README = (ROOT / "README.md").read_text(encoding="utf-8")
UPGRADE = (ROOT / "docs/upgrade-plan.md").read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    """The text under a `## heading`, up to the next heading of that level."""
    found = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert found, f"no section {heading!r}"
    return found.group(1)


def diagram() -> str:
    found = re.search(r"```mermaid\n(.*?)```", README, re.S)
    assert found, "the README has no architecture diagram"
    return found.group(1)


def test_the_api_is_called_fail_closed_only_when_a_secret_guards_it() -> None:
    if ANSWERS["secrets"] == "none":
        assert "fails closed" not in README
        assert "`POST /api/echo` is open" in README
    else:
        assert "`POST /api/echo` fails closed" in README


def test_serving_through_a_drain_is_promised_only_with_two_replicas_or_more() -> None:
    promise = "keeps serving while a node drains"
    if ANSWERS["min_replicas"] < 2:
        assert promise not in UPGRADE
        assert "With a\n   single replica the service is down" in UPGRADE
    else:
        assert promise in UPGRADE


def test_the_host_is_reached_in_a_way_that_works_for_any_name() -> None:
    assert "nip.io resolves" not in README
    if ANSWERS["ingress"] == "ingress-nginx":
        assert f"curl --resolve {ANSWERS['host']}:80:127.0.0.1 http://{ANSWERS['host']}/" in README


def test_the_diagram_draws_an_hpa_only_when_there_is_one() -> None:
    has_hpa = ANSWERS["min_replicas"] != ANSWERS["max_replicas"]
    assert ("HPA" in diagram()) == has_hpa


def test_the_namespace_carries_the_labels_the_readme_says() -> None:
    sentence = re.search(r"The namespace and every pod carry (.*?);", README, re.S)
    assert sentence, "the README no longer says which labels the namespace carries"
    claimed = set(re.findall(r"`([a-z-]+)`", sentence.group(1)))
    namespace = yaml.safe_load((team_dir() / "namespace.yaml").read_text(encoding="utf-8"))
    assert claimed == {"team", "owner", "cost-center"}
    assert claimed <= set(namespace["metadata"]["labels"])


def test_the_rollback_goes_through_whoever_owns_the_release() -> None:
    rollback = section(UPGRADE, "Rollback")
    if ANSWERS["gitops"] == "none":
        assert f"helm -n {ANSWERS['owner_team']} rollback {ANSWERS['name']}" in rollback
    else:
        assert "git revert" in rollback
        assert "`helm rollback` by hand would be undone" in rollback
        assert not re.search(r"`helm -n \S+ rollback", rollback)


def test_the_pins_table_does_not_call_the_kind_minor_the_newest_upstream() -> None:
    row = next(line for line in UPGRADE.splitlines() if line.startswith("| Kubernetes (kind nodes"))
    assert "newest minor in upstream" not in row
    assert "kind" in row.split("|")[6]


def test_a_count_of_one_reads_singular_in_the_docs() -> None:
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    for doc in docs:
        text = doc.read_text(encoding="utf-8")
        found = re.search(r"\b1 (replicas|pods|nodes|clusters)\b", text)
        assert found is None, f"{doc.relative_to(ROOT)}: {found.group(0) if found else ''}"
