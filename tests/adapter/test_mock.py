from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from gladcfg.adapter.base import Access, LooksUp, RemoteObject
from gladcfg.adapter.mock.adapter import MockAdapter
from gladcfg.adapter.mock.config import MockInstance
from gladcfg.errors import AdapterError, ChangedError, ExistsError, GoneError


def adapter(tmp_path: Path, **config: object) -> MockAdapter:
    return MockAdapter("test", MockInstance.model_validate(config), tmp_path)


def test_ids_one_database_and_nothing_beside_it_once_closed(tmp_path: Path) -> None:
    mock = adapter(tmp_path)
    team = mock.create("teams", "a", {"description": "x"})
    assert team.id.startswith("mock-")
    assert mock.read().of("teams")["a"] == RemoteObject(team.id, "a", {"description": "x"})
    mock.close()
    assert [p.name for p in (tmp_path / ".gladcfg/state").iterdir()] == ["test.db"]
    with sqlite3.connect(tmp_path / ".gladcfg/state/test.db") as db:
        rows = db.execute("SELECT kind, name, id, spec FROM objects").fetchall()
    assert rows == [("teams", "a", team.id, '{"description":"x"}')]


def test_reading_a_store_that_does_not_exist_creates_nothing(tmp_path: Path) -> None:
    mock = adapter(tmp_path)
    assert list(mock.read()) == []
    assert not (tmp_path / ".gladcfg").exists()


def test_referential_integrity(tmp_path: Path) -> None:
    mock = adapter(tmp_path)
    with pytest.raises(AdapterError, match=r"teams\[0\]: teams\.t does not exist"):
        mock.create("inboxes", "i", {"teams": ["t"]})
    mock.create("teams", "t", {})
    inbox = mock.create("inboxes", "i", {"teams": ["t"]})
    with pytest.raises(AdapterError, match=r"teams\.t is in use by inboxes\.i"):
        mock.delete("teams", mock.read().of("teams")["t"])
    with pytest.raises(AdapterError, match="already exists"):
        mock.create("inboxes", "i", {})
    renamed = mock.rename("teams", mock.read().of("teams")["t"], "u", {})
    assert mock.read().of("inboxes")["i"].spec == {"teams": ["u"]}  # references follow by id
    with pytest.raises(AdapterError, match="already exists"):
        mock.rename("inboxes", inbox, "i", {})
    mock.delete("inboxes", mock.read().of("inboxes")["i"])
    mock.delete("teams", renamed)
    assert mock.read().of("teams") == {}


def test_vanished_objects_say_plan_again(tmp_path: Path) -> None:
    mock = adapter(tmp_path)
    ghost = RemoteObject("mock-99", "ghost", {})
    for call in (
        lambda: mock.update("teams", ghost, {}),
        lambda: mock.delete("teams", ghost),
        lambda: mock.rename("teams", ghost, "new", {}),
    ):
        with pytest.raises(GoneError, match="no longer exists; plan again"):
            call()


def test_a_name_taken_meanwhile_says_so_and_the_object_can_be_looked_up(tmp_path: Path) -> None:
    """What an apply needs to tell an object another apply made from a different one."""
    mock, other = adapter(tmp_path), adapter(tmp_path)
    assert isinstance(mock, LooksUp)
    assert mock.lookup("teams", "a") is None
    made = other.create("teams", "a", {"description": "theirs"})
    mock.create("teams", "b", {})
    with pytest.raises(ExistsError, match=r"^teams\.a already exists$"):
        mock.create("teams", "a", {"description": "ours"})
    with pytest.raises(ExistsError, match=r"^teams\.a already exists$"):
        mock.rename("teams", mock.read().of("teams")["b"], "a", {})
    found = mock.lookup("teams", "a")
    assert found == made and found is not None and found.version == made.version
    other.delete("teams", made)
    assert mock.lookup("teams", "a") is None


def test_capabilities_are_data(tmp_path: Path) -> None:
    mock = adapter(tmp_path, read_only=["teams"], hidden=["entry_points"])
    assert mock.access["teams"] is Access.READ_ONLY
    assert mock.access["entry_points"] is Access.HIDDEN
    assert mock.access["inboxes"] is Access.WRITE
    with pytest.raises(AdapterError, match="cannot write teams"):
        mock.create("teams", "a", {})
    mock.seed([("entry_points", "e", {"channel": "chat"}), ("teams", "t", {})])
    state = mock.read()
    assert "entry_points" not in state.objects and "t" in state.of("teams")


def test_injected_failures_and_latency(tmp_path: Path) -> None:
    mock = adapter(tmp_path, faults={"fail_every": 2, "rate_limit_every": 3, "latency_ms": 1})
    mock.create("teams", "a", {})
    with pytest.raises(AdapterError, match="injected failure"):
        mock.create("teams", "b", {})
    mock.create("teams", "c", {})  # the third write meets a 429 and is retried
    assert mock.retries == 1
    assert set(mock.read().of("teams")) == {"a", "c"}


