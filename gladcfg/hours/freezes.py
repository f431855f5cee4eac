"""When an instance is frozen: the stretches of time its freezes (``freeze:`` in
``gladcfg.yaml``, :mod:`gladcfg.model.schedule`) hold, and whether one holds now.

A window freeze holds from its ``from`` to the end of its ``to``, wall time in its zone (DST
as zoneinfo has it). An open-hours freeze holds while any inbox its globs match is open:
the business hours and holidays the files declare for the instance, as ``gladcfg coverage``
computes them (an inbox without business hours is always open). Stretches are computed once,
when the instance is planned, for :data:`HORIZON` from then; ``apply`` asks the schedule
whether one holds at the moment it would start writing (:func:`gladcfg.clock.now`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from gladcfg import clock
from gladcfg.config.routing import Routing
from gladcfg.errors import RefusedError
from gladcfg.hours.coverage import inbox_schedules, merge, open_intervals, week_start
from gladcfg.model.schedule import Freeze, OpenHoursFreeze, WindowFreeze, local_end, local_start

if TYPE_CHECKING:
    from gladcfg.config.desired import DesiredState

# How far ahead a schedule knows: an apply that starts later than this after its plan (a
# prompt left open for weeks) plans again.
HORIZON = timedelta(days=35)
_EARLIEST = datetime.min.replace(tzinfo=UTC)
_LATEST = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Stretch:
    """``freeze`` holds from ``start`` to ``end`` (aware, UTC; ``end`` excluded)."""

    freeze: str
    start: datetime
    end: datetime
    what: str  # the freeze as a reader knows it: its window, or the inboxes it follows


@dataclass(frozen=True)
class Schedule:
    """The stretches of an instance's freezes from ``since`` to ``since + HORIZON``."""

    instance: str
    since: datetime
    stretches: tuple[Stretch, ...]

    @property
    def horizon(self) -> datetime:
        return self.since + HORIZON

    def in_force(self, at: datetime) -> list[Stretch]:
        """The stretches holding at ``at``, one per freeze."""
        found: dict[str, Stretch] = {}
        for stretch in self.stretches:
            if stretch.start <= at < stretch.end:
                found.setdefault(stretch.freeze, stretch)
        return list(found.values())

    def open_at(self, at: datetime) -> datetime | None:
        """The first instant from ``at`` on that no freeze holds; None past the horizon."""
        moment = at
        moved = True
        while moved:
            moved = False
            for stretch in self.stretches:
                if stretch.start <= moment < stretch.end:
                    moment, moved = stretch.end, True
        return moment if moment < self.horizon else None

    def upcoming(self, at: datetime) -> list[Stretch]:
        """The stretches holding at ``at`` or starting later, in time order."""
        return sorted((s for s in self.stretches if s.end > at), key=lambda s: s.start)


def schedule_of(
    instance: str, freezes: Sequence[Freeze], state: DesiredState | None, since: datetime
) -> Schedule:
    """``instance``'s schedule from ``since``: ``state`` (its desired state) is read only
    for open-hours freezes, and may be None when there are none."""
    until = since + HORIZON
    stretches: list[Stretch] = []
    for freeze in freezes:
        if isinstance(freeze, WindowFreeze):
            stretch = _window(freeze)
            if stretch.end > since and stretch.start < until:
                stretches.append(stretch)
        else:
            assert state is not None, "an open-hours freeze reads the desired state"
            stretches.extend(_open_hours(freeze, state, since, until))
    return Schedule(instance, since, tuple(sorted(stretches, key=lambda s: s.start)))


def needs_state(freezes: Sequence[Freeze]) -> bool:
    """Whether computing ``freezes`` reads the desired state (an open-hours freeze does)."""
    return any(isinstance(freeze, OpenHoursFreeze) for freeze in freezes)


def matched_inboxes(freeze: OpenHoursFreeze, state: DesiredState) -> list[str]:
    """The inboxes of ``state`` whose address one of ``freeze``'s globs matches."""
    return [
        name
        for name in sorted(state.declared("inboxes"))
        if any(fnmatchcase(f"inboxes.{name}", glob) for glob in freeze.during_open_hours)
    ]


