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
from tests.conftest import BASE_RESOURCES, BILINGUAL_RESOURCES, PROJECT_YAML, MakeProject, RunCli

PROMISE = (
    'policy:\n  coverage:\n    timezone: America/New_York\n    weekly: {mon-fri: ["08:00-20:00"]}\n'
)
SHORTER = BASE_RESOURCES.replace('{mon-fri: ["08:00-20:00"]}', '{mon-fri: ["08:00-17:00"]}')
# The inbox closes at 17:00 in New York (22:00 UTC), not 20:00 (01:00 UTC), every weekday.
OPENED = [
    {"language": "en-US", "start": f"2026-{day}T22:00+00:00", "end": f"2026-{end}T01:00+00:00",
     "local_start": f"2026-{day}T17:00-05:00", "local_end": f"2026-{day}T20:00-05:00",
     "minutes": 180, "causes": ["no hours"], "changes": ["business_hours.support"]}
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
        "timezone": "America/New_York",
        "promised": True,
        "languages": [{"language": "en-US", "gained_minutes": 0, "lost_minutes": 900}],
        "inboxes": [{"inbox": "support", "gained_minutes": 0, "lost_minutes": 900}],
        "gaps_opened": OPENED,
        "gaps_closed": [],
        "inboxes_without_team": [],
        "entry_points_never_open": [],
        "after_hours_replies_lost": [],
    }
    assert plan["warnings"] == [
        "the plan opens 5 coverage gap(s) in the hours policy.coverage promises, in the 7 days "
        "from 2026-11-30 12:00 UTC: en-US 2026-11-30 22:00 → 2026-12-01 01:00 UTC (3h); en-US "
        "2026-12-01 22:00 → 2026-12-02 01:00 UTC (3h); en-US 2026-12-02 22:00 → 2026-12-03 "
        "01:00 UTC (3h); and 2 more"
    ]
    text = run_cli("-C", root, "plan", "-i", "staging").stdout
    assert (
        "Coverage impact, the 7 days from 2026-11-30 12:00 UTC (2026-11-30 07:00 "
        "America/New_York):\n  en-US: 15h lost\n  inbox support: 15h lost\n"
        "  gap opened: en-US 2026-11-30 22:00 → 2026-12-01 01:00 UTC (3h), "
        "2026-11-30 17:00 → 20:00 America/New_York\n"
        "      cause: no hours · changed: business_hours.support\n"
    ) in text
    markdown = run_cli("-C", root, "plan", "-i", "staging", "--format", "markdown").stdout
    assert (
        "#### Coverage impact, the 7 days from 2026-11-30 12:00 UTC (2026-11-30 07:00 "
        "America/New_York)\n\n"
        "| Language | Gained | Lost |\n|---|---|---|\n| en-US | 0m | 15h |\n\n"
        "- gap opened: en-US 2026-11-30 22:00 → 2026-12-01 01:00 UTC (3h), 2026-11-30 17:00 → "
        "20:00 America/New_York — cause: no hours · changed: business_hours.support\n"
    ) in markdown
    assert (
        "<details><summary>Hours by inbox (1)</summary>\n\n| Inbox | Gained | Lost |\n"
        "|---|---|---|\n| support | 0m | 15h |\n\n</details>\n"
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
    assert back["gaps_closed"] == OPENED and back["gaps_opened"] == []  # as they were, why


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


def test_each_language_and_inbox_counts_its_own_hours(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = make_project({"config/base.yaml": BILINGUAL_RESOURCES})
    assert run_cli("-C", root, "apply", "-i", "staging", "--auto-approve").exit_code == 0
    # The Spanish inbox opens an hour earlier; the English one closes an hour earlier.
    (root / "config/base.yaml").write_text(
        BILINGUAL_RESOURCES.replace('["09:00-17:00"]', '["08:00-17:00"]').replace(
            '["08:00-20:00"]', '["08:00-19:00"]'
        )
    )
    impact = plan_json(run_cli, root)["coverage_impact"]
    assert impact["languages"] == [
        {"language": "en-US", "gained_minutes": 0, "lost_minutes": 300},
        {"language": "es-US", "gained_minutes": 300, "lost_minutes": 0},
    ]
    assert impact["inboxes"] == [
        {"inbox": "spanish", "gained_minutes": 300, "lost_minutes": 0},
        {"inbox": "support", "gained_minutes": 0, "lost_minutes": 300},
    ]
    text = run_cli("-C", root, "plan", "-i", "staging").stdout
    assert "  en-US: 5h lost\n  es-US: 5h gained\n  inbox spanish: 5h gained\n" in text


def test_a_holiday_opens_a_gap_that_names_it(make_project: MakeProject, run_cli: RunCli) -> None:
    root = applied(make_project, run_cli, PROJECT_YAML + PROMISE)
    holiday = BASE_RESOURCES.replace(
        '    weekly: {mon-fri: ["08:00-20:00"]}\n',
        '    weekly: {mon-fri: ["08:00-20:00"]}\n'
        "    holidays: [{date: 2026-12-25, name: Christmas Day}]\n",
    )
    (root / "config/base.yaml").write_text(holiday)
    # Not in the coming 7 days: coverage does not change.
    impact = plan_json(run_cli, root)["coverage_impact"]
    assert impact["languages"] == [] and impact["gaps_opened"] == []
    # The week of Christmas, from Monday 00:00 in the instance's zone.
    week = run_cli("-C", root, "plan", "-i", "staging", "--week", "2026-12-21", "--format", "json")
    impact = json.loads(week.stdout)["coverage_impact"]
    assert (impact["start"], impact["end"]) == ("2026-12-21T05:00+00:00", "2026-12-28T05:00+00:00")
    assert impact["gaps_opened"] == [
        {
            "language": "en-US",
            "start": "2026-12-25T13:00+00:00",
            "end": "2026-12-26T01:00+00:00",
            "local_start": "2026-12-25T08:00-05:00",
            "local_end": "2026-12-25T20:00-05:00",
            "minutes": 720,
            "causes": ["holiday: Christmas Day (support)"],
            "changes": ["business_hours.support"],
        }
    ]
    text = run_cli("-C", root, "plan", "-i", "staging", "--week", "2026-12-21").stdout
    assert "Coverage impact, the 7 days from 2026-12-21 05:00 UTC (2026-12-21 00:00 " in text
    assert "      cause: holiday: Christmas Day (support) · changed: business_hours.support" in text


def test_the_first_and_last_weeks_are_counted_and_those_beyond_refused(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = applied(make_project, run_cli, PROJECT_YAML + PROMISE)
    (root / "config/base.yaml").write_text(SHORTER)
    for day, start in (("0001-01-15", "0001-01-15T04:56"), ("9999-12-19", "9999-12-19T05:00")):
        result = run_cli("-C", root, "plan", "-i", "staging", "--week", day, "--format", "json")
        assert result.exit_code == 0, result.output
        impact = json.loads(result.stdout)["coverage_impact"]
        assert impact["start"].startswith(start)
        assert impact["languages"][0]["lost_minutes"] == 900  # five whole weekdays
    for day in ("0001-01-14", "9999-12-20"):
        result = run_cli("-C", root, "plan", "-i", "staging", "--week", day)
        assert result.exit_code == 1
        assert f"{day} is outside the weeks gladcfg can show" in result.stderr


def test_inboxes_and_entry_points_left_unanswered(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    chat = (
        BASE_RESOURCES.replace(
            "entry_points:\n",
            "entry_points:\n  web-chat: {channel: chat, address: acme-web, inbox: support}\n",
        )
        .replace("entry_points: [support-email]", "entry_points: [support-email, web-chat]")
        .replace(
            "business_hours:\n", "business_hours:\n  never:\n    timezone: UTC\n    weekly: {}\n"
        )
    )
    root = make_project({"config/base.yaml": chat})
    assert run_cli("-C", root, "apply", "-i", "staging", "--auto-approve").exit_code == 0
    # The support inbox loses its team; a new night inbox is never open and the e-mail goes
    # there; the after-hours rule no longer covers the chat.
    (root / "config/base.yaml").write_text(
        chat.replace("  support: {teams: [tier1], business_hours: support}",
                     "  support: {business_hours: support}\n"
                     "  night: {teams: [tier1], business_hours: never}")
        .replace("    inbox: support\n    audience: acme", "    inbox: night\n    audience: acme")
        .replace("entry_points: [support-email, web-chat]", "entry_points: [support-email]")
    )  # fmt: skip
    impact = plan_json(run_cli, root)["coverage_impact"]
    assert impact["inboxes_without_team"] == ["support"]
    assert impact["entry_points_never_open"] == [
        {"entry_point": "support-email", "channel": "email", "inbox": "night"}
    ]
    assert impact["after_hours_replies_lost"] == [
        {"entry_point": "web-chat", "channel": "chat", "inbox": "support"}
    ]
    text = run_cli("-C", root, "plan", "-i", "staging").stdout
    assert "  inbox support is left with no team\n" in text
    assert (
        "  entry point support-email (email) goes to inbox night, not open at all in these 7 days\n"
    ) in text
    assert (
        "  entry point web-chat (chat, inbox support) loses its after-hours reply: no enabled "
        "outside_business_hours rule covers it\n"
    ) in text
    markdown = run_cli("-C", root, "plan", "-i", "staging", "--format", "markdown").stdout
    assert "- inbox support is left with no team\n" in markdown
    # Undone, nothing is left unanswered that was not before.
    assert run_cli("-C", root, "apply", "-i", "staging", "--auto-approve").exit_code == 0
    (root / "config/base.yaml").write_text(chat)
    impact = plan_json(run_cli, root)["coverage_impact"]
    assert impact["inboxes_without_team"] == impact["entry_points_never_open"] == []
    assert impact["after_hours_replies_lost"] == []


def test_the_markdown_section_stays_small_however_many_gaps(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    letters = "abcdefghijklmnopqrstuvwxyz"
    many = [f"{a}{b}-US" for a in letters for b in letters][:150]
    resources = BASE_RESOURCES.replace("languages: [en-US]", f"languages: [{', '.join(many)}]")
    root = applied(make_project, run_cli, PROJECT_YAML + PROMISE)
    (root / "config/base.yaml").write_text(resources)
    assert run_cli("-C", root, "apply", "-i", "staging", "--auto-approve").exit_code == 0
    split = resources.replace('"08:00-20:00"', '"09:00-12:00", "13:00-17:00"')
    (root / "config/base.yaml").write_text(split)
    impact = plan_json(run_cli, root)["coverage_impact"]
    # Each language, each weekday: 08-09, 12-13 and 17-20 New York time.
    assert len(impact["gaps_opened"]) == 150 * 15
    markdown = run_cli("-C", root, "plan", "-i", "staging", "--format", "markdown").stdout
    section = markdown[markdown.index("#### Coverage impact") : markdown.index("#### Warnings")]
    bullets = [line for line in section.splitlines() if line.startswith("- gap opened: ")]
    assert len(bullets) == 10 and all(len(line) <= 402 for line in bullets)
    assert bullets[0].startswith("- gap opened: aa-US, ab-US, ")
    assert "- … and 5 more stretch(es) of gaps opened\n" in section
    assert "| … and 140 more | | |" in section
    assert len(section.encode()) < 8000
    text = run_cli("-C", root, "plan", "-i", "staging").stdout
    assert text.count("\n  gap opened: ") == 15  # a stretch each, every language on it
    assert "more stretch(es)" not in text


def test_the_report_shows_the_pending_plans_impact(
    make_project: MakeProject, run_cli: RunCli, tmp_path: Path
) -> None:
    root = applied(make_project, run_cli, PROJECT_YAML + PROMISE)
    (root / "config/base.yaml").write_text(SHORTER)
    out = tmp_path / "report.html"
    result = run_cli("-C", root, "report", "-i", "staging", "--out", out)
    assert result.exit_code == 2, result.output  # drift
    html = out.read_text()
    assert (
        "<h4>Coverage impact, the 7 days from 2026-11-30 12:00 UTC (2026-11-30 07:00 "
        "America/New_York)</h4>"
    ) in html
    assert "<li><bdi>en-US: 15h lost</bdi></li>" in html
    assert (
        "<li><bdi>gap opened: en-US 2026-11-30 22:00 → 2026-12-01 01:00 UTC (3h), 2026-11-30 "
        "17:00 → 20:00 America/New_York</bdi><br><small><bdi>cause: no hours · changed: "
        "business_hours.support</bdi></small></li>"
    ) in html
