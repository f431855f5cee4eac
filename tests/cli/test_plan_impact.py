"""A plan's coverage impact through the real CLI on the mock: the hours each language gains
and loses over the coming 7 days and the gaps opened and closed, in text, markdown and JSON;
a warning for a gap in the promised hours; nothing for plans that change nothing coverage
reads."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.clock import set_clock
from tests.conftest import BASE_RESOURCES, PROJECT_YAML, MakeProject, RunCli

PROMISE = (
    'policy:\n  coverage:\n    timezone: America/New_York\n    weekly: {mon-fri: ["08:00-20:00"]}\n'
)
SHORTER = BASE_RESOURCES.replace('{mon-fri: ["08:00-20:00"]}', '{mon-fri: ["08:00-17:00"]}')
# The inbox closes at 17:00 in New York (22:00 UTC), not 20:00 (01:00 UTC), every weekday.
OPENED = [
    {"language": "en-US", "start": f"2026-{day}T22:00+00:00", "end": f"2026-{end}T01:00+00:00",
     "minutes": 180}
    for day, end in [("11-30", "12-01"), ("12-01", "12-02"), ("12-02", "12-03"),
                     ("12-03", "12-04"), ("12-04", "12-05")]
]  # fmt: skip


@pytest.fixture(autouse=True)
def monday(monkeypatch: pytest.MonkeyPatch) -> None:
    set_clock(monkeypatch, datetime(2026, 11, 30, 12, 0, 30, tzinfo=UTC))


def applied(make_project: MakeProject, run_cli: RunCli, project_yaml: str) -> Path:
    root = make_project({"config/base.yaml": BASE_RESOURCES}, project_yaml=project_yaml)
    result = run_cli("-C", root, "apply", "-i", "staging", "--auto-approve")
    assert result.exit_code == 0, result.output
    return root


def plan_json(run_cli: RunCli, root: Path) -> dict:  # type: ignore[type-arg]
    result = run_cli("-C", root, "plan", "-i", "staging", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_shorter_hours_lose_time_and_open_gaps_in_the_promise(
    make_project: MakeProject, run_cli: RunCli, tmp_path: Path
) -> None:
    root = applied(make_project, run_cli, PROJECT_YAML + PROMISE)
    (root / "config/base.yaml").write_text(SHORTER)
    plan = plan_json(run_cli, root)
    assert plan["coverage_impact"] == {
        "start": "2026-11-30T12:00+00:00",
        "end": "2026-12-07T12:00+00:00",
        "promised": True,
        "languages": [{"language": "en-US", "gained_minutes": 0, "lost_minutes": 900}],
        "gaps_opened": OPENED,
        "gaps_closed": [],
    }
    assert plan["warnings"] == [
        "the plan opens 5 coverage gap(s) in the hours policy.coverage promises, in the next "
        "7 days: en-US 2026-11-30 22:00 → 2026-12-01 01:00 UTC (3h); en-US 2026-12-01 22:00 → "
        "2026-12-02 01:00 UTC (3h); en-US 2026-12-02 22:00 → 2026-12-03 01:00 UTC (3h); en-US "
        "2026-12-03 22:00 → 2026-12-04 01:00 UTC (3h); en-US 2026-12-04 22:00 → 2026-12-05 "
        "01:00 UTC (3h)"
    ]
    text = run_cli("-C", root, "plan", "-i", "staging").stdout
    assert (
        "Coverage impact, the 7 days from 2026-11-30 12:00 UTC:\n  en-US: 15h lost\n"
        "  gap opened: en-US 2026-11-30 22:00 → 2026-12-01 01:00 UTC (3h)\n"
    ) in text
    markdown = run_cli("-C", root, "plan", "-i", "staging", "--format", "markdown").stdout
    assert (
        "#### Coverage impact, the 7 days from 2026-11-30 12:00 UTC\n\n"
        "| Language | Gained | Lost |\n|---|---|---|\n| en-US | 0m | 15h |\n\n"
        "- gap opened: en-US 2026-11-30 22:00 → 2026-12-01 01:00 UTC (3h)\n"
    ) in markdown
    # Saved, the plan keeps its impact: show gives it, and apply applies the plan.
    saved = tmp_path / "plan.json"
    assert run_cli("-C", root, "plan", "-i", "staging", "--out", saved).exit_code == 0
    assert "  en-US: 15h lost" in run_cli("-C", root, "show", saved).stdout
    result = run_cli("-C", root, "apply", saved)
    assert result.exit_code == 0, result.output
    # Undone, the same hours are gained back and the gaps closed.
    (root / "config/base.yaml").write_text(BASE_RESOURCES)
    back = plan_json(run_cli, root)["coverage_impact"]
    assert back["languages"] == [{"language": "en-US", "gained_minutes": 900, "lost_minutes": 0}]
    assert back["gaps_closed"] == OPENED and back["gaps_opened"] == []


def test_without_a_promise_a_loss_is_shown_and_no_gap_warned(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = applied(make_project, run_cli, PROJECT_YAML)
    (root / "config/base.yaml").write_text(SHORTER)
    plan = plan_json(run_cli, root)
    impact = plan["coverage_impact"]
    assert impact["promised"] is False and impact["languages"][0]["lost_minutes"] == 900
    # The only inbox sets the hours gaps are measured in: shorter, it opens none.
    assert impact["gaps_opened"] == [] and plan["warnings"] == []


def test_a_plan_of_answers_only_has_no_coverage_impact(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = applied(make_project, run_cli, PROJECT_YAML + PROMISE)
    (root / "config/base.yaml").write_text(BASE_RESOURCES.replace('"Closed"', '"Shut"'))
    plan = plan_json(run_cli, root)
    assert [c["address"] for c in plan["changes"]] == ["answers.closed"]
    assert "coverage_impact" not in plan
    assert "Coverage impact" not in run_cli("-C", root, "plan", "-i", "staging").stdout


def test_a_manual_change_is_not_counted_as_made(make_project: MakeProject, run_cli: RunCli) -> None:
    root = applied(make_project, run_cli, PROJECT_YAML + PROMISE)
    yaml = (
        PROJECT_YAML.replace("  staging:\n", "  staging:\n    read_only: [business_hours]\n")
        + PROMISE
    )
    (root / "gladcfg.yaml").write_text(yaml)
    (root / "config/base.yaml").write_text(SHORTER)
    plan = plan_json(run_cli, root)
    assert [c["action"] for c in plan["changes"]] == ["manual"]
    impact = plan["coverage_impact"]
    assert impact["languages"] == [] and impact["gaps_opened"] == []
    text = run_cli("-C", root, "plan", "-i", "staging").stdout
    assert "  no change to the hours any language is answered" in text


def test_a_policy_that_refuses_gaps_stops_apply_without_force(
    make_project: MakeProject, run_cli: RunCli, tmp_path: Path
) -> None:
    refuse = PROMISE + "  coverage_impact: refuse\n"
    root = applied(make_project, run_cli, PROJECT_YAML + refuse)
    (root / "config/base.yaml").write_text(SHORTER)
    refused = run_cli("-C", root, "apply", "-i", "staging", "--auto-approve")
    assert refused.exit_code == 1, refused.output
    assert (
        "error: the plan opens 5 coverage gap(s) in the hours policy.coverage promises"
    ) in refused.stderr
    assert "(policy.coverage_impact: refuse in gladcfg.yaml); pass --force to apply it anyway" in (
        refused.stderr
    )
    assert plan_json(run_cli, root)["summary"]["update"] == 1  # nothing was applied
    # A saved plan whose impact is taken out of the file is refused all the same.
    saved = tmp_path / "plan.json"
    assert run_cli("-C", root, "plan", "-i", "staging", "--out", saved).exit_code == 0
    document = json.loads(saved.read_text())
    del document["coverage_impact"]
    document["warnings"] = []
    saved.write_text(json.dumps(document))
    result = run_cli("-C", root, "apply", saved)
    assert result.exit_code == 1 and "coverage gap(s)" in result.stderr, result.output
    assert plan_json(run_cli, root)["summary"]["update"] == 1
    forced = run_cli("-C", root, "apply", "-i", "staging", "--auto-approve", "--force")
    assert forced.exit_code == 0, forced.output
    assert "coverage_impact" not in plan_json(run_cli, root)  # nothing left to change


def test_a_rollout_stops_after_the_wave_whose_apply_opened_a_gap(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    rollout = (
        "rollout:\n  - {name: canary, instances: [staging]}\n  - {name: rest, instances: ['*']}\n"
    )
    root = make_project({"config/base.yaml": SHORTER}, project_yaml=PROJECT_YAML + PROMISE)
    # Both instances hold the longer hours; the files now shorten them.
    (root / "config/base.yaml").write_text(BASE_RESOURCES)
    assert run_cli("-C", root, "apply", "--all", "--auto-approve").exit_code == 0
    (root / "config/base.yaml").write_text(SHORTER)
    (root / "gladcfg.yaml").write_text(PROJECT_YAML + PROMISE + rollout)
    result = run_cli("-C", root, "apply", "--all", "--auto-approve")
    assert result.exit_code == 1, result.output
    assert "Rollout: stopped at wave canary" in result.stdout
    assert "the apply opened coverage gaps: en-US 2026-11-30 22:00 → 2026-12-01 01:00 UTC (3h)" in (
        result.output
    )
    assert "  rest    not started  prod" in result.stdout
