"""The mock instance's store: one SQLite database per instance, in WAL mode.

A real embedded database does what a file written whole cannot: each write is one
transaction (all of it or none, kept once committed, whatever kills the process next),
SQLite's own locking serialises writers across processes (waiting up to a busy timeout),
and a read is one query whose rows stream. The tables:

* ``objects``: kind, name, id, spec (canonical JSON text, decoded only when compared) and
  version: the store's change counter when the object was last written, so a write can name
  the version it read and be refused if someone else wrote the object since;
* ``refs``: the references each spec makes, indexed by target, so checking a delete or
  following a rename never scans every object;
* ``meta``: next id, the store's random id and its change counter (the two together are
  the version a plan's fingerprint pins), and the instance it was made for.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from gladcfg.adapter.base import RemoteObject
from gladcfg.errors import AdapterError, ChangedError, GoneError, LockedError
from gladcfg.fileio import real_path
from gladcfg.model.resources import address_of, references_in, rename_references

APPLICATION_ID = 0x676C6164  # "glad": tells gladcfg's databases from other programs'
FORMAT = 1
BUSY_TIMEOUT_SECONDS = 30.0
SQLITE_HEADER = b"SQLite format 3\x00"
EMPTY = "empty"  # the version of a store that does not exist yet

_SCHEMA = f"""
PRAGMA application_id = {APPLICATION_ID};
PRAGMA user_version = {FORMAT};
CREATE TABLE meta (key TEXT PRIMARY KEY, value NOT NULL);
CREATE TABLE objects (
    kind TEXT NOT NULL, name TEXT NOT NULL, id TEXT NOT NULL UNIQUE, spec TEXT NOT NULL,
    version INTEGER NOT NULL, PRIMARY KEY (kind, name));
CREATE TABLE refs (
    kind TEXT NOT NULL, name TEXT NOT NULL, target_kind TEXT NOT NULL, target_name TEXT NOT NULL,
    PRIMARY KEY (kind, name, target_kind, target_name)) WITHOUT ROWID;
