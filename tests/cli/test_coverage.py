"""gladcfg coverage: the week grid and its gaps, on the shipped example and on small projects."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import BILINGUAL_RESOURCES, PROJECT_YAML, MakeProject, RunCli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "acme"
PLAIN_WEEK = "2026-11-11"  # no holiday in any region
THANKSGIVING_WEEK = "2026-11-23"


@pytest.fixture
def example(tmp_path: Path) -> Path:
    root = tmp_path / "acme"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".gladcfg"))
    return root


@pytest.mark.parametrize("instance", ["staging", "prod-us", "prod-eu"])
def test_the_example_as_shipped_has_no_gap(example: Path, run_cli: RunCli, instance: str) -> None:
    result = run_cli("-C", example, "coverage", "-i", instance, "--week", PLAIN_WEEK)
    assert result.exit_code == 0, result.output
    assert "No gaps: every language has an open inbox across the hours policy.coverage" in (
        result.stdout
    )
    document = json.loads(
        run_cli(
            "-C", example, "coverage", "-i", instance, "--week", PLAIN_WEEK, "--format", "json"
        ).stdout
    )
    assert document["gaps"] == [] and document["target"] == "policy"
    # Wednesday, 11:00-12:00 UTC: only EMEA is open (APAC closed at 10, Americas opens at 13).
    assert document["inboxes"]["acme-emea"]["wed"][11] == 60
    assert document["inboxes"]["acme-apac"]["wed"][11] == 0
    assert document["inboxes"]["acme-americas"]["wed"][11] == 0


def test_removing_one_regions_hours_opens_a_gap(example: Path, run_cli: RunCli) -> None:
    hours = example / "config/hours.yaml"
    text = hours.read_text()
    emea = '    weekly:\n      mon-fri: ["08:00-18:00"]\n    holidays:\n      - {date: 2026-12-25'
    assert text.count(emea) == 1
    hours.write_text(text.replace(emea, "    weekly: {}\n    holidays:\n      - {date: 2026-12-25"))
    assert hours.read_text() != text  # EMEA's weekly hours are gone
    result = run_cli("-C", example, "coverage", "-i", "prod-us", "--week", PLAIN_WEEK)
    assert result.exit_code == 0, result.output
    # Between APAC closing (10:00 UTC) and the Americas opening (13:00 UTC, winter).
    for day in ("Mon 2026-11-09", "Fri 2026-11-13"):
        assert f"  {day} 10:00 → {day[:3]} 13:00 UTC (3h): en-US, es-US, fr-CA" in result.stdout
    assert "Gaps (15, in 5 stretches): no inbox open for the language" in result.stdout


def test_holidays_count(example: Path, run_cli: RunCli) -> None:
    result = run_cli(
        "-C", example, "coverage", "-i", "prod-us", "--week", THANKSGIVING_WEEK, "--format", "json"
    )
    gaps = json.loads(result.stdout)["gaps"]
    assert {(g["language"], g["start"], g["end"], g["minutes"]) for g in gaps} == {
        (language, "2026-11-26T18:00:00+00:00", "2026-11-27T00:00:00+00:00", 360)
        for language in ("en-US", "es-US", "fr-CA")
    }


def test_languages_inboxes_and_silent_entry_points(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    resources = BILINGUAL_RESOURCES
    sms = (
        "entry_points:\n  text-us:\n    channel: sms\n    address: '+14155550100'\n"
        "    inbox: support\n"
    )
    root = make_project({"config/base.yaml": resources, "config/sms.yaml": sms})
    result = run_cli(
        "-C",
        root,
        "coverage",
        "-i",
        "staging",
        "--week",
        PLAIN_WEEK,
        "--timezone",
        "America/New_York",
    )
    assert result.exit_code == 0, result.output
    # No policy: the target is when any inbox is open; Spanish is open 09-17 of 08-20.
    assert "(America/New_York; target: open hours)" in result.stdout
    assert "Mon 2026-11-09 08:00 → Mon 09:00 America/New_York (1h): es-US" in result.stdout
    assert "Mon 2026-11-09 17:00 → Mon 20:00 America/New_York (3h): es-US" in result.stdout
    assert "sms entry point text-us (inbox support)" in result.stdout
    markdown = run_cli(
        "-C", root, "coverage", "-i", "staging", "--week", PLAIN_WEEK, "--format", "markdown"
    )
    assert markdown.stdout.startswith("### Coverage of staging, week of Mon 2026-11-09 (UTC")
    assert "```text\n" in markdown.stdout and "- sms entry point text-us" in markdown.stdout
    bad = run_cli("-C", root, "coverage", "-i", "staging", "--timezone", "Mars/Olympus")
    assert bad.exit_code == 1 and "Mars/Olympus" in bad.stderr


def test_an_instance_can_promise_its_own_coverage(example: Path, run_cli: RunCli) -> None:
    project = example / "gladcfg.yaml"
    text = project.read_text()
    own = "    policy: {required_languages: [en-GB]}"
    assert own in text
    project.write_text(
        text.replace(
            own,
            "    policy:\n      required_languages: [en-GB]\n"
            "      coverage: {timezone: UTC, weekly: {sat: ['10:00-12:00']}}",
        )
    )
    result = run_cli("-C", example, "coverage", "-i", "prod-eu", "--week", PLAIN_WEEK)
    assert result.exit_code == 0, result.output
    # Saturday 10-12 UTC: only the Americas would be open, and they open at 15:00 UTC.
    assert "Sat 2026-11-14 10:00 → Sat 12:00 UTC (2h): en-GB, fr-FR, de-DE" in result.stdout


@pytest.mark.parametrize("week", ["0001-01-10", "9999-12-20"])
@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+12"])
def test_the_first_and_last_weeks_show_in_any_time_zone(
    example: Path, run_cli: RunCli, tmp_path: Path, week: str, zone: str
) -> None:
    hours = example / "config/hours.yaml"  # inboxes as far ahead and behind as zones go
    text = hours.read_text()
    moved = text.replace("Europe/Dublin", "Etc/GMT-14").replace("Asia/Singapore", "Etc/GMT+12")
    assert moved.count("Etc/GMT") == 2
    hours.write_text(moved)
    for form in ("text", "json", "markdown"):
        args = ("-i", "prod-us", "--week", week, "--timezone", zone, "--format", form)
        result = run_cli("-C", example, "coverage", *args)
        assert result.exit_code == 0, result.output
    out = tmp_path / "r.html"
    result = run_cli("-C", example, "report", "-i", "prod-us", "--week", week, "--out", out)
    assert result.exit_code == 2, result.output  # drift: nothing applied
    assert out.exists()


def test_the_promised_languages_hold_without_promised_hours(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    # Spanish is open 09-17 of the 08-20 the English inbox is: a gap only if promised.
    resources = BILINGUAL_RESOURCES
    policy = "policy:\n  coverage: {languages: [en-US]}\n"
    root = make_project({"config/base.yaml": resources}, project_yaml=PROJECT_YAML + policy)
    args = ("-C", root, "coverage", "-i", "staging", "--week", PLAIN_WEEK, "--format", "json")
    document = json.loads(run_cli(*args).stdout)
    assert document["target"] == "open hours" and document["gaps"] == []
    text = run_cli(*args[:-2]).stdout  # es-US is not said to be answered all along
    assert "No gaps: en-US, as promised, has an open inbox across the hours some inbox" in text
