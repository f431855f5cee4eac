from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import respx

from gladcfg.adapter.gladly.adapter import GladlyAdapter
from gladcfg.adapter.gladly.client import GladlyClient, basic_auth_forms
from gladcfg.adapter.gladly.config import GladlyInstance
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
        secrets=basic_auth_forms("ops@acme.example", TOKEN),
    )
    http.close()


CONFIG = GladlyInstance.model_validate(
    {
        "adapter": "gladly",
        "base_url": "https://acme.gladly.com",
        "user": "ops@acme.example",
        "token_env": "T",
    }
)
HOURS = {
    "id": "bh-1",
    "version": 3,
    "name": "us",
    "primary": False,
    "officeHours": {
        "timezone": "America/New_York",
        "monday": [{"start": "08:00", "stop": "17:00"}],
        # As Gladly answers instants: in UTC, with milliseconds (New York's whole day).
        "exceptions": [
            {
                "name": "Christmas",
                "start": "2026-12-25T05:00:00.000Z",
                "stop": "2026-12-26T05:00:00.000Z",
                "scheduleBlocks": [],
            }
        ],
    },
}


@pytest.fixture
def adapter(api: respx.MockRouter, clock: FakeClock) -> Iterator[GladlyAdapter]:
    http = httpx.Client(base_url=BASE)
    yield GladlyAdapter("prod", CONFIG, Path("."), http=http, clock=clock)
    http.close()


def lists(api: respx.MockRouter, **overrides: object) -> None:
    data = {
        "/audiences": [{"id": "aud-1", "name": "acme"}],
        "/teams": [{"id": "team-1", "name": "tier1", "description": "Tier 1", "agentIds": []}],
        "/inboxes": [{"id": "in-1", "name": "support", "disabled": False}],
        "/topics": [
            {"id": "top-1", "name": "billing", "disabled": False},
            {"id": "top-2", "name": "refund", "disabled": False, "parentId": "top-1"},
            {"id": "top-3", "name": "old", "disabled": True},
        ],
        "/business-hours": [HOURS],
        "/webhooks": [],
        "/organization": {"id": "org", "name": "Acme", "timezone": "America/New_York"},
    }
    for path, body in {**data, **overrides}.items():
        api.get(path).mock(return_value=httpx.Response(200, json=body))


# A project with one gladly instance at BASE, fast enough for tests (its token in
# GLADCFG_TEST_TOKEN).
GLADLY_PROJECT = """\
version: 1
resources: ["config/**/*.yaml"]
instances:
  prod:
    adapter: gladly
    base_url: https://acme.gladly.com
    user: ops@acme.example
    token_env: GLADCFG_TEST_TOKEN
    rate_limit: {requests_per_second: 1000, budget_percent: 100}
"""