CREATE INDEX refs_by_target ON refs (target_kind, target_name);
"""

Objects = dict[str, dict[str, RemoteObject]]


def connect(path: Path) -> sqlite3.Connection:
    """Open the database file (tests replace this to give the store a full disk)."""
    return sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
    )


def canonical(spec: dict[str, Any]) -> str:
    return json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


class Store:
    """One instance's database at ``path`` (a symlink is followed, never replaced), opened
    on first use. ``unchecked``: kinds whose references are not checked (kinds the API
    hides cannot be created through it, so nothing may wait for them)."""

    def __init__(self, path: Path, *, unchecked: frozenset[str] = frozenset()) -> None:
        self.path = path
        self.where = f"the mock store {path}"
        self._unchecked = unchecked
        self._db: sqlite3.Connection | None = None
        self._mutex = threading.Lock()

    # -- reading -------------------------------------------------------------------------

    def read(self) -> tuple[str, Objects]:
        """The store's version and every object, from one snapshot of the database."""
        with self._mutex, self._errors("read"):
            if self._db is None and not real_path(self.path).exists():
                return EMPTY, {}
            db = self._connection()
            db.execute("BEGIN")
            try:
                version = f"{self._meta(db, 'store')}:{self._meta(db, 'changes')}"
                objects: Objects = {}
                rows = db.execute("SELECT kind, name, id, spec, version FROM objects")
                for kind, name, object_id, spec, object_version in rows:
                    objects.setdefault(kind, {})[name] = RemoteObject(
                        object_id, name, text=spec, where=self.where, version=object_version
                    )
            finally:
                db.execute("COMMIT")
        return version, objects

    def get(self, kind: str, name: str) -> RemoteObject | None:
        """One object, or None."""
        with self._mutex, self._errors("read"):
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
        with self._mutex, self._errors("read"):
            if self._db is None and not real_path(self.path).exists():
                return 1, []
            db = self._connection()
            db.execute("BEGIN")
            try:
                next_id = int(self._meta(db, "next_id"))
                query = "SELECT kind, name, id, spec FROM objects ORDER BY kind, name"
                return next_id, db.execute(query).fetchall()
            finally:
                db.execute("COMMIT")

    # -- writing: each method is one transaction -----------------------------------------

    def create(self, kind: str, name: str, spec: dict[str, Any]) -> tuple[str, int]:
        """Add an object; its new id and version."""
        with self._transaction() as (db, version):
            if _row(db, kind, name) is not None:
                raise AdapterError(f"{address_of(kind, name)} already exists")
            self._check_references(db, kind, spec)
            object_id = _new_id(db)
            _insert(db, kind, name, object_id, spec, version=version)
        return object_id, version

    def update(self, obj: RemoteObject, kind: str, spec: dict[str, Any]) -> int:
        """Replace an object's spec, if it is still as ``obj`` was read; its new version."""
        with self._transaction() as (db, version):
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
        with self._transaction() as (db, version):
            self._current(db, kind, obj)
            if _row(db, kind, new_name) is not None:
                raise AdapterError(f"{address_of(kind, new_name)} already exists")
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
        with self._transaction() as (db, _):
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
        ``replace`` empties the store first. How many were written."""
        count = 0
        with self._transaction() as (db, version):
            if replace:
                db.execute("DELETE FROM objects")
                db.execute("DELETE FROM refs")
            given = int(self._meta(db, "next_id"))
            db.execute("UPDATE meta SET value = ? WHERE key = 'next_id'", (max(given, next_id),))
            for kind, name, object_id, spec in objects:
                if _row(db, kind, name) is not None:
                    raise AdapterError(f"{address_of(kind, name)} is there twice")
                _insert(db, kind, name, object_id or _new_id(db), spec, version=version)
                count += 1
        return count

    def close(self) -> None:
        with self._mutex:
            if self._db is not None:
                self._db.close()
                self._db = None

    # -- the database --------------------------------------------------------------------

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[tuple[sqlite3.Connection, int]]:
        """One write: the connection inside ``BEGIN IMMEDIATE`` (the write lock, waited for
        up to the busy timeout) and the store's new change count, the written version."""
        with self._mutex, self._errors("write"):
            db = self._connection()
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute("UPDATE meta SET value = value + 1 WHERE key = 'changes'")
                yield db, int(self._meta(db, "changes"))
                db.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
                raise

    def _connection(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        real = real_path(self.path)
        real.parent.mkdir(parents=True, exist_ok=True)
        if real.is_file() and real.stat().st_size:
            with real.open("rb") as handle:
                if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                    raise AdapterError(f"{self.where} is not an SQLite database")
        db = connect(real)
        try:
            self._check_or_create(db)  # first: another program's database is only read
            db.execute("PRAGMA journal_mode = WAL")
            # Committed writes survive the process being killed; a power cut may lose the
            # last ones (never tear the file): the price of not syncing every write.
            db.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            db.close()
            raise
        self._db = db
        return db

    def _check_or_create(self, db: sqlite3.Connection) -> None:
        (application,) = db.execute("PRAGMA application_id").fetchone()
        if application == 0:
            db.execute("BEGIN IMMEDIATE")
            try:
                (tables,) = db.execute("SELECT count(*) FROM sqlite_master").fetchone()
                if tables == 0:
                    for statement in _SCHEMA.split(";"):
                        db.execute(statement)
                    db.executemany(
                        "INSERT INTO meta (key, value) VALUES (?, ?)",
                        [("store", uuid.uuid4().hex), ("changes", 0), ("next_id", 1)],
                    )
                db.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
                raise
            (application,) = db.execute("PRAGMA application_id").fetchone()
        if application != APPLICATION_ID:
            raise AdapterError(
                f"{self.where} is an SQLite database of another program, not a mock store"
            )
        (version,) = db.execute("PRAGMA user_version").fetchone()
        if version != FORMAT:
            raise AdapterError(
                f"{self.where} is a format {version} store; this gladcfg reads format {FORMAT}"
            )

    @contextlib.contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Database and file errors, as the adapter's clean errors naming the store."""
        try:
            yield
        except sqlite3.Error as exc:
            raise self._translate(exc, doing) from None
        except OSError as exc:
            raise AdapterError(
                f"cannot {doing} {self.where}: {exc.strerror or type(exc).__name__}"
            ) from None

    def _translate(self, error: sqlite3.Error, doing: str) -> AdapterError:
        code = getattr(error, "sqlite_errorcode", 0) & 0xFF
        if code == sqlite3.SQLITE_BUSY:
            return LockedError(
                f"{self.where} is busy: another process kept it locked for "
                f"{BUSY_TIMEOUT_SECONDS:.0f}s; try again when it has finished"
            )
        if code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
            return AdapterError(f"{self.where} is not a usable SQLite database: {error}")
        if code == sqlite3.SQLITE_FULL:
            return AdapterError(f"cannot write {self.where}: the disk is full; nothing changed")
        unchanged = "; nothing changed" if doing == "write" else ""
        return AdapterError(f"cannot {doing} {self.where}: {error}{unchanged}")

    @staticmethod
    def _meta(db: sqlite3.Connection, key: str) -> Any:
        row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise sqlite3.DatabaseError(f"its metadata has no {key}")
        return row[0]

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


def _row(db: sqlite3.Connection, kind: str, name: str) -> tuple[str] | None:
    row: tuple[str] | None = db.execute(
        "SELECT spec FROM objects WHERE kind = ? AND name = ?", (kind, name)
    ).fetchone()
    return row


def _referrers(db: sqlite3.Connection, kind: str, name: str) -> list[tuple[str, str]]:
    query = "SELECT kind, name FROM refs WHERE target_kind = ? AND target_name = ? ORDER BY 1, 2"
    return db.execute(query, (kind, name)).fetchall()


def _new_id(db: sqlite3.Connection) -> str:
    """The next ``mock-N`` no object holds (an imported one may hold any)."""
    while True:
        (number,) = db.execute("SELECT value FROM meta WHERE key = 'next_id'").fetchone()
        db.execute("UPDATE meta SET value = value + 1 WHERE key = 'next_id'")
        object_id = f"mock-{number}"
        if db.execute("SELECT 1 FROM objects WHERE id = ?", (object_id,)).fetchone() is None:
            return object_id


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
        raise AdapterError(f"{address_of(kind, name)}: id {object_id!r} is taken") from None
    _index(db, kind, name, spec)


def _index(db: sqlite3.Connection, kind: str, name: str, spec: dict[str, Any]) -> None:
    """Record what ``spec`` refers to, replacing what the object referred to before."""
    db.execute("DELETE FROM refs WHERE kind = ? AND name = ?", (kind, name))
    db.executemany(
        "INSERT OR IGNORE INTO refs VALUES (?, ?, ?, ?)",
        [(kind, name, target, used) for _, target, used in references_in(kind, spec)],
    )
