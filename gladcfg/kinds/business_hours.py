"""Business hours: weekly hours in a time zone, and holidays."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import (
    Field,
)

from gladcfg.model.resource import Kind, Resource
from gladcfg.model.types import (
    DaySpec,
    Model,
    TimeRange,
    TimeZone,
    hours_by_day,
    padded_time_range,
)


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


ENTRY = Kind(BusinessHours, "business hours")
