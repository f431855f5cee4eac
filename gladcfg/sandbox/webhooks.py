"""Webhooks, kept with their credentials and header values, as Gladly keeps them; answered
with only whether credentials are set and which headers, as Gladly answers.

As Gladly's published API has it: a webhook is created disabled unless ``enabled`` says
otherwise; a PATCH changes only the fields it sends, and credentials, which have no null,
can be replaced but never removed; an answer holds only the fields the API documents, and
never a null (``disabledAtDueToRetryLimit`` only once Gladly disabled the webhook after
its deliveries kept failing, which enabling it again clears)."""

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
            "enabled": False,
            "headers": {},
            **_webhook_fields(data),
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
        hook.update(_webhook_fields(data))
        if data.get("enabled") is True:
            hook.pop("disabledAtDueToRetryLimit", None)
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
    if "credentials" in data and not _is_credentials(data["credentials"]):
        return errors(400, "invalid", "credentials need a username and a password", "credentials")
    headers = data.get("headers", {})
    if not (isinstance(headers, dict) and all(isinstance(v, str) for v in headers.values())):
        return errors(400, "invalid", "headers map names to values", "headers")
    if not isinstance(data.get("enabled", False), bool):
        return errors(400, "invalid", "enabled is true or false", "enabled")
    return None


def _is_credentials(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("username"), str)
        and isinstance(value.get("password"), str)
        and isinstance(value.get("realm", ""), str)
    )


def _webhook_fields(data: dict[str, Any]) -> dict[str, Any]:
    """What a write changes: the fields it sends, and nothing else."""
    fields: dict[str, Any] = {
        key: data[key]
        for key in ("name", "url", "events", "credentials", "headers", "enabled")
        if key in data
    }
    fields["updatedAt"] = now()
    return fields


def _shown_webhook(hook: dict[str, Any]) -> dict[str, Any]:
    """A webhook as Gladly answers it: never its credentials or header values."""
    shown = {
        "id": hook["id"],
        "name": hook["name"],
        "url": hook["url"],
        "events": hook["events"],
        "enabled": bool(hook.get("enabled", False)),
        "createdAt": hook["createdAt"],
        "updatedAt": hook["updatedAt"],
        "hasCredentials": bool(hook.get("credentials")),
        "headerKeys": sorted(hook.get("headers") or {}),
    }
    if hook.get("disabledAtDueToRetryLimit"):
        shown["disabledAtDueToRetryLimit"] = hook["disabledAtDueToRetryLimit"]
    return shown
