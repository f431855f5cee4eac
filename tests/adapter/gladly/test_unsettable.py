"""What Gladly's API can set but not clear: a topic's parent (``parentId`` is a string, never
null) and a webhook's credentials (a PATCH keeps what it is not given). Bodies are checked
against Gladly's published schemas; clearing either is never sent."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import jsonschema
import pytest
import respx

from gladcfg.adapter.base import RemoteObject, capabilities_of
from gladcfg.adapter.gladly.adapter import GladlyAdapter
from gladcfg.errors import AdapterError
from gladcfg.model.kinds import model_of
from gladcfg.spec import request_schema
from tests.adapter.gladly.conftest import BASE, CONFIG, FakeClock, lists

CREATE = request_schema("/api/v1/topics", "post")
PATCH = request_schema("/api/v1/topics/{topicId}", "patch")


def sent(route: respx.Route) -> list[dict[str, object]]:
    return [json.loads(call.request.content) for call in route.calls]


def test_the_adapter_says_what_it_cannot_clear(adapter: GladlyAdapter) -> None:
    assert GladlyAdapter.unsettable == {
        "topics": frozenset({"parent"}),
        "webhooks": frozenset({"credentials_env"}),
    }
    assert capabilities_of(adapter).unsettable_of("topics") == {"parent"}
    assert capabilities_of(adapter).unsettable_of("answers") == frozenset()


def test_topic_bodies_are_what_gladly_publishes_and_never_hold_null(
    adapter: GladlyAdapter, api: respx.MockRouter
) -> None:
    lists(api)
    state = adapter.read({})
    create = api.post("/topics").mock(
        return_value=httpx.Response(201, headers={"Location": "/api/v1/topics/top-9"})
    )
    patch = api.patch(url__regex=r"/topics/[^/]+$").mock(return_value=httpx.Response(204))
    adapter.create("topics", "top-level", {"disabled": False})
    adapter.create("topics", "child", {"disabled": False, "parent": "billing"})
    billing, refund = state.of("topics")["billing"], state.of("topics")["refund"]
    adapter.update("topics", billing, {"disabled": True})  # top-level, stays so
    adapter.update("topics", refund, {"disabled": False, "parent": "top-level"})  # moved
    adapter.rename("topics", refund, "refunds", {"disabled": False, "parent": "billing"})
    adapter.delete("topics", refund)  # disabled, keeping its parent
    created, patched = sent(create), sent(patch)
    for body in created:
        jsonschema.validate(body, CREATE)
    for body in patched:
        jsonschema.validate(body, PATCH)
    assert created == [
        {"name": "top-level", "disabled": False},
        {"name": "child", "disabled": False, "parentId": "top-1"},
    ]
    assert patched == [
        {"name": "billing", "disabled": True},
        {"name": "refund", "disabled": False, "parentId": "top-9"},
        {"name": "refunds", "disabled": False, "parentId": "top-1"},
        {"name": "refund", "disabled": True, "parentId": "top-1"},
    ]


def test_removing_a_topics_parent_is_refused_before_any_request(
    adapter: GladlyAdapter, api: respx.MockRouter
) -> None:
    lists(api)
    refund = adapter.read({}).of("topics")["refund"]
    patch = api.patch(url__regex=r"/topics/").mock(return_value=httpx.Response(204))
    with pytest.raises(AdapterError, match=r"cannot remove parent once set.*admin UI"):
        adapter.update("topics", refund, {"disabled": False})
    with pytest.raises(AdapterError, match=r"cannot remove parent once set.*admin UI"):
        adapter.rename("topics", refund, "refunds", {"disabled": False})
    assert patch.call_count == 0


@pytest.fixture
def hooks(api: respx.MockRouter, clock: FakeClock) -> Iterator[GladlyAdapter]:
    http = httpx.Client(base_url=BASE)
    environ = {"HOOK_KEY": "k3y"}
    yield GladlyAdapter("prod", CONFIG, Path("."), http=http, clock=clock, environ=environ)
    http.close()


def test_removing_a_webhooks_credentials_is_refused_before_any_request(
    hooks: GladlyAdapter, api: respx.MockRouter
) -> None:
    route = api.patch("/webhooks/wh-1").respond(204)
    spec = {"url": "https://hooks.example.com/x", "events": ["CONVERSATION/CLOSED"]}
    held = RemoteObject("wh-1", "events", {**spec, "credentials_env": ["password_env"]})
    with pytest.raises(AdapterError, match=r"webhooks\.events: .* cannot remove credentials_env"):
        hooks.update("webhooks", held, spec)
    assert route.call_count == 0


def test_unsettable_fields_are_fields_of_their_kind() -> None:
    for kind, fields in GladlyAdapter.unsettable.items():
        model = model_of(kind)
        assert model is not None and fields <= set(model.model_fields), kind
