"""Business hours: weekly ranges and holidays ↔ Gladly's ``officeHours`` with exceptions.
Gladly versions them: an update names the version read, and is refused if it changed.

Two things differ between gladcfg's files and Gladly's API (gladcfg/spec), both translated
here and nowhere else:

* Gladly's times of day stop at 23:59, so the end of the day (24:00 in files) is sent as
  23:59 and 23:59 read back as 24:00 (files may not write 23:59, so this is one-to-one).
* A holiday is a date in files; Gladly's exception is a span of instants (RFC 3339
  ``start``/``stop``) with ``scheduleBlocks`` for the hours open within it. A holiday is
  sent as its whole day in the business hours' own time zone, from the first instant of
  that local date to the first of the next, with the zone's offset at each. Read back, a
  span is turned into the holidays of every local day it touches, whatever form Gladly or
  its admin UI gave it (:func:`holidays_of`).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import TypeAdapter

from gladcfg.adapter.base import RemoteObject
from gladcfg.adapter.gladly.client import clean_text
from gladcfg.adapter.gladly.connection import Connection, object_path
from gladcfg.adapter.gladly.kinds.base import Reading, Writable
from gladcfg.adapter.gladly.shapes import CREATED, Named, Shape, Text
from gladcfg.errors import AdapterError, BadResponseError
from gladcfg.model.types import END_OF_DAY, GLADLY_END_OF_DAY, WEEKDAYS, hours_by_day


class Block(Shape):
    start: Text
    stop: Text


class HoursException(Shape):
    name: Text | None = None
    start: Text
    stop: Text
    scheduleBlocks: list[Block] | None = None


class OfficeHours(Shape):
    timezone: Text = ""
    monday: list[Block] | None = None
    tuesday: list[Block] | None = None
    wednesday: list[Block] | None = None
    thursday: list[Block] | None = None
    friday: list[Block] | None = None
    saturday: list[Block] | None = None
    sunday: list[Block] | None = None
    exceptions: list[HoursException] | None = None


class Hours(Named):
    version: int = 0
    primary: bool = False
    officeHours: OfficeHours | None = None


# Gladly refuses to delete its primary business hours (every organisation has one).
PRIMARY = (
    "Gladly's primary business hours cannot be deleted: make other business hours the "
    "primary in Gladly's admin UI first, then delete these there"
)


HOURS_LIST = TypeAdapter(list[Hours])
HOURS = TypeAdapter(Hours)


class BusinessHours(Writable):
    kind = "business_hours"
    path = "/business-hours"
    refuses_some_deletes = True  # the primary
    listing = HOURS_LIST

    def objects(self, connection: Connection, reading: Reading) -> Iterable[RemoteObject]:
        listed: list[Hours] = reading.listed
        for hours in listed:
            connection.remember_version(hours.id, hours.version)
        return [
            RemoteObject(
                hours.id,
                hours.name,
                hours_spec(hours),
                undeletable=PRIMARY if hours.primary else None,
            )
            for hours in listed
        ]

    def create(self, connection: Connection, name: str, spec: dict[str, Any]) -> RemoteObject:
        body = {"name": name, "officeHours": office_hours(name, spec)}
        hours_id = connection.create_once(
            self.path,
            body,
            lambda response: response.body(CREATED).id,
            lambda: connection.find(self.path, HOURS_LIST, name),
        )
        return RemoteObject(hours_id, name, spec)

    def update(
        self, connection: Connection, obj: RemoteObject, name: str, spec: dict[str, Any]
    ) -> RemoteObject:
        body = {
            "name": name,
            "version": connection.version_of(obj.id),
            "officeHours": office_hours(name, spec),
        }
        path = object_path(self.path, obj.id)
        try:
            connection.gone_if_missing(lambda: connection.client.request("PUT", path, body), obj)
        except AdapterError as exc:
            if "version_outdated" not in exc.codes:
                raise
            # A PUT sent again after a lost response finds the version it raised itself.
            now = connection.get_one(path, HOURS, obj.id, "business hours")
            if now.name != name or hours_spec(now) != spec:
                raise AdapterError(
                    f"business_hours.{obj.name} changed on Gladly since the plan was made; "
                    "plan again"
                ) from None
        return RemoteObject(obj.id, name, spec)

    def delete(self, connection: Connection, obj: RemoteObject) -> None:
        path = object_path(self.path, obj.id)
        connection.gone_if_missing(lambda: connection.client.request("DELETE", path), obj)


DAY_NAMES = dict(
    zip(
        WEEKDAYS,
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        strict=True,
    )
)
DAY_MINUTES = 24 * 60
WHOLE_DAY = frozenset(range(DAY_MINUTES))
# A span read back is a holiday per day it touches; one of more than ten years is no
# holiday list anyone keeps, and would flood the plan.
MAX_SPAN_DAYS = 3660


# -- sending ------------------------------------------------------------------------------


def office_hours(name: str, spec: Mapping[str, Any]) -> dict[str, Any]:
    """The ``officeHours`` Gladly is sent for the business hours ``name``."""
    zone = _zone_to_send(name, spec.get("timezone"))
    hours: dict[str, Any] = {"timezone": spec["timezone"]}
    weekly = hours_by_day(spec.get("weekly") or {})
    for day, gladly_day in DAY_NAMES.items():
        hours[gladly_day] = [_block(r) for r in weekly.get(day, [])]
    hours["exceptions"] = [
        _exception(name, index, holiday, zone)
        for index, holiday in enumerate(spec.get("holidays") or [])
    ]
    return hours


def _zone_to_send(name: str, timezone: object) -> ZoneInfo:
    """Gladly requires a time zone, and holidays are sent as instants of it: without one
    (the model requires it, so only a caller's bug) nothing is sent."""
    if not isinstance(timezone, str) or not timezone:
        raise AdapterError(
            f"business_hours.{name}: no time zone, which Gladly requires "
            "(officeHours.timezone); nothing was sent"
        )
    zone = _zone(timezone)
    if zone is None:
        raise AdapterError(
            f"business_hours.{name}: '{clean_text(timezone, 80)}' is not a time zone gladcfg "
            "knows; nothing was sent"
        )
    return zone


def _exception(name: str, index: int, holiday: Mapping[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    """A holiday as Gladly's exception: its whole local day, named (Gladly requires a
    name; an unnamed holiday is named by its date, read back as no name)."""
    day = date.fromisoformat(str(holiday["date"]))
    start, stop = day_start(day, zone), day_start(day + timedelta(days=1), zone)
    if start >= stop:
        raise AdapterError(
            f"business_hours.{name}.holidays[{index}].date: {day} never happened in "
            f"{zone.key} (its clocks skipped that day); nothing was sent"
        )
    return {
        "name": holiday.get("name") or day.isoformat(),
        "start": rfc3339(start, zone),
        "stop": rfc3339(stop, zone),
        "scheduleBlocks": [_block(r) for r in holiday.get("hours") or []],
    }


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of the local date ``day``: local midnight, or where a zone's
    clocks skip midnight (America/Santiago, America/Havana), the instant they jump to."""
    # A wall time the clocks skip is taken at the offset before the jump: for midnight
    # that is exactly the jump.
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def rfc3339(instant: datetime, zone: ZoneInfo) -> str:
    """``instant`` written with ``zone``'s offset at it; in UTC where that offset is not
    whole minutes (local mean time before 1972 in some zones), which RFC 3339 cannot write."""
    local = instant.astimezone(zone)
    offset = local.utcoffset()
    if offset is None or offset.total_seconds() % 60:
        local = instant.astimezone(UTC)
    return local.isoformat(timespec="seconds")


def _block(time_range: str) -> dict[str, str]:
    start, stop = time_range.split("-")
    return {"start": start, "stop": GLADLY_END_OF_DAY if stop == END_OF_DAY else stop}


# -- reading ------------------------------------------------------------------------------


def hours_spec(remote: Hours) -> dict[str, Any]:
    """The spec of business hours as Gladly answered them."""
    office = remote.officeHours or OfficeHours()
    weekly = {}
    for day, gladly_day in DAY_NAMES.items():
        blocks: list[Block] | None = getattr(office, gladly_day)
        if blocks:
            weekly[day] = sorted(_range(b) for b in blocks)
    return {
        "timezone": office.timezone,
        "weekly": weekly,
        "holidays": holidays_of(remote.name, office, weekly),
    }


def _range(block: Block) -> str:
    stop = END_OF_DAY if block.stop == GLADLY_END_OF_DAY else block.stop
    return f"{block.start}-{stop}"


@dataclass(frozen=True)
class _Touch:
    """What one exception makes of one local day it touches."""

    name: str
    blocks: tuple[str, ...]  # its schedule blocks, as ranges
    covered: frozenset[int] | None  # the day's wall-clock minutes in the span; None: all


def holidays_of(
    name: str, office: OfficeHours, weekly: Mapping[str, Sequence[str]]
) -> list[dict[str, Any]]:
    """The holidays of Gladly's exceptions: one per local day a span touches, with the
    same name. Where a span covers a whole day, that day's hours are its schedule blocks;
    where it covers part of one (as an admin may set it), the day is open where the
    weekly hours are, outside the span, and where the blocks are, inside it."""
    exceptions = office.exceptions or []
    if not exceptions:
        return []
    zone = _zone_read(name, office.timezone)
    spans = [_span(name, index, exc) for index, exc in enumerate(exceptions)]
    touches: dict[date, list[_Touch]] = {}
    for (start, stop), exception in sorted(zip(spans, exceptions, strict=True), key=_first):
        blocks = tuple(_range(b) for b in exception.scheduleBlocks or [])
        for day, covered in days_touched(start, stop, zone):
            touches.setdefault(day, []).append(_Touch(exception.name or "", blocks, covered))
    return [_holiday(name, day, touches[day], weekly) for day in sorted(touches)]


def _first(item: tuple[tuple[datetime, datetime], HoursException]) -> datetime:
    return item[0][0]


def _zone_read(name: str, timezone: str) -> ZoneInfo:
    zone = _zone(timezone)
    if zone is None:
        raise BadResponseError(
            f"business_hours.{name}: officeHours.timezone: Gladly answered "
            f"'{clean_text(timezone, 80)}', not a time zone gladcfg knows, so its holidays "
            "cannot be read"
        )
    return zone


def _span(name: str, index: int, exception: HoursException) -> tuple[datetime, datetime]:
    where = f"business_hours.{name}: officeHours.exceptions[{index}]"
    start = parse_instant(exception.start, f"{where}.start")
    stop = parse_instant(exception.stop, f"{where}.stop")
    if stop <= start:
        raise BadResponseError(f"{where}.stop: Gladly answered a span that ends before it starts")
    if stop - start > timedelta(days=MAX_SPAN_DAYS):
        raise BadResponseError(
            f"{where}: Gladly answered a span of more than {MAX_SPAN_DAYS} days, which "
            "gladcfg does not read as holidays"
        )
    return start, stop


# RFC 3339's date-time: a date, T (or t, or a space), a time, optional fractional seconds,
# and Z or an offset; Python reads the offset and fraction once they are spelled its way.
_DATE_TIME = re.compile(
    r"^(\d{4}-\d\d-\d\d)[Tt ](\d\d:\d\d:\d\d)(?:\.(\d+))?([Zz]|[+-]\d\d:\d\d)$", re.ASCII
)


def parse_instant(text: str, where: str) -> datetime:
    """An RFC 3339 date-time, in UTC; a BadResponseError naming ``where`` if it is none."""
    match = _DATE_TIME.fullmatch(text)
    try:
        if match is None:
            raise ValueError
        day, clock, fraction, offset = match.groups()
        micro = f".{(fraction or '0')[:6]:0<6}"
        offset = "+00:00" if offset.upper() == "Z" else offset
        return datetime.fromisoformat(f"{day}T{clock}{micro}{offset}").astimezone(UTC)
    except ValueError:
        raise BadResponseError(
            f"{where}: Gladly answered {clean_text(repr(text), 80)}, not an RFC 3339 "
            "date-time (such as 2026-11-26T00:00:00-05:00)"
        ) from None


def days_touched(
    start: datetime, stop: datetime, zone: ZoneInfo
) -> Iterator[tuple[date, frozenset[int] | None]]:
    """Each local date ``[start, stop)`` touches, with the wall-clock minutes of it that it
    covers (None: the whole day). Days are compared as instants, so a day of 23 or 25
    hours, or one whose clocks skip midnight, is whole when the span covers it."""
    day = start.astimezone(zone).date()
    while (begin := day_start(day, zone)) < stop:
        end = day_start(day + timedelta(days=1), zone)
        if begin < end:  # a date the clocks skipped (Pacific/Apia, 2011-12-30) has no hours
            if start <= begin and stop >= end:
                yield day, None
            else:
                yield day, wall_clock_minutes(max(start, begin), min(stop, end), zone, day)
        day += timedelta(days=1)


def wall_clock_minutes(
    start: datetime, stop: datetime, zone: ZoneInfo, day: date
) -> frozenset[int]:
    """The minutes of ``day``'s local clock that ``[start, stop)``, within that day, covers.
    Counted minute by minute, since no arithmetic on the two ends tells it on a day the
    clocks change: going back, a span may show some minutes twice and leave others out;
    going forward, the minutes the clocks skip are covered when the span covers the jump."""
    steps = math.ceil((stop - start) / timedelta(minutes=1))
    shown = [_minute_of(start + timedelta(minutes=i), zone, day) for i in range(steps)]
    minutes: set[int] = set()
    for minute, following in itertools.pairwise([*shown, _minute_of(stop, zone, day)]):
        minutes.add(minute)
        minutes.update(range(minute + 1, following))  # skipped by the clocks, if any
    return frozenset(minutes)


def _minute_of(instant: datetime, zone: ZoneInfo, day: date) -> int:
    """Minutes after ``day``'s local midnight on the clock at ``instant``; 24:00 from the
    next day on."""
    local = instant.astimezone(zone)
    return local.hour * 60 + local.minute if local.date() == day else DAY_MINUTES


def _holiday(
    name: str, day: date, touches: Sequence[_Touch], weekly: Mapping[str, Sequence[str]]
) -> dict[str, Any]:
    holiday: dict[str, Any] = {"date": day.isoformat()}
    named = " / ".join(dict.fromkeys(t.name for t in touches if t.name))
    if named and named != holiday["date"]:  # an unnamed holiday is sent named by its date
        holiday["name"] = named
    if len(touches) == 1 and touches[0].covered is None:
        holiday["hours"] = list(touches[0].blocks)  # as sent: the round trip is exact
    else:
        week_day = weekly.get(WEEKDAYS[day.weekday()], ())
        holiday["hours"] = _open_ranges(name, touches, week_day)
    return holiday


def _open_ranges(name: str, touches: Sequence[_Touch], week_day: Sequence[str]) -> list[str]:
    """Open outside every span as the weekly hours say, and inside each as its blocks do."""
    covered: set[int] = set()
    opened: set[int] = set()
    for touch in touches:
        span = WHOLE_DAY if touch.covered is None else touch.covered
        covered |= span
        opened |= _minutes(name, touch.blocks) & span
    return ranges_of((_minutes(name, week_day) - covered) | opened)


_CLOCK_RANGE = re.compile(r"^(\d{1,2}):(\d\d)-(\d{1,2}):(\d\d)$", re.ASCII)


def _minutes(name: str, ranges: Iterable[str]) -> set[int]:
    minutes: set[int] = set()
    for text in ranges:
        match = _CLOCK_RANGE.fullmatch(text)
        if match is None:
            raise BadResponseError(
                f"business_hours.{name}: Gladly answered the hours "
                f"{clean_text(repr(text), 80)}, not HH:MM-HH:MM, so its holidays cannot be read"
            )
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        minutes.update(range(h1 * 60 + m1, min(h2 * 60 + m2, DAY_MINUTES)))
    return minutes


def ranges_of(minutes: Iterable[int]) -> list[str]:
    """Minutes of the day as the fewest ``HH:MM-HH:MM`` ranges, in order."""
    runs: list[list[int]] = []
    for minute in sorted(set(minutes)):
        if runs and runs[-1][1] == minute:
            runs[-1][1] = minute + 1
        else:
            runs.append([minute, minute + 1])
    return [f"{_clock(start)}-{_clock(stop)}" for start, stop in runs]


def _clock(minute: int) -> str:
    return f"{minute // 60:02}:{minute % 60:02}"


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # unknown, or not a zone's name
        return None
