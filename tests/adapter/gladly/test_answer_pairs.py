"""Which language × type pairs a read of an answer asks for: the declared ones and those the
snapshot knows it held, kept across writes and runs; and what a saved plan asks for checked
before anything is requested."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from gladcfg.adapter.gladly.adapter import GladlyAdapter
from gladcfg.adapter.gladly.kinds.answer_pairs import ALSO_READ, pairs_to_read, widen
from gladcfg.adapter.gladly.kinds.answers import answer_id
from gladcfg.adapter.gladly.snapshot import Seen, Snapshot
from gladcfg.errors import AdapterError, PlanFileError
from tests.adapter.gladly.conftest import lists

IDENTITY = "gladly:prod:https://acme.gladly.com"
EMAIL = {"subject": "Closed", "body": "Closed."}
BOTH = {"content": {"en-US": {"public": {"title": "Closed", "body": "Closed."}, "email": EMAIL}}}
PUBLIC = {"content": {"en-US": {"public": {"title": "Closed", "body": "Closed."}}}}
CLOSED = answer_id("closed")


def test_known_pairs_the_files_no_longer_declare_are_read_also() -> None:
    hints: dict[str, Any] = {"answers": {"closed": PUBLIC, "other": PUBLIC}, "topics": {"t": {}}}
    known = {"closed": {("fr-CA", "messaging"), ("en-US", "email"), ("en-US", "public")}}
    widened = widen(hints, lambda name: known.get(name, set()))
    assert widened["answers"]["closed"] == {
        **PUBLIC,
        ALSO_READ: [["en-US", "email"], ["fr-CA", "messaging"]],
    }
    assert widened["answers"]["other"] is PUBLIC and widened["topics"] == {"t": {}}
    assert ALSO_READ not in hints["answers"]["closed"]  # the files' specs are left alone
    assert pairs_to_read("closed", widened["answers"]["closed"]) == [
        ("en-US", "public"),
        ("en-US", "email"),
        ("fr-CA", "messaging"),
    ]


def test_a_pair_is_asked_for_once_whatever_the_case_of_its_language() -> None:
    hint = {**PUBLIC, ALSO_READ: [["en-US", "email"]]}
    known = {("en-us", "public"), ("en-us", "email"), ("en-US", "email"), ("EN-US", "reference")}
    widened = widen({"answers": {"closed": hint}}, lambda _: known)["answers"]["closed"]
    # Not a canonical tag (EN-US, en-us): what no file can declare is never asked for.
    assert widened[ALSO_READ] == [["en-US", "email"]]


@pytest.mark.parametrize(
    "also",
    [
        "en-US",
        [["en-US"]],
        [["en-US", "sms"]],
        [["en-US", "../../webhooks"]],
        [["en_US", "email"]],
        [["EN-us", "email"]],
        [[7, "email"]],
        [None],
    ],
)
def test_what_a_plan_asks_for_that_is_not_a_pair_is_refused(also: object) -> None:
    with pytest.raises(PlanFileError, match=r"^reads\.answers\.closed\.also_read: .* is not a"):
        pairs_to_read("closed", {**PUBLIC, ALSO_READ: also})


def test_the_pairs_an_answer_holds_are_kept_across_writes_and_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GLADCFG_CACHE_DIR", str(tmp_path / "cache"))
    snapshot = Snapshot.open(IDENTITY)
    metadata = {"id": CLOSED, "name": "closed"}
    asked = frozenset({("en-US", "email"), ("en-US", "public")})
    snapshot.saw("closed", Seen(time.time(), metadata, asked, {("en-US", "email"): EMAIL}))
    assert snapshot.pairs_of("closed") == {("en-US", "email")}  # found, not merely asked
    snapshot.writing("closed")
    snapshot.may_hold("closed", [("en-US", "public")])
    assert snapshot.pairs_of("closed") == {("en-US", "email"), ("en-US", "public")}
    snapshot.wrote("refunds", CLOSED, old_name="closed")  # renamed: the pairs move along
    assert snapshot.pairs_of("closed") == frozenset()
    snapshot.holds("refunds", [("en-US", "public")])
    snapshot.save()
    again = Snapshot.open(IDENTITY)
    assert again.pairs_of("refunds") == {("en-US", "public")}
    again.wrote("refunds", None)  # deleted
    assert again.pairs_of("refunds") == frozenset()
    again.saw("gone", Seen(time.time(), None, asked))
    assert again.pairs_of("gone") == frozenset()


def test_a_snapshot_kept_before_pairs_were_knows_those_its_reads_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GLADCFG_CACHE_DIR", str(tmp_path / "cache"))
    snapshot = Snapshot.open(IDENTITY)
    metadata = {"id": CLOSED, "name": "closed"}
    snapshot.saw("closed", Seen(1000.0, metadata, frozenset(), {("en-US", "email"): EMAIL}))
    snapshot.save()
    assert snapshot.path is not None
    document = json.loads(snapshot.path.read_text())
    del document["pairs"]
    snapshot.path.write_text(json.dumps(document))
    assert Snapshot.open(IDENTITY).pairs_of("closed") == {("en-US", "email")}


def test_a_removal_that_fails_is_asked_for_again(
    api: respx.MockRouter, adapter: GladlyAdapter
) -> None:
    lists(api)
    api.get(f"/answers/{CLOSED}").mock(
        return_value=httpx.Response(200, json={"id": CLOSED, "name": "closed"})
    )
    content = f"/answers/{CLOSED}/languages/en-us/type"
    api.get(f"{content}/public").mock(return_value=httpx.Response(200, json={"title": "Closed"}))
    api.get(f"{content}/email").mock(
        return_value=httpx.Response(200, json={"subject": "Closed", "bodyHtml": "Closed."})
    )
    hints = adapter.reads_for({"answers": {"closed": BOTH}})
    found = adapter.read(hints).of("answers")["closed"]
    assert adapter.reads_for({"answers": {"closed": PUBLIC}})["answers"]["closed"][ALSO_READ] == [
        ["en-US", "email"]
    ]
    api.put(f"{content}/public").mock(return_value=httpx.Response(200, json={}))
    refused = {"errors": [{"code": "in_use", "detail": "used by a rule"}]}
    api.delete(f"{content}/email").mock(return_value=httpx.Response(400, json=refused))
    with pytest.raises(AdapterError, match="in_use"):
        adapter.update("answers", found, PUBLIC)
    assert ("en-US", "email") in adapter.snapshot.pairs_of("closed")
    api.delete(f"{content}/email").mock(return_value=httpx.Response(204))
    adapter.update("answers", found, PUBLIC)
    assert adapter.snapshot.pairs_of("closed") == {("en-US", "public")}


def test_a_known_pair_in_a_language_gladly_no_longer_has_is_absent(
    api: respx.MockRouter, adapter: GladlyAdapter
) -> None:
    lists(api)
    api.get(f"/answers/{CLOSED}").mock(
        return_value=httpx.Response(200, json={"id": CLOSED, "name": "closed"})
    )
    content = f"/answers/{CLOSED}/languages"
    api.get(f"{content}/en-us/type/public").mock(
        return_value=httpx.Response(200, json={"title": "Closed", "bodyHtml": "Closed."})
    )
    invalid = {"errors": [{"attr": "language", "code": "invalid", "detail": "not configured"}]}
    api.get(f"{content}/fr-ca/type/messaging").mock(return_value=httpx.Response(400, json=invalid))
    adapter.snapshot.holds("closed", [("en-US", "public"), ("fr-CA", "messaging")])
    hints = adapter.reads_for({"answers": {"closed": PUBLIC}})
    assert hints["answers"]["closed"][ALSO_READ] == [["fr-CA", "messaging"]]
    assert adapter.read(hints).of("answers")["closed"].spec["content"] == PUBLIC["content"]
    assert adapter.snapshot.pairs_of("closed") == {("en-US", "public")}  # not asked again
    # Declared, the same refusal is the error it is: the files name what Gladly lacks.
    declared = {"content": {**PUBLIC["content"], "fr-CA": {"messaging": "Fermé."}}}
    with pytest.raises(AdapterError, match=r"HTTP 400 .*not configured"):
        adapter.read({"answers": {"closed": declared}})
