"""``gladcfg sandbox serve``: Gladly's API shape on this machine, for trying the gladly
adapter offline and for end-to-end tests. Needs the optional extra ``gladcfg[sandbox]``."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

from gladcfg.errors import GladcfgError


def _require() -> None:
    try:
        import openapi_core  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:  # pragma: no cover - the test extra installs both
        raise GladcfgError(
            "the sandbox needs the optional extra: pip install 'gladcfg[sandbox]'"
        ) from None


def make_server(
    state: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8787,
    token: str | None = None,
    faults: str | None = None,
    requests_per_second: int = 10,
) -> Any:
    """A uvicorn server for the sandbox app (``server.run()`` serves until stopped)."""
    _require()
    import uvicorn

    from gladcfg.sandbox.app import Sandbox, SandboxFaults, create_app

    try:
        parsed = SandboxFaults.parse(faults)
    except ValueError as exc:
        raise GladcfgError(f"--faults: {exc}") from None
    sandbox = Sandbox(state, token=token, requests_per_second=requests_per_second, faults=parsed)
    # h11: its handling of a connection the app cuts short is what the drop and truncate
    # faults rely on (closed at once, no answer).
    config = uvicorn.Config(
        create_app(sandbox), host=host, port=port, log_level="warning", lifespan="off", http="h11"
    )
    logging.getLogger("uvicorn.error").addFilter(_quiet_about_injected_cuts)
    server = uvicorn.Server(config)
    server.sandbox = sandbox  # type: ignore[attr-defined]
    return server


def _quiet_about_injected_cuts(record: logging.LogRecord) -> bool:
    """uvicorn reports an app that cut its answer short; the sandbox does it on purpose."""
    return not str(record.msg).startswith("ASGI callable")


class BackgroundServer:
    """Run a sandbox in a thread (tests and the benchmark): ``with BackgroundServer(...) as s``."""

    def __init__(self, state: Path, **options: Any) -> None:
        self.server = make_server(state, port=0, **options)
        self._thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def sandbox(self) -> Any:
        return self.server.sandbox

    @property
    def url(self) -> str:
        sockets = self.server.servers[0].sockets
        host, port = sockets[0].getsockname()[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> BackgroundServer:

        self._thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise GladcfgError("the sandbox did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=10)
