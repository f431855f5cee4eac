"""The mock store's database file: opened, checked to be a mock store (or created as one),
and its errors translated into clean ones that name the file.

The schema (format 1):

* ``meta``: one row: the store's random id, its change counter (each write's object
  version), the next id to give, and the instance the store was made for; none of them is
  in a plan's fingerprint, which is of the objects alone (:meth:`.Store.read`);
* ``objects``: kind, name, id, spec (canonical JSON text, decoded only when compared) and
  version: the change counter when the object was last written. Ids are unique because
  ``next_id`` stays past every ``mock-N`` id the store holds (imports check theirs), so
  no index on them is kept up to date on every write;
* ``refs``: the references each spec makes, indexed by target.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from gladcfg.errors import AdapterError, LockedError
from gladcfg.fileio import real_path

APPLICATION_ID = 0x676C6164  # "glad": tells gladcfg's databases from other programs'
FORMAT = 1
BUSY_TIMEOUT_SECONDS = 30.0
WAL_RETRY_SECONDS = 0.01
SQLITE_HEADER = b"SQLite format 3\x00"

_SCHEMA = (
    f"PRAGMA application_id = {APPLICATION_ID}",
    f"PRAGMA user_version = {FORMAT}",
    """CREATE TABLE meta (
        store TEXT NOT NULL, changes INTEGER NOT NULL, next_id INTEGER NOT NULL,
        instance TEXT NOT NULL)""",
    """CREATE TABLE objects (
        kind TEXT NOT NULL, name TEXT NOT NULL, id TEXT NOT NULL, spec TEXT NOT NULL,
        version INTEGER NOT NULL, PRIMARY KEY (kind, name))""",
    """CREATE TABLE refs (
        kind TEXT NOT NULL, name TEXT NOT NULL, target_kind TEXT NOT NULL,
        target_name TEXT NOT NULL, PRIMARY KEY (kind, name, target_kind, target_name)
        ) WITHOUT ROWID""",
    "CREATE INDEX refs_by_target ON refs (target_kind, target_name)",
)


def connect(path: Path) -> sqlite3.Connection:
    """Open the database file (tests replace this to give the store a full disk)."""
    return sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
    )


def open_database(path: Path, where: str, *, instance: str) -> sqlite3.Connection:
    """The database at ``path`` (a symlink followed), created as an empty store for
    ``instance`` if there is none; any other file is refused and left as it was."""
    real = real_path(path)
    real.parent.mkdir(parents=True, exist_ok=True)
    if real.is_file() and real.stat().st_size:
        with real.open("rb") as handle:
            if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                raise AdapterError(f"{where} is not an SQLite database")
    db = connect(real)
    try:
        # Small pages: a write commits a few of them to the log (meta, the object, its key).
        db.execute("PRAGMA page_size = 1024")  # only takes effect in a new database
        _check_or_create(db, where, instance)  # first: another program's file is only read
        _use_wal(db)
        # Committed writes survive the process being killed; a power cut may lose the last
        # ones (never tear the file): the price of not syncing the disk on every write.
        db.execute("PRAGMA synchronous = NORMAL")
    except BaseException:
        db.close()
        raise
    return db


def _use_wal(db: sqlite3.Connection) -> None:
    """Put the database in WAL mode (it stays so). Two processes opening a new store at once
    meet in the switch to it, where SQLite answers busy at once instead of calling its busy
    handler: the switch is tried again, for as long as a write would wait."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            busy = getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY
            if not busy or time.monotonic() >= deadline:
                raise
        time.sleep(WAL_RETRY_SECONDS)


def _check_or_create(db: sqlite3.Connection, where: str, instance: str) -> None:
    (application,) = db.execute("PRAGMA application_id").fetchone()
    if application == 0:
        with transaction(db):
            (tables,) = db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            if tables == 0:
                for statement in _SCHEMA:
                    db.execute(statement)
                db.execute("INSERT INTO meta VALUES (?, 0, 1, ?)", (uuid.uuid4().hex, instance))
        (application,) = db.execute("PRAGMA application_id").fetchone()
    if application != APPLICATION_ID:
        raise AdapterError(f"{where} is an SQLite database of another program, not a mock store")
    (version,) = db.execute("PRAGMA user_version").fetchone()
    if version != FORMAT:
        raise AdapterError(
            f"{where} is a format {version} store; this gladcfg reads format {FORMAT}"
        )


@contextlib.contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    """``BEGIN IMMEDIATE`` (the write lock, waited for up to the busy timeout) … ``COMMIT``;
    rolled back if anything fails, so a failed write changes nothing."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
        db.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")
        raise


@contextlib.contextmanager
def clean_errors(where: str, doing: str) -> Iterator[None]:
    """Database and file errors, as the adapter's clean errors naming the store."""
    try:
        yield
    except sqlite3.Error as exc:
        raise _translate(exc, where, doing) from None
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise AdapterError(f"cannot {doing} {where}: {why}") from None


def _translate(error: sqlite3.Error, where: str, doing: str) -> AdapterError:
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    if code == sqlite3.SQLITE_BUSY:
        return LockedError(
            f"{where} is busy: another process kept it locked for "
            f"{BUSY_TIMEOUT_SECONDS:.0f}s; try again when it has finished"
        )
    if code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
        return AdapterError(f"{where} is not a usable SQLite database: {error}")
    if code == sqlite3.SQLITE_FULL:
        return AdapterError(f"cannot write {where}: the disk is full; nothing changed")
    unchanged = "; nothing changed" if doing == "write" else ""
    return AdapterError(f"cannot {doing} {where}: {error}{unchanged}")
