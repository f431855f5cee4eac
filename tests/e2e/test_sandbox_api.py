"""The sandbox behaves like Gladly's API as documented: paths, bodies, codes, error forms."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gladcfg.adapter.gladly.kinds import HANDLERS
from gladcfg.sandbox import BackgroundServer
from gladcfg.sandbox.app import Sandbox, SandboxFaults

API = "/api/v1"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[BackgroundServer]:
    with BackgroundServer(tmp_path / "state.json", token="t0k") as running:
        yield running


@pytest.fixture
def sandbox(server: BackgroundServer) -> Sandbox:
    return server.sandbox  # type: ignore[no-any-return]


@pytest.fixture
def client(server: BackgroundServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, auth=("ops@acme.example", "t0k")) as http:
        yield http


def test_auth_and_rate_limit_headers(client: httpx.Client, sandbox: Sandbox) -> None:
    ok = client.get(f"{API}/organization")
    assert ok.status_code == 200 and ok.json()["timezone"] == "America/New_York"
    assert ok.headers["ratelimit-limit-second"] == "10"
    assert int(ok.headers["ratelimit-remaining-second"]) == 9
    assert client.get(f"{API}/teams", auth=("ops@acme.example", "wrong")).status_code == 401
    assert httpx.get(f"{client.base_url}{API}/teams").status_code == 401
    statuses = [client.get(f"{API}/inboxes").status_code for _ in range(12)]
    assert 429 in statuses  # more than 10 GETs in a second
    assert client.post(f"{API}/answers", json={"name": "x"}).status_code == 200  # POSTs count apart
    assert [r["status"] for r in sandbox.log][:2] == [200, 401]


def test_answers_and_contents(client: httpx.Client, sandbox: Sandbox) -> None:
    created = client.post(f"{API}/answers", json={"id": "a-1", "name": "Closed", "audienceIds": []})
    assert created.status_code == 200 and created.json()["id"] == "a-1"
    assert (
        client.post(f"{API}/answers", json={"name": "Closed"}).json()["errors"][0]["code"]
        == "taken"
    )
    assert client.post(f"{API}/answers", json={}).json()["errors"][0]["code"] == "blank"
    assert client.post(f"{API}/answers", json={"name": "x" * 501}).status_code == 400
    assert client.get(f"{API}/answers").status_code == 405  # there is no answer list
    missing = client.get(f"{API}/answers/nope")
    assert missing.status_code == 404 and isinstance(missing.json()["errors"], dict)
    pair = f"{API}/answers/a-1/languages/en-us/type/messaging"
    assert client.get(pair).status_code == 404
    assert client.put(pair, json={"bodyHtml": "Hi"}).json()["bodyHtml"] == "Hi"
    assert client.get(pair).json()["type"] == "messaging"
    french = client.put(f"{API}/answers/a-1/languages/fr-fr/type/messaging", json={"bodyHtml": "x"})
    assert french.status_code == 400 and "not configured" in french.json()["errors"][0]["detail"]
    assert client.put(f"{API}/answers/a-1/languages/en-us/type/sms", json={}).status_code == 400
    client.post("/_admin/settings", json={"languages": ["en-US", "fr-FR"], "timezone": "UTC"})
    assert (
        client.put(
            f"{API}/answers/a-1/languages/fr-fr/type/email", json={"bodyHtml": "b", "subject": "s"}
        ).status_code
        == 200
    )
    assert client.delete(pair).status_code == 204 and client.delete(pair).status_code == 404
    client.post(f"{API}/answers", json={"id": "a-2", "name": "Other"})
    assert client.patch(f"{API}/answers/a-1", json={"name": "Other"}).status_code == 400
    assert (
        client.patch(f"{API}/answers/a-1", json={"name": "Shut", "description": "d"}).status_code
        == 204
    )
    assert client.get(f"{API}/answers/a-1").json()["name"] == "Shut"
    assert client.delete(f"{API}/answers/a-1").status_code == 204
    assert client.get(f"{API}/answers/a-1/languages/en-us/type/email").status_code == 404
    assert "a-2" in sandbox.state["answers"] and Path(sandbox.state_path).exists()


def test_topics_cannot_be_deleted(client: httpx.Client) -> None:
    made = client.post(f"{API}/topics", json={"name": "billing"})
    assert made.status_code == 201 and made.content == b""
    topic_id = made.headers["location"].rsplit("/", 1)[-1]
    taken = client.post(f"{API}/topics", json={"name": "billing"})
    assert taken.status_code == 409 and taken.json()["errors"][0]["meta"] == {"id": topic_id}
    assert client.post(f"{API}/topics", json={}).status_code == 400
    child = client.post(f"{API}/topics", json={"name": "refund", "parentId": topic_id}).headers[
        "location"
    ]
    child_url = child.removeprefix("/api/v1").join([API, ""])
    # Gladly's parentId is text: null is refused, naming the field.
    unparent = client.patch(child_url, json={"name": "refund", "parentId": None})
    assert unparent.status_code == 400
    assert unparent.json()["errors"][0]["attr"] == "parentId"
    assert client.get(child_url).json()["parentId"] == topic_id
    assert (
        client.patch(f"{API}/topics/{topic_id}", json={"disabled": True}).status_code == 400
    )  # name required
    assert (
        client.patch(
            f"{API}/topics/{topic_id}", json={"name": "billing", "disabled": True}
        ).status_code
        == 204
    )
    assert client.get(f"{API}/topics/{topic_id}").json()["disabled"] is True
    assert client.delete(f"{API}/topics/{topic_id}").status_code == 405
    assert client.patch(f"{API}/topics/nope", json={"name": "x"}).status_code == 404


def test_business_hours_are_versioned_and_the_primary_stays(client: httpx.Client) -> None:
    first = client.post(
        f"{API}/business-hours", json={"name": "main", "officeHours": {"timezone": "UTC"}}
    )
    assert first.status_code == 201 and first.json()["primary"] is True
    # officeHours and its timezone are required.
    assert client.post(f"{API}/business-hours", json={"name": "eu"}).status_code == 400
    no_zone = client.post(f"{API}/business-hours", json={"name": "eu", "officeHours": {}})
    assert no_zone.json()["errors"][0] == {
        "attr": "officeHours.timezone",
        "code": "blank",
        "detail": "timezone cannot be blank",
    }
    second = client.post(
        f"{API}/business-hours", json={"name": "eu", "officeHours": {"timezone": "UTC"}}
    ).json()
    url = f"{API}/business-hours/{second['id']}"
    stale = client.put(url, json={"name": "eu", "version": 0, "officeHours": {"timezone": "UTC"}})
    assert stale.status_code == 409 and stale.json()["errors"][0]["code"] == "version_outdated"
    updated = client.put(
        url, json={"name": "eu", "version": 1, "officeHours": {"timezone": "Europe/Dublin"}}
    )
    assert updated.json()["version"] == 2
    assert client.get(url).json()["officeHours"]["timezone"] == "Europe/Dublin"
    assert client.delete(f"{API}/business-hours/{first.json()['id']}").status_code == 400
    assert client.delete(url).status_code == 204 and client.get(url).status_code == 404
    assert client.post(f"{API}/business-hours", json={}).status_code == 400


def test_directory_is_read_only_and_admin_creates(client: httpx.Client) -> None:
    assert client.post(f"{API}/teams", json={"name": "x"}).status_code == 405
    team = client.post("/_admin/teams", json={"name": "tier1"}).json()
    # As Gladly's Team: an id, a name and the agents' ids; nothing else.
    assert client.get(f"{API}/teams/{team['id']}").json() == {**team, "agentIds": []}
    assert set(team) == {"id", "name", "agentIds"}
    assert client.get(f"{API}/teams/nope").status_code == 404
    assert client.post("/_admin/inboxes", json={}).status_code == 400
    client.post("/_admin/audiences", json={"name": "acme"})
    assert [a["name"] for a in client.get(f"{API}/audiences").json()] == ["acme"]
    assert len(client.get("/_admin/requests").json()) >= 3


def test_every_list_the_adapter_reads_is_served_in_its_shape(client: httpx.Client) -> None:
    client.post("/_admin/audiences", json={"name": "acme"})
    client.post("/_admin/teams", json={"name": "tier1"})
    client.post("/_admin/inboxes", json={"name": "support"})
    client.post(f"{API}/topics", json={"name": "billing"})
    client.post(f"{API}/business-hours", json={"name": "main", "officeHours": {"timezone": "UTC"}})
    hook = {"name": "events", "url": "https://hooks.example.com", "events": ["CONVERSATION/CLOSED"]}
    client.post(f"{API}/webhooks", json={**hook, "headers": {"X-Key": "S3CRET"}})
    for handler in HANDLERS.values():
        listed = client.get(f"{API}{handler.path}")
        if handler.listing is None:
            assert listed.status_code == 405  # Gladly has no such list
            continue
        assert listed.status_code == 200
        assert handler.listing.validate_json(listed.content)
        assert "S3CRET" not in listed.text  # a webhook's header values are never shown


def test_faults(tmp_path: Path) -> None:
    assert SandboxFaults.parse("429_every=2, 500_every=3,latency_ms=1") == SandboxFaults(
        rate_limit_every=2, error_every=3, latency_ms=1
    )
    with BackgroundServer(tmp_path / "s.json", faults="500_every=2,latency_ms=1") as server:
        statuses = [httpx.get(f"{server.url}{API}/teams").status_code for _ in range(4)]
    assert statuses == [200, 500, 200, 500]
    reopened = Sandbox(tmp_path / "s.json")
    assert reopened.state["organization"]["name"] == "Sandbox"


def test_webhooks_keep_their_secrets_and_refuse_what_gladly_refuses(client: httpx.Client) -> None:
    hook = {"name": "events", "url": "https://hooks.example.com", "events": ["CONVERSATION/CLOSED"]}
    secret = {"credentials": {"username": "u", "password": "PW-S3CRET"}, "headers": {"K": "V"}}
    created = client.post(f"{API}/webhooks", json={**hook, **secret})
    assert created.status_code == 201
    path = created.headers["location"].removeprefix("/api/v1")
    shown = client.get(f"{API}{path}").json()
    assert shown["hasCredentials"] is True and shown["headerKeys"] == ["K"]
    assert "PW-S3CRET" not in json.dumps(shown)
    taken = client.post(f"{API}/webhooks", json=hook)
    assert taken.status_code == 409 and taken.json()["errors"][0]["code"] == "taken"
    for bad in (
        [],
        {**hook, "name": ""},
        {**hook, "url": "http://plain.example.com"},
        {**hook, "events": []},
        {**hook, "credentials": {"username": "u"}},
        {**hook, "headers": {"K": 1}},
    ):
        assert client.post(f"{API}/webhooks", json=bad).status_code == 400
    assert client.patch(f"{API}{path}", json={"url": "ftp://x"}).status_code == 400
    # The API has no way to remove credentials: null is not one.
    assert client.patch(f"{API}{path}", json={"credentials": None}).status_code == 400
    assert client.get(f"{API}{path}").json()["hasCredentials"] is True
    assert client.delete(f"{API}{path}").status_code == 204
    assert client.get(f"{API}{path}").status_code == 404
