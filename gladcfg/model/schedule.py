"""When an instance may change, and in what order a fleet changes: ``freeze`` and
``rollout`` in ``gladcfg.yaml``.

A freeze is a window (``from``/``to``, local to its ``timezone``) or the open hours of some
inboxes (their business hours and holidays, as ``gladcfg coverage`` computes them); while
one is in force, ``apply`` refuses unless given ``--break-glass REASON``. A rollout is the
fleet's waves, applied one after the other.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    model_validator,
)

from gladcfg.model.types import MAX_GLOB_CHARS, InstanceGlob, Model, TimeZone
from gladcfg.names import check_visible

_MOMENT = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}))?$", re.ASCII)

FreezeName = Annotated[
    str, StringConstraints(min_length=1, max_length=100), AfterValidator(check_visible)
]


def _check_moment(value: str) -> str:
    match = _MOMENT.fullmatch(value)
    problem = None
    if match is None:
        problem = "is not a date or a local time; write e.g. 2026-11-27 or 2026-11-27T09:00"
    else:
        try:
            date.fromisoformat(match[1])
            if match[2]:
                time.fromisoformat(match[2])
        except ValueError:
            problem = "is not a date of the calendar or a time of the day"
    if problem:
        raise ValueError(f"'{value}' {problem} (no offset: the zone is 'timezone')")
    return value


Moment = Annotated[
    str,
    AfterValidator(_check_moment),
    Field(
        description="A local date (YYYY-MM-DD: the whole day) or time (YYYY-MM-DDTHH:MM: "
        "the whole minute) in the freeze's timezone.",
        examples=["2026-11-27", "2026-11-30T23:59"],
    ),
]


def local_start(moment: str) -> datetime:
    """The first instant ``moment`` names, in its zone's wall time (naive)."""
    day, _, clock = moment.partition("T")
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock or "00:00"))


def local_end(moment: str) -> datetime:
    """The instant just after the last one ``moment`` names: the end of its day or minute."""
    step = timedelta(minutes=1) if "T" in moment else timedelta(days=1)
    try:
        return local_start(moment) + step
    except OverflowError:  # the last minute of the calendar: as far as it goes
        return datetime.max


class WindowFreeze(Model):
    """No changes from ``from`` to the end of ``to``, wall time in ``timezone``."""

    name: FreezeName
    from_: Moment = Field(alias="from")
    to: Moment
    timezone: TimeZone = "UTC"

    @model_validator(mode="after")
    def _ordered(self) -> WindowFreeze:
        if local_end(self.to) <= local_start(self.from_):
            raise ValueError(f"the freeze ends ({self.to}) before it starts ({self.from_})")
        return self


def _check_inbox_glob(value: str) -> str:
    kind, dot, name = value.partition(".")
    if kind != "inboxes" or not dot or not name:
        raise ValueError(
            f"'{value}' is not a glob of inbox addresses; write e.g. inboxes.support or "
            "inboxes.acme-*"
        )
    return value


InboxGlob = Annotated[
    str,
    StringConstraints(max_length=MAX_GLOB_CHARS),
    AfterValidator(check_visible),
    AfterValidator(_check_inbox_glob),
]


class OpenHoursFreeze(Model):
    """No changes while any of these inboxes is open (its business hours and holidays)."""

    name: FreezeName
    during_open_hours: list[InboxGlob] = Field(min_length=1)


def _shape_of(value: Any) -> str:
    if isinstance(value, dict) and "during_open_hours" in value:
        return "open_hours"
    return "window"


Freeze = Annotated[
    Annotated[WindowFreeze, Tag("window")] | Annotated[OpenHoursFreeze, Tag("open_hours")],
    Discriminator(_shape_of),
]


def merged_freezes(project: list[Freeze], own: list[Freeze]) -> list[Freeze]:
    """The project's freezes and the instance's, one per name: the instance's in place of
    the project's of the same name (as an instance's ``policy`` keys replace the
    project's)."""
    names = {freeze.name for freeze in own}
    return [freeze for freeze in project if freeze.name not in names] + list(own)


class Wave(Model):
    """Instances applied together; the next wave starts once every one of them is applied
    and verified."""

    name: FreezeName
    instances: list[InstanceGlob] = Field(
        min_length=1,
        description="Instance names or globs; an instance is in the first wave that matches.",
    )
    parallel: int = Field(default=1, ge=1, le=64, description="Instances applied at once.")


@dataclass(frozen=True)
class WaveAssignment:
    """Which instances each wave holds, and what makes the rollout wrong: instances no wave
    takes, globs that match no instance at all (a typo), waves named twice."""

    waves: list[tuple[Wave, list[str]]]
    unplaced: list[str]
    unmatched: list[tuple[int, int]]  # (wave, glob) indexes as written
    repeated: list[tuple[int, int]]  # (wave, the earlier wave of the same name) indexes


def assign_waves(rollout: Sequence[Wave], instances: Sequence[str]) -> WaveAssignment:
    """Each instance in the first wave one of whose globs matches it, in ``instances``
    order. A wave named twice keeps its place: the assignment is the same either way."""
    taken: set[str] = set()
    waves: list[tuple[Wave, list[str]]] = []
    unmatched: list[tuple[int, int]] = []
    repeated: list[tuple[int, int]] = []
    first_named: dict[str, int] = {}
    for index, wave in enumerate(rollout):
        earlier = first_named.setdefault(wave.name, index)
        if earlier != index:
            repeated.append((index, earlier))
        for glob_index, glob in enumerate(wave.instances):
            if not any(fnmatch.fnmatchcase(name, glob) for name in instances):
                unmatched.append((index, glob_index))
        members = [
            name
            for name in instances
            if name not in taken and any(fnmatch.fnmatchcase(name, g) for g in wave.instances)
        ]
        taken.update(members)
        waves.append((wave, members))
    unplaced = [name for name in instances if name not in taken]
    return WaveAssignment(waves, unplaced, unmatched, repeated)


def waves_of(rollout: Sequence[Wave], instances: Sequence[str]) -> list[tuple[Wave, list[str]]]:
    """The waves of a validated rollout, each with its instances (``gladcfg.yaml`` order)."""
    return assign_waves(rollout, instances).waves
