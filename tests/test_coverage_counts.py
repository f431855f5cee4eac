"""One count of coverage gaps, the same in the coverage text, its JSON, status and the
report; a grid whose day headers never run into the hours; report anchors from names."""

from __future__ import annotations

import json
import re
from pathlib import Path

from gladcfg.render.html import anchors
from tests.cli.test_plan_apply import MOCK_PROJECT
from tests.conftest import BASE_RESOURCES, MakeProject, RunCli

# Both languages are promised around the clock on Mondays; the one inbox is open 08-20.
POLICY = """\
policy:
  coverage:
    timezone: America/New_York
    weekly: {mon: ["00:00-24:00"]}
"""
TWO_LANGUAGES = BASE_RESOURCES.replace("languages: [en-US]", "languages: [en-US, es-US]")


def test_every_output_counts_the_same_gaps(
    make_project: MakeProject, run_cli: RunCli, tmp_path: Path
) -> None:
    root = make_project(
        {"config/base.yaml": TWO_LANGUAGES}, project_yaml=(MOCK_PROJECT % "") + POLICY
    )
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    week = ("-i", "staging", "--week", "2026-03-02")
    document = json.loads(run_cli("-C", root, "coverage", *week, "--format", "json").stdout)
    # Two stretches (00-08 and 20-24), each leaving both languages without an inbox.
    assert len(document["gaps"]) == 4
    text = run_cli("-C", root, "coverage", *week).stdout
    assert "Gaps (4, in 2 stretch(es)): no inbox open for the language" in text
    out = tmp_path / "report.html"
    assert run_cli("-C", root, "report", *week, "--out", out).exit_code == 0
    html = out.read_text()
    assert re.search(r'<td class="n">4</td>\s*(<td|</tr>)', html), "fleet table"
    assert "<caption>Gaps (4) in America/New_York</caption>" in html


def test_the_day_header_never_runs_into_the_hours(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    for inbox in ("s", "a-very-long-inbox-name-for-the-north-american-team"):
        files = {
            "config/base.yaml": TWO_LANGUAGES.replace("  support: {teams", f"  {inbox}: {{teams")
        }
        root = make_project(files, project_yaml=MOCK_PROJECT % "")
        for path in (root / "config").glob("*.yaml"):
            path.write_text(path.read_text().replace("inbox: support", f"inbox: {inbox}"))
        result = run_cli("-C", root, "coverage", "-i", "staging", "--week", "2026-03-02")
        assert result.exit_code == 0, result.output
        header = next(line for line in result.stdout.splitlines() if line.startswith("Mon "))
        assert re.fullmatch(r"Mon 2026-03-02 {2,}0 {5}6 {5}12 {4}18", header), header


def test_report_anchors_come_from_names_and_never_clash() -> None:
    found = anchors(["prod-us", "prod.us", "prod us", "prod-2e-us", "ev\u202eil", "東京"])
    assert found["prod-us"] == "i-prod-us"
    assert found["prod.us"] == "i-prod-2e-us"
    assert found["prod-2e-us"] == "i-prod-2e-us-2"
    assert found["ev\u202eil"] == "i-ev-202e-il"
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", anchor) for anchor in found.values())
    assert len(set(found.values())) == len(found)
