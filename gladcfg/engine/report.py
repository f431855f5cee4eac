"""A fleet's report (``gladcfg report``): per instance its health record, its pending plan
and its week of coverage in its own time zone and in UTC, with why each gap is one; across
the fleet, per language, which instances cover each hour of the week in UTC.

Nothing here is computed a second way: the plan is the one ``plan`` makes, the record is
the one ``status`` prints (:func:`~gladcfg.engine.status.status_record` over that plan),
and the weeks are what ``coverage`` computes. Each instance is planned once. The HTML view
is :mod:`gladcfg.render.html`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from gladcfg.config.routing import Routing
from gladcfg.engine.fleet import for_each_instance, valid, validate_each
from gladcfg.engine.session import open_instance
from gladcfg.engine.status import status_record
from gladcfg.hours.coverage import (
    WEEK_MINUTES,
    Coverage,
    GapCause,
    Interval,
    compute,
    gap_causes,
    intersect,
    merge,
    open_minutes,
    subtract,
    week_start,
)
from gladcfg.model.status import InstanceStatus

if TYPE_CHECKING:
    from gladcfg.config import ValidationReport, Workspace
    from gladcfg.engine.status import Explain
    from gladcfg.model.plan import Plan


@dataclass(frozen=True)
class Week:
    """A week of coverage, and the causes of each of its gaps (in ``coverage.gaps`` order)."""

    coverage: Coverage
    causes: list[list[GapCause]]


@dataclass(frozen=True)
class InstanceReport:
    """One instance: its record, or only the record of the error that stopped its check."""

    status: InstanceStatus
    plan: Plan | None = None
    read_at: str | None = None  # when its plan had read the instance, ISO 8601 UTC
    weeks: list[Week] = field(default_factory=list)  # its own zone first, then UTC

    @property
    def name(self) -> str:
        return self.status.instance

    @property
    def utc(self) -> Coverage | None:
        return self.weeks[-1].coverage if self.weeks else None


@dataclass(frozen=True)
class LanguageCover:
    """Who covers one language, hour by hour over the week in UTC: for each of the 168 hours,
    the instances with an inbox serving it open during some of that hour; the exact
    stretches (minutes from the week's start) when none is; and the stretches some of those
    instances promise it (their coverage targets)."""

    language: str
    hours: list[tuple[str, ...]]
    uncovered: list[Interval]
    promised: list[Interval]

    @property
    def missed(self) -> list[Interval]:
        """The stretches nobody covers although some instance promises them."""
        return list(intersect(self.uncovered, self.promised))


@dataclass(frozen=True)
class FleetReport:
    generated_at: str  # ISO 8601 UTC
    week_start: dt.datetime  # Monday 00:00 UTC of the week shown
    instances: list[InstanceReport]
    follow_the_sun: list[LanguageCover]

    @property
    def exit_code(self) -> int:
        """As ``status``: 1 when any check failed, 2 when any instance has drift, else 0."""
        states = {record.status.status for record in self.instances}
        return 1 if "error" in states else 2 if "drift" in states else 0


def build_report(
    workspace: Workspace,
    names: Sequence[str],
    *,
    now: dt.datetime,
    day: dt.date,
    explain: Explain,
    refresh: bool = True,
) -> FleetReport:
    """The report of every instance in ``names``, for the week holding ``day``: the files
    are validated one instance after the other and the instances are read a few at once,
    as ``status`` does; an instance whose check fails is reported as its error. Without
    ``refresh``, what an adapter read last may stand in for reading it again."""
    validated = validate_each(workspace, names)
    results = for_each_instance(
        names,
        lambda name: instance_report(workspace, name, valid(validated[name]), day, refresh=refresh),
    )
    instances = [
        result.value
        if result.value is not None
        else InstanceReport(
            InstanceStatus(
                instance=result.instance,
                status="error",
                error=explain(result.instance, result.error),
            )
        )
        for result in results
    ]
    start = week_start(day, ZoneInfo("UTC"))
    return FleetReport(
        generated_at=now.isoformat(timespec="seconds"),
        week_start=start,
        instances=instances,
        follow_the_sun=follow_the_sun(instances),
    )


def instance_report(
    workspace: Workspace,
    name: str,
    report: ValidationReport,
    day: dt.date,
    *,
    refresh: bool = True,
) -> InstanceReport:
    """One instance: a plan made now, its record, and its weeks in its zone and in UTC."""
    with open_instance(workspace, name) as session:
        plan = session.plan(report=report, refresh=refresh)
    read_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    state = Routing.of(report.states[name])
    target = workspace.project.policy_of(name).coverage
    utc = compute(state, target, day=day)
    zone = state.timezone
    zones = [compute(state, target, day=day, timezone=zone)] if zone != "UTC" else []
    return InstanceReport(
        status=status_record(name, plan, utc, session.freezes),
        plan=plan,
        read_at=read_at,
        weeks=[_week(state, coverage) for coverage in [*zones, utc]],
    )


def _week(state: Routing, coverage: Coverage) -> Week:

    return Week(coverage, [gap_causes(state, coverage.week_start, gap) for gap in coverage.gaps])


def follow_the_sun(instances: Sequence[InstanceReport]) -> list[LanguageCover]:
    """Per language any instance serves or promises, which instances cover each hour of the
    UTC week; a language is promised by the instances whose coverage target is for it (as
    their gaps are counted: :func:`~gladcfg.hours.coverage.find_gaps`)."""
    weeks = [(r.name, r.utc) for r in instances if r.utc is not None]
    languages = sorted(
        {language for _, week in weeks for language in (*week.languages, *week.promised)}
    )
    covers = []
    for language in languages:
        served = [
            (name, week.languages[language]) for name, week in weeks if language in week.languages
        ]
        hours = [
            tuple(name for name, opened in served if open_minutes(opened, hour // 24, hour % 24))
            for hour in range(7 * 24)
        ]
        anyone = merge(interval for _, opened in served for interval in opened)
        promised = merge(
            interval for _, week in weeks if language in week.promised for interval in week.target
        )
        uncovered = list(subtract([(0, WEEK_MINUTES)], anyone))
        covers.append(LanguageCover(language, hours, uncovered, promised))
    return covers
