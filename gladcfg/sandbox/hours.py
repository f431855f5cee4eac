"""Business hours: versioned (a write names the version it read, or is refused), and the
first created is the primary, which cannot be deleted.

Gladly's published API (checked in front of every request, gladcfg/spec) says what types
and patterns a body's fields have; what it cannot say, and a real Gladly surely checks, is
checked here: a time zone it knows, and every span and schedule block ending after it
starts. Exceptions' instants are kept, and answered, in UTC with milliseconds, as Gladly
answers instants (``2026-11-26T05:00:00.000Z``): a client that reads back only what it
sent, in the offset it sent, is caught here rather than by a real tenant.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gladcfg.sandbox.endpoints import Endpoints, request_body
from gladcfg.sandbox.responses import errors
from gladcfg.sandbox.state import now

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME_OF_DAY = re.compile(r"^(\d{1,2}):(\d\d)$", re.ASCII)


class BusinessHours(Endpoints):
    """Business hours' create, read, versioned replace and delete."""

    async def create(self, request: Request) -> Response:
        data = await request_body(request) or {}
        if not data.get("name"):
            return errors(400, "blank", "name can't be blank", "name")
        office = data.get("officeHours") or {}
        refused = _refusal(office)
        if refused is not None:
            return refused
        hours_id = self.sandbox.new_id()
        item = {
            "id": hours_id,
            "version": 1,
            "name": data["name"],
            "primary": not self.state["business_hours"],
            "createdAt": now(),
            "updatedAt": now(),
            "officeHours": _as_stored(office),
        }
        self.state["business_hours"][hours_id] = item
        self.sandbox.save()
        return JSONResponse(item, status_code=201)

    async def one(self, request: Request) -> Response:
        hours_id = request.path_params["id"]
        item = self.state["business_hours"].get(hours_id)
        if item is None:
            return errors(404, "not_exist", "business hours do not exist")
        if request.method == "GET":
            return JSONResponse(item)
        if request.method == "DELETE":
            if item["primary"]:
                # The code and words of Gladly's published example.
                return errors(400, "invalid", "cannot delete primary business hours")
            del self.state["business_hours"][hours_id]
            self.sandbox.save()
            return Response(status_code=204)
        return await self._replace(request, item)

    async def _replace(self, request: Request, item: dict[str, Any]) -> Response:
        data = await request_body(request) or {}
        if data.get("version") != item["version"]:
            return errors(
                409, "version_outdated", "business hours changed; read them again", "version"
            )
        office = data.get("officeHours", item["officeHours"])
        refused = _refusal(office)
        if refused is not None:
            return refused
        item.update(name=data.get("name", item["name"]), officeHours=_as_stored(office))
        item["version"] += 1
        item["updatedAt"] = now()
        self.sandbox.save()
        return JSONResponse(item)


def _refusal(office: Any) -> JSONResponse | None:
    """Gladly's 400 naming everything in ``office`` it would refuse; None if nothing."""
    found = [
        {"attr": attr, "code": "invalid", "detail": detail} for attr, detail in _problems(office)
    ]
    return JSONResponse({"errors": found}, status_code=400) if found else None


def _problems(office: Any) -> Iterator[tuple[str, str]]:
    """What a schema cannot say is wrong with ``office``, as (attr, detail). A value of the
    wrong type is the schema's to refuse (in front of the sandbox); it is passed over."""
    if not isinstance(office, dict):
        return
    timezone = office.get("timezone")
    if isinstance(timezone, str) and timezone and not _known_zone(timezone):
        yield "officeHours.timezone", f"{timezone} is not a known time zone"
    for day in DAYS:
        yield from _block_problems(office.get(day), f"officeHours.{day}")
    exceptions = office.get("exceptions")
    for index, exception in enumerate(exceptions if isinstance(exceptions, list) else []):
        if not isinstance(exception, dict):
            continue
        where = f"officeHours.exceptions[{index}]"
        start, stop = _instant(exception.get("start")), _instant(exception.get("stop"))
        if start is not None and stop is not None and stop <= start:
            yield f"{where}.stop", "stop must be after start"
        yield from _block_problems(exception.get("scheduleBlocks"), f"{where}.scheduleBlocks")


def _block_problems(blocks: Any, where: str) -> Iterator[tuple[str, str]]:
    for index, block in enumerate(blocks if isinstance(blocks, list) else []):
        if not isinstance(block, dict):
            continue
        start, stop = _minutes(block.get("start")), _minutes(block.get("stop"))
        if start is not None and stop is not None and stop <= start:
            yield f"{where}[{index}].stop", "stop must be after start"


def _known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _minutes(value: Any) -> int | None:
    match = _TIME_OF_DAY.fullmatch(value) if isinstance(value, str) else None
    return int(match[1]) * 60 + int(match[2]) if match else None


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _as_stored(office: Any) -> Any:
    """``office`` as Gladly keeps it: exceptions' instants in UTC, with milliseconds."""
    if not isinstance(office, dict) or not isinstance(office.get("exceptions"), list):
        return office
    return {**office, "exceptions": [_stored_exception(e) for e in office["exceptions"]]}


def _stored_exception(exception: Any) -> Any:
    if not isinstance(exception, dict):
        return exception
    stored = dict(exception)
    for field in ("start", "stop"):
        instant = _instant(exception.get(field))
        if instant is not None:
            stored[field] = instant.astimezone(UTC).isoformat(timespec="milliseconds")
            stored[field] = stored[field].replace("+00:00", "Z")
    return stored
