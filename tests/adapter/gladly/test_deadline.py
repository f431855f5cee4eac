"""Every exchange ends by its deadline, headers included, against a real socket server that
drips one header line at a time: httpx's timeouts, reset by each line, would wait forever."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

import httpcore
import httpx
import pytest

from gladcfg.adapter.gladly import client as client_module
from gladcfg.adapter.gladly import deadline, shapes
from gladcfg.adapter.gladly.adapter import http_client
from gladcfg.adapter.gladly.client import GladlyClient
from gladcfg.adapter.gladly.config import GladlyInstance
from gladcfg.adapter.gladly.deadline import DeadlineBackend, bound_exchanges
from gladcfg.adapter.gladly.ratelimit import RateLimiter
from gladcfg.errors import BadResponseError, GladcfgError, LostResponseError, TransientError

ANY = shapes.TypeAdapter(object)
DEADLINE = 0.6
EVERY = 0.2  # seconds between two header lines
# How long the server drips at most: the code as it was fails the test instead of hanging.
BOUND = 5.0
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


class Drip:
    """A server on 127.0.0.1 that answers each request with a status line and then one
    header line every ``every`` seconds, never ending them, until the client hangs up, the
    test ends, or BOUND seconds have passed."""

    def __init__(self) -> None:
        self.every = EVERY
        self.body = False  # headers at once, then the body one byte every ``every`` seconds
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.05)
        self.port: int = self._server.getsockname()[1]
        self.requests: list[bytes] = []  # the first line of each
        self.lines = 0
        self._stop = threading.Event()
        self._ends = time.monotonic() + BOUND
        self._threads = [threading.Thread(target=self._accept, daemon=True)]

    def __enter__(self) -> Drip:
        self._threads[0].start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in list(self._threads):
            thread.join(BOUND)
        self._server.close()

    @property
    def alive(self) -> bool:
        return any(thread.is_alive() for thread in self._threads)

    def _running(self) -> bool:
        return not self._stop.is_set() and time.monotonic() < self._ends

    def _accept(self) -> None:
        while self._running():
            try:
                connection, _ = self._server.accept()
            except TimeoutError:
                continue
            worker = threading.Thread(target=self._drip, args=(connection,), daemon=True)
            self._threads.append(worker)
            worker.start()

    def _drip(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(BOUND)
            received = b""
            try:
                while b"\r\n\r\n" not in received:
                    chunk = connection.recv(4096)
                    if not chunk:
                        return
                    received += chunk
                self.requests.append(received.split(b"\r\n", 1)[0])
                connection.sendall(b"HTTP/1.1 200 OK\r\n")
                if self.body:
                    connection.sendall(b"Content-Length: 1000\r\n\r\n[")
                while self._running() and not self._stop.wait(self.every):
                    connection.sendall(b" " if self.body else b"X-Drip: %d\r\n" % self.lines)
                    self.lines += 1
            except OSError:  # the client hung up
                return


@pytest.fixture
def drip(monkeypatch: pytest.MonkeyPatch) -> Iterator[Drip]:
    monkeypatch.setattr(client_module, "MAX_RESPONSE_SECONDS", DEADLINE)
    monkeypatch.setattr(client_module, "MAX_ATTEMPTS", 2)
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    with Drip() as server:
        yield server
    assert not server.alive


def gladly_client(base_url: str) -> GladlyClient:
    """A client as the adapter makes it (:func:`http_client`), on the real clock."""
    config = GladlyInstance.model_validate(
        {"adapter": "gladly", "base_url": base_url, "user": "ops@acme.example", "token_env": "T"}
    )
    return GladlyClient(
        http_client(config, "tok-drip"),
        instance="prod",
        user=config.user,
        token_env="T",
        limiter=RateLimiter(100, 100),
    )


def test_headers_dripped_forever_end_at_the_deadline_and_are_retried_as_a_timeout(
    drip: Drip,
) -> None:
    client = gladly_client(f"http://127.0.0.1:{drip.port}")
    started = time.monotonic()
    with pytest.raises(TransientError) as raised:
        client.get("/topics", ANY)
    elapsed = time.monotonic() - started
    client.close()
    assert str(raised.value) == (
        f"prod: GET /topics: no response within the {DEADLINE:g} s deadline (ReadTimeout), "
        "2 attempts"
    )
    assert 2 * DEADLINE <= elapsed < 2 * DEADLINE + 0.8  # two attempts and one short pause
    assert len(drip.requests) == 2 and drip.lines >= 2  # it did drip, both times


def test_a_post_whose_headers_drip_past_the_deadline_may_have_reached_gladly(
    drip: Drip,
) -> None:
    client = gladly_client(f"http://127.0.0.1:{drip.port}")
    started = time.monotonic()
    with pytest.raises(LostResponseError) as raised:
        client.request("POST", "/topics", {"name": "billing"})
    client.close()
    assert time.monotonic() - started < DEADLINE + 0.5
    assert str(raised.value) == (
        f"prod: POST /topics: no response within the {DEADLINE:g} s deadline (ReadTimeout); "
        "it may have reached Gladly"
    )
    assert len(drip.requests) == 1  # never sent twice


def test_a_proxy_from_the_environment_that_drips_is_held_to_the_deadline_too(
    drip: Drip, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{drip.port}")
    monkeypatch.setattr(client_module, "MAX_ATTEMPTS", 1)
    client = gladly_client("http://localhost:9")  # nothing listens there: the proxy answers
    started = time.monotonic()
    with pytest.raises(TransientError, match="deadline"):
        client.get("/topics", ANY)
    client.close()
    assert time.monotonic() - started < DEADLINE + 0.5
    assert drip.requests == [b"GET http://localhost:9/api/v1/topics HTTP/1.1"]


class Recording(httpcore.NetworkStream, httpcore.NetworkBackend):
    """A stream and a backend that record the timeout of each wait asked of them."""

    def __init__(self) -> None:
        self.waits: list[tuple[str, float | None]] = []

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self.waits.append(("read", timeout))
        return b""

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.waits.append((f"write {len(buffer)}", timeout))

    def close(self) -> None:
        self.waits.append(("close", None))

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        self.waits.append(("tls", timeout))
        return self

    def get_extra_info(self, info: str) -> Any:
        return info

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        self.waits.append(("tcp", timeout))
        return self

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        self.waits.append(("unix", timeout))
        return self

    def sleep(self, seconds: float) -> None:
        self.waits.append(("sleep", seconds))


def test_every_wait_is_shortened_to_what_is_left_and_none_outlasts_the_deadline() -> None:
    inner = Recording()
    backend = DeadlineBackend(inner)
    outside = backend.connect_tcp("gladly", 443, timeout=10)  # no exchange: as asked
    with deadline.exchange(5):
        stream = backend.connect_unix_socket("/run/gladly.sock", timeout=None)
        stream = stream.start_tls(None, "gladly", timeout=30)
        stream.write(b"x" * 40_000, timeout=30)
        stream.read(4096, timeout=1)
        backend.sleep(0.1)
        assert stream.get_extra_info("server_addr") == "server_addr"
        stream.close()
    outside.close()
    waits = dict(inner.waits)
    assert waits["tcp"] == 10 and waits["read"] == 1 and waits["sleep"] == 0.1
    assert all(0 < waits[w] <= 5 for w in ("unix", "tls", "write 16384", "write 7232"))
    assert [w for w, _ in inner.waits].count("write 16384") == 2  # sent in bounded slices
    with deadline.exchange(0) as passed:
        assert passed.passed
        with pytest.raises(httpcore.ReadTimeout, match="deadline of 0 s has passed"):
            stream.read(4096, timeout=30)
        with pytest.raises(httpcore.WriteTimeout):
            stream.write(b"x", timeout=30)
        with pytest.raises(httpcore.ConnectTimeout):
            backend.connect_tcp("gladly", 443, timeout=10)


def test_a_client_whose_connections_cannot_be_bounded_is_refused() -> None:
    client = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(200)))
    with pytest.raises(GladcfgError, match="cannot bound the exchanges of MockTransport"):
        bound_exchanges(client)
    client.close()
    bounded = bound_exchanges(bound_exchanges(httpx.Client()))  # once is enough
    assert isinstance(bounded._transport._pool._network_backend, DeadlineBackend)  # type: ignore[attr-defined]
    assert not isinstance(
        bounded._transport._pool._network_backend._backend,  # type: ignore[attr-defined]
        DeadlineBackend,
    )
    bounded.close()


def test_a_body_dripped_past_the_deadline_is_an_answer_that_will_not_end(drip: Drip) -> None:
    # A byte every 0.5 s: the wait for the second one is cut at the deadline (0.6 s).
    drip.every, drip.body = 0.5, True
    client = gladly_client(f"http://127.0.0.1:{drip.port}")
    started = time.monotonic()
    with pytest.raises(BadResponseError) as raised:
        client.get("/topics", ANY)
    client.close()
    assert time.monotonic() - started < DEADLINE + 0.4
    assert str(raised.value) == (
        f"prod: GET /topics: the response did not finish within {DEADLINE:g} s (an answer "
        "Gladly would never send)"
    )
    assert len(drip.requests) == 1  # the server answered: asking again would not help
