"""The mock store's database under faults: a full disk, a read-only one, a file that is not
a store, another writer holding it; and the one-time conversion of JSON stores."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from gladcfg.adapter.mock import db as mockdb
from gladcfg.adapter.mock import store as mockstore
from gladcfg.adapter.mock.adapter import MockAdapter
from gladcfg.adapter.mock.config import MockInstance
from gladcfg.adapter.mock.jsonstore import dump
from gladcfg.errors import AdapterError, LockedError
from tests.conftest import Disk

BIG = "x" * 6000  # a spec that needs new pages: a full disk refuses it


def adapter(tmp_path: Path, **config: object) -> MockAdapter:
    return MockAdapter("test", MockInstance.model_validate(config), tmp_path)


def held(root: Path) -> dict[str, dict[str, dict[str, object]]]:
    """What a fresh adapter reads: what was committed."""
    state = adapter(root).read()
    return {k: {n: o.spec for n, o in state.of(k).items()} for k in state.objects if state.of(k)}


@pytest.mark.parametrize("fault", ["fill", "lock"], ids=["disk-full", "read-only"])
def test_a_write_that_cannot_be_saved_fails_cleanly_and_changes_nothing(
    tmp_path: Path, disk: Disk, fault: str
) -> None:
    mock = adapter(tmp_path)
    team = mock.create("teams", "t", {"description": "old"})
    inbox = mock.create("inboxes", "i", {"teams": ["t"]})
    gone = mock.create("teams", "gone", {})
    getattr(disk, fault)()
    attempts: list[Callable[[], object]] = [
        lambda: mock.create("teams", "new", {"description": BIG}),
        lambda: mock.update("teams", team, {"description": BIG}),
        lambda: mock.rename("teams", team, "renamed", {"description": BIG}),
        lambda: mock.delete("teams", gone),
    ]
    if fault == "fill":
        attempts.pop()  # a delete frees space: it needs none
    for attempt in attempts:
        with pytest.raises(AdapterError, match=r"cannot write the mock store .*test\.db: "):
            attempt()
    assert held(tmp_path) == {
        "teams": {"t": {"description": "old"}, "gone": {}},
        "inboxes": {"i": {"teams": ["t"]}},
    }
    disk.free()
    assert mock.create("teams", "next", {}).id == "mock-4"  # failed creates took no id
    assert inbox.id == "mock-2"


def test_a_full_disk_says_so(tmp_path: Path, disk: Disk) -> None:
    mock = adapter(tmp_path)
    mock.create("teams", "t", {})
    disk.fill()
    with pytest.raises(AdapterError, match="the disk is full; nothing changed"):
        mock.create("teams", "big", {"description": BIG})


def write(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def foreign_database(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE songs (title TEXT)")
    db.close()


def future_store(path: Path) -> None:
    store = mockstore.Store(path)
    store.create("teams", "t", {})
    store.close()
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 9")
    db.close()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: write(p, b"hello, I am a text file\n"), "is not an SQLite database"),
        (lambda p: write(p, b"[1, 2]"), "is not an SQLite database"),
        (lambda p: write(p, mockdb.SQLITE_HEADER + b"\x00" * 200), "not a usable SQLite"),
        (foreign_database, "is an SQLite database of another program, not a mock store"),
        (future_store, "is a format 9 store; this gladcfg reads format 1"),
    ],
    ids=["text", "json-list", "torn-database", "another-program", "newer-format"],
)
def test_a_file_that_is_not_a_store_is_a_clean_error_and_is_left_alone(
    tmp_path: Path, make: Callable[[Path], object], message: str
) -> None:
    path = tmp_path / ".gladcfg/state/test.db"
    make(path)
    before = path.read_bytes()
    for attempt in (lambda m: m.read(), lambda m: m.create("teams", "x", {})):
        with pytest.raises(AdapterError, match=f"the mock store {path}.*{message}"):
            attempt(adapter(tmp_path))
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["test.db"]


def test_a_writer_waits_for_another_then_gives_up_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mock = adapter(tmp_path)
    mock.create("teams", "a", {})
    monkeypatch.setattr(mockdb, "BUSY_TIMEOUT_SECONDS", 0.2)
    other = sqlite3.connect(
        tmp_path / ".gladcfg/state/test.db", isolation_level=None, check_same_thread=False
    )
    other.execute("BEGIN IMMEDIATE")  # another process, in the middle of a write
    waiting = adapter(tmp_path)
    with pytest.raises(LockedError, match=r"test\.db is busy: another process kept it locked"):
        waiting.create("teams", "b", {})
    assert set(waiting.read().of("teams")) == {"a"}  # reading never waits
    monkeypatch.setattr(mockdb, "BUSY_TIMEOUT_SECONDS", 10)
    late = adapter(tmp_path)
    threading.Timer(0.2, lambda: other.execute("COMMIT")).start()
    late.create("teams", "c", {})  # waits until the other write is done
    other.close()
    assert set(held(tmp_path)["teams"]) == {"a", "c"}


class SwitchingAtOnce:
    """A connection to a store another process is creating at this moment: its switch to WAL
    is answered busy at once, without SQLite's busy handler, ``times`` times (as two
    applies starting on a new store at once meet it)."""

    def __init__(self, db: sqlite3.Connection, times: float) -> None:
        self._db = db
        self.times = times

    def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
        if sql == "PRAGMA journal_mode = WAL" and self.times > 0:
            self.times -= 1
            busy = sqlite3.OperationalError("database is locked")
            busy.sqlite_errorcode = sqlite3.SQLITE_BUSY  # type: ignore[attr-defined]
            raise busy
        return self._db.execute(sql, *args)

    def __getattr__(self, name: str) -> object:
        return getattr(self._db, name)


def test_a_new_store_opened_by_two_processes_at_once_waits_for_the_switch_to_wal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    connect = mockdb.connect
    opened: list[SwitchingAtOnce] = []
    busy = {"times": 3.0}

    def switching(path: Path) -> sqlite3.Connection:
        opened.append(SwitchingAtOnce(connect(path), busy["times"]))
        return opened[-1]  # type: ignore[return-value]

    monkeypatch.setattr(mockdb, "connect", switching)
    monkeypatch.setattr(mockdb, "BUSY_TIMEOUT_SECONDS", 0.2)
    adapter(tmp_path / "new").create("teams", "a", {})
    assert opened[0].times == 0
    (mode,) = opened[0].execute("PRAGMA journal_mode").fetchone()
    assert mode == "wal" and set(held(tmp_path / "new")["teams"]) == {"a"}
    busy["times"] = float("inf")  # the other process never finishes: given up, cleanly
    with pytest.raises(LockedError, match=r"test\.db is busy: another process kept it"):
        adapter(tmp_path / "stuck").create("teams", "a", {})


# -- JSON stores: converted once, on first use -----------------------------------------------

LEGACY = {
    "format_version": 1,
    "objects": {
        "teams": {"a": {"id": "mock-7", "spec": {}}, "b": {"id": "x-1", "spec": {"d": "é"}}},
        "inboxes": {"i": {"id": "mock-3", "spec": {"teams": ["a"]}}},
    },
}


@pytest.mark.parametrize("next_id", [None, 2, "7", True], ids=["missing", "low", "text", "bool"])
def test_a_json_store_at_the_old_default_path_is_converted_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, next_id: object
) -> None:
    document = dict(LEGACY) if next_id is None else {**LEGACY, "next_id": next_id}
    legacy = write(tmp_path / ".gladcfg/state/test.json", json.dumps(document).encode())
    with caplog.at_level(logging.WARNING):
        mock = adapter(tmp_path)
        state = mock.read()
    assert {o.id for o in state.of("teams").values()} == {"mock-7", "x-1"}
    assert state.of("teams")["b"].spec == {"d": "é"}
    assert mock.create("teams", "c", {}).id == "mock-8"  # past every id the store held
    kept = legacy.with_name("test.json.migrated")
    assert not legacy.exists() and json.loads(kept.read_text()) == document
    assert f"converted the JSON mock store {legacy}" in caplog.text
    assert f"the JSON file is kept as {kept}" in caplog.text
    caplog.clear()
    assert set(adapter(tmp_path).read().of("teams")) == {"a", "b", "c"}
    assert "converted" not in caplog.text


def test_a_json_store_at_the_configured_path_is_converted_in_place(tmp_path: Path) -> None:
    store = write(tmp_path / "stores/test.json", json.dumps(LEGACY).encode())
    write(tmp_path / "stores/test.json.migrated", b"an older conversion, kept too")
    mock = adapter(tmp_path, path="stores/test.json")
    assert set(mock.read().of("teams")) == {"a", "b"}
    assert store.read_bytes().startswith(mockdb.SQLITE_HEADER)
    assert json.loads((tmp_path / "stores/test.json.migrated.2").read_text()) == LEGACY
    assert (tmp_path / "stores/test.json.migrated").read_bytes() == b"an older conversion, kept too"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{torn", r"is not valid JSON \(line 1\)"),
        (b'{"format_version": 9}', "is not a format 1 mock store document"),
        (b'{"format_version": 1}', "is not a format 1 mock store document"),
        (b'{"format_version": 1, "objects": []}', "format 1 mock store document"),
        (b'{"format_version": 1, "objects": {"teams": {"a": {"spec": {}}}}}', "format 1 mock"),
        (b'{"format_version": 1, "objects": {"teams": {"a": {"id": 1, "spec": {}}}}}', "format 1"),
        (b'{"format_version": 1, "objects": {"t": {"a": {"id": "m", "spec": []}}}}', "format 1"),
        (b'{"format_version": 1, "objects": {}}\n\xff', "is not UTF-8 text"),
    ],
)
def test_a_json_store_that_cannot_be_converted_is_a_clean_error_and_stays(
    tmp_path: Path, content: bytes, message: str
) -> None:
    legacy = write(tmp_path / ".gladcfg/state/test.json", content)
    with pytest.raises(AdapterError, match=f"the mock store {legacy} .*{message}"):
        adapter(tmp_path).read()
    assert legacy.read_bytes() == content
    assert sorted(p.name for p in legacy.parent.iterdir()) == ["test.json"]


def test_a_conversion_that_cannot_be_written_leaves_everything_as_it_was(
    tmp_path: Path, disk: Disk
) -> None:
    legacy = write(tmp_path / ".gladcfg/state/test.json", json.dumps(LEGACY).encode())
    disk.lock()
    with pytest.raises(AdapterError, match=f"cannot convert the mock store {legacy} to an SQLite"):
        adapter(tmp_path).read()
    assert sorted(p.name for p in legacy.parent.iterdir()) == ["test.json"]


def test_the_document_is_one_object_per_line_and_ascii(tmp_path: Path) -> None:
    mock = adapter(tmp_path)
    mock.seed(
        [("teams", "tier1", {"description": "Tier 1 \u2014 line\nbreak"}), ("teams", "b", {})]
    )
    mock.seed([("audiences", "acme", {})])
    text = dump(mockstore.Store(tmp_path / ".gladcfg/state/test.db"))
    assert text.isascii()
    assert text.splitlines() == [
        '{"format_version": 1, "next_id": 4, "objects": {',
        '"audiences": {',
        '"acme": {"id": "mock-3", "spec": {}}',
        "},",
        '"teams": {',
        '"b": {"id": "mock-2", "spec": {}},',
        '"tier1": {"id": "mock-1", "spec": {"description": "Tier 1 \\u2014 line\\nbreak"}}',
        "}",
        "}}",
    ]


def test_loading_an_object_twice_or_an_id_twice_changes_nothing(tmp_path: Path) -> None:
    store = mockstore.Store(tmp_path / "s.db")
    store.load([("teams", "a", "mock-1", {})])
    with pytest.raises(AdapterError, match=r"teams\.a already exists"):
        store.load([("teams", "b", None, {}), ("teams", "a", None, {})])
    assert store.create("teams", "b", {})[0] == "mock-2"  # past the id the store holds
    with pytest.raises(AdapterError, match=r"teams\.c: id 'mock-1' is taken"):
        store.load([("teams", "c", "mock-1", {})])
    assert [row[:3] for row in store.rows()[1]] == [
        ("teams", "a", "mock-1"),
        ("teams", "b", "mock-2"),
    ]
