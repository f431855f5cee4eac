"""The organisation and its directory (inboxes, teams, audiences), which the API only reads,
and ``/_admin``: the admin UI's stand-in that creates them, sets the organisation's languages
and time zone, and shows the request log."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gladcfg.sandbox.endpoints import Endpoint, Endpoints, request_body
from gladcfg.sandbox.responses import errors


class Directory(Endpoints):
    """The organisation, the directory's lists and reads, and the admin UI's writes."""

    async def organization(self, request: Request) -> Response:
        return JSONResponse(self.state["organization"])

    def admin_creator(self, kind: str, fields: tuple[str, ...]) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            data = await request_body(request) or {}
            if not data.get("name"):
                return errors(400, "blank", "name can't be blank", "name")
            item_id = self.sandbox.new_id()
            item = {"id": item_id, "name": data["name"]}
            for name in fields:
                item[name] = data.get(name, [] if name == "agentIds" else False)
            self.state[kind][item_id] = item
            self.sandbox.save()
            return JSONResponse(item, status_code=201)

        return endpoint

    async def admin_settings(self, request: Request) -> Response:
        data = await request_body(request) or {}
        if "languages" in data:
            self.state["languages"] = [str(lang).lower() for lang in data["languages"]]
        if "timezone" in data:
            self.state["organization"]["timezone"] = data["timezone"]
        self.sandbox.save()
        return JSONResponse(
            {"languages": self.state["languages"], "organization": self.state["organization"]}
        )

    async def admin_requests(self, request: Request) -> Response:
        return JSONResponse(self.sandbox.log)
