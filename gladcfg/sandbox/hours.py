"""Business hours: versioned (a write names the version it read, or is refused), and the
first created is the primary, which cannot be deleted."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gladcfg.sandbox.endpoints import Endpoints, request_body
from gladcfg.sandbox.responses import errors
from gladcfg.sandbox.state import now


class BusinessHours(Endpoints):
    """Business hours' create, read, versioned replace and delete."""

    async def create(self, request: Request) -> Response:
        data = await request_body(request) or {}
        if not data.get("name"):
            return errors(400, "blank", "name can't be blank", "name")
        hours_id = self.sandbox.new_id()
        item = {
            "id": hours_id,
            "version": 1,
            "name": data["name"],
            "primary": not self.state["business_hours"],
            "createdAt": now(),
            "updatedAt": now(),
            "officeHours": data.get("officeHours") or {},
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
                return errors(400, "invalid_state", "the primary business hours cannot be deleted")
            del self.state["business_hours"][hours_id]
            self.sandbox.save()
            return Response(status_code=204)
        data = await request_body(request) or {}
        if data.get("version") != item["version"]:
            return errors(
                409, "version_outdated", "business hours changed; read them again", "version"
            )
        item.update(
            name=data.get("name", item["name"]),
            officeHours=data.get("officeHours", item["officeHours"]),
        )
        item["version"] += 1
        item["updatedAt"] = now()
        self.sandbox.save()
        return JSONResponse(item)
