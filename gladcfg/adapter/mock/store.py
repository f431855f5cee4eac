"""The mock instance's store: one SQLite database per instance, in WAL mode
(:mod:`.db` opens and checks it).

A real embedded database does what a file written whole cannot: each write is one
transaction (all of it or none, kept once committed, whatever kills the process next),
SQLite's own locking serialises writers across processes (waiting up to a busy timeout),
and a read is one query. Every object carries a version, the store's
change counter when it was last written, so a write names the version it read and is
refused if someone else wrote the object since; references are indexed by target, so
checking a delete or following a rename never scans every object.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from gladcfg.adapter.base import RemoteObject
from gladcfg.adapter.mock.db import clean_errors, open_database, transaction
from gladcfg.errors import AdapterError, ChangedError, ExistsError, GoneError, NotKeptError
from gladcfg.fileio import real_path
from gladcfg.model.kinds import address_of, references_in, rename_references

_MOCK_ID = re.compile(r"mock-(\d+)")

Objects = dict[str, dict[str, RemoteObject]]


def canonical(spec: dict[str, Any]) -> str:
    return json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


class Store:
    """One instance's database at ``path`` (a symlink is followed, never replaced), opened
    on first use. ``unchecked``: kinds whose references are not checked (kinds the API
    hides cannot be created through it, so nothing may wait for them)."""

    def __init__(
        self, path: Path, *, instance: str = "", unchecked: frozenset[str] = frozenset()
    ) -> None:
        self.path = path
        self.where = f"the mock store {path}"
        self._instance = instance
        self._unchecked = unchecked
        self._db: sqlite3.Connection | None = None
        self._mutex = threading.RLock()  # a batch holds it, and its writes take it again
        # Inside batch(): None while its transaction holds, else why it was lost.
        self._batch: list[str] | None = None

    # -- reading -------------------------------------------------------------------------

    def read(self) -> tuple[str, Objects]:
        """A digest of every object, and the objects, from one snapshot of the database.
        The digest is the version a plan's fingerprint pins: it is of what the store holds
        (kind, name, id and canonical spec of each object), never of how or in which order
        it came to be written, so the same content imported again, or converted from JSON
        in another checkout, still takes the plans made from it."""
        rows: list[tuple[str, str, str, str, int]] = []
        with self._mutex, clean_errors(self.where, "read"):
            if self._db is not None or real_path(self.path).exists():
                db = self._connection()
                db.execute("BEGIN")
                try:
                    query = "SELECT kind, name, id, spec, version FROM objects"
                    rows = db.execute(query).fetchall()
                finally:
                    db.execute("COMMIT")
        rows.sort()
        content: list[str] = []
        objects: Objects = {}
        for kind, name, object_id, spec, object_version in rows:
            # Each part prefixed by its length: no two stores run into the same text.
            content.append(
                f"{len(kind)}:{kind}{len(name)}:{name}{len(object_id)}:{object_id}"
                f"{len(spec)}:{spec}"
            )
            objects.setdefault(kind, {})[name] = RemoteObject(
                object_id, name, text=spec, where=self.where, version=object_version
            )
        digest = hashlib.sha256("".join(content).encode())
        return f"content:{digest.hexdigest()}", objects

    def get(self, kind: str, name: str) -> RemoteObject | None:
        """One object, or None."""
        with self._mutex, clean_errors(self.where, "read"):
            if self._db is None and not real_path(self.path).exists():
                return None
            row = (
                self._connection()
                .execute(
                    "SELECT id, spec, version FROM objects WHERE kind = ? AND name = ?",
                    (kind, name),
                )
                .fetchone()
            )
        if row is None:
            return None
        return RemoteObject(row[0], name, text=row[1], where=self.where, version=row[2])

    def rows(self) -> tuple[int, list[tuple[str, str, str, str]]]:
        """Next id and every (kind, name, id, spec text), sorted: what an export writes."""
        with self._mutex, clean_errors(self.where, "read"):
            if self._db is None and not real_path(self.path).exists():
                return 1, []
            db = self._connection()
            db.execute("BEGIN")
            try:
                next_id = _meta(db)[2]
                query = "SELECT kind, name, id, spec FROM objects ORDER BY kind, name"
                return next_id, db.execute(query).fetchall()
            finally:
                db.execute("COMMIT")

    # -- writing: each method is one transaction, or one savepoint of a batch's ---------

    def create(self, kind: str, name: str, spec: dict[str, Any]) -> tuple[str, int]:
        """Add an object; its new id and version."""
        with self._transaction(ids=1) as (db, version, number):
            self._check_references(db, kind, spec)
            object_id = f"mock-{number}"  # past every mock-N id the store holds
            _insert(db, kind, name, object_id, spec, version=version)
        return object_id, version

    def update(self, obj: RemoteObject, kind: str, spec: dict[str, Any]) -> int:
        """Replace an object's spec, if it is still as ``obj`` was read; its new version."""
        with self._transaction() as (db, version, _):
            self._current(db, kind, obj)
            self._check_references(db, kind, spec)
            db.execute(
                "UPDATE objects SET spec = ?, version = ? WHERE kind = ? AND name = ?",
                (canonical(spec), version, kind, obj.name),
            )
            _index(db, kind, obj.name, spec)
        return version

    def rename(self, obj: RemoteObject, kind: str, new_name: str, spec: dict[str, Any]) -> int:
        """Rename an object, if still as read; references to it follow, as references by
        id do on a real instance (the objects that hold them keep their version)."""
        with self._transaction() as (db, version, _):
            self._current(db, kind, obj)
            if _row(db, kind, new_name) is not None:
                raise ExistsError(f"{address_of(kind, new_name)} already exists")
            self._check_references(db, kind, spec)
            db.execute("DELETE FROM refs WHERE kind = ? AND name = ?", (kind, obj.name))
            db.execute(
                "UPDATE objects SET name = ?, spec = ?, version = ? WHERE kind = ? AND name = ?",
                (new_name, canonical(spec), version, kind, obj.name),
            )
            _index(db, kind, new_name, spec)
            renames = {kind: {obj.name: new_name}}
            for other_kind, other in _referrers(db, kind, obj.name):
                (text,) = _row(db, other_kind, other) or ("{}",)
                moved = rename_references(other_kind, json.loads(text), renames)
                db.execute(
                    "UPDATE objects SET spec = ? WHERE kind = ? AND name = ?",
                    (canonical(moved), other_kind, other),
                )
                _index(db, other_kind, other, moved)
        return version

    def delete(self, obj: RemoteObject, kind: str) -> None:
        """Remove an object, if still as read and nothing refers to it."""
        with self._transaction() as (db, _, _):
            self._current(db, kind, obj)
            users = [address_of(k, n) for k, n in _referrers(db, kind, obj.name)]
            if users:
                raise AdapterError(f"{address_of(kind, obj.name)} is in use by {', '.join(users)}")
            db.execute("DELETE FROM objects WHERE kind = ? AND name = ?", (kind, obj.name))
            db.execute("DELETE FROM refs WHERE kind = ? AND name = ?", (kind, obj.name))

    def load(
        self,
        objects: Iterable[tuple[str, str, str | None, dict[str, Any]]],
        *,
        next_id: int = 1,
        replace: bool = False,
    ) -> int:
        """Write (kind, name, id or None for a new one, spec) objects as they are, without
        reference checks, in one transaction (imports, conversions, seeded benchmarks);
        ``replace`` empties the store first. The next id given is past ``next_id`` and
        every ``mock-N`` id the store then holds. How many were written."""
        rows = list(objects)
        with self._transaction() as (db, version, _):
            if replace:
                db.execute("DELETE FROM objects")
                db.execute("DELETE FROM refs")
            ids = {row[0] for row in db.execute("SELECT id FROM objects")}
            for kind, name, object_id, _spec in rows:
                if object_id is None:
                    continue
                if object_id in ids:
                    raise AdapterError(f"{address_of(kind, name)}: id {object_id!r} is taken")
                ids.add(object_id)
            numbers = (int(m[1]) for m in map(_MOCK_ID.fullmatch, ids) if m is not None)
            top = max(numbers, default=0)
            db.execute("UPDATE meta SET next_id = max(next_id, ?, ?)", (next_id, top + 1))
            for kind, name, object_id, spec in rows:
                _insert(db, kind, name, object_id or _new_id(db), spec, version=version)
        return len(rows)

    def close(self) -> None:
        with self._mutex:
            if self._db is not None:
                self._db.close()
                self._db = None

    # -- the database --------------------------------------------------------------------

    @contextlib.contextmanager
    def _transaction(self, ids: int = 0) -> Iterator[tuple[sqlite3.Connection, int, int]]:
        """One write: the connection inside its transaction, the store's new change count
        (the version of what it writes), and the first of ``ids`` new id numbers."""
        with self._mutex, clean_errors(self.where, "write"):
            db = self._connection()
            with transaction(db) if self._batch is None else self._savepoint(db, self._batch):
                db.execute("UPDATE meta SET changes = changes + 1, next_id = next_id + ?", (ids,))
                _, version, after = _meta(db)
                yield db, version, after - ids

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Writes kept together (:class:`~gladcfg.adapter.base.Batches`): one transaction,
        committed when the block ends, each write inside it a savepoint, so a write refused
        (its object changed, a reference missing) undoes only itself. A write the database
        itself fails (a full disk, a read-only file) may have ended the transaction: the
        block's writes are then rolled back together and ``NotKeptError`` raised, as it is
        when the commit fails. Other writers wait for the commit (the busy timeout)."""
        with self._mutex:
            if self._batch is not None:
                raise RuntimeError("batches do not nest")
            with self._not_kept():
                db = self._connection()
                db.execute("BEGIN IMMEDIATE")
            lost: list[str] = []
            self._batch = lost
            try:
                yield
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
                raise
            finally:
                self._batch = None
            with self._not_kept():
                if lost:
                    raise sqlite3.OperationalError(lost[0])
                db.execute("COMMIT")

    @contextlib.contextmanager
    def _not_kept(self) -> Iterator[None]:
        """Starting or ending a batch: a failure is NotKeptError, and nothing is left open."""
        try:
            with clean_errors(self.where, "write"):
                yield
        except AdapterError as error:
            if self._db is not None and self._db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
            raise NotKeptError(str(error)) from None

    @staticmethod
    @contextlib.contextmanager
    def _savepoint(db: sqlite3.Connection, lost: list[str]) -> Iterator[None]:
        """One write of a batch. A write refused is undone alone; one the database failed
        loses the batch (``lost``), and every write after it fails at once."""
        if lost:
            raise sqlite3.OperationalError(lost[0])
        try:
            db.execute("SAVEPOINT write")
            yield
        except BaseException as error:
            failed = isinstance(error, (sqlite3.Error, OSError))
            if failed or not _undone(db):
                lost.append(str(error) or type(error).__name__)
            raise
        try:
            db.execute("RELEASE write")
        except sqlite3.Error as error:
            lost.append(str(error))
            raise

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = open_database(self.path, self.where, instance=self._instance)
        return self._db

    def _current(self, db: sqlite3.Connection, kind: str, obj: RemoteObject) -> None:
        row = db.execute(
            "SELECT id, version FROM objects WHERE kind = ? AND name = ?", (kind, obj.name)
        ).fetchone()
        if row is None or row[0] != obj.id:
            raise GoneError(f"{address_of(kind, obj.name)} no longer exists; plan again")
        if obj.version is not None and row[1] != obj.version:
            raise ChangedError(
                f"{address_of(kind, obj.name)} changed since this plan was read; plan again"
            )

    def _check_references(self, db: sqlite3.Connection, kind: str, spec: dict[str, Any]) -> None:
        for field, target, name in references_in(kind, spec):
            if target not in self._unchecked and _row(db, target, name) is None:
                raise AdapterError(f"{field}: {address_of(target, name)} does not exist")


def _undone(db: sqlite3.Connection) -> bool:
    """Undo a batch's last write (its savepoint); whether the batch's others still stand."""
    try:
        db.execute("ROLLBACK TO write")
        db.execute("RELEASE write")
    except sqlite3.Error:
        return False
    return db.in_transaction


def _row(db: sqlite3.Connection, kind: str, name: str) -> tuple[str] | None:
    row: tuple[str] | None = db.execute(
        "SELECT spec FROM objects WHERE kind = ? AND name = ?", (kind, name)
    ).fetchone()
    return row


def _referrers(db: sqlite3.Connection, kind: str, name: str) -> list[tuple[str, str]]:
    query = "SELECT kind, name FROM refs WHERE target_kind = ? AND target_name = ? ORDER BY 1, 2"
    return db.execute(query, (kind, name)).fetchall()


def _meta(db: sqlite3.Connection) -> tuple[str, int, int]:
    """The store's id, change count and next id."""
    row = db.execute("SELECT store, changes, next_id FROM meta").fetchone()
    if row is None:
        raise sqlite3.DatabaseError("its meta table is empty")
    return row  # type: ignore[no-any-return]


