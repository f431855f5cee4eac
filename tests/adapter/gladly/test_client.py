"""The client's promises about failures: what is retried (and only what is safe to send
twice), how long it waits, how many attempts the messages claim, and that every transport
failure ends in a gladcfg error with no URL, token or server garbage in it."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator

import httpx
import pytest
import respx

from gladcfg.adapter.gladly import client as client_module
from gladcfg.adapter.gladly import shapes
from gladcfg.adapter.gladly.client import (
    MAX_ATTEMPTS,
    MAX_PACED_SECONDS,
    GladlyClient,
    blank_secrets,
)
from gladcfg.adapter.gladly.ratelimit import RECOVERY_SECONDS, RateLimiter
from gladcfg.errors import (
    AdapterError,
    AuthError,
    LostResponseError,
    NotFoundError,
    TransientError,
)
from tests.adapter.gladly.conftest import TOKEN, FakeClock

ANY = shapes.TypeAdapter(object)
WRITES = ["PUT", "PATCH", "DELETE"]


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
    [
        ("3", 3.0),
        (None, 0.375),
        ("Wed, 21 Oct 2026 07:28:00 GMT", 0.375),
        ("99999", 30.0),
        ("-5", 0.0),
        ("nan", 0.375),
        ("inf", 0.375),
    ],
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
    assert client.get("/teams", ANY) == []
    assert sum(clock.slept) == pytest.approx(expected)  # jitter fixed at 0.5
    assert client.retries == 1 and client.requests == 2


@pytest.mark.parametrize("status", [500, 502, 503, 504])
@pytest.mark.parametrize("method", ["GET", *WRITES])
def test_idempotent_requests_retry_5xx_with_growing_bounded_waits(
    client: GladlyClient, api: respx.MockRouter, clock: FakeClock, status: int, method: str
) -> None:
    route = api.route(method=method, path="/topics/t").mock(
        side_effect=[httpx.Response(status)] * 3 + [httpx.Response(200, json={"ok": True})]
    )
    response = client.request(method, "/topics/t", {"name": "x"} if method != "GET" else None)
    assert response.status == 200 and route.call_count == 4
    assert clock.slept == [0.1875, 0.375, 0.75]  # 0.25 × 2^n, jitter fixed at 0.75


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_status_every_time_says_how_many_attempts_were_made(
    client: GladlyClient, api: respx.MockRouter, clock: FakeClock, status: int
) -> None:
    route = api.get("/inboxes").mock(
        return_value=httpx.Response(
            status, headers={"x-request-id": "req-42"}, json={"errors": [{"code": "boom"}]}
        )
    )
    with pytest.raises(TransientError) as info:
        client.get("/inboxes", ANY)
    assert str(info.value) == (
        f"prod: GET /inboxes: HTTP {status} from Gladly after {MAX_ATTEMPTS} attempts "
        "(request id req-42) (boom)"
    )
    assert route.call_count == MAX_ATTEMPTS and client.requests == MAX_ATTEMPTS
    assert sum(clock.slept) < 60  # bounded
    assert (info.value.status, info.value.codes) == (status, ("boom",))
    assert info.value.request_id == "req-42"


def test_429s_met_together_slow_the_limiter_once(clock: FakeClock) -> None:
    limiter = RateLimiter(20, 100, clock=clock, jitter=lambda: 0.5)
    for _ in range(8):  # eight workers refused in the same moment
        limiter.backoff(0, "0")
    assert limiter.budget == 15
    clock.now += 2
    limiter.backoff(0, "0")
    assert limiter.budget == 11


def test_429s_are_retried_for_as_long_as_the_pacing_budget_and_slow_the_limiter(
    client: GladlyClient, api: respx.MockRouter, clock: FakeClock
) -> None:
    """A 429 is Gladly pacing us: more of them than failures get attempts are waited out,
    each slowing every later request down, until MAX_PACED_SECONDS of waiting."""
    ceiling = client.limiter.budget
    route = api.get("/inboxes").mock(
        side_effect=[httpx.Response(429)] * (MAX_ATTEMPTS + 3) + [httpx.Response(200, json=[])]
    )
    assert client.get("/inboxes", ANY) == []
    assert route.call_count == MAX_ATTEMPTS + 4
    slowed = client.limiter.budget
    assert slowed < ceiling  # slowed down …
    clock.now += RECOVERY_SECONDS
    client.limiter.acquire()
    assert client.limiter.budget == slowed + 1  # … and climbing back, one step per quiet spell
    client.limiter.acquire()
    assert client.limiter.budget == slowed + 1
    api.get("/teams").mock(return_value=httpx.Response(429, headers={"x-request-id": "r-1"}))
    clock.slept.clear()
    with pytest.raises(TransientError) as info:
        client.get("/teams", ANY)
    assert sum(clock.slept) >= MAX_PACED_SECONDS
    assert str(info.value).startswith("prod: GET /teams: HTTP 429 from Gladly after ")
    assert info.value.status == 429 and info.value.request_id == "r-1"


@pytest.mark.parametrize(
    ("status", "body", "kind", "codes"),
    [
        (409, {"errors": [{"attr": "name", "code": "taken"}]}, AdapterError, ("taken",)),
        (409, {"errors": {"code": "version_outdated"}}, AdapterError, ("version_outdated",)),
        (400, {"errors": [{"code": "invalid"}, {"code": 7}, "x"]}, AdapterError, ("invalid",)),
        (404, {"errors": {"code": "not_exist"}}, NotFoundError, ("not_exist",)),
        (401, {"errors": [{"code": "unauthorized"}]}, AuthError, ("unauthorized",)),
        (409, "<html>taken</html>", AdapterError, ()),
    ],
)
def test_an_error_carries_the_status_and_gladlys_codes_as_data(  # noqa: PLR0917
    client: GladlyClient,
    api: respx.MockRouter,
    status: int,
    body: object,
    kind: type[AdapterError],
    codes: tuple[str, ...],
) -> None:
    """Callers decide on codes, not on words in a message."""
    content = body if isinstance(body, str) else json.dumps(body)
    api.patch("/topics/t").mock(return_value=httpx.Response(status, content=content))
    with pytest.raises(kind) as info:
        client.request("PATCH", "/topics/t", {"name": "x"})
    assert (info.value.status, info.value.codes, info.value.request_id) == (status, codes, None)


@pytest.mark.parametrize("status", [400, 409, 422, 501])
def test_statuses_not_worth_retrying_are_sent_once_and_claim_one_attempt(
    client: GladlyClient, api: respx.MockRouter, status: int
) -> None:
    route = api.put("/topics/t").mock(return_value=httpx.Response(status))
    with pytest.raises(AdapterError) as info:
        client.request("PUT", "/topics/t", {})
    assert route.call_count == 1 and "attempts" not in str(info.value)
    assert str(info.value).startswith(f"prod: PUT /topics/t: HTTP {status}")


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_post_that_may_have_happened_is_never_blindly_sent_again(
    client: GladlyClient, api: respx.MockRouter, status: int
) -> None:
    route = api.post("/topics").mock(return_value=httpx.Response(status))
    with pytest.raises(LostResponseError, match=f"HTTP {status}; it may have reached Gladly"):
        client.request("POST", "/topics", {"name": "x"})
    assert route.call_count == 1


def test_a_rate_limited_post_is_sent_again(client: GladlyClient, api: respx.MockRouter) -> None:
    route = api.post("/topics").mock(side_effect=[httpx.Response(429), httpx.Response(201)])
    assert client.request("POST", "/topics", {"name": "x"}).status == 201
    assert route.call_count == 2


LOST = [
    (httpx.ReadTimeout("t"), "no response in time (ReadTimeout)"),
    (httpx.WriteTimeout("t"), "sending the request timed out (WriteTimeout)"),
    (httpx.ReadError("r"), "the connection broke (ReadError)"),
    (httpx.WriteError("w"), "the connection broke (WriteError)"),
    (
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        "the server closed the connection without a complete response (RemoteProtocolError)",
    ),
]
NOT_SENT = [
    (httpx.ConnectError("refused"), "could not connect (ConnectError)"),
    (httpx.ConnectTimeout("t"), "connecting timed out (ConnectTimeout)"),
    (httpx.PoolTimeout("t"), "no connection was free in time (PoolTimeout)"),
]


@pytest.mark.parametrize(("failure", "words"), LOST + NOT_SENT)
@pytest.mark.parametrize("method", ["GET", *WRITES])
def test_transport_failures_are_retried_for_idempotent_requests(
    client: GladlyClient,
    api: respx.MockRouter,
    method: str,
    failure: Exception,
    words: str,
) -> None:
    route = api.route(method=method, path="/teams").mock(
        side_effect=[failure, failure, httpx.Response(200, json=[])]
    )
    assert client.request(method, "/teams").status == 200 and route.call_count == 3
    route.mock(side_effect=failure)
    with pytest.raises(TransientError) as info:
        client.request(method, "/teams")
    assert str(info.value) == f"prod: {method} /teams: {words}, {MAX_ATTEMPTS} attempts"


@pytest.mark.parametrize(("failure", "words"), LOST)
def test_a_post_whose_response_was_lost_is_handed_back_not_resent(
    client: GladlyClient, api: respx.MockRouter, failure: Exception, words: str
) -> None:
    route = api.post("/topics").mock(side_effect=failure)
    with pytest.raises(LostResponseError) as info:
        client.request("POST", "/topics", {"name": "x"})
    assert str(info.value) == f"prod: POST /topics: {words}; it may have reached Gladly"
    assert route.call_count == 1


@pytest.mark.parametrize(("failure", "words"), NOT_SENT)
def test_a_post_that_never_left_is_sent_again(
    client: GladlyClient, api: respx.MockRouter, failure: Exception, words: str
) -> None:
    route = api.post("/topics").mock(side_effect=[failure, httpx.Response(201)])
    assert client.request("POST", "/topics", {"name": "x"}).status == 201
    assert route.call_count == 2


@pytest.mark.parametrize(
    "failure",
    [
        httpx.UnsupportedProtocol(f"Request URL has an unsupported protocol 'ftp://ops:{TOKEN}@x'"),
        httpx.ProxyError(f"proxy at http://ops:{TOKEN}@proxy refused"),
        httpx.LocalProtocolError("Illegal header value"),
        httpx.DecodingError("Error -3 while decompressing data"),
        httpx.InvalidURL(f"Invalid URL 'https://ops:{TOKEN}@x/\x00'"),
    ],
)
def test_other_transport_failures_are_clean_errors_without_their_urls(
    client: GladlyClient, api: respx.MockRouter, failure: Exception
) -> None:
    route = api.get("/teams").mock(side_effect=failure)
    with pytest.raises(AdapterError) as info:
        client.get("/teams", ANY)
    message = str(info.value)
    assert message.startswith("prod: GET /teams: ") and type(failure).__name__ in message
    assert TOKEN not in message and "://" not in message and route.call_count == 1


def test_a_retried_delete_that_finds_the_object_gone_succeeded(
    client: GladlyClient, api: respx.MockRouter
) -> None:
    api.delete("/answers/a").mock(side_effect=[httpx.Response(502), httpx.Response(404)])
    assert client.request("DELETE", "/answers/a").status == 204
    api.delete("/answers/b").mock(side_effect=[httpx.ReadTimeout("t"), httpx.Response(404)])
    assert client.request("DELETE", "/answers/b").status == 204
    # Refused, not lost: the 404 is the truth about the object, not about our attempt.
    api.delete("/answers/c").mock(side_effect=[httpx.Response(429), httpx.Response(404)])
    with pytest.raises(NotFoundError):
        client.request("DELETE", "/answers/c")
    api.delete("/answers/d").mock(side_effect=[httpx.ConnectError("x"), httpx.Response(404)])
    with pytest.raises(NotFoundError):
        client.request("DELETE", "/answers/d")
    api.patch("/answers/e").mock(side_effect=[httpx.Response(500), httpx.Response(404)])
    with pytest.raises(NotFoundError):
        client.request("PATCH", "/answers/e", {})


@pytest.mark.parametrize("status", [401, 403])
def test_auth_errors_name_the_variable_never_the_token(
    client: GladlyClient, api: respx.MockRouter, status: int
) -> None:
    api.get("/teams").mock(return_value=httpx.Response(status, json={"errors": [{"code": "x"}]}))
    with pytest.raises(AuthError) as info:
        client.get("/teams", ANY)
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


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b"<html><body>502 Bad Gateway</body></html>",
        b'{"errors": [{"code": "tak',
        b'{"errors": "weird"}',
        b'{"errors": null}',
        b'{"errors": [1, {}, null, []]}',
        b'{"errors": {"code": {"nested": 1}, "detail": [1]}}',
        b"[" * 100_000,
        b'"errors"',
        b"\xff\xfe\x00garbage",
    ],
)
def test_error_bodies_of_any_shape_give_a_clean_message(
    client: GladlyClient, api: respx.MockRouter, content: bytes
) -> None:
    api.get("/answers/b").mock(return_value=httpx.Response(400, content=content))
    with pytest.raises(AdapterError) as info:
        client.get("/answers/b", ANY)
    assert str(info.value) == "prod: GET /answers/b: HTTP 400"
    api.get("/answers/a").mock(return_value=httpx.Response(404, content=content))
    with pytest.raises(NotFoundError, match=r"^prod: GET /answers/a: not found$"):
        client.get("/answers/a", ANY)


def test_server_text_is_shown_clean_short_and_without_our_secrets(
    client: GladlyClient, api: respx.MockRouter
) -> None:
    basic = base64.b64encode(f"ops@acme.example:{TOKEN}".encode()).decode()
    detail = f"bad token {TOKEN} in Basic {basic}\x1b[31m\nred" + "x" * 5000
    api.put("/topics/t").mock(
        return_value=httpx.Response(
            422,
            json={"errors": [{"attr": "name", "code": "invalid", "detail": detail}]},
        )
    )
    with pytest.raises(AdapterError) as info:
        client.request("PUT", "/topics/t", {})
    message = str(info.value)
    assert TOKEN not in message and basic not in message and "***" in message
    assert "\x1b" not in message and "\n" not in message and len(message) < 700
    api.get("/teams").mock(
        return_value=httpx.Response(500, headers={"x-request-id": f"{TOKEN}\x07" + "y" * 900})
    )
    with pytest.raises(TransientError) as info:
        client.get("/teams", ANY)
    assert TOKEN not in str(info.value) and "\x07" not in str(info.value)
    assert len(str(info.value)) < 700


def test_a_short_secret_is_blanked_where_it_stands_alone_not_inside_words(
    client: GladlyClient, api: respx.MockRouter
) -> None:
    """A one-letter webhook user ("u") blanked everywhere would turn "business hours" into
    "b***siness ho***rs" in every message; alone, it is still never shown."""
    client.keep_secret("u", "hunter22")
    detail = "cannot delete primary business hours: user u, password hunter22 (u)"
    api.delete("/business-hours/h").mock(
        return_value=httpx.Response(400, json={"errors": [{"code": "invalid", "detail": detail}]})
    )
    with pytest.raises(AdapterError) as info:
        client.request("DELETE", "/business-hours/h")
    message = str(info.value)
    assert "cannot delete primary business hours: user ***, password *** (***)" in message
    assert blank_secrets("hunter2 hunter22", ["hunter2", "hunter22"]) == "*** ***"


def test_truncated_lists_are_refused(client: GladlyClient, api: respx.MockRouter) -> None:
    api.get("/topics").mock(
        return_value=httpx.Response(200, json=[], headers={"Gladly-Limited-Data": "true"})
    )
    with pytest.raises(AdapterError, match="truncated"):
        client.get("/topics", ANY)


def test_empty_bodies_are_fine_where_none_is_read(
    client: GladlyClient, api: respx.MockRouter
) -> None:
    api.patch("/topics/t").mock(return_value=httpx.Response(204))
    assert client.request("PATCH", "/topics/t", {"name": "x"}).content == b""
    api.delete("/topics/v").mock(return_value=httpx.Response(200, json={"ok": True}))
    assert client.request("DELETE", "/topics/v").status == 200


def test_a_write_answered_by_a_page_that_is_not_gladlys_did_not_happen(
    client: GladlyClient, api: respx.MockRouter
) -> None:
    page = httpx.Response(200, text="<html>wait</html>", headers={"content-type": "text/html"})
    put = api.put("/topics/u").mock(side_effect=[page, httpx.Response(204)])
    assert client.request("PUT", "/topics/u", {"name": "x"}).status == 204
    assert put.call_count == 2
    api.patch("/topics/w").mock(return_value=page)
    with pytest.raises(AdapterError) as info:
        client.request("PATCH", "/topics/w", {"name": "x"})
    assert str(info.value) == (
        f"prod: PATCH /topics/w: HTTP 200, but the body is not valid JSON (text/html), "
        f"{MAX_ATTEMPTS} attempts"
    )
    post = api.post("/topics").mock(return_value=page)
    with pytest.raises(LostResponseError, match=r"not valid JSON .*it may have reached Gladly"):
        client.request("POST", "/topics", {"name": "x"})
    assert post.call_count == 1


def endless(pulled: list[int], chunks: int, *, clock: FakeClock | None = None) -> Iterator[bytes]:
    """A valid JSON list padded with ``chunks`` MiB of spaces; each chunk pulled is counted
    and, with a ``clock``, takes ten seconds to arrive."""
    yield b"["
    for _ in range(chunks):
        pulled.append(1)
        if clock is not None:
            clock.now += 10
        yield b" " * 2**20
    yield b"]"


def test_a_body_larger_than_any_of_gladlys_is_refused_unread(
    client: GladlyClient, api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read into memory whole, a gigantic (or endless) body would exhaust it."""
    monkeypatch.setattr(client_module, "MAX_RESPONSE_BYTES", 4 * 2**20)
    pulled: list[int] = []
    route = api.get("/topics").mock(
        side_effect=lambda _: httpx.Response(200, content=endless(pulled, 64))
    )
    with pytest.raises(AdapterError, match="the response is larger than 4 MiB") as error:
        client.get("/topics", ANY)
    assert route.call_count == 1 and len(pulled) <= 5
    assert "an answer Gladly would never send" in str(error.value)


