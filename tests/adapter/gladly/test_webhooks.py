"""The webhooks handler over respx: what a write sends, and what is never shown."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import respx

from gladcfg.adapter.base import RemoteObject
from gladcfg.adapter.gladly.adapter import GladlyAdapter
from gladcfg.errors import AdapterError, SecretMissingError
from tests.adapter.gladly.conftest import BASE, CONFIG, FakeClock

ENVIRON = {"HOOK_USER": "svc", "HOOK_PASSWORD": "pa55-S3CRET", "HOOK_KEY": "k3y-S3CRET"}
SPEC = {
    "url": "https://hooks.example.com/gladly",
    "events": ["CONVERSATION/CLOSED"],
    "credentials_env": {"username_env": "HOOK_USER", "password_env": "HOOK_PASSWORD"},
    "headers_env": {"X-Key": "HOOK_KEY"},
}


@pytest.fixture
def adapter(api: respx.MockRouter, clock: FakeClock) -> Iterator[GladlyAdapter]:
    http = httpx.Client(base_url=BASE)
    yield GladlyAdapter("prod", CONFIG, Path("."), http=http, clock=clock, environ=ENVIRON)
    http.close()


def test_a_create_sends_the_secrets_and_learns_the_id_from_location(
    api: respx.MockRouter, adapter: GladlyAdapter
) -> None:
    route = api.post("/webhooks").respond(201, headers={"Location": "/api/v1/webhooks/wh-1"})
    created = adapter.create("webhooks", "events", SPEC)
    assert created.id == "wh-1"
    assert json.loads(route.calls.last.request.content) == {
        "name": "events",
        "url": "https://hooks.example.com/gladly",
        "events": ["CONVERSATION/CLOSED"],
        "credentials": {"username": "svc", "password": "pa55-S3CRET"},
        "headers": {"X-Key": "k3y-S3CRET"},
    }


def test_an_update_states_the_whole_webhook_and_no_credentials_removes_them(
    api: respx.MockRouter, adapter: GladlyAdapter
) -> None:
    route = api.patch("/webhooks/wh-1").respond(204)
    spec = {key: value for key, value in SPEC.items() if key != "credentials_env"}
    obj = RemoteObject("wh-1", "events", {})
    adapter.update("webhooks", obj, spec)
    body = json.loads(route.calls.last.request.content)
    assert body["credentials"] is None and body["headers"] == {"X-Key": "k3y-S3CRET"}


def test_an_error_that_echoes_a_secret_back_shows_it_masked(
    api: respx.MockRouter, adapter: GladlyAdapter
) -> None:
    detail = "header X-Key value k3y-S3CRET is not allowed"
    error = {"errors": [{"attr": "headers", "code": "invalid", "detail": detail}]}
    api.post("/webhooks").respond(400, json=error)
    with pytest.raises(AdapterError) as raised:
        adapter.create("webhooks", "events", SPEC)
    assert "k3y-S3CRET" not in str(raised.value) and "***" in str(raised.value)


def test_a_secret_missing_from_the_environment_sends_nothing(
    api: respx.MockRouter, clock: FakeClock
) -> None:
    route = api.post("/webhooks").respond(201, headers={"Location": "/api/v1/webhooks/wh-1"})
    http = httpx.Client(base_url=BASE)
    environ = {"HOOK_USER": "svc", "HOOK_PASSWORD": "pa55-S3CRET"}
    adapter = GladlyAdapter("prod", CONFIG, Path("."), http=http, clock=clock, environ=environ)
    with pytest.raises(SecretMissingError, match=r"HOOK_KEY \(headers_env.X-Key\) is not set"):
        adapter.create("webhooks", "events", SPEC)
    assert not route.called
    http.close()


def test_a_read_shows_only_whether_secrets_are_set_as_a_declared_spec_compares(
    api: respx.MockRouter, adapter: GladlyAdapter
) -> None:
    from gladcfg.model.kinds import comparable
    from tests.adapter.gladly.conftest import lists

    lists(api)
    listed = {
        "id": "wh-1",
        "name": "events",
        "url": SPEC["url"],
        "events": ["CONVERSATION/CLOSED"],
        "hasCredentials": True,
        "headerKeys": ["X-Key"],
    }
    api.get("/webhooks").respond(200, json=[listed])
    read = adapter.read().of("webhooks")["events"]
    assert comparable("webhooks", read.spec) == comparable("webhooks", dict(SPEC))
