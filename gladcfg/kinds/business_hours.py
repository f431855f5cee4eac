"""Business hours: weekly hours in a time zone, and holidays."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from pydantic import (
    Field,
)

from gladcfg.errors import Problem
from gladcfg.fieldpath import FieldPath
from gladcfg.model.resource import Invalid, Kind, Resource
from gladcfg.model.types import (
    DaySpec,
    Model,
    TimeRange,
    TimeZone,
    expand_days,
    fold_days,
    hours_by_day,
    padded_time_range,
    range_minutes,
)

if TYPE_CHECKING:
    from gladcfg.config.desired import Declared, DesiredState


class Holiday(Model):
    """A day the weekly hours do not hold: closed, or open only ``hours``. Gladly needs
    every holiday named; one without a name is sent named by its date (``2026-11-26``),
    which therefore reads back as no name."""

    date: date
    name: str | None = None
    hours: list[TimeRange] = Field(
        default_factory=list, description="Open hours that day; none means closed all day."
    )


class BusinessHours(Resource):
    KIND = "business_hours"
    timezone: TimeZone
    weekly: dict[DaySpec, list[TimeRange]] = Field(
        default_factory=dict,
        description="Open hours per day or range (mon-fri, sat, sat,sun); absent days are closed.",
    )
    holidays: list[Holiday] = Field(default_factory=list)

    @classmethod
    def as_read(cls, spec: dict[str, Any]) -> dict[str, Any]:
        """An instance may hold ``8:00-20:00``: it is the files' ``08:00-20:00``."""

        def padded(ranges: Any) -> Any:
            if not isinstance(ranges, list):
                return ranges
            return [(isinstance(r, str) and padded_time_range(r)) or r for r in ranges]

        read = dict(spec)
        if isinstance(weekly := read.get("weekly"), dict):
            read["weekly"] = {day: padded(ranges) for day, ranges in weekly.items()}
        if isinstance(holidays := read.get("holidays"), list):
            read["holidays"] = [
                {**h, "hours": padded(h["hours"])} if isinstance(h, dict) and "hours" in h else h
                for h in holidays
            ]
        return read

    def canonical(self) -> dict[str, Any]:
        spec = self.spec()
        spec["weekly"] = hours_by_day(self.weekly)
        holidays = [self._unnamed_if_dated(h) for h in spec["holidays"]]
        spec["holidays"] = sorted(holidays, key=lambda h: h["date"])
        return spec

    @staticmethod
    def _unnamed_if_dated(holiday: dict[str, Any]) -> dict[str, Any]:
        """A holiday named by its own date is the one sent for an unnamed holiday (see
        :class:`Holiday`), so both compare as one."""
        if holiday.get("name") == holiday["date"]:
            return {key: value for key, value in holiday.items() if key != "name"}
        return holiday


def _hours(state: DesiredState, _: Invalid) -> Iterator[Problem]:
    for declared in state.usable("business_hours").values():
        hours = cast(BusinessHours, declared.model)
        yield from _weekly_overlaps(declared, hours)
        yield from _holiday_problems(declared, hours)


def _weekly_overlaps(declared: Declared, hours: BusinessHours) -> Iterator[Problem]:
    """Each range that overlaps one before it, once, naming every day and range it
    overlaps. A range that overlaps still counts for the ranges after it, so one overlap
    never hides the next."""
    taken: dict[str, list[tuple[int, int, str]]] = {}
    for spec, ranges in hours.weekly.items():
        for index, text in enumerate(ranges):
            start, stop = range_minutes(text)
            days_by_clash: dict[str, list[str]] = {}  # range overlapped → the days it is
            for day in expand_days(spec):
                for other in taken.get(day, []):
                    if other[0] < stop and start < other[1]:
                        days_by_clash.setdefault(other[2], []).append(day)
                taken.setdefault(day, []).append((start, stop, text))
            if days_by_clash:
                yield declared.source.problem(
                    f"'{text}' {_overlaps(days_by_clash)}", (*declared.path, "weekly", spec, index)
                )


def _overlaps(days_by_clash: Mapping[str, list[str]]) -> str:
    """``on mon, tue overlaps '09:00-12:00' and '10:00-11:00'; on wed overlaps …``"""
    clashes_by_days: dict[tuple[str, ...], list[str]] = {}
    for other, days in days_by_clash.items():
        clashes_by_days.setdefault(tuple(dict.fromkeys(days)), []).append(f"'{other}'")
    return "; ".join(
        f"on {', '.join(days)} overlaps {' and '.join(others)}"
        for days, others in clashes_by_days.items()
    )


def _holiday_problems(declared: Declared, hours: BusinessHours) -> Iterator[Problem]:
    """A date listed twice, and each range of a holiday that overlaps one before it."""
    dates: set[date] = set()
    for index, holiday in enumerate(hours.holidays):
        where: FieldPath = (*declared.path, "holidays", index)
        if holiday.date in dates:
            yield declared.source.problem(f"{holiday.date} is listed twice", (*where, "date"))
        dates.add(holiday.date)
        spans: list[tuple[int, int, str]] = []
        for position, text in enumerate(holiday.hours):
            start, stop = range_minutes(text)
            overlapped = [f"'{o[2]}'" for o in spans if o[0] < stop and start < o[1]]
            if overlapped:
                yield declared.source.problem(
                    f"'{text}' overlaps {' and '.join(overlapped)} on {holiday.date}",
                    (*where, "hours", position),
                )
            spans.append((start, stop, text))


def _folded(weekly: Any) -> Any:
    """A week as files write it: runs of days with the same hours as one range (``mon-fri``)."""
    return fold_days(weekly) if isinstance(weekly, dict) else weekly


ENTRY = Kind(BusinessHours, "business hours", checks=(_hours,), written={"weekly": _folded})