def _window(freeze: WindowFreeze) -> Stretch:
    zone = ZoneInfo(freeze.timezone)
    shown = f"{freeze.from_.replace('T', ' ')} to {freeze.to.replace('T', ' ')} {freeze.timezone}"
    return Stretch(
        freeze.name,
        _utc(local_start(freeze.from_), zone),
        _utc(local_end(freeze.to), zone),
        shown,
    )


def _utc(local: datetime, zone: ZoneInfo) -> datetime:
    """Wall time ``local`` in ``zone`` as an instant in UTC, the calendar's ends clamped."""
    if local == datetime.max:
        return _LATEST
    try:
        return local.replace(tzinfo=zone).astimezone(UTC)
    except OverflowError:
        return _EARLIEST if local.year == 1 else _LATEST


def _open_hours(
    freeze: OpenHoursFreeze, state: DesiredState, since: datetime, until: datetime
) -> Iterator[Stretch]:

    inboxes = matched_inboxes(freeze, state)
    what = f"while {', '.join(f'inboxes.{name}' for name in inboxes)} "
    what += "is open" if len(inboxes) == 1 else "are open"
    schedules = inbox_schedules(Routing.of(state))
    if any(schedules.get(name) is None for name in inboxes):  # open around the clock
        yield Stretch(freeze.name, _EARLIEST, _LATEST, what)
        return
    utc = ZoneInfo("UTC")
    found: list[tuple[int, int]] = []
    first = _first_week(since.date(), utc)
    if first is None:
        return
    weeks = 0
    start = first
    while start < until:
        offset = weeks * 7 * 24 * 60
        for name in inboxes:
            hours = schedules[name]
            assert hours is not None
            found.extend((offset + a, offset + b) for a, b in open_intervals(hours, start))
        weeks += 1
        try:
            start = week_start(first.date() + timedelta(weeks=weeks), utc)
        except (ValueError, OverflowError):  # the calendar's last week
            break
    for a, b in merge(found):
        begin, end = first + timedelta(minutes=a), first + timedelta(minutes=b)
        if end > since and begin < until:
            yield Stretch(freeze.name, begin.astimezone(UTC), end.astimezone(UTC), what)


def _first_week(day: date, zone: ZoneInfo) -> datetime | None:

    try:
        return week_start(day, zone)
    except ValueError:
        return None


@dataclass(frozen=True)
class BrokenGlass:
    """An apply made while freezes held, with ``--break-glass REASON``."""

    reason: str
    freezes: tuple[str, ...]  # the freezes that held when writing started
    at: datetime

    def describe(self) -> str:
        return (
            f"applied at {shown_time(self.at)} during {', '.join(self.freezes)} "
            f"with --break-glass: {self.reason}"
        )


def shown_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def frozen_message(schedule: Schedule, at: datetime) -> str | None:
    """Why applying to the instance at ``at`` is refused, or None if no freeze holds."""
    held = schedule.in_force(at)
    if not held:
        return None
    reopens = schedule.open_at(at)
    until = (
        f"until {shown_time(reopens)}"
        if reopens is not None
        else f"for at least the next {HORIZON.days} days"
    )
    freezes = "; ".join(f"{stretch.freeze} ({stretch.what})" for stretch in held)
    return f"{schedule.instance} is frozen {until}: {freezes}"


def enforce(schedule: Schedule | None, *, break_glass: str | None) -> BrokenGlass | None:
    """Refuse to start writing while a freeze holds, unless the user broke the glass (the
    record of it, then); the time is read now, as the first write is about to be sent."""
    if schedule is None:
        return None

    at = clock.now()
    if at >= schedule.horizon:
        raise RefusedError(
            f"{schedule.instance} was planned more than {HORIZON.days} days ago, further "
            "than its freezes were computed; run plan again"
        )
    message = frozen_message(schedule, at)
    if message is None:
        return None
    if break_glass is None:
        raise RefusedError(
            f"{message}. Nothing was applied: apply once the freeze ends, or pass "
            "--break-glass REASON to apply anyway (the reason is kept in the apply report "
            "and the rollback plan)"
        )
    return BrokenGlass(break_glass, tuple(s.freeze for s in schedule.in_force(at)), at)
