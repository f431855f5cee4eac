"""The webhooks handler over respx: what a write sends (only what Gladly's published API
allows: no null, every write saying ``enabled``), and what is never shown."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from gladcfg.adapter.base import RemoteObject
from gladcfg.adapter.gladly.adapter import GladlyAdapter
from gladcfg.errors import AdapterError, SecretMissingError
from gladcfg.model.kinds import comparable
from gladcfg.spec.contract import Exchange, contract
from tests.adapter.gladly.conftest import BASE, CONFIG, FakeClock, lists

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
        "enabled": True,
        "credentials": {"username": "svc", "password": "pa55-S3CRET"},
        "headers": {"X-Key": "k3y-S3CRET"},
    }


def violations(request: httpx.Request) -> list[str]:
    """What Gladly's published API says is wrong with ``request`` (nothing: [])."""
    exchange = Exchange(
        method=request.method,
        path=request.url.path,
        request_headers={"Content-Type": "application/json", "Authorization": "Basic eDp5"},
        request_body=request.content,
    )
    return [str(v) for v in contract().request(exchange)]


def test_a_webhook_without_credentials_is_sent_without_them_never_as_null(
    api: respx.MockRouter, adapter: GladlyAdapter
) -> None:
    created = api.post("/webhooks").respond(201, headers={"Location": "/api/v1/webhooks/wh-1"})
    patched = api.patch("/webhooks/wh-1").respond(204)
    bare = {"url": SPEC["url"], "events": SPEC["events"]}
    adapter.create("webhooks", "events", bare)
    adapter.update("webhooks", RemoteObject("wh-1", "events", dict(bare)), bare)
    for route in (created, patched):
        request = route.calls.last.request
        body = json.loads(request.content)
        assert "credentials" not in body and body["headers"] == {} and body["enabled"] is True
        assert violations(request) == []


def test_every_write_it_sends_is_one_gladlys_api_allows(
    api: respx.MockRouter, adapter: GladlyAdapter
) -> None:
    created = api.post("/webhooks").respond(201, headers={"Location": "/api/v1/webhooks/wh-1"})
    patched = api.patch("/webhooks/wh-1").respond(204)
    adapter.create("webhooks", "events", SPEC)
    adapter.update(
        "webhooks", RemoteObject("wh-1", "events", dict(SPEC)), {**SPEC, "url": "https://x.example"}
    )
    assert violations(created.calls.last.request) == []
    assert violations(patched.calls.last.request) == []


def test_removing_credentials_is_refused_not_sent_as_if_it_had_worked(
    api: respx.MockRouter, adapter: GladlyAdapter
) -> None:
    # A PATCH leaves out what it does not send, and credentials have no null: removing them
    # cannot be expressed, so nothing is sent and the change fails saying why.
    route = api.patch("/webhooks/wh-1").respond(204)
    spec = {key: value for key, value in SPEC.items() if key != "credentials_env"}
    read = {**spec, "credentials_env": ["password_env", "username_env"], "headers_env": ["X-Key"]}
    with pytest.raises(AdapterError, match="cannot remove credentials_env"):
        adapter.update("webhooks", RemoteObject("wh-1", "events", read), spec)
    assert not route.called


def test_a_webhook_declared_disabled_is_sent_so(
    api: respx.MockRouter, adapter: GladlyAdapter
) -> None:
    route = api.post("/webhooks").respond(201, headers={"Location": "/api/v1/webhooks/wh-1"})
    adapter.create("webhooks", "events", {**SPEC, "enabled": False})
    assert json.loads(route.calls.last.request.content)["enabled"] is False


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


LISTED: dict[str, Any] = {
    "id": "wh-1",
    "name": "events",
    "url": SPEC["url"],
    "events": ["CONVERSATION/CLOSED"],
    "enabled": True,
    "createdAt": "2026-01-05T10:00:00.000Z",
    "updatedAt": "2026-01-05T10:00:00.000Z",
    "hasCredentials": True,
    "headerKeys": ["X-Key"],
}


def read_webhook(api: respx.MockRouter, adapter: GladlyAdapter, listed: dict[str, Any]) -> Any:
    lists(api, **{"/business-hours": [], "/webhooks": [listed]})
    return adapter.read().of("webhooks")["events"]


def test_a_read_shows_only_whether_secrets_are_set_as_a_declared_spec_compares(
    api: respx.MockRouter, adapter: GladlyAdapter
) -> None:
    read = read_webhook(api, adapter, LISTED)
    assert comparable("webhooks", read.spec) == comparable("webhooks", dict(SPEC))


@pytest.mark.parametrize(
    "listed",
    [
        # Gladly disabled it after its deliveries kept failing.
        {**LISTED, "enabled": False, "disabledAtDueToRetryLimit": "2026-02-01T03:04:05.000Z"},
        # Created without enabled (the API's default is false), or disabled in the admin UI.
        {key: value for key, value in LISTED.items() if key != "enabled"},
    ],
    ids=["disabled-by-gladly", "never-enabled"],
)
def test_a_disabled_webhook_reads_as_one_a_plan_enables(
    api: respx.MockRouter,
    adapter: GladlyAdapter,
    caplog: pytest.LogCaptureFixture,
    listed: dict[str, Any],
) -> None:
    with caplog.at_level(logging.WARNING):
        read = read_webhook(api, adapter, listed)
    assert read.spec["enabled"] is False
    declared = comparable("webhooks", dict(SPEC))
    assert declared["enabled"] is True and comparable("webhooks", read.spec) != declared
    retried = "disabledAtDueToRetryLimit" in listed
    assert ("deliveries having kept failing" in caplog.text) == retried
