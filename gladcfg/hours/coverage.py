"""Who is open when: a week of an instance's business hours, in UTC or any time zone.

Everything is computed from the files (never the remote): each inbox's business hours, with
that week's holidays, become open intervals; a language is open while any inbox serving it
is. A gap is one promised language without an open inbox over one stretch of the coverage
target (``policy.coverage``, or else the hours when any inbox is open), counted by
:func:`find_gaps` alone. Follow-the-sun teams check with this that regions hand over
without a hole.

Intervals are minutes from the start of the week (Monday 00:00 in the display time zone).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from gladcfg.config.routing import Routing
from gladcfg.kinds.business_hours import BusinessHours
from gladcfg.model.project import CoverageTarget
from gladcfg.model.status import CoverageGap, SilentEntryPoint
from gladcfg.model.types import WEEKDAYS, hours_by_day, range_minutes

WEEK_MINUTES = 7 * 24 * 60
Interval = tuple[int, int]  # [start, end) in minutes from the start of the week

# The Mondays of the first and last weeks whose days, and a day either side for time zones
# ahead of or behind the one shown, Python's calendar (years 1 to 9999) holds.
FIRST_MONDAY = date(1, 1, 8)
LAST_MONDAY = date(9999, 12, 20)


@dataclass(frozen=True)
class Gap:
    """One coverage gap, as :func:`find_gaps` defines it: ``language`` has no open inbox
    from ``start`` to ``end``."""

    language: str
    start: int
    end: int

    @property
    def minutes(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class Coverage:
    instance: str
    week_start: datetime  # Monday 00:00 in ``timezone``
    timezone: str
    inboxes: dict[str, list[Interval]]
    languages: dict[str, list[Interval]]
    target: list[Interval]
    target_source: str  # "policy" or "open hours"
    gaps: list[Gap] = field(default_factory=list)
    promised: list[str] = field(default_factory=list)  # the languages gaps are looked for in
    silent: list[SilentEntryPoint] = field(default_factory=list)

    def at(self, minute: int) -> datetime:
        return self.week_start + timedelta(minutes=minute)


def week_start(day: date, zone: ZoneInfo) -> datetime:
    """Monday 00:00 of the week holding ``day``, in ``zone``; a ValueError for a week
    outside :data:`FIRST_MONDAY` to :data:`LAST_MONDAY`, whose days could not be counted."""
    monday = day - timedelta(days=day.weekday())
    if not FIRST_MONDAY <= monday <= LAST_MONDAY:
        raise ValueError(
            f"the week of {day.isoformat()} is outside the weeks gladcfg can show: give a day "
            f"from {FIRST_MONDAY.isoformat()} to {(LAST_MONDAY + timedelta(days=6)).isoformat()}"
        )
    return datetime.combine(monday, time(0), tzinfo=zone)


def compute(
    routing: Routing, target: CoverageTarget | None, *, day: date, timezone: str = "UTC"
) -> Coverage:
    zone = ZoneInfo(timezone)
    start = week_start(day, zone)
    inboxes = _opened(inbox_schedules(routing), start)
    served = served_by(routing)
    languages = {
        language: merge(i for inbox in names for i in inboxes[inbox])
        for language, names in served.items()
    }
    if target is not None and target.weekly:
        schedule = BusinessHours(timezone=target.timezone, weekly=target.weekly)
        wanted, source = open_intervals(schedule, start), "policy"
    else:
        wanted, source = merge(i for opened in inboxes.values() for i in opened), "open hours"
    # The languages policy.coverage promises (each once, however often written), else all.
    wanted_languages = target.languages if target is not None and target.languages else languages
    promised = list(dict.fromkeys(wanted_languages))
    gaps = find_gaps(wanted, languages, promised)
    silent = [
        SilentEntryPoint(entry_point=name, channel=channel, inbox=inbox)
        for name, channel, inbox in routing.silent()
    ]
    return Coverage(
        routing.instance,
        start,
        timezone,
        inboxes,
        languages,
        wanted,
        source,
        gaps,
        promised,
        silent,
    )


def _opened(
    schedules: dict[str, BusinessHours | None], start: datetime
) -> dict[str, list[Interval]]:
    """Each inbox's open intervals in the week from ``start``. Inboxes keeping the same
    hours (one schedule, or schedules alike but for their holidays' names) share one list:
    a large instance has many inboxes and few ways of keeping hours."""
    always = [(0, WEEK_MINUTES)]
    by_schedule: dict[object, list[Interval]] = {}
    opened: dict[str, list[Interval]] = {}
    for name, schedule in schedules.items():
        if schedule is None:
            opened[name] = always
            continue
        key = _hours_key(schedule)
        if key not in by_schedule:
            by_schedule[key] = open_intervals(schedule, start)
        opened[name] = by_schedule[key]
    return opened


def _hours_key(schedule: BusinessHours) -> object:
    """What :func:`open_intervals` reads of ``schedule``, hashable."""
    weekly = tuple((day, tuple(ranges)) for day, ranges in schedule.weekly.items())
    holidays = tuple((holiday.date, tuple(holiday.hours)) for holiday in schedule.holidays)
    return schedule.timezone, weekly, holidays


def find_gaps(
    target: Sequence[Interval], languages: dict[str, list[Interval]], promised: Sequence[str]
) -> list[Gap]:
    """The one count of coverage gaps. A gap is one promised language over one maximal
    stretch of ``target`` (the hours policy.coverage promises, in its own time zone, or
    without it the hours some inbox is open) during which no inbox serving that language is
    open. Maximal: it lasts as long as the language stays unanswered, across midnight and
    across promised ranges that meet (Monday 00:00-24:00 and Tuesday 00:00-24:00 make one
    stretch), cut only at the edges of the week shown; minutes count, not whole hours.

    Each language is its own promise, answered by its own agents and fixed on its own, so a
    stretch that leaves three languages unanswered is three gaps; a language promised twice
    (``en-US`` and ``en-us``) is one. The coverage text and JSON, status and the report all
    count these gaps, in time order per language, and group them by stretch only to show
    them. A week shown in another time zone starts at another instant, so its gaps may
    differ at the week's edges.
    """
    return [
        Gap(language, a, b)
        for language in dict.fromkeys(promised)
        for a, b in subtract(target, languages.get(language, []))
    ]


def inbox_schedules(routing: Routing) -> dict[str, BusinessHours | None]:
    """Each inbox's business hours, by inbox name in order (None: open around the clock)."""
    return {
        name: routing.hours.get(inbox.business_hours) if inbox.business_hours else None
        for name, inbox in sorted(routing.inboxes.items())
    }


def served_by(routing: Routing) -> dict[str, list[str]]:
    """The inboxes serving each language: an inbox serves its ``languages``, or all of the
    instance's; a configured language no inbox serves has none."""
    served: dict[str, list[str]] = {language: [] for language in routing.languages}
    for name, inbox in sorted(routing.inboxes.items()):
        for language in inbox.languages if inbox.languages is not None else routing.languages:
            served.setdefault(language, []).append(name)
    return served


@dataclass(frozen=True)
class GapCause:
    """Why part of a gap ``[start, end)`` has no open inbox: ``holiday`` (an inbox serving
    the language would be open but for the holidays in ``detail``), ``language missing`` (no
    inbox serves it) or ``no hours`` (no inbox serving it has hours then)."""

    start: int
    end: int
    cause: str
    detail: str = ""


def gap_causes(routing: Routing, week_start: datetime, gap: Gap) -> list[GapCause]:
    """``gap`` of the week from ``week_start`` (a :class:`Coverage`'s) cut into stretches
    of one cause each, in time order."""
    inboxes = served_by(routing).get(gap.language, [])
    if not inboxes:
        return [GapCause(gap.start, gap.end, "language missing")]
    schedules = inbox_schedules(routing)
    closed: list[Interval] = []
    holidays: dict[str, list[str]] = {}  # holiday → the inboxes it closed
    for inbox in inboxes:
        schedule = schedules[inbox]
        if schedule is None or not schedule.holidays:
            continue
        usual = open_intervals(schedule.model_copy(update={"holidays": []}), week_start)
        lost = list(intersect([(gap.start, gap.end)], usual))
        if not lost:
            continue
        closed.extend(lost)
        zone = ZoneInfo(schedule.timezone)
        # Only the holidays of the days open_intervals looks at: the week and a day either
        # side (a holiday in year 9999 must not be counted a day past the calendar).
        first = week_start.astimezone(zone).date() - timedelta(days=1)
        for holiday in schedule.holidays:
            if not 0 <= (holiday.date - first).days < 9:
                continue
            midnight = datetime.combine(holiday.date, time(0), tzinfo=zone)
            opens = _minutes(midnight - week_start)
            closes = _minutes(_local(midnight, 1440) - week_start)
            if any(a < closes and opens < b for a, b in lost):
                holidays.setdefault(holiday.name or holiday.date.isoformat(), []).append(inbox)
    held = merge(closed)
    detail = "; ".join(f"{name} ({', '.join(names)})" for name, names in holidays.items())
    parts = [GapCause(a, b, "holiday", detail) for a, b in held]
    parts += [GapCause(a, b, "no hours") for a, b in subtract([(gap.start, gap.end)], held)]
    return sorted(parts, key=lambda part: part.start)


def intersect(these: Sequence[Interval], those: Sequence[Interval]) -> Iterator[Interval]:
    """The parts of ``these`` also in ``those`` (both merged)."""
    for a, b in these:
        for c, d in those:
            if c < b and a < d:
                yield max(a, c), min(b, d)


def open_intervals(schedule: BusinessHours, start: datetime) -> list[Interval]:
    """When ``schedule`` is open during the week from ``start``, holidays included."""
    zone = ZoneInfo(schedule.timezone)
    weekly = hours_by_day(schedule.weekly)
    holidays = {holiday.date: holiday.hours for holiday in schedule.holidays}
    local_first = start.astimezone(zone).date() - timedelta(days=1)
    found: list[Interval] = []
    for offset in range(9):  # the week, and a day either side for zones ahead or behind
        local = local_first + timedelta(days=offset)
        ranges = holidays.get(local, weekly.get(WEEKDAYS[local.weekday()], []))
        for text in ranges:
            opens, closes = range_minutes(text)
            midnight = datetime.combine(local, time(0), tzinfo=zone)
            begin = _minutes(_local(midnight, opens) - start)
            end = _minutes(_local(midnight, closes) - start)
            if end > 0 and begin < WEEK_MINUTES:
                found.append((max(begin, 0), min(end, WEEK_MINUTES)))
    return merge(found)


def _local(midnight: datetime, minutes: int) -> datetime:
    """Wall-clock ``minutes`` after local midnight (24:00 is the next midnight)."""
    day = midnight.date() + timedelta(days=minutes // 1440)
    clock = time(minutes % 1440 // 60, minutes % 60)
    return datetime.combine(day, clock, tzinfo=midnight.tzinfo)


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def subtract(wanted: Sequence[Interval], have: Sequence[Interval]) -> Iterator[Interval]:
    """The parts of ``wanted`` not in ``have`` (both merged)."""
    for a, b in wanted:
        cursor = a
        for c, d in have:
            if d <= cursor or c >= b:
                continue
            if c > cursor:
                yield cursor, c
            cursor = max(cursor, d)
        if cursor < b:
            yield cursor, b


def open_minutes(intervals: Sequence[Interval], day: int, hour: int) -> int:
    """How many minutes of hour ``hour`` of day ``day`` (0 = Monday) are open."""
    a = day * 1440 + hour * 60
    b = a + 60
    return sum(max(0, min(b, d) - max(a, c)) for c, d in intervals)


def to_document(coverage: Coverage) -> dict[str, Any]:
    """The JSON shape: per row (inbox or language), per day, open minutes of each hour."""

    def grid(intervals: list[Interval]) -> dict[str, list[int]]:
        return {
            WEEKDAYS[day]: [open_minutes(intervals, day, hour) for hour in range(24)]
            for day in range(7)
        }

    return {
        "instance": coverage.instance,
        "timezone": coverage.timezone,
        "week_start": coverage.week_start.isoformat(),
        "target": coverage.target_source,
        "inboxes": {name: grid(i) for name, i in coverage.inboxes.items()},
        "languages": {name: grid(i) for name, i in coverage.languages.items()},
        "gaps": [gap.model_dump() for gap in gap_records(coverage)],
        "silent_after_hours": [silent.model_dump() for silent in coverage.silent],
    }


def gap_records(coverage: Coverage) -> list[CoverageGap]:
    """The gaps with ISO 8601 times, as the coverage JSON and status records hold them."""
    return [
        CoverageGap(
            language=gap.language,
            start=coverage.at(gap.start).isoformat(),
            end=coverage.at(gap.end).isoformat(),
            minutes=gap.minutes,
        )
        for gap in coverage.gaps
    ]
