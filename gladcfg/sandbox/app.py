"""A local stand-in for Gladly's REST API, as ../GLADLY_API.md describes it.

The same paths, bodies, status codes and error bodies (both the list and the object form);
no answer list; versioned business hours; topics that cannot be deleted; inboxes, teams and
audiences that the API only reads (``/_admin`` stands in for the admin UI); a per-method
requests-per-second limit with 429 and the ``Ratelimit-*`` headers; injected faults; and a
request log. State lives in one JSON file so a run can be inspected and replayed. Each
kind's collection is at the path the gladly adapter's handler for it names
(:mod:`gladcfg.adapter.gladly.kinds`), the one place gladcfg records Gladly's paths.
"""

from __future__ import annotations

import asyncio
import collections
import json
import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from gladcfg.adapter.gladly.kinds import HANDLERS
from gladcfg.fileio import write_atomically

ANSWER_TYPES = ("public", "email", "messaging", "reference")


FAULT_NAMES = {
    "429_every": "rate_limit_every",
    "500_every": "error_every",
    "html_every": "html_every",
    "drop_every": "drop_every",
    "truncate_every": "truncate_every",
    "latency_ms": "latency_ms",
}


@dataclass
class SandboxFaults:
    """Every Nth request (counted over all requests) meets one fault; the first that
    applies wins, in this order: 429; 500 (every other one after the API handled the
    request: a server can fail on either side of its commit); a proxy's HTML page with
    status 200, the request never reaching the API; ``drop``: the request handled, then the
    connection closed without an answer (the response is lost); ``truncate``: the request
    handled, then half its response and the connection closed. Every request waits
    ``latency_ms``."""

    rate_limit_every: int = 0
    error_every: int = 0
    html_every: int = 0
    drop_every: int = 0
    truncate_every: int = 0
    latency_ms: int = 0

    @classmethod
    def parse(cls, text: str | None) -> SandboxFaults:
        """``429_every=5,500_every=7,drop_every=11,latency_ms=20``"""
        faults = cls()
        for item in (text or "").split(","):
            if not item.strip():
                continue
            key, _, value = item.partition("=")
            name = FAULT_NAMES.get(key.strip())
            if name is None:
                raise ValueError(f"unknown fault {key.strip()!r}; use {', '.join(FAULT_NAMES)}")
            if not value.strip().isdigit():
                raise ValueError(f"{key.strip()} needs a whole number, not {value.strip()!r}")
            setattr(faults, name, int(value))
        return faults

    def at(self, count: int) -> str | None:
        """The fault request number ``count`` meets, if any."""
        for name in ("error_every", "html_every", "drop_every", "truncate_every"):
            every = getattr(self, name)
            if every and count % every == 0:
                return name.removesuffix("_every")
        return None


def empty_state() -> dict[str, Any]:
    return {
        "organization": {"id": "org-1", "name": "Sandbox", "timezone": "America/New_York"},
        "languages": ["en-us"],
        "audiences": {},
        "teams": {},
        "inboxes": {},
        "topics": {},
        "business_hours": {},
        "answers": {},
        "webhooks": {},
    }


@dataclass
class Sandbox:
    state_path: Path
    token: str | None = None
    requests_per_second: int = 10
    faults: SandboxFaults = field(default_factory=SandboxFaults)
    log: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._sent: dict[str, collections.deque[float]] = collections.defaultdict(collections.deque)
        self._count = 0
        if self.state_path.exists():
            self.state = {
                **empty_state(),
                **json.loads(self.state_path.read_text(encoding="utf-8")),
            }
        else:
            self.state = empty_state()
            self.save()

    def save(self) -> None:
        # Atomic but not fsynced: a stand-in needs no durability, and a flush per write
        # would stall the event loop that timestamps arrivals for the rate limit.
        text = json.dumps(self.state, indent=1, sort_keys=True) + "\n"
        write_atomically(self.state_path, text, durable=False)

    def new_id(self) -> str:
        return secrets.token_hex(6)


def errors(
    status: int, code: str, detail: str, attr: str | None = None, *, as_object: bool = False
) -> JSONResponse:
    error: dict[str, Any] = {"code": code, "detail": detail}
    if attr:
        error["attr"] = attr
    return JSONResponse({"errors": error if as_object else [error]}, status_code=status)


