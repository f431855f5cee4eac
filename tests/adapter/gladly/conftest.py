from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import respx

from gladcfg.adapter.gladly.client import GladlyClient
from gladcfg.adapter.gladly.ratelimit import RateLimiter

BASE = "https://acme.gladly.com/api/v1"
TOKEN = "tok-DISTINCTIVE-5f1e"


class FakeClock:
    """Time that passes only when someone sleeps: tests never really wait."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


@pytest.fixture
def client(clock: FakeClock, api: respx.MockRouter) -> Iterator[GladlyClient]:
    http = httpx.Client(base_url=BASE, auth=("ops@acme.example", TOKEN))
    limiter = RateLimiter(10, 50, clock=clock, jitter=lambda: 0.5)
    yield GladlyClient(
        http,
        instance="prod",
        user="ops@acme.example",
        token_env="GLADLY_TOKEN",
        limiter=limiter,
        clock=clock,
    )
    http.close()
