"""Why a coverage gap is one: a holiday, no hours, or a language no inbox serves."""

from __future__ import annotations

import datetime as dt

import pytest

from gladcfg.config import Workspace, load_desired
from gladcfg.config.routing import Routing
from gladcfg.hours.coverage import compute, gap_causes
from tests.conftest import BASE_RESOURCES, PROJECT_YAML, MakeProject

POLICY = """\
policy:
  coverage:
    timezone: America/New_York
    weekly: {mon-fri: ["06:00-20:00"]}
"""


def test_each_gap_is_cut_by_its_causes(make_project: MakeProject) -> None:
    resources = BASE_RESOURCES.replace("languages: [en-US]", "languages: [en-US, es-US]")
    resources = resources.replace(
        "  support: {teams: [tier1], business_hours: support}",
        "  support: {teams: [tier1], business_hours: support, languages: [en-US]}",
    ).replace(
        '    weekly: {mon-fri: ["08:00-20:00"]}',
        '    weekly: {mon-fri: ["08:00-20:00"]}\n'
        "    holidays:\n"
        '      - {date: 2026-11-25, name: Short day, hours: ["10:00-20:00"]}\n'
        "      - {date: 2026-11-26}",
    )
    root = make_project({"config/base.yaml": resources}, project_yaml=PROJECT_YAML + POLICY)
    workspace = Workspace.open(root)
    state = Routing.of(load_desired(workspace, "staging").states["staging"])
    coverage = compute(
        state,
        workspace.project.policy_of("staging").coverage,
        day=dt.date(2026, 11, 23),
        timezone="America/New_York",
    )

    def explained(language: str) -> list[list[tuple[str, str, str, str]]]:
        return [
            [
                (
                    f"{coverage.at(c.start):%a %H:%M}",
                    f"{coverage.at(c.end):%a %H:%M}",
                    c.cause,
                    c.detail,
                )
                for c in gap_causes(state, coverage.week_start, gap)
            ]
            for gap in coverage.gaps
            if gap.language == language
        ]

    english = explained("en-US")
    assert english[0] == [("Mon 06:00", "Mon 08:00", "no hours", "")]
    # Wednesday opens at 10 for its short day: two hours without hours, two of the holiday.
    assert english[2] == [
        ("Wed 06:00", "Wed 08:00", "no hours", ""),
        ("Wed 08:00", "Wed 10:00", "holiday", "Short day (support)"),
    ]
    # Thursday's holiday has no name: its date stands for it.
    assert english[3] == [
        ("Thu 06:00", "Thu 08:00", "no hours", ""),
        ("Thu 08:00", "Thu 20:00", "holiday", "2026-11-26 (support)"),
    ]
    spanish = explained("es-US")
    assert len(spanish) == 5
    assert spanish[0] == [("Mon 06:00", "Mon 20:00", "language missing", "")]


def test_a_gap_lasts_as_long_as_the_language_is_unanswered(make_project: MakeProject) -> None:
    # Promised Monday and Tuesday around the clock, open 08-20: the night between is one
    # gap per language, not one per day or per promised range.
    policy = (
        "policy:\n  coverage:\n    timezone: America/New_York\n"
        '    weekly: {mon: ["00:00-24:00"], tue: ["00:00-12:00", "12:00-24:00"]}\n'
    )
    resources = BASE_RESOURCES.replace("languages: [en-US]", "languages: [en-US, es-US]")
    root = make_project({"config/base.yaml": resources}, project_yaml=PROJECT_YAML + policy)
    workspace = Workspace.open(root)
    state = Routing.of(load_desired(workspace, "staging").states["staging"])
    target = workspace.project.policy_of("staging").coverage
    coverage = compute(state, target, day=dt.date(2026, 3, 4), timezone="America/New_York")
    shown = [
        (gap.language, f"{coverage.at(gap.start):%a %H:%M}", f"{coverage.at(gap.end):%a %H:%M}")
        for gap in coverage.gaps
    ]
    assert shown == [
        (language, start, end)
        for language in ("en-US", "es-US")
        for start, end in (
            ("Mon 00:00", "Mon 08:00"),
            ("Mon 20:00", "Tue 08:00"),
            ("Tue 20:00", "Wed 00:00"),
        )
    ]


def test_the_weeks_past_the_calendar_are_refused_by_name(make_project: MakeProject) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    workspace = Workspace.open(root)
    state = Routing.of(load_desired(workspace, "staging").states["staging"])
    # The first and last weeks whose days, and a day either side, the calendar holds.
    for day in (dt.date(1, 1, 8), dt.date(9999, 12, 26)):
        for zone in ("Pacific/Kiritimati", "Etc/GMT+12"):
            assert compute(state, None, day=day, timezone=zone).gaps == []
    for day in (dt.date(1, 1, 7), dt.date(9999, 12, 27), dt.date.max, dt.date.min):
        with pytest.raises(ValueError, match=r"from 0001-01-08 to 9999-12-26"):
            compute(state, None, day=day)