def not_found(what: str) -> JSONResponse:
    # Gladly's 404s for answers and topics carry the object form: {"errors": {...}}.
    return errors(404, "not_exist", f"{what} does not exist", as_object=True)


async def _body(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        return None


class _Api:
    """The endpoints, one method each, over the sandbox's state."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.state = self.sandbox.state

    # -- directory (read-only through the API) ---------------------------------------

    def lister(self, kind: str) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            return JSONResponse(list(self.state[kind].values()))

        return endpoint

    def getter(self, kind: str) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            item = self.state[kind].get(request.path_params["id"])
            return JSONResponse(item) if item else not_found(kind[:-1])

        return endpoint

    async def organization(self, request: Request) -> Response:
        return JSONResponse(self.state["organization"])

    # -- topics ----------------------------------------------------------------------------

    async def create_topic(self, request: Request) -> Response:
        data = await _body(request) or {}
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

    async def update_topic(self, request: Request) -> Response:
        topic = self.state["topics"].get(request.path_params["id"])
        if topic is None:
            return not_found("topic")
        data = await _body(request) or {}
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

    # -- webhooks ------------------------------------------------------------------------
    # Kept with their credentials and header values, as Gladly keeps them; answered with
    # only whether credentials are set and which headers, as Gladly answers.

    async def list_webhooks(self, request: Request) -> Response:
        return JSONResponse([_shown_webhook(h) for h in self.state["webhooks"].values()])

    async def create_webhook(self, request: Request) -> Response:
        data = await _body(request) or {}
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
            "createdAt": _now(),
            **_webhook_fields(data, {}),
        }
        self.sandbox.save()
        return Response(status_code=201, headers={"Location": f"/api/v1/webhooks/{hook_id}"})

    async def webhook(self, request: Request) -> Response:
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
        data = await _body(request) or {}
        problem = _webhook_problem(data, creating=False)
        if problem is not None:
            return problem
        hook.update(_webhook_fields(data, hook))
        self.sandbox.save()
        return Response(status_code=204)

    # -- answers -------------------------------------------------------------------------

    async def create_answer(self, request: Request) -> Response:
        data = await _body(request) or {}
        name = data.get("name")
        if not name:
            return errors(400, "blank", "name can't be blank", "name")
        if len(name) > 500:
            return errors(400, "too_long", "name is too long", "name")
        answer_id = data.get("id") or self.sandbox.new_id()
        if answer_id in self.state["answers"] or any(
            a["name"] == name for a in self.state["answers"].values()
        ):
            return errors(409, "taken", "name is taken", "name")
        answer = {
            "id": answer_id,
            "name": name,
            "description": data.get("description"),
            "audienceIds": list(data.get("audienceIds") or []),
            "createdAt": _now(),
            "contents": {},
        }
        self.state["answers"][answer_id] = answer
        self.sandbox.save()
        return JSONResponse(_public_answer(answer))

    async def answer(self, request: Request) -> Response:
        answer_id = request.path_params["id"]
        item = self.state["answers"].get(answer_id)
        if item is None:
            return not_found("answer")
        if request.method == "GET":
            return JSONResponse(
                {**_public_answer(item), "updatedAt": item.get("updatedAt", item["createdAt"])}
            )
        if request.method == "DELETE":
            del self.state["answers"][answer_id]
            self.sandbox.save()
            return Response(status_code=204)
        data = await _body(request) or {}
        if "name" in data:
            if any(
                a["name"] == data["name"] and a["id"] != answer_id
                for a in self.state["answers"].values()
            ):
                return errors(400, "taken", "name is taken", "name")
            item["name"] = data["name"]
        for key in ("description", "audienceIds"):
            if key in data:
                item[key] = data[key]
        item["updatedAt"] = _now()
        self.sandbox.save()
        return Response(status_code=204)

    async def content(self, request: Request) -> Response:
        params = request.path_params
        item = self.state["answers"].get(params["id"])
        if item is None:
            return not_found("answer")
        lang, kind = params["lang"], params["type"]
        if kind not in ANSWER_TYPES:
            return errors(400, "invalid", f"type must be one of {', '.join(ANSWER_TYPES)}", "type")
        key = f"{lang}/{kind}"
        if request.method == "GET":
            found = item["contents"].get(key)
            return JSONResponse(found) if found else not_found("content")
        if request.method == "DELETE":
            if item["contents"].pop(key, None) is None:
                return not_found("content")
            self.sandbox.save()
            return Response(status_code=204)
        if lang not in self.state["languages"]:
            return errors(400, "invalid", "language not configured for org", "language")
        data = await _body(request) or {}
        stored = {
            "answerId": item["id"],
            "language": lang,
            "type": kind,
            "bodyHtml": data.get("bodyHtml", ""),
        }
        for extra in ("title", "subject", "internal"):
            if extra in data:
                stored[extra] = data[extra]
        item["contents"][key] = stored
        self.sandbox.save()
        return JSONResponse(stored)

    # -- business hours ----------------------------------------------------------------

    async def create_hours(self, request: Request) -> Response:
        data = await _body(request) or {}
        if not data.get("name"):
            return errors(400, "blank", "name can't be blank", "name")
        hours_id = self.sandbox.new_id()
        item = {
            "id": hours_id,
            "version": 1,
            "name": data["name"],
            "primary": not self.state["business_hours"],
            "createdAt": _now(),
            "updatedAt": _now(),
            "officeHours": data.get("officeHours") or {},
        }
        self.state["business_hours"][hours_id] = item
        self.sandbox.save()
        return JSONResponse(item, status_code=201)

    async def hours(self, request: Request) -> Response:
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
        data = await _body(request) or {}
        if data.get("version") != item["version"]:
            return errors(
                409, "version_outdated", "business hours changed; read them again", "version"
            )
        item.update(
            name=data.get("name", item["name"]),
            officeHours=data.get("officeHours", item["officeHours"]),
        )
        item["version"] += 1
        item["updatedAt"] = _now()
        self.sandbox.save()
        return JSONResponse(item)

    # -- the admin UI stand-in ----------------------------------------------------------

    def admin_creator(
        self, kind: str, fields: tuple[str, ...]
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            data = await _body(request) or {}
            if not data.get("name"):
                return errors(400, "blank", "name can't be blank", "name")
            item_id = self.sandbox.new_id()
            item = {"id": item_id, "name": data["name"]}
            for name in fields:
                item[name] = data.get(
                    name, [] if name == "agentIds" else None if name == "description" else False
                )
            self.state[kind][item_id] = item
            self.sandbox.save()
            return JSONResponse(item, status_code=201)

        return endpoint

    async def admin_settings(self, request: Request) -> Response:
        data = await _body(request) or {}
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
    fields["updatedAt"] = _now()
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


def create_app(sandbox: Sandbox) -> Starlette:
    app = _Api(sandbox)

    def at(kind: str) -> str:
        """A kind's collection where the gladly adapter's handler says Gladly has it; what
        each path answers, and to which methods, is the sandbox's own."""
        return "/api/v1" + HANDLERS[kind].path

    routes = [
        Route(at("settings"), app.organization),
        Route(at("audiences"), app.lister("audiences")),
        Route(at("teams"), app.lister("teams")),
        Route(f"{at('teams')}/{{id}}", app.getter("teams")),
        Route(at("inboxes"), app.lister("inboxes")),
        Route(f"{at('inboxes')}/{{id}}", app.getter("inboxes")),
        Route(at("topics"), app.lister("topics"), methods=["GET"]),
        Route(at("topics"), app.create_topic, methods=["POST"]),
        Route(f"{at('topics')}/{{id}}", app.getter("topics"), methods=["GET"]),
        Route(f"{at('topics')}/{{id}}", app.update_topic, methods=["PATCH"]),
        Route(at("answers"), app.create_answer, methods=["POST"]),
        Route(f"{at('answers')}/{{id}}", app.answer, methods=["GET", "PATCH", "DELETE"]),
        Route(
            f"{at('answers')}/{{id}}/languages/{{lang}}/type/{{type}}",
            app.content,
            methods=["GET", "PUT", "DELETE"],
        ),
        Route(at("webhooks"), app.list_webhooks, methods=["GET"]),
        Route(at("webhooks"), app.create_webhook, methods=["POST"]),
        Route(f"{at('webhooks')}/{{id}}", app.webhook, methods=["GET", "PATCH", "DELETE"]),
        Route(at("business_hours"), app.lister("business_hours"), methods=["GET"]),
        Route(at("business_hours"), app.create_hours, methods=["POST"]),
        Route(f"{at('business_hours')}/{{id}}", app.hours, methods=["GET", "PUT", "DELETE"]),
        Route("/_admin/inboxes", app.admin_creator("inboxes", ("disabled",)), methods=["POST"]),
        Route(
            "/_admin/teams",
            app.admin_creator("teams", ("description", "agentIds")),
            methods=["POST"],
        ),
        Route("/_admin/audiences", app.admin_creator("audiences", ()), methods=["POST"]),
        Route("/_admin/settings", app.admin_settings, methods=["POST"]),
        Route("/_admin/requests", app.admin_requests, methods=["GET"]),
    ]
    return _Guard(Starlette(routes=routes), sandbox)  # type: ignore[return-value]


class _Guard:
    """Authentication, the rate limit, injected faults and the request log, around the API."""

    def __init__(self, app: Starlette, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox

    async def __call__(self, scope: Any, receive: Any, send: Any) -> object:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return None
        sandbox = self.sandbox
        method = scope["method"]
        arrived = time.time()
        if sandbox.faults.latency_ms:
            await asyncio.sleep(sandbox.faults.latency_ms / 1000)
        with sandbox._lock:
            sandbox._count += 1
            count = sandbox._count
            now = time.monotonic()
            window = sandbox._sent[method]
            while window and window[0] <= now - 1.0:
                window.popleft()
            limited = len(window) >= sandbox.requests_per_second
            if not limited:
                window.append(now)
            remaining = max(0, sandbox.requests_per_second - len(window))
        status_holder: dict[str, int] = {}

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                headers = list(message.get("headers", []))
                headers.append(
                    (b"ratelimit-limit-second", str(sandbox.requests_per_second).encode())
                )
                headers.append((b"ratelimit-remaining-second", str(remaining).encode()))
                message = {**message, "headers": headers}
            await send(message)

        fault = None
        if sandbox.token is not None and not _authorised(scope, sandbox.token):
            await errors(401, "unauthorized", "bad credentials")(scope, receive, send_with_headers)
        elif limited or (
            sandbox.faults.rate_limit_every and count % sandbox.faults.rate_limit_every == 0
        ):
            await errors(429, "rate_limited", "too many requests")(
                scope, receive, send_with_headers
            )
        else:
            fault = await self._serve(scope, receive, send_with_headers, count)
        sandbox.log.append(
            {
                "t": round(arrived, 4),
                "method": method,
                "path": scope["path"],
                "status": status_holder.get("status", 0),
                **({"fault": fault} if fault else {}),
            }
        )
        if fault in ("drop", "truncate"):
            # The request was handled; its answer is lost. uvicorn closes the connection of an
            # app that returns a value, at once and without answering.
            return CLOSE_CONNECTION
        return None

    async def _serve(self, scope: Any, receive: Any, send: Any, count: int) -> str | None:
        """The API's answer, or the fault request number ``count`` meets instead."""
        faults = self.sandbox.faults
        fault = faults.at(count)
        if fault == "error":
            if (count // faults.error_every) % 2 == 0:
                await self.app(scope, receive, _cut_short(send, truncate=False))
                fault = "error after handling"
            await errors(500, "internal", "injected failure")(scope, receive, send)
        elif fault == "html":
            await HTMLResponse(PROXY_PAGE)(scope, receive, send)
        elif fault in ("drop", "truncate"):
            await self.app(scope, receive, _cut_short(send, truncate=fault == "truncate"))
        else:
            await self.app(scope, receive, send)
        return fault


PROXY_PAGE = "<html><head><title>Gateway</title></head><body><h1>Please wait</h1></body></html>"
CLOSE_CONNECTION = "close the connection"


def _cut_short(send: Any, truncate: bool) -> Any:
    """A ``send`` that loses the response (``drop``) or all but the status line, headers and
    the first half of the body (``truncate``)."""

    async def cut(message: Any) -> None:
        if not truncate:
            return
        if message["type"] == "http.response.start":
            await send(message)
        elif message["type"] == "http.response.body" and message.get("body"):
            body = message["body"]
            await send({**message, "body": body[: len(body) // 2], "more_body": True})

    return cut


def _authorised(scope: Any, token: str) -> bool:
    import base64

    for name, value in scope.get("headers", []):
        if name == b"authorization" and value.startswith(b"Basic "):
            try:
                decoded = base64.b64decode(value[6:]).decode()
            except ValueError:
                return False
            return decoded.partition(":")[2] == token
    return False


def _public_answer(item: dict[str, Any]) -> dict[str, Any]:
    return {key: item[key] for key in ("id", "name", "description", "audienceIds", "createdAt")}


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