def test_specs_stay_text_until_compared(tmp_path: Path) -> None:
    mock = adapter(tmp_path)
    mock.seed([("teams", "t", {"description": 'Tier 1 \u2014 "quoted"\nsecond line'})])
    team = mock.read().of("teams")["t"]
    assert team._json == '{"description":"Tier 1 \u2014 \\"quoted\\"\\nsecond line"}'
    assert team.spec == {"description": 'Tier 1 \u2014 "quoted"\nsecond line'}


def test_a_write_names_the_version_it_read_and_never_overwrites_a_newer_one(
    tmp_path: Path,
) -> None:
    mine, theirs = adapter(tmp_path), adapter(tmp_path)  # theirs: another process, or a person
    mine.create("teams", "t", {"description": "first"})
    mine.create("teams", "gone", {})
    read = mine.read()
    theirs.update("teams", theirs.read().of("teams")["t"], {"description": "theirs"})
    theirs.update("teams", theirs.read().of("teams")["gone"], {"description": "kept"})
    stale = read.of("teams")
    with pytest.raises(ChangedError, match=r"teams\.t changed since this plan was read"):
        mine.update("teams", stale["t"], {"description": "mine"})
    with pytest.raises(ChangedError, match=r"teams\.gone changed since this plan was read"):
        mine.delete("teams", stale["gone"])
    with pytest.raises(ChangedError):
        mine.rename("teams", stale["t"], "u", {})
    assert {n: o.spec for n, o in mine.read().of("teams").items()} == {
        "t": {"description": "theirs"},
        "gone": {"description": "kept"},
    }
    fresh = mine.read().of("teams")["t"]
    updated = mine.update("teams", fresh, {"description": "mine"})
    assert updated.version is not None and fresh.version is not None
    assert updated.version > fresh.version


def test_a_rename_moves_references_without_changing_the_objects_that_hold_them(
    tmp_path: Path,
) -> None:
    mock = adapter(tmp_path)
    mock.create("teams", "t", {})
    mock.create("inboxes", "i", {"teams": ["t"]})
    before = mock.read()
    mock.rename("teams", before.of("teams")["t"], "u", {})
    inbox = mock.read().of("inboxes")["i"]
    assert inbox.spec == {"teams": ["u"]} and inbox.version == before.of("inboxes")["i"].version
    mock.update("inboxes", before.of("inboxes")["i"], {"teams": ["u"], "description": "x"})
    with pytest.raises(AdapterError, match=r"teams\.u is in use by inboxes\.i"):
        mock.delete("teams", mock.read().of("teams")["u"])


def test_objects_another_process_adds_meanwhile_are_kept(tmp_path: Path) -> None:
    mock, other = adapter(tmp_path), adapter(tmp_path)
    mock.create("teams", "before", {})
    mock.create("teams", "a", {})
    added = other.create("teams", "theirs", {"description": "added meanwhile"})
    other.create("audiences", "acme", {})
    with pytest.raises(AdapterError, match=r"teams\.theirs already exists"):
        mock.create("teams", "theirs", {})
    inbox = mock.create("inboxes", "i", {"teams": ["theirs"]})  # refers to it: it exists
    mock.create("teams", "b", {})
    state = adapter(tmp_path).read()
    assert {
        k: {n: o.spec for n, o in state.of(k).items()} for k in state.objects if state.of(k)
    } == {
        "teams": {"before": {}, "a": {}, "b": {}, "theirs": {"description": "added meanwhile"}},
        "audiences": {"acme": {}},
        "inboxes": {"i": {"teams": ["theirs"]}},
    }
    ids = [o.id for _, o in state]
    assert len(ids) == len(set(ids)) and added.id in ids and inbox.id in ids


def test_a_symlinked_store_is_followed_never_replaced(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "store.db").symlink_to("shared/instance.db")  # dangling until first write
    mock = adapter(tmp_path, path="store.db")
    mock.create("teams", "a", {})
    mock.create("teams", "b", {})
    mock.close()
    assert (tmp_path / "store.db").is_symlink()
    assert sorted(p.name for p in (tmp_path / "shared").iterdir()) == ["instance.db"]
    assert set(adapter(tmp_path, path="shared/instance.db").read().of("teams")) == {"a", "b"}


def test_references_to_hidden_kinds_are_not_checked(tmp_path: Path) -> None:
    mock = adapter(tmp_path, hidden=["audiences"])
    mock.create("answers", "a", {"audiences": ["nobody"], "content": {"en-US": {"messaging": "x"}}})
    with pytest.raises(AdapterError, match=r"audiences\[0\]: audiences\.nobody does not exist"):
        adapter(tmp_path).create("answers", "b", {"audiences": ["nobody"]})
