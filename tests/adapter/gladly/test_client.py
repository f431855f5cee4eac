from __future__ import annotations

import httpx
import pytest
import respx

from gladcfg.adapter.gladly.client import AuthError, GladlyClient, LostResponseError, NotFoundError
from gladcfg.adapter.gladly.ratelimit import RateLimiter
from gladcfg.errors import AdapterError, TransientError
from tests.adapter.gladly.conftest import TOKEN, FakeClock


def test_the_limiter_never_lets_a_second_exceed_the_budget(clock: FakeClock) -> None:
    limiter = RateLimiter(10, 50, clock=clock)
    assert limiter.budget == 5
    sent = []
    for _ in range(23):
        limiter.acquire()
        sent.append(clock.now)
    for start in sent:
        assert sum(1 for t in sent if start <= t < start + 1.0) <= 5
    assert sent[-1] - sent[0] >= 4.4  # 23 requests at 5 per 1.1 s take over 4.4 s
    assert RateLimiter(0.5, 10, clock=clock).budget == 1


def test_remaining_zero_waits_for_the_next_second(clock: FakeClock) -> None:
    limiter = RateLimiter(10, 100, clock=clock)
    limiter.acquire()
    limiter.observe({"ratelimit-remaining-second": "0"})
    before = clock.now
    limiter.acquire()
    assert clock.now - before == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [("3", 3.0), (None, 0.375), ("Wed, 21 Oct 2026 07:28:00 GMT", 0.375)],
)
def test_429_backs_off_then_succeeds(
    client: GladlyClient,
    api: respx.MockRouter,
    clock: FakeClock,
    retry_after: str | None,
    expected: float,
) -> None:
    headers = {"Retry-After": retry_after} if retry_after else {}
    api.get("/teams").mock(
        side_effect=[httpx.Response(429, headers=headers), httpx.Response(200, json=[])]
    )
    assert client.get("/teams") == []
    assert clock.slept and clock.slept[-1] == pytest.approx(expected)  # jitter fixed at 0.5
    assert client.retries == 1 and client.requests == 2


def test_5xx_then_success(client: GladlyClient, api: respx.MockRouter) -> None:
    api.get("/inboxes").mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json=[{"id": "i"}])]
    )
    assert client.get("/inboxes") == [{"id": "i"}]


def test_503_with_retry_after_is_honoured(
    client: GladlyClient, api: respx.MockRouter, clock: FakeClock
) -> None:
    api.get("/teams").mock(
        side_effect=[
            httpx.Response(503, headers={"Retry-After": "2"}),
            httpx.Response(200, json=[]),
        ]
    )
    assert client.get("/teams") == []
    assert clock.slept[-1] == pytest.approx(2.0)


def test_5xx_every_time_names_status_and_request_id(
    client: GladlyClient, api: respx.MockRouter
) -> None:
    api.get("/inboxes").mock(return_value=httpx.Response(503, headers={"x-request-id": "req-42"}))
    with pytest.raises(
        TransientError, match=r"HTTP 503 from Gladly after 5 attempts \(request id req-42\)"
    ):
        client.get("/inboxes")
    api.get("/teams").mock(return_value=httpx.Response(500))
    with pytest.raises(TransientError, match="HTTP 500"):
        client.get("/teams")


def test_connection_errors_are_retried_except_for_posts(
    client: GladlyClient, api: respx.MockRouter
) -> None:
    api.get("/topics").mock(side_effect=[httpx.ConnectError("boom"), httpx.Response(200, json=[])])
    assert client.get("/topics") == []
    api.post("/topics").mock(side_effect=httpx.ReadTimeout("lost"))
    with pytest.raises(LostResponseError, match="response was lost"):
        client.request("POST", "/topics", {"name": "x"})
    assert api.routes[1].call_count == 1  # never blindly re-sent
    api.get("/audiences").mock(side_effect=httpx.ConnectError("down"))
    with pytest.raises(TransientError, match="failed 5 times"):
        client.get("/audiences")


@pytest.mark.parametrize("status", [401, 403])
def test_auth_errors_name_the_variable_never_the_token(
    client: GladlyClient, api: respx.MockRouter, status: int
) -> None:
    api.get("/teams").mock(return_value=httpx.Response(status, json={"errors": [{"code": "x"}]}))
    with pytest.raises(AuthError) as info:
        client.get("/teams")
    message = str(info.value)
    assert (
        f"HTTP {status}" in message and "$GLADLY_TOKEN" in message and "ops@acme.example" in message
    )
    assert TOKEN not in message


@pytest.mark.parametrize(
    "body",
    [
        {"errors": [{"attr": "name", "code": "taken", "detail": "Name is taken"}]},
        {"errors": {"attr": "name", "code": "taken", "detail": "Name is taken"}},
    ],
)
def test_both_error_body_forms(client: GladlyClient, api: respx.MockRouter, body: dict) -> None:  # type: ignore[type-arg]
    api.post("/answers").mock(return_value=httpx.Response(409, json=body))
    with pytest.raises(AdapterError, match=r"HTTP 409 \(name: taken: Name is taken\)"):
        client.request("POST", "/answers", {"name": "x"})


def test_404_and_odd_bodies(client: GladlyClient, api: respx.MockRouter) -> None:
    api.get("/answers/a").mock(return_value=httpx.Response(404, text="not json"))
    with pytest.raises(NotFoundError, match="not found"):
        client.get("/answers/a")
    api.get("/answers/b").mock(return_value=httpx.Response(400, json={"errors": "weird"}))
    with pytest.raises(AdapterError, match=r"HTTP 400$"):
        client.get("/answers/b")
    api.get("/answers/c").mock(return_value=httpx.Response(400, json={"errors": [1, {}]}))
    with pytest.raises(AdapterError, match=r"HTTP 400$"):
        client.get("/answers/c")


def test_truncated_lists_are_refused(client: GladlyClient, api: respx.MockRouter) -> None:
    api.get("/topics").mock(
        return_value=httpx.Response(200, json=[], headers={"Gladly-Limited-Data": "true"})
    )
    with pytest.raises(AdapterError, match="truncated"):
        client.get("/topics")


def test_empty_bodies(client: GladlyClient, api: respx.MockRouter) -> None:
    api.patch("/topics/t").mock(return_value=httpx.Response(204))
    assert client.request("PATCH", "/topics/t", {"name": "x"}).body is None
