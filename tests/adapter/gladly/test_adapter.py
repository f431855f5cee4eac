"""The gladly adapter against respx: request shapes per writable kind, read-only kinds as
manual changes, lost create responses, and no request for what the API cannot do."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx

from gladcfg.adapter.base import Access, RemoteObject
from gladcfg.adapter.gladly.adapter import GladlyAdapter
from gladcfg.adapter.gladly.kinds.answers import answer_id, body_html, body_text
from gladcfg.errors import AdapterError, GoneError
from gladcfg.model.kinds import KINDS
from tests.adapter.gladly.conftest import CONFIG, HOURS, lists


def test_read_lists_once_and_answers_by_declared_pairs(
    adapter: GladlyAdapter, api: respx.MockRouter
) -> None:
    lists(api)
    aid = answer_id("closed")
    api.get(f"/answers/{aid}").mock(
        return_value=httpx.Response(
            200, json={"id": aid, "name": "closed", "audienceIds": ["aud-1"]}
        )
    )
    api.get(f"/answers/{aid}/languages/en-us/type/messaging").mock(
        return_value=httpx.Response(200, json={"bodyHtml": "We are closed &amp; away<br>Bye"})
    )
    api.get(f"/answers/{aid}/languages/fr-ca/type/messaging").mock(return_value=httpx.Response(404))
    api.get(f"/answers/{answer_id('missing')}").mock(return_value=httpx.Response(404))
    hints = {
        "answers": {
            "closed": {"content": {"en-US": {"messaging": "x"}, "fr-CA": {"messaging": "y"}}},
            "missing": {"content": {"en-US": {"messaging": "z"}}},
        },
        "topics": {"old": {"disabled": True}},
    }
    state = adapter.read(hints)
    assert state.of("answers")["closed"].spec == {
        "audiences": ["acme"],
        "content": {"en-US": {"messaging": "We are closed & away\nBye"}},
    }
    assert "missing" not in state.of("answers")
    assert state.of("topics")["refund"].spec == {"disabled": False, "parent": "billing"}
    assert state.of("topics")["old"].spec == {"disabled": True}  # declared: kept
    # Gladly's Team has no description: a server that sends one is not believed about it.
    assert state.of("teams")["tier1"].spec == {}
    assert state.of("business_hours")["us"].spec == {
        "timezone": "America/New_York",
        "weekly": {"mon": ["08:00-17:00"]},
        "holidays": [{"date": "2026-12-25", "name": "Christmas", "hours": []}],
    }
    assert state.of("settings")["settings"].spec == {"timezone": "America/New_York"}
    assert state.requests == 7 + 3 + 1  # one GET per list, the answers and their pairs
    assert not any(
        "entry" in str(call.request.url) or "rule" in str(call.request.url) for call in api.calls
    )
    undeclared = adapter.read({})
    assert "old" not in undeclared.of("topics")  # disabled and undeclared: deleted


def test_capabilities_match_the_api() -> None:
    access = GladlyAdapter.access
    assert {k for k, v in access.items() if v is Access.WRITE} == {
        "answers",
        "business_hours",
        "topics",
        "webhooks",
    }
    # Gladly's API has no endpoints for these: they have no handler, which means hidden.
    for kind in ("entry_points", "auto_reply_rules", "help_centers", "glad_apps"):
        assert kind in KINDS and access.get(kind, Access.HIDDEN) is Access.HIDDEN
    assert access["inboxes"] is Access.READ_ONLY and GladlyAdapter.fields["inboxes"] == frozenset()


def test_answer_create_update_delete_shapes(adapter: GladlyAdapter, api: respx.MockRouter) -> None:
    lists(api)
    adapter.read({})
    aid = answer_id("closed")
    create = api.post("/answers").mock(return_value=httpx.Response(200, json={"id": aid}))
    put = api.put(url__regex=rf"/answers/{aid}/languages/.*").mock(
        return_value=httpx.Response(200, json={})
    )
    spec = {
        "description": "after hours",
        "audiences": ["acme"],
        "content": {"en-US": {"messaging": "a < b", "email": {"subject": "S", "body": "B"}}},
    }
    created = adapter.create("answers", "closed", spec)
    assert created.id == aid
    assert json.loads(create.calls[0].request.content) == {
        "id": aid,
        "name": "closed",
        "audienceIds": ["aud-1"],
        "description": "after hours",
    }
    bodies = {
        str(c.request.url).rsplit("/", 1)[-1]: json.loads(c.request.content) for c in put.calls
    }
    assert bodies == {
        "messaging": {"bodyHtml": "a &lt; b"},
        "email": {"bodyHtml": "B", "subject": "S"},
    }
    patch = api.patch(f"/answers/{aid}").mock(return_value=httpx.Response(204))
    delete_pair = api.delete(f"/answers/{aid}/languages/en-us/type/email").mock(
        return_value=httpx.Response(204)
    )
    new = {**spec, "description": "closed", "content": {"en-US": {"messaging": "a < b"}}}
    adapter.update("answers", created, new)
    assert json.loads(patch.calls[0].request.content)["description"] == "closed"
    assert delete_pair.called and put.call_count == 2  # unchanged content is not re-sent
    renamed = adapter.rename("answers", RemoteObject(aid, "closed", new), "shut", new)
    assert renamed.name == "shut" and json.loads(patch.calls[1].request.content)["name"] == "shut"
    delete = api.delete(f"/answers/{aid}").mock(return_value=httpx.Response(204))
    adapter.delete("answers", renamed)
    assert delete.called


def test_a_lost_answer_create_is_looked_up_not_resent(
    adapter: GladlyAdapter, api: respx.MockRouter
) -> None:
    lists(api)
    adapter.read({})
    aid = answer_id("closed")
    create = api.post("/answers").mock(side_effect=httpx.ReadTimeout("lost"))
    api.get(f"/answers/{aid}").mock(
        return_value=httpx.Response(200, json={"id": aid, "name": "closed"})
    )
    api.put(url__regex=r".*/type/messaging").mock(return_value=httpx.Response(200, json={}))
    adapter.create("answers", "closed", {"audiences": [], "content": {"en-US": {"messaging": "x"}}})
    assert create.call_count == 1


def test_a_lost_answer_create_that_did_not_happen_is_sent_again(
    adapter: GladlyAdapter, api: respx.MockRouter
) -> None:
    lists(api)
    aid = answer_id("closed")
    create = api.post("/answers").mock(
        side_effect=[httpx.ReadTimeout("lost"), httpx.Response(200, json={"id": aid})]
    )
    api.get(f"/answers/{aid}").mock(return_value=httpx.Response(404))
    adapter.create("answers", "closed", {"audiences": [], "content": {}})
    assert create.call_count == 2


def test_topic_shapes_and_delete_is_disable(adapter: GladlyAdapter, api: respx.MockRouter) -> None:
    lists(api)
    adapter.read({})
    create = api.post("/topics").mock(
        return_value=httpx.Response(201, headers={"Location": "/api/v1/topics/top-9"})
    )
    made = adapter.create("topics", "vip", {"disabled": False, "parent": "billing"})
    assert made.id == "top-9"
    assert json.loads(create.calls[0].request.content) == {
        "name": "vip",
        "disabled": False,
        "parentId": "top-1",
    }
    patch = api.patch("/topics/top-9").mock(return_value=httpx.Response(204))
    adapter.create(
        "topics", "vip-child", {"disabled": False, "parent": "vip"}
    )  # parent id known now
    assert json.loads(create.calls[1].request.content)["parentId"] == "top-9"
    adapter.delete("topics", made)
    assert json.loads(patch.calls[0].request.content) == {
        "name": "vip",
        "disabled": True,
        "parentId": "top-1",
    }


def test_a_lost_topic_create_is_found_by_name(
    adapter: GladlyAdapter, api: respx.MockRouter
) -> None:
    lists(api, **{"/topics": [{"id": "top-7", "name": "vip", "disabled": False}]})
    create = api.post("/topics").mock(side_effect=httpx.ReadTimeout("lost"))
    assert adapter.create("topics", "vip", {"disabled": False}).id == "top-7"
    assert create.call_count == 1


def test_business_hours_are_versioned(adapter: GladlyAdapter, api: respx.MockRouter) -> None:
    lists(api)
    state = adapter.read({})
    put = api.put("/business-hours/bh-1").mock(return_value=httpx.Response(200, json=HOURS))
    spec = {"timezone": "UTC", "weekly": {"tue": ["09:00-10:00"]}, "holidays": []}
    adapter.update("business_hours", state.of("business_hours")["us"], spec)
    sent = json.loads(put.calls[0].request.content)
    assert sent["version"] == 3 and sent["officeHours"]["tuesday"] == [
        {"start": "09:00", "stop": "10:00"}
    ]
    assert sent["officeHours"]["monday"] == [] and sent["officeHours"]["timezone"] == "UTC"
    put.mock(return_value=httpx.Response(409, json={"errors": [{"code": "version_outdated"}]}))
    api.get("/business-hours/bh-1").mock(return_value=httpx.Response(200, json=HOURS))
    with pytest.raises(AdapterError, match="changed on Gladly since the plan was made; plan again"):
        adapter.update("business_hours", state.of("business_hours")["us"], spec)
    api.post("/business-hours").mock(return_value=httpx.Response(201, json={**HOURS, "id": "bh-2"}))
    assert adapter.create("business_hours", "eu", spec).id == "bh-2"
    api.delete("/business-hours/bh-2").mock(return_value=httpx.Response(404))
    with pytest.raises(GoneError, match="no longer exists on Gladly; plan again"):
        adapter.delete("business_hours", RemoteObject("bh-2", "eu", spec))


def test_read_only_kinds_are_never_written(adapter: GladlyAdapter) -> None:
    with pytest.raises(AdapterError, match="cannot write inboxes"):
        adapter.create("inboxes", "x", {})


def test_missing_token_is_an_error_before_any_request() -> None:
    with pytest.raises(Exception, match="environment variable T"):
        GladlyAdapter("prod", CONFIG, Path("."), environ={})


def test_handlers_find_secrets_in_the_adapters_environment() -> None:
    environ = {"T": "tok", "HOOK_KEY": "k"}
    gladly = GladlyAdapter("prod", CONFIG, Path("."), environ=environ)
    assert gladly.connection.environ is environ
    gladly.close()


def test_text_survives_the_html_round_trip() -> None:
    text = "Fish & chips <3\nSee you\u00a0soon"
    assert body_text(body_html(text)) == text
