"""The sandbox is as strict as Gladly: every shape Gladly's published API forbids is refused
before anything is stored, with Gladly's 400 body naming the field and the code."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from gladcfg.sandbox import BackgroundServer
from gladcfg.spec.contract import Exchange, Violation, contract, error_body

API = "/api/v1"
HOURS = {"timezone": "America/New_York", "monday": [{"start": "09:00", "stop": "17:00"}]}
DAY = {
    "name": "Christmas",
    "start": "2026-12-25T00:00:00-05:00",
    "stop": "2026-12-26T00:00:00-05:00",
}
HOOK = {"name": "events", "url": "https://hooks.example.com/in", "events": ["CONVERSATION/CLOSED"]}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackgroundServer]:
    state = tmp_path_factory.mktemp("contract") / "sandbox.json"
    with BackgroundServer(state, token="t0k", requests_per_second=1000) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: BackgroundServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url + API, auth=("ops@acme.example", "t0k")) as http:
        created = http.post("/answers", json={"id": "a-1", "name": "Closed"})
        assert created.status_code == 200, created.text
        made = http.post("/business-hours", json={"name": "main", "officeHours": HOURS})
        assert made.status_code == 201, made.text
        topic = http.post("/topics", json={"name": "billing"})
        assert topic.status_code == 201, topic.text
        hook = http.post("/webhooks", json=HOOK)
        assert hook.status_code == 201, hook.text
        yield http


def _first(values: dict[str, Any]) -> str:
    return next(iter(values))


# method, path, body, the field named, the code: each a shape the spec forbids.
FORBIDDEN: list[tuple[str, str, Any, str, str]] = [
    ("POST", "/topics", {"name": "x", "parentId": None}, "parentId", "invalid"),
    ("POST", "/topics", {"name": "x", "disabled": "no"}, "disabled", "invalid"),
    ("POST", "/topics", {"name": "x", "colour": "red"}, "colour", "invalid"),
    ("POST", "/topics", {"disabled": False}, "name", "blank"),
    ("PATCH", "/topics/{topic}", {"name": "billing", "parentId": None}, "parentId", "invalid"),
    ("PATCH", "/topics/{topic}", {"disabled": True}, "name", "blank"),
    ("POST", "/answers", {"name": "x", "description": None}, "description", "invalid"),
    ("POST", "/answers", {"name": ""}, "name", "invalid"),
    ("POST", "/answers", {"name": "x" * 501}, "name", "invalid"),
    ("POST", "/answers", {"name": "x", "audienceIds": "acme"}, "audienceIds", "invalid"),
    ("PATCH", "/answers/a-1", {"description": None}, "description", "invalid"),
    ("PATCH", "/answers/a-1", {"description": "d" * 10_001}, "description", "invalid"),
    ("PUT", "/answers/a-1/languages/en-us/type/public", {"bodyHtml": "x"}, "title", "blank"),
    ("PUT", "/answers/a-1/languages/en-us/type/email", {"bodyHtml": "x"}, "subject", "blank"),
    ("PUT", "/answers/a-1/languages/en-us/type/messaging", {"title": "t"}, "bodyHtml", "blank"),
    ("PUT", "/answers/a-1/languages/en-us/type/sms", {"bodyHtml": "x"}, "type", "invalid"),
    ("PUT", "/answers/a-1/languages/en-us/type/reference", {"bodyHtml": 1}, "bodyHtml", "invalid"),
    ("POST", "/business-hours", {"name": "x"}, "officeHours", "blank"),
    ("POST", "/business-hours", {"name": "x", "officeHours": {}}, "officeHours.timezone", "blank"),
    (
        "POST",
        "/business-hours",
        {"name": "x", "officeHours": {**HOURS, "monday": [{"start": "00:00", "stop": "24:00"}]}},
        "officeHours.monday[0].stop",
        "invalid",
    ),
    (
        "POST",
        "/business-hours",
        {"name": "x", "officeHours": {**HOURS, "friday": [{"start": "9:00"}]}},
        "officeHours.friday[0].stop",
        "blank",
    ),
    (
        "POST",
        "/business-hours",
        {"name": "x", "officeHours": {**HOURS, "exceptions": [{**DAY, "start": "2026-12-25"}]}},
        "officeHours.exceptions[0].start",
        "invalid",
    ),
    (
        "POST",
        "/business-hours",
        {"name": "x", "officeHours": {**HOURS, "exceptions": [{"start": DAY["start"]}]}},
        "officeHours.exceptions[0].name",
        "blank",
    ),
    ("PUT", "/business-hours/{hours}", {"name": "main", "officeHours": HOURS}, "version", "blank"),
    ("POST", "/webhooks", {**HOOK, "credentials": None}, "credentials", "invalid"),
    (
        "POST",
        "/webhooks",
        {**HOOK, "credentials": {"username": "u"}},
        "credentials.password",
        "blank",
    ),
    (
        "POST",
        "/webhooks",
        {**HOOK, "events": ["CONVERSATION_ITEM/CREATED"]},
        "events[0]",
        "invalid",
    ),
    ("POST", "/webhooks", {**HOOK, "headers": {"X-Key": 1}}, "headers.X-Key", "invalid"),
    ("POST", "/webhooks", {"name": "x", "events": HOOK["events"]}, "url", "blank"),
    ("POST", "/webhooks", {**HOOK, "name": "n" * 201}, "name", "invalid"),
    ("PATCH", "/webhooks/{hook}", {"credentials": None}, "credentials", "invalid"),
    ("PATCH", "/webhooks/{hook}", {"id": "other"}, "id", "invalid"),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "field", "code"),
    FORBIDDEN,
    ids=[f"{m} {p} {f}" for m, p, _, f, _ in FORBIDDEN],
)
def test_what_gladly_forbids_is_refused_naming_the_field(
    client: httpx.Client,
    *,
    server: BackgroundServer,
    method: str,
    path: str,
    body: Any,
    field: str,
    code: str,
) -> None:
    state = server.sandbox.state
    ids = {
        "topic": _first(state["topics"]),
        "hours": _first(state["business_hours"]),
        "hook": _first(state["webhooks"]),
    }
    before = json.dumps(state, sort_keys=True)
    response = client.request(method, path.format(**ids), json=body)
    assert response.status_code == 400, response.text
    errors = response.json()["errors"]
    assert {"attr": field, "code": code} in [
        {"attr": e.get("attr"), "code": e["code"]} for e in errors
    ], errors
    assert all(isinstance(e["detail"], str) and e["detail"] for e in errors)
    assert json.dumps(state, sort_keys=True) == before  # nothing was stored


def test_what_the_spec_allows_is_served(client: httpx.Client, server: BackgroundServer) -> None:
    topic = _first(server.sandbox.state["topics"])
    child = client.post("/topics", json={"name": "refund", "parentId": topic})
    assert child.status_code == 201
    content = client.put(
        "/answers/a-1/languages/en-us/type/public", json={"bodyHtml": "<p>x</p>", "title": "T"}
    )
    assert content.status_code == 200 and content.json()["title"] == "T"
    day = {"name": "x", "officeHours": {**HOURS, "exceptions": [DAY]}}
    assert client.post("/business-hours", json=day).status_code == 201


def test_a_parent_must_be_another_topic(client: httpx.Client, server: BackgroundServer) -> None:
    """No text clears a parent: an empty or unknown id is refused, not taken as "none"."""
    topic = _first(server.sandbox.state["topics"])
    for parent in ("", "no-such-topic", topic):
        refused = client.patch(f"/topics/{topic}", json={"name": "billing", "parentId": parent})
        assert refused.status_code == 400
        assert refused.json()["errors"][0]["attr"] == "parentId"


def test_answers_are_shown_without_nulls(client: httpx.Client) -> None:
    shown = client.get("/answers/a-1").json()
    assert "description" not in shown and None not in shown.values()
    judged = contract().response(
        Exchange("GET", f"{API}/answers/a-1", {}, b"", 200, {}, json.dumps(shown).encode())
    )
    assert judged == []


def test_a_path_gladly_does_not_have_is_left_to_the_routes(client: httpx.Client) -> None:
    assert client.get("/answers").status_code == 405  # Gladly has no answer list
    assert client.get("/nothing-here").status_code == 404


def test_violations_say_where_and_what() -> None:
    judge = contract()
    unknown = judge.request(Exchange("DELETE", f"{API}/topics/x", {}, b""))
    assert [str(v) for v in unknown] == [f"DELETE {API}/topics/x: not in Gladly's API"]
    assert judge.response(Exchange("GET", f"{API}/nope", {}, b"")) == [
        Violation(f"GET {API}/nope", "", "not in Gladly's API")
    ]
    headers = {"Authorization": "Basic dTpw", "Content-Type": "application/json"}
    judged = judge.request(
        Exchange("POST", f"{API}/topics", headers, b'{"name": "x", "a": 1, "b": 2}')
    )
    assert [str(v) for v in judged] == [f"POST {API}/topics: a, b are not a field Gladly's API has"]
    assert judge.request(Exchange("GET", f"{API}/topics", {}, b""))[0].code == "unauthorized"
    for garbage in (b"\xcb\xda{", b"{not json"):
        refused = judge.request(Exchange("POST", f"{API}/topics", headers, garbage))
        assert [str(v) for v in refused] == [f"POST {API}/topics: the body is not JSON"]
    missing = judge.response(Exchange("POST", f"{API}/topics", headers, b"{}", 201, {}, b""))
    assert [v.field for v in missing] == ["header Location"]
    assert error_body(Violation("op", "name", "name cannot be blank", "blank")) == {
        "errors": [{"attr": "name", "code": "blank", "detail": "name cannot be blank"}]
    }
    assert error_body(Violation("op", "", "bad")) == {
        "errors": [{"code": "invalid", "detail": "bad"}]
    }
