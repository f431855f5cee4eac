"""Business hours: weekly ranges and holidays ↔ Gladly's ``officeHours`` with exceptions.
Gladly versions them: an update names the version read, and is refused if it changed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import TypeAdapter

from gladcfg.adapter.base import RemoteObject
from gladcfg.adapter.gladly.kinds.base import Reading, Writable
from gladcfg.adapter.gladly.session import Session, object_path
from gladcfg.adapter.gladly.shapes import CREATED, Named, Shape, Text
from gladcfg.errors import AdapterError
from gladcfg.model.types import WEEKDAYS


class Block(Shape):
    start: Text
    stop: Text


class HoursException(Shape):
    name: Text | None = None
    start: Text
    stop: Text | None = None
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
    officeHours: OfficeHours | None = None


HOURS_LIST = TypeAdapter(list[Hours])
HOURS = TypeAdapter(Hours)


class BusinessHours(Writable):
    kind = "business_hours"
    path = "/business-hours"
    listing = HOURS_LIST

    def objects(self, session: Session, reading: Reading) -> Iterable[RemoteObject]:
        listed: list[Hours] = reading.listed
        for hours in listed:
            session.remember_version(hours.id, hours.version)
        return [RemoteObject(hours.id, hours.name, hours_spec(hours)) for hours in listed]

    def create(self, session: Session, name: str, spec: dict[str, Any]) -> RemoteObject:
        body = {"name": name, "officeHours": office_hours(spec)}
        hours_id = session.create_once(
            self.path,
            body,
            lambda response: response.body(CREATED).id,
            lambda: session.find(self.path, HOURS_LIST, name),
        )
        return RemoteObject(hours_id, name, spec)

    def update(
        self, session: Session, obj: RemoteObject, name: str, spec: dict[str, Any]
    ) -> RemoteObject:
        body = {
            "name": name,
            "version": session.version_of(obj.id),
            "officeHours": office_hours(spec),
        }
        path = object_path(self.path, obj.id)
        try:
            session.gone_if_missing(lambda: session.client.request("PUT", path, body), obj)
        except AdapterError as exc:
            if "version_outdated" not in exc.codes:
                raise
            # A PUT sent again after a lost response finds the version it raised itself.
            now = session.client.get(path, HOURS)
            if now.name != name or hours_spec(now) != spec:
                raise AdapterError(
                    f"business_hours.{obj.name} changed on Gladly since the plan was made; "
                    "plan again"
                ) from None
        return RemoteObject(obj.id, name, spec)

    def delete(self, session: Session, obj: RemoteObject) -> None:
        path = object_path(self.path, obj.id)
        session.gone_if_missing(lambda: session.client.request("DELETE", path), obj)


DAY_NAMES = dict(
    zip(
        WEEKDAYS,
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        strict=True,
    )
)


def office_hours(spec: Mapping[str, Any]) -> dict[str, Any]:
    hours: dict[str, Any] = {"timezone": spec["timezone"]}
    for day, gladly_day in DAY_NAMES.items():
        hours[gladly_day] = [_block(r) for r in spec.get("weekly", {}).get(day, [])]
    hours["exceptions"] = [
        {
            "name": holiday.get("name") or "",
            "start": holiday["date"],
            "stop": holiday["date"],
            "scheduleBlocks": [_block(r) for r in holiday.get("hours", [])],
        }
        for holiday in spec.get("holidays", [])
    ]
    return hours


def hours_spec(remote: Hours) -> dict[str, Any]:
    office = remote.officeHours or OfficeHours()
    weekly = {}
    for day, gladly_day in DAY_NAMES.items():
        blocks: list[Block] | None = getattr(office, gladly_day)
        if blocks:
            weekly[day] = sorted(_range(b) for b in blocks)
    holidays = []
    for exception in office.exceptions or []:
        holiday: dict[str, Any] = {"date": exception.start[:10]}
        if exception.name:
            holiday["name"] = exception.name
        holiday["hours"] = [_range(b) for b in exception.scheduleBlocks or []]
        holidays.append(holiday)
    return {
        "timezone": office.timezone,
        "weekly": weekly,
        "holidays": sorted(holidays, key=lambda h: h["date"]),
    }


def _block(time_range: str) -> dict[str, str]:
    start, stop = time_range.split("-")
    return {"start": start, "stop": stop}


def _range(block: Block) -> str:
    return f"{block.start}-{block.stop}"
