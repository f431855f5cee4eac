"""One deadline per HTTP exchange, from connecting to the last byte, headers included.

httpx's timeouts bound each wait for the network, not an exchange: a server (or a proxy)
that sends one header line every few seconds never trips the read timeout and holds a
request forever. So every connection the client opens, directly or through a proxy, runs
on a network backend whose every connect, read and write waits at most until the deadline
of the exchange it serves (:func:`exchange`, held per thread): no drip outlasts it. Once it
has passed, the next wait fails as httpx's own timeouts do, and the client treats it so.
"""

from __future__ import annotations

import contextlib
import time
import typing
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass

import httpcore
import httpx

from gladcfg.errors import GladcfgError

# Writes are handed to the socket in slices, each bounded anew: a server that accepts a
# large body a byte at a time cannot stretch one write past the deadline.
_WRITE_SLICE = 16 * 1024


@dataclass(frozen=True)
class Deadline:
    """When the exchange under way must be over (time.monotonic()), and its length."""

    end: float
    seconds: float

    @property
    def passed(self) -> bool:
        return time.monotonic() >= self.end


_CURRENT: ContextVar[Deadline | None] = ContextVar("gladcfg_exchange_deadline", default=None)


@contextlib.contextmanager
def exchange(seconds: float) -> Iterator[Deadline]:
    """Hold the network waits of this thread to ``seconds`` from now, all of them together."""
    deadline = Deadline(time.monotonic() + seconds, seconds)
    token = _CURRENT.set(deadline)
    try:
        yield deadline
    finally:
        _CURRENT.reset(token)


def _within(timeout: float | None, timed_out: type[httpcore.TimeoutException]) -> float | None:
    """``timeout`` shortened to what is left of the exchange's deadline; once it has passed,
    ``timed_out`` (as the socket would raise it)."""
    deadline = _CURRENT.get()
    if deadline is None:
        return timeout
    left = deadline.end - time.monotonic()
    if left <= 0:
        raise timed_out(f"the exchange's deadline of {deadline.seconds:g} s has passed")
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    """A connection whose every wait ends by the current exchange's deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _within(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        for start in range(0, len(buffer), _WRITE_SLICE):
            piece = buffer[start : start + _WRITE_SLICE]
            self._stream.write(piece, _within(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: typing.Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        bounded = _within(timeout, httpcore.ConnectTimeout)
        return DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._stream.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """Opens connections as ``backend`` does, each a :class:`DeadlineStream`."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        bounded = _within(timeout, httpcore.ConnectTimeout)
        stream = self._backend.connect_tcp(host, port, bounded, local_address, socket_options)
        return DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        bounded = _within(timeout, httpcore.ConnectTimeout)
        return DeadlineStream(self._backend.connect_unix_socket(path, bounded, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def bound_exchanges(client: httpx.Client) -> httpx.Client:
    """``client``, every connection of which (its own pool's, and each proxy's it found in
    the environment) is held to the deadline of the exchange it serves.

    httpx takes no network backend, so the backend of each of its connection pools is
    wrapped where httpx keeps it; were that to move in another httpx, this refuses to go
    on rather than leave a request without its deadline."""
    transports = [client._transport, *client._mounts.values()]
    for transport in transports:
        if transport is None:  # a NO_PROXY entry: requests go through client._transport
            continue
        pool: typing.Any = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if not isinstance(backend, httpcore.NetworkBackend):
            raise GladcfgError(
                f"gladcfg cannot bound the exchanges of {type(transport).__name__} in this "
                f"httpx ({httpx.__version__}), so a request could wait forever; install the "
                "httpx gladcfg is tested with"
            )
        if not isinstance(backend, DeadlineBackend):
            pool._network_backend = DeadlineBackend(backend)
    return client
