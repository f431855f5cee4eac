"""Business hours: weekly ranges and holidays ↔ Gladly's ``officeHours`` with exceptions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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


def hours_spec(remote: Mapping[str, Any]) -> dict[str, Any]:
    office = remote.get("officeHours") or {}
    weekly = {
        day: sorted(_range(b) for b in office.get(gladly_day) or [])
        for day, gladly_day in DAY_NAMES.items()
        if office.get(gladly_day)
    }
    holidays = []
    for exception in office.get("exceptions") or []:
        holiday: dict[str, Any] = {"date": str(exception.get("start", ""))[:10]}
        if exception.get("name"):
            holiday["name"] = exception["name"]
        holiday["hours"] = [_range(b) for b in exception.get("scheduleBlocks") or []]
        holidays.append(holiday)
    return {
        "timezone": office.get("timezone", ""),
        "weekly": weekly,
        "holidays": sorted(holidays, key=lambda h: h["date"]),
    }


def _block(time_range: str) -> dict[str, str]:
    start, stop = time_range.split("-")
    return {"start": start, "stop": stop}


def _range(block: Mapping[str, Any]) -> str:
    return f"{block.get('start')}-{block.get('stop')}"
