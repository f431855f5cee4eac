"""What every group of endpoints shares: the sandbox's state, a request's JSON body, and
lists and reads of a collection exactly as it is stored."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gladcfg.sandbox.responses import not_found
from gladcfg.sandbox.state import Sandbox

Endpoint = Callable[[Request], Awaitable[Response]]


class Endpoints:
    """A group of endpoints, one method each, over one sandbox's state."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.state = self.sandbox.state

    def lister(self, kind: str) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            return JSONResponse(list(self.state[kind].values()))

        return endpoint

    def getter(self, kind: str) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            item = self.state[kind].get(request.path_params["id"])
            return JSONResponse(item) if item else not_found(kind[:-1])

        return endpoint


async def request_body(request: Request) -> Any:
    """The request's JSON, or None when its body is not JSON."""
    try:
        return await request.json()
    except ValueError:
        return None
