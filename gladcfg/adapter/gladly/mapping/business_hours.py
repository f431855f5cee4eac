"""Business hours: weekly ranges and holidays ↔ Gladly's ``officeHours`` with exceptions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gladcfg.adapter.gladly.shapes import Block, BusinessHours, OfficeHours
from gladcfg.model.types import WEEKDAYS

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


def hours_spec(remote: BusinessHours) -> dict[str, Any]:
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
