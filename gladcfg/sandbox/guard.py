"""What every ``/api/`` request passes before the API answers it: authentication, the
per-method rate limit with its ``Ratelimit-*`` headers, Gladly's published API (a request it
does not allow is refused as Gladly refuses it: 400 with Gladly's error body, naming the
field), injected faults, and the request log."""

from __future__ import annotations

import asyncio
import base64
import collections
import threading
import time
from typing import Any

from starlette.applications import Starlette
from starlette.responses import HTMLResponse, JSONResponse

from gladcfg.sandbox.responses import errors
from gladcfg.sandbox.state import Sandbox
from gladcfg.spec.contract import Exchange, contract, error_body

PROXY_PAGE = "<html><head><title>Gateway</title></head><body><h1>Please wait</h1></body></html>"
CLOSE_CONNECTION = "close the connection"


class Guard:
    """Authentication, the rate limit, injected faults and the request log, around the API."""

    def __init__(self, app: Starlette, sandbox: Sandbox) -> None:
        self.app = app
        self.sandbox = sandbox
        self._lock = threading.Lock()
        self._sent: dict[str, collections.deque[float]] = collections.defaultdict(collections.deque)
        self._count = 0
        self._contract = contract()  # built now: the first request must not wait for it

    async def __call__(self, scope: Any, receive: Any, send: Any) -> object:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return None
        sandbox = self.sandbox
        method = scope["method"]
        arrived = time.time()
        if sandbox.faults.latency_ms:
            await asyncio.sleep(sandbox.faults.latency_ms / 1000)
        with self._lock:
            self._count += 1
            count = self._count
            now = time.monotonic()
            window = self._sent[method]
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
            body = await _body(receive)
            refusal = self._refusal(scope, body)
            if refusal is not None:
                await refusal(scope, _replay(body), send_with_headers)
            else:
                fault = await self._serve(scope, _replay(body), send_with_headers, count)
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

    def _refusal(self, scope: Any, body: bytes) -> JSONResponse | None:
        """Gladly's 400 for a request its published API does not allow; None for one it
        does, or one to a path it does not have (the routes answer those: 404 or 405)."""
        exchange = Exchange(
            method=scope["method"],
            path=scope["path"],
            query=scope.get("query_string", b"").decode("latin-1"),
            request_headers={
                name.decode("latin-1"): value.decode("latin-1")
                for name, value in scope.get("headers", [])
            },
            request_body=body,
        )
        if self._contract.operation(exchange.method, exchange.path) is None:
            return None
        # Credentials are the guard's own check, made already (or not asked for).
        refused = [v for v in self._contract.request(exchange) if v.code != "unauthorized"]
        if not refused:
            return None
        errors = [error_body(v)["errors"][0] for v in refused]
        return JSONResponse({"errors": errors}, status_code=400)

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


async def _body(receive: Any) -> bytes:
    """The request's whole body, read before the API sees it."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Any:
    """A ``receive`` that gives the API the body the guard read."""
    sent = False

    async def receive() -> Any:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


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
    for name, value in scope.get("headers", []):
        if name == b"authorization" and value.startswith(b"Basic "):
            try:
                decoded = base64.b64decode(value[6:]).decode()
            except ValueError:
                return False
            return decoded.partition(":")[2] == token
    return False
