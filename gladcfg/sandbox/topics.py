"""Topics: created and changed by name, never deleted (Gladly has no delete for them)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gladcfg.sandbox.endpoints import Endpoints, request_body
from gladcfg.sandbox.responses import errors, not_found


class Topics(Endpoints):
    """A topic's create and change; topics are listed and read as stored."""

    async def create(self, request: Request) -> Response:
        data = await request_body(request) or {}
        name = data.get("name")
        if not name:
            return errors(400, "blank", "name can't be blank", "name")
        for topic in self.state["topics"].values():
            if topic["name"] == name:
                taken = {
                    "attr": "name",
                    "code": "taken",
                    "detail": "name is taken",
                    "meta": {"id": topic["id"]},
                }
                return JSONResponse({"errors": [taken]}, status_code=409)
        topic_id = self.sandbox.new_id()
        self.state["topics"][topic_id] = {
            "id": topic_id,
            "name": name,
            "disabled": bool(data.get("disabled", False)),
            **({"parentId": data["parentId"]} if data.get("parentId") else {}),
        }
        self.sandbox.save()
        return Response(status_code=201, headers={"Location": f"/api/v1/topics/{topic_id}"})

    async def update(self, request: Request) -> Response:
        topic = self.state["topics"].get(request.path_params["id"])
        if topic is None:
            return not_found("topic")
        data = await request_body(request) or {}
        if not data.get("name"):
            return errors(400, "blank", "name can't be blank", "name")
        topic["name"] = data["name"]
        topic["disabled"] = bool(data.get("disabled", topic["disabled"]))
        if "parentId" in data:
            if data["parentId"]:
                topic["parentId"] = data["parentId"]
            else:
                topic.pop("parentId", None)
        self.sandbox.save()
        return Response(status_code=204)