def test_a_body_that_trickles_past_the_deadline_is_refused(
    client: GladlyClient, api: respx.MockRouter, clock: FakeClock
) -> None:
    """httpx's read timeout bounds each wait for bytes; a byte now and then resets it."""
    pulled: list[int] = []
    api.get("/topics").mock(
        side_effect=lambda _: httpx.Response(200, content=endless(pulled, 100, clock=clock))
    )
    with pytest.raises(AdapterError, match="did not finish within 120 s"):
        client.get("/topics", ANY)
    assert len(pulled) <= 13


def test_an_endless_answer_to_a_post_may_have_reached_gladly(
    client: GladlyClient, api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client_module, "MAX_RESPONSE_BYTES", 2**20)
    route = api.post("/topics").mock(
        side_effect=lambda _: httpx.Response(201, content=endless([], 8))
    )
    with pytest.raises(
        LostResponseError, match=r"larger than 1 MiB .*; it may have reached Gladly"
    ):
        client.request("POST", "/topics", {"name": "x"})
    assert route.call_count == 1


def test_a_compressed_body_is_bounded_once_inflated(
    client: GladlyClient, api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client_module, "MAX_RESPONSE_BYTES", 2**20)
    bomb = gzip.compress(b"[" + b" " * 8 * 2**20 + b"]")
    api.get("/topics").mock(
        return_value=httpx.Response(200, content=bomb, headers={"Content-Encoding": "gzip"})
    )
    with pytest.raises(AdapterError, match="larger than 1 MiB"):
        client.get("/topics", ANY)
    small = gzip.compress(b'[{"id": "t1", "name": "billing"}]')
    api.get("/topics").mock(
        return_value=httpx.Response(200, content=small, headers={"Content-Encoding": "gzip"})
    )
    assert client.get("/topics", ANY) == [{"id": "t1", "name": "billing"}]


def test_a_redirect_is_never_followed_so_the_credentials_stay_with_gladly(
    client: GladlyClient, api: respx.MockRouter
) -> None:
    elsewhere = respx.get("https://evil.example/api/v1/topics")
    api.get("/topics").mock(
        return_value=httpx.Response(302, headers={"Location": "https://evil.example/api/v1/topics"})
    )
    with pytest.raises(AdapterError, match="HTTP 302") as error:
        client.get("/topics", ANY)
    assert not elsewhere.called and "evil.example" not in str(error.value)
