"""The stretches a freeze holds (gladcfg.hours.freezes): zones and DST, the calendar's ends, inboxes
without hours, freezes that chain, and the horizon a schedule knows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gladcfg.config import Workspace, load_desired
from gladcfg.errors import RefusedError
from gladcfg.hours.freezes import HORIZON, enforce, frozen_message, schedule_of
from gladcfg.model.schedule import OpenHoursFreeze, WindowFreeze
from tests.clock import set_clock
from tests.conftest import BASE_RESOURCES, MakeProject

NOON = datetime(2027, 3, 10, 12, tzinfo=UTC)


def window(name: str, start: str, end: str, zone: str = "UTC") -> WindowFreeze:
    return WindowFreeze.model_validate({"name": name, "from": start, "to": end, "timezone": zone})


def test_a_window_follows_its_zones_dst() -> None:
    # New York springs forward at 02:00 on 14 March 2027: 01:00 is EST, 03:30 EDT.
    freeze = window("night", "2027-03-14T01:00", "2027-03-14T03:30", "America/New_York")
    (stretch,) = schedule_of("i", [freeze], None, NOON).stretches
    assert stretch.start == datetime(2027, 3, 14, 6, tzinfo=UTC)
    assert stretch.end == datetime(2027, 3, 14, 7, 31, tzinfo=UTC)
    assert stretch.what == "2027-03-14 01:00 to 2027-03-14 03:30 America/New_York"


def test_a_window_at_the_calendars_ends_holds_throughout() -> None:
    freeze = window("always", "0001-01-01", "9999-12-31", "Asia/Tokyo")
    schedule = schedule_of("i", [freeze], None, NOON)
    assert [s.freeze for s in schedule.in_force(NOON)] == ["always"]
    assert schedule.open_at(NOON) is None
    message = frozen_message(schedule, NOON)
    assert message == (
        "i is frozen for at least the next 35 days: always (0001-01-01 to 9999-12-31 Asia/Tokyo)"
    )


def test_freezes_that_meet_open_only_when_the_last_ends() -> None:
    first = window("one", "2027-03-10", "2027-03-10")
    second = window("two", "2027-03-11", "2027-03-12T09:29")
    later = window("later", "2027-03-20", "2027-03-21")
    schedule = schedule_of("i", [later, second, first], None, NOON)
    assert schedule.open_at(NOON) == datetime(2027, 3, 12, 9, 30, tzinfo=UTC)
    assert [s.freeze for s in schedule.upcoming(NOON)] == ["one", "two", "later"]
    # A window that ended before the schedule, or starts past its horizon, is left out.
    past = window("past", "2027-03-01", "2027-03-02")
    far = window("far", "2027-06-01", "2027-06-02")
    assert schedule_of("i", [past, far], None, NOON).stretches == ()


def state_of(make_project: MakeProject, resources: str):  # type: ignore[no-untyped-def]
    root: Path = make_project({"config/base.yaml": resources})
    return load_desired(Workspace.open(root), "staging").states["staging"]


def test_an_inbox_without_hours_is_always_open(make_project: MakeProject) -> None:
    resources = BASE_RESOURCES.replace(
        "  support: {teams: [tier1], business_hours: support}",
        "  support: {teams: [tier1], business_hours: support}\n  always: {teams: [tier1]}",
    )
    freeze = OpenHoursFreeze(name="live", during_open_hours=["inboxes.always"])
    schedule = schedule_of("staging", [freeze], state_of(make_project, resources), NOON)
    assert schedule.in_force(NOON) and schedule.open_at(NOON) is None


def test_open_hours_across_weeks_and_the_horizon(make_project: MakeProject) -> None:
    resources = BASE_RESOURCES.replace(
        '{mon-fri: ["08:00-20:00"]}', '{mon-sun: ["00:00-24:00"]}'
    ).replace("timezone: America/New_York\n    weekly", "timezone: UTC\n    weekly")
    freeze = OpenHoursFreeze(name="live", during_open_hours=["inboxes.support"])
    schedule = schedule_of("staging", [freeze], state_of(make_project, resources), NOON)
    # Open around the clock every day: one stretch across every week to the horizon.
    assert len(schedule.stretches) == 1
    assert schedule.stretches[0].end >= NOON + HORIZON
    assert schedule.open_at(NOON) is None


def test_an_apply_long_after_its_plan_plans_again(monkeypatch: pytest.MonkeyPatch) -> None:
    schedule = schedule_of("i", [window("w", "2030-01-01", "2030-01-02")], None, NOON)
    set_clock(monkeypatch, NOON + HORIZON + timedelta(seconds=1))
    with pytest.raises(RefusedError, match="planned more than 35 days ago"):
        enforce(schedule, break_glass=None)
    set_clock(monkeypatch, NOON + timedelta(days=1))
    assert enforce(schedule, break_glass="not needed") is None  # nothing held: no record
    assert enforce(None, break_glass=None) is None
