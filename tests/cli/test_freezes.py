"""Change freezes through the real CLI on the mock: apply refuses while a freeze holds (a
window, or some inboxes' open hours with their holidays), ``--break-glass`` applies and
keeps the reason, plan says when applying would be refused, and the globs are checked."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.clock import set_clock
from tests.conftest import BASE_RESOURCES, PROJECT_YAML, MakeProject, RunCli, stored

BLACK_FRIDAY = (
    "      - {name: Black Friday, from: '2026-11-27T00:00', to: '2026-11-30T23:59', "
    "timezone: America/New_York}\n"
)
LIVE_HOURS = "      - {name: live hours, during_open_hours: ['inboxes.sup*']}\n"
HOLIDAY = BASE_RESOURCES.replace(
    '    weekly: {mon-fri: ["08:00-20:00"]}',
    '    weekly: {mon-fri: ["08:00-20:00"]}\n    holidays:\n'
    "      - {date: 2026-11-26, name: Thanksgiving}",
)


def frozen(make_project: MakeProject, *freezes: str, resources: str = BASE_RESOURCES) -> Path:
    """The two-instance project with ``freezes`` on staging."""
    yaml = PROJECT_YAML.replace(
        "    vars: {support_email: support@staging.acme.example}\n",
        "    vars: {support_email: support@staging.acme.example}\n    freeze:\n" + "".join(freezes),
    )
    return make_project({"config/base.yaml": resources}, project_yaml=yaml)


def at(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    set_clock(monkeypatch, datetime.fromisoformat(text).replace(tzinfo=UTC))


def objects(root: Path, instance: str = "staging") -> int:
    path = root / f".gladcfg/state/{instance}.db"
    if not path.exists():
        return 0
    return sum(len(by_name) for by_name in stored(root, instance)["objects"].values())


REFUSED_BF = (
    "staging is frozen until 2026-12-01 05:00 UTC: Black Friday (2026-11-27 00:00 to "
    "2026-11-30 23:59 America/New_York). Nothing was applied: apply once the freeze ends, "
    "or pass --break-glass REASON to apply anyway"
)


def test_a_window_freeze_refuses_apply_from_its_start_to_the_end_of_its_last_minute(
    make_project: MakeProject, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = frozen(make_project, BLACK_FRIDAY)
    # 00:00 New York on the 27th is 05:00 UTC; 23:59 on the 30th ends at 05:00 UTC on the 1st.
    for moment in ("2026-11-27T05:00", "2026-11-29T12:00", "2026-12-01T04:59:59"):
        at(monkeypatch, moment)
        result = run_cli("-C", root, "apply", "-i", "staging", "--auto-approve")
        assert result.exit_code == 1, (moment, result.output)
        assert REFUSED_BF in result.stderr, result.stderr
        assert "Traceback" not in result.output
        assert objects(root) == 0, moment
    for moment in ("2026-11-27T04:59", "2026-12-01T05:00"):
        at(monkeypatch, moment)
        result = run_cli("-C", root, "apply", "-i", "staging", "--auto-approve")
        assert result.exit_code == 0, (moment, result.output)
        run_cli("-C", root, "state", "reset", "-i", "staging", "--yes")


def test_the_plan_says_when_applying_would_be_refused_and_until_when(
    make_project: MakeProject, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = frozen(make_project, BLACK_FRIDAY)
    at(monkeypatch, "2026-11-28T12:00")
    result = run_cli("-C", root, "plan", "-i", "staging", "--format", "json")
    assert result.exit_code == 0, result.output
    warning = (
        "applying now would be refused: staging is frozen until 2026-12-01 05:00 UTC: "
        "Black Friday (2026-11-27 00:00 to 2026-11-30 23:59 America/New_York); "
        "--break-glass REASON applies anyway"
    )
    assert warning in json.loads(result.stdout)["warnings"]
    assert warning in run_cli("-C", root, "plan", "-i", "staging").output
    # prod has no freeze; and once staging has nothing to write, there is nothing to refuse.
    assert "frozen" not in run_cli("-C", root, "plan", "-i", "prod").output
    at(monkeypatch, "2026-12-02T12:00")
    assert run_cli("-C", root, "apply", "-i", "staging", "--auto-approve").exit_code == 0
    at(monkeypatch, "2026-11-28T12:00")
    result = run_cli("-C", root, "plan", "-i", "staging")
    assert result.exit_code == 0 and "frozen" not in result.output, result.output


def test_break_glass_applies_and_the_reason_is_in_the_report_and_the_rollback_plan(
    make_project: MakeProject, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = frozen(make_project, BLACK_FRIDAY)
    at(monkeypatch, "2026-11-28T15:00")
    undo, kept = tmp_path / "undo.json", tmp_path / "report.json"
    result = run_cli(
        "-C", root, "apply", "-i", "staging", "--auto-approve", "--rollback-out", undo,
        "--break-glass", "INC-42:  the closed  reply is wrong", "--report-out", kept,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (instance,) = json.loads(kept.read_text())["instances"]
    assert instance["break_glass"] == {
        "reason": "INC-42: the closed reply is wrong",
        "freezes": ["Black Friday"],
        "at": "2026-11-28T15:00:00+00:00",
    }
    record = (
        "applied at 2026-11-28 15:00 UTC during Black Friday with --break-glass: "
        "INC-42: the closed reply is wrong"
    )
    assert f"Break-glass: {record}" in result.stdout
    assert json.loads(undo.read_text())["break_glass"] == record
    assert objects(root) > 0
    # The rollback plan is applied under the same freeze: it needs the glass broken too.
    refused = run_cli("-C", root, "apply", "--rollback", "--allow-delete", undo)
    assert refused.exit_code == 1 and "staging is frozen until" in refused.stderr
    result = run_cli(
        "-C", root, "apply", "--rollback", "--allow-delete", undo, "--break-glass", "undo INC-42"
    )
    assert result.exit_code == 0, result.output
    assert objects(root) == 0


@pytest.mark.parametrize("reason", ["", "   ", "a\x1b[2Jb", "x" * 501])
def test_a_break_glass_reason_is_words(
    make_project: MakeProject, run_cli: RunCli, reason: str
) -> None:
    root = frozen(make_project, BLACK_FRIDAY)
    result = run_cli(
        "-C", root, "apply", "-i", "staging", "--auto-approve", "--break-glass", reason
    )
    assert result.exit_code != 0
    assert "give the reason in words" in result.stderr
    assert objects(root) == 0


def test_an_open_hours_freeze_follows_the_inboxes_hours_and_holidays(
    make_project: MakeProject, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = frozen(make_project, LIVE_HOURS, resources=HOLIDAY)
    # Wednesday 2 December, 10:00 in New York: open until 20:00 EST, 01:00 UTC.
    at(monkeypatch, "2026-12-02T15:00")
    result = run_cli("-C", root, "apply", "-i", "staging", "--auto-approve")
    assert result.exit_code == 1, result.output
    assert (
        "staging is frozen until 2026-12-03 01:00 UTC: live hours (while inboxes.support is open)."
    ) in result.stderr
    # Thanksgiving, 10:00 in New York: the inbox is closed for the holiday.
    at(monkeypatch, "2026-11-26T15:00")
    result = run_cli("-C", root, "apply", "-i", "staging", "--auto-approve")
    assert result.exit_code == 0, result.output


def test_a_saved_plan_is_refused_when_it_would_start_writing_in_a_freeze(
    make_project: MakeProject, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = frozen(make_project, BLACK_FRIDAY)
    saved = tmp_path / "plan.json"
    at(monkeypatch, "2026-11-26T12:00")  # planned and reviewed the day before
    assert run_cli("-C", root, "plan", "-i", "staging", "--out", saved).exit_code == 0
    at(monkeypatch, "2026-11-27T12:00")
    result = run_cli("-C", root, "apply", saved)
    assert result.exit_code == 1 and REFUSED_BF in result.stderr, result.output
    assert objects(root) == 0
    result = run_cli("-C", root, "apply", saved, "--break-glass", "merge window slipped")
    assert result.exit_code == 0, result.output
    assert "during Black Friday with --break-glass: merge window slipped" in result.stdout


def test_freezes_of_the_project_and_the_instance_merge_by_name(
    make_project: MakeProject, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    project_freeze = (
        "freeze:\n  - {name: Black Friday, from: '2026-11-27', to: '2026-11-30', "
        "timezone: America/New_York}\n"
    )
    # staging's own Black Friday (a shorter one) takes the place of the project's.
    root = frozen(
        make_project,
        "      - {name: Black Friday, from: '2026-11-27', to: '2026-11-27'}\n",
    )
    (root / "gladcfg.yaml").write_text((root / "gladcfg.yaml").read_text() + project_freeze)
    at(monkeypatch, "2026-11-29T12:00")
    result = run_cli("-C", root, "apply", "--all", "--auto-approve")
    assert result.exit_code == 1, result.output
    assert "prod is frozen until 2026-12-01 05:00 UTC: Black Friday" in result.stderr
    assert "staging is frozen" not in result.output
    assert objects(root, "staging") > 0 and objects(root, "prod") == 0


def test_freeze_errors_name_the_line_and_field(make_project: MakeProject, run_cli: RunCli) -> None:
    typo = "      - {name: nowhere, during_open_hours: ['inboxes.suport', 'inboxes.sup*']}\n"
    result = run_cli("-C", frozen(make_project, typo), "validate")
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(
        "gladcfg.yaml:8:45: error: instances.staging.freeze[0].during_open_hours[0]: freeze "
        "'nowhere': 'inboxes.suport' matches no inbox (did you mean 'inboxes.support'?) [staging]"
    ), result.stderr
    root = frozen(
        make_project,
        "      - {name: backwards, from: '2026-12-02', to: '2026-12-01'}\n",
        "      - {name: no day, from: '2026-02-30', to: '2026-03-01'}\n",
        "      - {name: offset, from: '2026-03-01T09:00+01:00', to: '2026-03-02'}\n",
    )
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1, result.output
    for reported in (
        "instances.staging.freeze[0]: the freeze ends (2026-12-01) before it starts (2026-12-02)",
        "instances.staging.freeze[1].from: '2026-02-30' is not a date of the calendar",
        "instances.staging.freeze[2].from: '2026-03-01T09:00+01:00' is not a date or a local "
        "time; write e.g. 2026-11-27 or 2026-11-27T09:00 (no offset: the zone is 'timezone')",
    ):
        assert reported in result.stderr, result.stderr
    assert "Traceback" not in result.output


def test_status_and_the_report_show_the_freezes_and_the_next_open_window(
    make_project: MakeProject, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = frozen(make_project, BLACK_FRIDAY, LIVE_HOURS)
    at(monkeypatch, "2026-11-28T12:00")  # Saturday: the inbox is closed, Black Friday holds
    document = json.loads(run_cli("-C", root, "status", "--format", "json").stdout)
    staging, prod = document["instances"]
    assert staging["freezes"] == [
        {
            "name": "Black Friday",
            "what": "2026-11-27 00:00 to 2026-11-30 23:59 America/New_York",
            "in_force": True,
            "start": "2026-11-28T12:00:00+00:00",
            "end": "2026-12-01T05:00:00+00:00",
        },
        {
            "name": "live hours",
            "what": "while inboxes.support is open",
            "in_force": False,
            "start": "2026-11-30T13:00:00+00:00",
            "end": "2026-12-01T01:00:00+00:00",
        },
    ]
    # Monday's open hours end at 01:00 UTC, as Black Friday's last minute ends at 05:00.
    assert staging["open_for_changes"] == "2026-12-01T05:00:00+00:00"
    assert prod["freezes"] == [] and "open_for_changes" not in prod
    text = run_cli("-C", root, "status", "-i", "staging").stdout
    assert "  frozen until 2026-12-01 05:00 UTC: Black Friday (2026-11-27 00:00 to " in text
    out = tmp_path / "r.html"
    assert run_cli("-C", root, "report", "-i", "staging", "--out", out).exit_code == 2
    assert "<strong>Changes:</strong> frozen until 2026-12-01 05:00 UTC: Black Friday" in (
        out.read_text()
    )