def _new_id(db: sqlite3.Connection) -> str:
    number = _meta(db)[2]
    db.execute("UPDATE meta SET next_id = next_id + 1")
    return f"mock-{number}"


def _insert(
    db: sqlite3.Connection,
    kind: str,
    name: str,
    object_id: str,
    spec: dict[str, Any],
    *,
    version: int,
) -> None:
    try:
        db.execute(
            "INSERT INTO objects (kind, name, id, spec, version) VALUES (?, ?, ?, ?, ?)",
            (kind, name, object_id, canonical(spec), version),
        )
    except sqlite3.IntegrityError:
        raise ExistsError(f"{address_of(kind, name)} already exists") from None
    _add_references(db, kind, name, spec)


def _index(db: sqlite3.Connection, kind: str, name: str, spec: dict[str, Any]) -> None:
    """Record what ``spec`` refers to, replacing what the object referred to before."""
    db.execute("DELETE FROM refs WHERE kind = ? AND name = ?", (kind, name))
    _add_references(db, kind, name, spec)


def _add_references(db: sqlite3.Connection, kind: str, name: str, spec: dict[str, Any]) -> None:
    rows = [(kind, name, target, used) for _, target, used in references_in(kind, spec)]
    if rows:
        db.executemany("INSERT OR IGNORE INTO refs VALUES (?, ?, ?, ?)", rows)
