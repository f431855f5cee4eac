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
        problem = self._parent_problem(data, None)
        if problem is not None:
            return problem
        topic_id = self.sandbox.new_id()
        self.state["topics"][topic_id] = {
            "id": topic_id,
            "name": name,
            "disabled": bool(data.get("disabled", False)),
            **({"parentId": data["parentId"]} if "parentId" in data else {}),
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
        problem = self._parent_problem(data, topic["id"])
        if problem is not None:
            return problem
        topic["name"] = data["name"]
        topic["disabled"] = bool(data.get("disabled", topic["disabled"]))
        if "parentId" in data:
            topic["parentId"] = data["parentId"]
        self.sandbox.save()
        return Response(status_code=204)

    def _parent_problem(self, data: dict[str, object], topic_id: str | None) -> Response | None:
        """A parent must be another topic: an id that names none (empty text included) is
        refused, so there is no way to clear a parent by sending nothing in its place."""
        if "parentId" not in data:
            return None
        parent = data["parentId"]
        if parent not in self.state["topics"] or parent == topic_id:
            return errors(400, "invalid", "parentId does not name another topic", "parentId")
        return None
