"""The snapshot of answers kept between runs: kept only where it is safe, never trusted when
it is not one, and a failure to keep it costs speed, never a run."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from gladcfg import cachedir
from gladcfg.adapter.gladly.adapter import GladlyAdapter
from gladcfg.adapter.gladly.kinds.answers import answer_id, usable
from gladcfg.adapter.gladly.snapshot import Seen, Snapshot
from gladcfg.errors import AdapterError
from tests.adapter.gladly.conftest import lists

IDENTITY = "gladly:prod:https://acme.gladly.com"
HINTS = {"answers": {"closed": {"content": {"en-US": {"messaging": "Closed."}}}}}
CLOSED = answer_id("closed")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("GLADCFG_CACHE_DIR", str(tmp_path / "cache"))
    # caplog listens at the root: a CLI run earlier in the session may have kept gladcfg's
    # log to itself, at warnings only.
    logger = logging.getLogger("gladcfg")
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.NOTSET)
    logger.propagate = True
    yield tmp_path / "cache" / "snapshots"
    logger.setLevel(level)
    logger.propagate = propagate


def seen(read_at: float | None = None) -> Seen:
    return Seen(
        read_at=time.time() if read_at is None else read_at,
        metadata={"id": "a-1", "name": "closed", "description": None, "audienceIds": []},
        asked=frozenset({("en-US", "messaging"), ("fr", "messaging")}),
        contents={("en-US", "messaging"): "Closed."},
    )


def test_what_is_saved_is_loaded_and_reused_only_for_pairs_it_asked_for(cache: Path) -> None:
    snapshot = Snapshot.open(IDENTITY)
    snapshot.saw("closed", seen(1000.0))
    snapshot.save()
    assert snapshot.path is not None and snapshot.path.parent == cache
    assert (cache.stat().st_mode & 0o777) == 0o700
    loaded = Snapshot.open(IDENTITY)
    assert loaded.id_of("closed") == "a-1"
    both = [("en-US", "messaging"), ("fr", "messaging")]
    assert loaded.reuse("closed", both, usable) == seen(1000.0)
    assert loaded.reuse("closed", [("en-US", "email")], usable) is None  # never asked for
    assert loaded.reuse("refunds", [], usable) is None
    assert (loaded.reused, loaded.oldest) == (1, 1000.0)


@pytest.mark.parametrize(
    "metadata", [{"id": "a-1"}, {"id": "a-1", "name": "closed", "audienceIds": "aud-1"}]
)
def test_what_is_not_in_the_shape_a_read_gives_is_read_again(
    cache: Path, metadata: dict[str, Any]
) -> None:
    snapshot = Snapshot.open(IDENTITY)
    snapshot.saw("closed", Seen(time.time(), metadata, frozenset()))
    snapshot.saw("odd", Seen(time.time(), None, frozenset(), {("en-US", "messaging"): 7}))
    assert snapshot.reuse("closed", [], usable) is None
    assert snapshot.reuse("odd", [], usable) is None
    assert snapshot.reused == 0


@pytest.mark.parametrize(
    ("kind", "content"),
    [
        ("messaging", {"body": "Closed."}),
        ("email", "Closed."),
        ("email", {"body": "Closed."}),
        ("email", {"subject": "Closed", "body": {"a": 1}}),
        ("public", {"title": "Closed", "body": "Closed.", "extra": "x"}),
        ("reference", {"body": 7}),
        ("sms", "Closed."),
    ],
)
def test_content_not_in_the_shape_a_read_of_its_type_gives_is_read_again(
    cache: Path, kind: str, content: Any
) -> None:
    snapshot = Snapshot.open(IDENTITY)
    metadata = {"id": "a-1", "name": "closed", "description": None, "audienceIds": []}
    snapshot.saw("closed", Seen(time.time(), metadata, frozenset(), {("en-US", kind): content}))
    assert snapshot.reuse("closed", [], usable) is None


def test_a_write_makes_the_next_read_a_real_one_and_keeps_the_id(cache: Path) -> None:
    snapshot = Snapshot.open(IDENTITY)
    snapshot.saw("refunds", seen())
    snapshot.wrote("refund-policy", "a-1", old_name="refunds")
    assert snapshot.reuse("refund-policy", [], usable) is None
    assert snapshot.reuse("refunds", [], usable) is None
    assert snapshot.id_of("refund-policy") == "a-1" and snapshot.id_of("refunds") is None
    snapshot.wrote("refund-policy", None)
    assert snapshot.id_of("refund-policy") is None


@pytest.mark.parametrize(
    "text",
    [
        "{",
        "[]",
        '{"format": 2, "identity": "' + IDENTITY + '", "ids": {}, "answers": {}}',
        '{"format": 1, "identity": "gladly:other", "ids": {}, "answers": {}}',
        '{"format": 1, "identity": "' + IDENTITY + '", "ids": {}}',
        '{"format": 1, "identity": "' + IDENTITY + '", "ids": {}, "answers": {"a": '
        '{"read_at": 9e99, "metadata": null, "asked": [], "contents": []}}}',
        '{"format": 1, "identity": "' + IDENTITY + '", "ids": {}, "answers": {"a": '
        '{"read_at": 1, "metadata": [1], "asked": [], "contents": []}}}',
        '{"format": 1, "identity": "' + IDENTITY + '", "ids": {}, "answers": {"a": '
        '{"read_at": "NaN", "metadata": null, "asked": [], "contents": []}}}',
        '{"format": 1, "identity": "' + IDENTITY + '", "ids": {}, "answers": {"a": '
        '{"read_at": 1, "metadata": null, "asked": [], "contents": [["en-US", "email", '
        + '{"a": ' * 100_000
        + "1"
        + "}" * 100_000
        + "]]}}}",
    ],
    ids=["torn", "list", "format", "foreign", "missing", "future", "metadata", "nan", "deep"],
)
def test_a_snapshot_that_is_not_one_is_no_snapshot(
    cache: Path, text: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = Snapshot.open(IDENTITY).path
    assert path is not None
    path.write_text(text)
    with caplog.at_level(logging.INFO):
        snapshot = Snapshot.open(IDENTITY)
    assert snapshot.reuse("a", [], usable) is None and snapshot.id_of("a") is None
    assert "not usable" in caplog.text


def test_a_folder_others_may_write_into_is_not_used(cache: Path) -> None:
    cache.mkdir(parents=True)
    os.chmod(cache, 0o777)
    snapshot = Snapshot.open(IDENTITY)
    assert snapshot.path is None
    snapshot.saw("closed", seen())
    snapshot.save()  # nowhere to keep it: nothing happens
    assert list(cache.iterdir()) == []


def test_the_cache_turned_off_keeps_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GLADCFG_CACHE_DIR", "off")
    snapshot = Snapshot.open(IDENTITY)
    assert snapshot.path is None
    snapshot.saw("closed", seen())
    snapshot.save()


def test_a_full_disk_costs_only_the_snapshot(
    cache: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def full(*args: Any, **kwargs: Any) -> Any:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cachedir.tempfile, "mkstemp", full)
    snapshot = Snapshot.open(IDENTITY)
    snapshot.saw("closed", seen())
    with caplog.at_level(logging.INFO):
        snapshot.save()
    assert "No space left on device" in caplog.text
    assert Snapshot.open(IDENTITY).id_of("closed") is None


def answer_routes(api: respx.MockRouter, body: str = "Closed.") -> respx.Route:
    lists(api)
    api.get(f"/answers/{CLOSED}").mock(
        return_value=httpx.Response(200, json={"id": CLOSED, "name": "closed"})
    )
    return api.get(f"/answers/{CLOSED}/languages/en-us/type/messaging").mock(
        return_value=httpx.Response(200, json={"bodyHtml": body})
    )


def test_a_read_without_refresh_takes_the_snapshot_and_says_so(
    cache: Path, api: respx.MockRouter, adapter: GladlyAdapter
) -> None:
    content = answer_routes(api)
    first = adapter.read(HINTS, refresh=False)  # nothing to take yet: read
    assert first.snapshot is None and content.call_count == 1
    content.mock(return_value=httpx.Response(200, json={"bodyHtml": "Edited."}))
    second = adapter.read(HINTS, refresh=False)
    assert content.call_count == 1 and second.snapshot is not None
    assert second.snapshot.objects == 1
    assert second.of("answers")["closed"].spec == first.of("answers")["closed"].spec
    assert second.fingerprint() == first.fingerprint()
    fresh = adapter.read(HINTS)
    assert content.call_count == 2 and fresh.snapshot is None
    assert fresh.of("answers")["closed"].spec["content"]["en-US"]["messaging"] == "Edited."
    assert fresh.fingerprint() != second.fingerprint()  # what apply's re-read catches


def test_a_taken_name_gladly_does_not_place_is_a_clear_error(
    cache: Path, api: respx.MockRouter, adapter: GladlyAdapter
) -> None:
    lists(api)
    adapter.read({})
    taken = {"errors": [{"attr": "name", "code": "taken", "detail": "name is taken"}]}
    api.post("/answers").mock(return_value=httpx.Response(409, json=taken))
    with pytest.raises(AdapterError, match="already exists on Gladly under an id gladcfg cannot"):
        adapter.create("answers", "closed", {"content": {}})


def test_a_taken_name_held_by_another_answer_is_not_adopted(
    cache: Path, api: respx.MockRouter, adapter: GladlyAdapter
) -> None:
    lists(api)
    adapter.read({})
    taken = {"errors": [{"code": "taken", "meta": {"existingAnswerId": "other"}}]}
    api.post("/answers").mock(return_value=httpx.Response(409, json=taken))
    api.get("/answers/other").mock(
        return_value=httpx.Response(200, json={"id": "other", "name": "not closed"})
    )
    with pytest.raises(AdapterError) as raised:
        adapter.create("answers", "closed", {"content": {}})
    assert raised.value.status == 409 and raised.value.codes == ("taken",)
    # Not "Gladly did not say which": it did, and that answer has another name (an answer
    # renamed since it was made under the id gladcfg derives from this name).
    message = str(raised.value)
    assert "did not say" not in message
    assert "the answer other is named 'not closed'" in message


def test_an_answer_gladcfg_deleted_is_forgotten(
    cache: Path, api: respx.MockRouter, adapter: GladlyAdapter
) -> None:
    answer_routes(api)
    found = adapter.read(HINTS).of("answers")["closed"]
    api.delete(f"/answers/{CLOSED}").mock(return_value=httpx.Response(204))
    adapter.delete("answers", found)
    adapter.close()
    path = adapter.snapshot.path
    assert path is not None
    assert json.loads(path.read_text())["answers"] == {}
    assert adapter.snapshot.id_of("closed") is None


def test_a_delete_that_fails_forgets_what_was_seen_and_keeps_the_id(
    cache: Path, api: respx.MockRouter, adapter: GladlyAdapter
) -> None:
    answer_routes(api)
    found = adapter.read(HINTS).of("answers")["closed"]
    refused = {"errors": [{"code": "in_use", "detail": "used by a rule"}]}
    api.delete(f"/answers/{CLOSED}").mock(return_value=httpx.Response(400, json=refused))
    with pytest.raises(AdapterError, match="in_use"):
        adapter.delete("answers", found)
    assert adapter.snapshot.reuse("closed", [], usable) is None
    assert adapter.snapshot.id_of("closed") == CLOSED


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_named_pipe_where_the_snapshot_goes_is_no_snapshot_and_never_blocks(
    cache: Path,
) -> None:
    path = Snapshot.open(IDENTITY).path
    assert path is not None
    os.mkfifo(path, 0o600)
    opened: list[Snapshot] = []
    reader = threading.Thread(target=lambda: opened.append(Snapshot.open(IDENTITY)), daemon=True)
    reader.start()
    reader.join(10)
    if reader.is_alive():  # let the blocked open go before failing
        with open(path, "wb"):
            pass
        pytest.fail("opening the snapshot blocked on a named pipe")
    assert opened[0].id_of("closed") is None


@pytest.mark.parametrize("lost", ["metadata", "create"])
def test_a_write_whose_answer_was_lost_makes_the_next_read_a_real_one(
    cache: Path, api: respx.MockRouter, adapter: GladlyAdapter, lost: str
) -> None:
    # Gladly may have made a change whose response never came: what the snapshot saw of
    # the answer no longer holds, and a plan without refresh must read it again.
    answer_routes(api)
    api.patch(f"/answers/{CLOSED}").mock(side_effect=httpx.ReadTimeout("lost"))
    api.post("/answers").mock(side_effect=httpx.ReadTimeout("lost"))
    hints = {"answers": {**HINTS["answers"], "refunds": {"content": {}}}}
    api.get(f"/answers/{answer_id('refunds')}").mock(return_value=httpx.Response(404))
    found = adapter.read(hints).of("answers")["closed"]
    if lost == "metadata":
        name, write = "closed", lambda: adapter.update("answers", found, {"description": "New."})
    else:
        name, write = "refunds", lambda: adapter.create("answers", "refunds", {"content": {}})
    with pytest.raises(AdapterError):
        write()
    assert adapter.snapshot.reuse(name, [], usable) is None
