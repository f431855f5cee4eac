"""Garbage from Gladly (or from whatever answers in its place): every response shape the
adapter reads — lists, objects, answers and their content, business hours, a topic's
Location, a create's id — ends in one clean error naming the request and what was wrong."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from gladcfg.adapter.base import RemoteObject
from gladcfg.adapter.gladly.adapter import GladlyAdapter
from gladcfg.adapter.gladly.client import MAX_ATTEMPTS
from gladcfg.adapter.gladly.kinds.answers import answer_id
from gladcfg.errors import AdapterError, BadResponseError, TransientError
from tests.adapter.gladly.conftest import HOURS, lists

LIST_PATHS = ["/audiences", "/teams", "/inboxes", "/topics", "/business-hours"]
# (body, content type, what the message must say)
ANY_SHAPE = [
    (b"<html><h1>502 Bad Gateway</h1></html>", "text/html", "the body is not valid JSON"),
    (b'[{"id": "a", "na', "application/json", "the body is not valid JSON"),
    (b"", "application/json", "the body is empty"),
    (b"   \n", "application/json", "the body is empty"),
    (b"[" * 50_000 + b"]" * 50_000, "application/json", "the body is not valid JSON"),
    (b"\xff\xfe garbage", "application/octet-stream", "the body is not valid JSON"),
]
LIST_SHAPE = [
    (b"null", "the body: expected a list, got null"),
    (b'{"items": []}', "the body: expected a list, got an object"),
    (b'"teams"', "the body: expected a list, got text"),
    (b"[null]", "[0]: expected an object, got null"),
    (b"[[]]", "[0]: expected an object, got a list"),
    (b'[{"id": "a"}]', "[0].name is missing"),
    (b'[{"name": "a"}]', "[0].id is missing"),
    (b'[{"id": 7, "name": "a"}]', "[0].id: expected text, got a number"),
    (b'[{"id": "a", "name": null}]', "[0].name: expected text, got null"),
    (b'[{"id": "", "name": "a"}]', "[0].id: expected non-empty text, got empty text"),
    (b'[{"id": "a", "name": "x"}, {"id": "b", "name": {"en": "y"}}]', "[1].name: expected text"),
]


def garbage(api: respx.MockRouter, path: str, content: bytes, kind: str) -> None:
    lists(api)
    api.get(path).mock(
        return_value=httpx.Response(200, content=content, headers={"content-type": kind})
    )


@pytest.mark.parametrize("path", [*LIST_PATHS, "/organization"])
@pytest.mark.parametrize("case", ANY_SHAPE)
def test_bodies_that_are_not_json_at_all(
    adapter: GladlyAdapter, api: respx.MockRouter, path: str, case: tuple[bytes, str, str]
) -> None:
    content, kind, words = case
    garbage(api, path, content, kind)
    with pytest.raises(BadResponseError) as info:
        adapter.read({})
    assert str(info.value) == (
        f"prod: GET {path}: HTTP 200, but {words} ({kind}), {MAX_ATTEMPTS} attempts"
    )
    # A proxy's page may pass: a GET is asked again, a bounded number of times.
    assert sum(1 for call in api.calls if call.request.url.path.endswith(path)) == MAX_ATTEMPTS


@pytest.mark.parametrize("path", LIST_PATHS)
@pytest.mark.parametrize(("content", "words"), LIST_SHAPE)
def test_lists_of_the_wrong_shape(
    adapter: GladlyAdapter, api: respx.MockRouter, path: str, content: bytes, words: str
) -> None:
    garbage(api, path, content, "application/json")
    with pytest.raises(BadResponseError) as info:
        adapter.read({})
    message = str(info.value)
    assert message.startswith(f"prod: GET {path}: HTTP 200, but the body is not shaped as Gladly")
    assert words in message


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ([{"id": "t", "name": "x", "disabled": "maybe"}], "[0].disabled: expected true or false"),
        ([{"id": "t", "name": "x", "parentId": 3}], "[0].parentId: expected text, got a number"),
    ],
)
def test_topics_of_the_wrong_shape(
    adapter: GladlyAdapter, api: respx.MockRouter, body: object, words: str
) -> None:
    lists(api, **{"/topics": body})
    with pytest.raises(BadResponseError, match=words.replace("[", r"\[").replace("]", r"\]")):
        adapter.read({})


@pytest.mark.parametrize(
    ("office", "words"),
    [
        ({"monday": "9-5"}, "[0].officeHours.monday: expected a list, got text"),
        ({"monday": [{"start": "09:00"}]}, "[0].officeHours.monday[0].stop is missing"),
        ({"monday": [None]}, "[0].officeHours.monday[0]: expected an object, got null"),
        ({"exceptions": [{"name": "x"}]}, "[0].officeHours.exceptions[0].start is missing"),
        ({"exceptions": {"start": "x"}}, "[0].officeHours.exceptions: expected a list"),
        ({"timezone": ["UTC"]}, "[0].officeHours.timezone: expected text, got a list"),
        ("closed", "[0].officeHours: expected an object, got text"),
    ],
)
def test_business_hours_of_the_wrong_shape(
    adapter: GladlyAdapter, api: respx.MockRouter, office: object, words: str
) -> None:
    lists(api, **{"/business-hours": [{**HOURS, "officeHours": office}]})
    with pytest.raises(BadResponseError) as info:
        adapter.read({})
    assert words in str(info.value)
    lists(api, **{"/business-hours": [{**HOURS, "version": "three"}]})
    with pytest.raises(BadResponseError, match=r"\[0\].version: expected a whole number, got text"):
        adapter.read({})


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ([], "the body: expected an object, got a list"),
        ({"timezone": 5}, "timezone: expected text, got a number"),
    ],
)
def test_the_organisation_of_the_wrong_shape(
    adapter: GladlyAdapter, api: respx.MockRouter, body: object, words: str
) -> None:
    lists(api, **{"/organization": body})
    with pytest.raises(BadResponseError) as info:
        adapter.read({})
    assert str(info.value).startswith("prod: GET /organization: HTTP 200, but")
    assert words in str(info.value)


ANSWER_ID = answer_id("closed")
HINTS = {"answers": {"closed": {"content": {"en-US": {"messaging": "x"}}}}}
CONTENT = f"/answers/{ANSWER_ID}/languages/en-us/type/messaging"
# Well shaped, and the answer asked for: what is wrong is its content.
CLOSED = b'{"id": "%s", "name": "closed"}' % ANSWER_ID.encode()


@pytest.mark.parametrize(
    "case",
    [
        (b"<html></html>", b"{}", f"/answers/{ANSWER_ID}", "not valid JSON"),
        (b"[]", b"{}", f"/answers/{ANSWER_ID}", "the body: expected an object, got a list"),
        (b'{"id": "a"}', b"{}", f"/answers/{ANSWER_ID}", "name is missing"),
        (
            b'{"id": "a", "name": "closed", "audienceIds": "aud-1"}',
            b"{}",
            f"/answers/{ANSWER_ID}",
            "audienceIds: expected a list, got text",
        ),
        (
            b'{"id": "a", "name": "closed", "audienceIds": [null]}',
            b"{}",
            f"/answers/{ANSWER_ID}",
            "audienceIds[0]: expected text, got null",
        ),
        (CLOSED, b'{"bodyHtml": ', CONTENT, "not valid JSON"),
        (CLOSED, b"null", CONTENT, "expected an object, got null"),
        (
            CLOSED,
            b'{"bodyHtml": ["<p>"]}',
            CONTENT,
            "bodyHtml: expected text, got a list",
        ),
        (CLOSED, b"", CONTENT, "the body is empty"),
    ],
)
def test_answers_and_their_content_of_the_wrong_shape(
    adapter: GladlyAdapter, api: respx.MockRouter, case: tuple[bytes, bytes, str, str]
) -> None:
    answer, content, path, words = case
    lists(api)
    api.get(f"/answers/{ANSWER_ID}").mock(return_value=httpx.Response(200, content=answer))
    api.get(CONTENT).mock(return_value=httpx.Response(200, content=content))
    with pytest.raises(BadResponseError) as info:
        adapter.read(HINTS)
    assert str(info.value).startswith(f"prod: GET {path}: HTTP 200, but")
    assert words in str(info.value)


def test_well_shaped_answers_with_nulls_where_gladly_allows_them(
    adapter: GladlyAdapter, api: respx.MockRouter
) -> None:
    lists(api)
    api.get(f"/answers/{ANSWER_ID}").mock(
        return_value=httpx.Response(
            200,
            json={"id": ANSWER_ID, "name": "closed", "description": None, "audienceIds": None},
        )
    )
    api.get(CONTENT).mock(return_value=httpx.Response(200, json={"bodyHtml": None, "x": 1}))
    closed = adapter.read(HINTS).of("answers")["closed"]
    assert closed.spec == {"audiences": [], "content": {"en-US": {"messaging": ""}}}


@pytest.mark.parametrize(
    ("location", "made"),
    [
        ("/api/v1/topics/top-9", "top-9"),
        ("https://acme.gladly.com/api/v1/topics/top-9/", "top-9"),
        ("/api/v1/topics/a%2Fb", "a/b"),
        ("", None),
        ("/api/v1/topics/", None),
        ("/api/v1/teams/top-9", None),
        ("/api/v1/topics/top-9?x=1", None),
        ("javascript:alert(1)", None),
    ],
)
def test_a_created_topic_is_named_by_its_location(
    adapter: GladlyAdapter, api: respx.MockRouter, location: str, made: str | None
) -> None:
    lists(api)
    headers = {"Location": location} if location else {}
    api.post("/topics").mock(return_value=httpx.Response(201, headers=headers))
    if made is not None:
        assert adapter.create("topics", "vip", {"disabled": False}).id == made
        return
    with pytest.raises(BadResponseError) as info:
        adapter.create("topics", "vip", {"disabled": False})
    assert str(info.value) == (
        "prod: POST /topics: HTTP 201, but no Location header names the new topic "
        "(expected /api/v1/topics/{id})"
    )


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"<html/>", "not valid JSON"),
        (b"{}", "id is missing"),
        (b'{"id": null}', "id: expected text, got null"),
        (b"", "the body is empty"),
    ],
)
def test_created_business_hours_and_answers_must_say_their_id(
    adapter: GladlyAdapter, api: respx.MockRouter, body: bytes, words: str
) -> None:
    lists(api)
    api.get(f"/answers/{ANSWER_ID}").mock(return_value=httpx.Response(404))
    spec = {"timezone": "UTC", "weekly": {}, "holidays": []}
    hours = api.post("/business-hours").mock(return_value=httpx.Response(201, content=body))
    with pytest.raises(AdapterError) as info:
        adapter.create("business_hours", "eu", spec)
    assert str(info.value).startswith("prod: POST /business-hours: HTTP 201, but")
    assert words in str(info.value)
    api.post("/answers").mock(return_value=httpx.Response(200, content=body))
    with pytest.raises(AdapterError) as info:
        adapter.create("answers", "closed", {"audiences": [], "content": {}})
    assert str(info.value).startswith("prod: POST /answers: HTTP 200, but")
    assert words in str(info.value)
    # A body that is no JSON at all may be a proxy's: looked for, then sent again.
    assert hours.call_count == (MAX_ATTEMPTS if words == "not valid JSON" else 1)


def test_an_answer_gladly_filed_under_another_id_is_reported(
    adapter: GladlyAdapter, api: respx.MockRouter
) -> None:
    lists(api)
    api.post("/answers").mock(return_value=httpx.Response(200, json={"id": "srv-1\x1b[2J"}))
    with pytest.raises(BadResponseError) as info:
        adapter.create("answers", "closed", {"audiences": [], "content": {}})
    assert "gave the answer the id 'srv-1" in str(info.value)
    assert ANSWER_ID in str(info.value) and "\x1b" not in str(info.value)


@pytest.mark.parametrize("kind", ["topics", "business_hours", "answers"])
def test_lost_creates_are_looked_for_then_sent_again_a_bounded_number_of_times(
    adapter: GladlyAdapter, api: respx.MockRouter, kind: str
) -> None:
    lists(api, **{"/topics": [], "/business-hours": []})
    path = {"topics": "/topics", "business_hours": "/business-hours", "answers": "/answers"}
    post = api.post(path[kind]).mock(return_value=httpx.Response(500))
    api.get(f"/answers/{ANSWER_ID}").mock(return_value=httpx.Response(404))
    spec = {
        "topics": {"disabled": False},
        "business_hours": {"timezone": "UTC", "weekly": {}, "holidays": []},
        "answers": {"audiences": [], "content": {}},
    }[kind]
    with pytest.raises(TransientError) as info:
        adapter.create(kind, "closed", spec)
    assert post.call_count == MAX_ATTEMPTS
    assert str(info.value) == (
        f"prod: POST {path[kind]}: HTTP 500; it may have reached Gladly; sent {MAX_ATTEMPTS} "
        "times, and Gladly has not created it"
    )


def test_a_lost_create_found_on_the_second_look_is_not_sent_a_third_time(
    adapter: GladlyAdapter, api: respx.MockRouter
) -> None:
    lists(api)
    post = api.post("/business-hours").mock(return_value=httpx.Response(504))
    api.get("/business-hours").mock(
        side_effect=[
            httpx.Response(200, json=[]),
            httpx.Response(200, json=[{**HOURS, "id": "bh-7", "name": "eu"}]),
        ]
    )
    spec = {"timezone": "UTC", "weekly": {}, "holidays": []}
    assert adapter.create("business_hours", "eu", spec).id == "bh-7"
    assert post.call_count == 2


def test_a_put_sent_again_after_a_lost_response_finds_its_own_version(
    adapter: GladlyAdapter, api: respx.MockRouter
) -> None:
    lists(api)
    state = adapter.read({})
    spec = {"timezone": "UTC", "weekly": {"tue": ["09:00-10:00"]}, "holidays": []}
    applied = {
        **HOURS,
        "version": 4,
        "officeHours": {"timezone": "UTC", "tuesday": [{"start": "09:00", "stop": "10:00"}]},
    }
    put = api.put("/business-hours/bh-1").mock(
        side_effect=[
            httpx.Response(502),
            httpx.Response(409, json={"errors": [{"code": "version_outdated"}]}),
        ]
    )
    api.get("/business-hours/bh-1").mock(return_value=httpx.Response(200, json=applied))
    assert adapter.update("business_hours", state.of("business_hours")["us"], spec).spec == spec
    assert put.call_count == 2


@pytest.mark.parametrize("hostile", ["../teams", "a/../../organization", "x?y=1", "a#b", "%2e%2e"])
def test_ids_from_the_server_cannot_reach_another_path(
    adapter: GladlyAdapter, api: respx.MockRouter, hostile: str
) -> None:
    lists(api)
    patch = api.patch(url__regex=r".*").mock(return_value=httpx.Response(204))
    adapter.update("topics", RemoteObject(hostile, "vip", {}), {"disabled": True})
    sent = patch.calls[0].request.url
    assert sent.raw_path.decode().count("/") == 4  # /api/v1/topics/<one segment>
    assert sent.path.startswith("/api/v1/topics/") and not sent.query
    assert json.loads(patch.calls[0].request.content)["disabled"] is True
