"""One count of coverage gaps, the same in the coverage text, its JSON, status and the
report; a grid whose day headers never run into the hours; report anchors from names."""

from __future__ import annotations

import json
import re
import unicodedata
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
WEEK = ("-i", "staging", "--week", "2026-03-02")


def counted_everywhere(run_cli: RunCli, root: Path, out: Path) -> None:
    """Two stretches (00-08 and 20-24 New York), each leaving both languages without an
    inbox: four gaps in the JSON, the text, status and both parts of the report."""
    document = json.loads(run_cli("-C", root, "coverage", *WEEK, "--format", "json").stdout)
    assert len(document["gaps"]) == 4
    assert sorted(g["language"] for g in document["gaps"]) == ["en-US"] * 2 + ["es-US"] * 2
    text = run_cli("-C", root, "coverage", *WEEK).stdout
    assert "Gaps (4, in 2 stretches): no inbox open for the language" in text
    assert "Mon 2026-03-02 00:00 → Mon 08:00 America/New_York (8h): en-US, es-US" in (
        run_cli("-C", root, "coverage", *WEEK, "--timezone", "America/New_York").stdout
    )
    # Every week holds a Monday: status counts this week's the same way.
    status = json.loads(run_cli("-C", root, "status", "-i", "staging", "--format", "json").stdout)
    assert len(status["instances"][0]["coverage_gaps"]) == 4
    assert run_cli("-C", root, "report", *WEEK, "--out", out).exit_code == 0
    html = out.read_text()
    assert re.search(r'<td class="n">4</td>\s*(<td|</tr>)', html), "fleet table"
    assert "<caption>Gaps (4, in 2 stretches) in America/New_York</caption>" in html
    assert "<caption>Gaps (4, in 2 stretches) in UTC</caption>" in html


def test_every_output_counts_the_same_gaps(
    make_project: MakeProject, run_cli: RunCli, tmp_path: Path
) -> None:
    root = make_project(
        {"config/base.yaml": TWO_LANGUAGES}, project_yaml=(MOCK_PROJECT % "") + POLICY
    )
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    counted_everywhere(run_cli, root, tmp_path / "report.html")


def test_a_language_promised_twice_is_one_language(
    make_project: MakeProject, run_cli: RunCli, tmp_path: Path
) -> None:
    # en-us is en-US once normalised: its gaps are not counted twice.
    policy = POLICY + "    languages: [en-US, es-US, en-us]\n"
    root = make_project(
        {"config/base.yaml": TWO_LANGUAGES}, project_yaml=(MOCK_PROJECT % "") + policy
    )
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    counted_everywhere(run_cli, root, tmp_path / "report.html")


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


def columns(text: str) -> int:
    """The terminal columns ``text`` takes (wide East Asian characters take two)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def test_the_hours_line_up_under_the_ruler_whatever_the_names(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    # Six characters, twelve columns: padded by what a terminal shows, not by len().
    inbox = "東京サポート"
    files = {"config/base.yaml": TWO_LANGUAGES.replace("  support: {teams", f"  {inbox}: {{teams")}
    root = make_project(files, project_yaml=MOCK_PROJECT % "")
    for path in (root / "config").glob("*.yaml"):
        path.write_text(path.read_text().replace("inbox: support", f"inbox: {inbox}"))
    # The year 1 is written with four digits, as in every ISO date gladcfg prints.
    for week, monday in (("2026-03-02", "Mon 2026-03-02"), ("0001-01-10", "Mon 0001-01-08")):
        result = run_cli("-C", root, "coverage", "-i", "staging", "--week", week)
        assert result.exit_code == 0, result.output
        assert f"week of {monday} (UTC" in result.stdout
        lines = result.stdout.splitlines()
        header = next(line for line in lines if line.startswith("Mon "))
        ruler = re.fullmatch(rf"{monday} {{2,}}(0 {{5}}6 {{5}}12 {{4}}18)", header)
        assert ruler is not None, header
        rows = [line for line in lines if line.startswith("    ")]
        assert any(inbox in row for row in rows)
        for row in rows:
            first_cell = min(row.index(cell) for cell in "█▄·" if cell in row)
            assert columns(row[:first_cell]) == ruler.start(1), row


def test_report_anchors_come_from_names_and_never_clash() -> None:
    names = ["prod-us", "prod.us", "prod_us", "prod us", "prod~2e~us", "ev\u202eil", "東京", "%41"]
    found = anchors(names)
    # An instance name (letters, digits, '.', '_', '-') is its own anchor.
    assert found["prod-us"] == "i-prod-us"
    assert found["prod.us"] == "i-prod.us"
    assert found["prod_us"] == "i-prod_us"
    # Anything else as its code point, '~' and '%' (browsers decode it) included.
    assert found["prod us"] == "i-prod~20~us"
    assert found["prod~2e~us"] == "i-prod~7e~2e~7e~us"
    assert found["ev\u202eil"] == "i-ev~202e~il"
    assert found["東京"] == "i-~6771~~4eac~"
    assert found["%41"] == "i-~25~41"
    assert all(re.fullmatch(r"i-[A-Za-z0-9._~-]+", anchor) for anchor in found.values())
    assert len(set(found.values())) == len(found)
    # A name's anchor is its own, whichever other instances the report shows.
    assert anchors(list(reversed(names))) == found
    assert anchors(["prod.us"]) == {"prod.us": "i-prod.us"}
