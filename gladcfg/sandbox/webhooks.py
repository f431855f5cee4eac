"""Webhooks, kept with their credentials and header values, as Gladly keeps them; answered
with only whether credentials are set and which headers, as Gladly answers."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gladcfg.sandbox.endpoints import Endpoints, request_body
from gladcfg.sandbox.responses import errors, not_found
from gladcfg.sandbox.state import now


class Webhooks(Endpoints):
    """A webhook's create, read, change and delete, and the list of them, secrets hidden."""

    async def list_all(self, request: Request) -> Response:
        return JSONResponse([_shown_webhook(h) for h in self.state["webhooks"].values()])

    async def create(self, request: Request) -> Response:
        data = await request_body(request) or {}
        problem = _webhook_problem(data, creating=True)
        if problem is not None:
            return problem
        for hook in self.state["webhooks"].values():
            if hook["name"] == data["name"]:
                taken = {"attr": "name", "code": "taken", "detail": "name is taken"}
                return JSONResponse({"errors": [{**taken, "meta": {"id": hook["id"]}}]}, 409)
        hook_id = self.sandbox.new_id()
        self.state["webhooks"][hook_id] = {
            "id": hook_id,
            "createdAt": now(),
            **_webhook_fields(data, {}),
        }
        self.sandbox.save()
        return Response(status_code=201, headers={"Location": f"/api/v1/webhooks/{hook_id}"})

    async def one(self, request: Request) -> Response:
        hook_id = request.path_params["id"]
        hook = self.state["webhooks"].get(hook_id)
        if hook is None:
            return not_found("webhook")
        if request.method == "GET":
            return JSONResponse(_shown_webhook(hook))
        if request.method == "DELETE":
            del self.state["webhooks"][hook_id]
            self.sandbox.save()
            return Response(status_code=204)
        data = await request_body(request) or {}
        problem = _webhook_problem(data, creating=False)
        if problem is not None:
            return problem
        hook.update(_webhook_fields(data, hook))
        self.sandbox.save()
        return Response(status_code=204)


def _webhook_problem(data: Any, *, creating: bool) -> JSONResponse | None:
    if not isinstance(data, dict):
        return errors(400, "invalid", "the body is not a JSON object")
    if (creating or "name" in data) and not data.get("name"):
        return errors(400, "blank", "name can't be blank", "name")
    if creating or "url" in data:
        url = data.get("url")
        if not isinstance(url, str) or not url.startswith("https://"):
            return errors(400, "invalid", "url must be an https URL", "url")
    if creating or "events" in data:
        events = data.get("events")
        if not isinstance(events, list) or not events:
            return errors(400, "blank", "events can't be blank", "events")
    credentials = data.get("credentials")
    if credentials is not None and not (
        isinstance(credentials, dict)
        and isinstance(credentials.get("username"), str)
        and isinstance(credentials.get("password"), str)
    ):
        return errors(400, "invalid", "credentials need a username and a password", "credentials")
    headers = data.get("headers")
    if headers is not None and not (
        isinstance(headers, dict) and all(isinstance(v, str) for v in headers.values())
    ):
        return errors(400, "invalid", "headers map names to values", "headers")
    return None


def _webhook_fields(data: dict[str, Any], hook: dict[str, Any]) -> dict[str, Any]:
    """What a write changes: the fields given (``credentials: null`` removes them)."""
    fields: dict[str, Any] = {
        key: data[key] for key in ("name", "url", "events", "headers") if key in data
    }
    if "credentials" in data:
        fields["credentials"] = data["credentials"]
    fields.setdefault("headers", hook.get("headers", {}))
    fields["headers"] = fields["headers"] or {}
    fields["updatedAt"] = now()
    return fields


def _shown_webhook(hook: dict[str, Any]) -> dict[str, Any]:
    """A webhook as Gladly answers it: never its credentials or header values."""
    return {
        "id": hook["id"],
        "name": hook["name"],
        "url": hook["url"],
        "events": hook["events"],
        "createdAt": hook["createdAt"],
        "updatedAt": hook["updatedAt"],
        "hasCredentials": bool(hook.get("credentials")),
        "headerKeys": sorted(hook.get("headers") or {}),
    }
