"""The embedded ``mock`` adapter: an instance simulated in one JSON file.

It behaves like a careful remote so the engine can be tested against it for real:

* it assigns its own ids, and refuses writes that would leave a reference dangling (an
  inbox naming a team that does not exist, deleting a team an inbox still uses);
* the file is replaced atomically (write, fsync, rename), so a crash never tears it; a
  store path that is a symlink is written through to its target;
* a write that cannot be saved (disk full, read-only) fails cleanly and is undone in memory,
  so no later write saves it; a write sees what another process wrote to the file meanwhile
  (an object it added is kept, never overwritten);
* the file is one JSON document laid out one object per line, so a read indexes lines and
  keeps each spec as text (``RemoteObject(text=…)``) instead of a tree of dicts; a
  store in any other JSON layout (edited by hand) is read whole;
* an apply holds an exclusive lock on ``<store>.lock``; a second apply waits, then fails;
* it can play a less capable API (``read_only``, ``hidden``) and inject faults
  (``fail_every``, ``rate_limit_every``, ``latency_ms``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import posixpath
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from gladcfg.adapter import mockfile
from gladcfg.adapter.base import Access, ReadHints, RemoteObject, RemoteState, tenant_identity
from gladcfg.adapter.mockfile import STORE_FORMAT
from gladcfg.errors import AdapterError, GoneError, LockedError
from gladcfg.fileio import real_path, write_atomically
from gladcfg.model.project import MockInstance
from gladcfg.model.resources import (
    KINDS,
    REFERRING_KINDS,
    address_of,
    references_in,
    rename_references,
)

LOCK_TIMEOUT_SECONDS = 30.0
FLUSH_INTERVAL_SECONDS = 0.25
RATE_LIMIT_BACKOFF_SECONDS = 0.01


def default_store_path(instance: str) -> str:
    return f".gladcfg/state/{instance}.json"


class MockAdapter:
    """An instance kept in ``.gladcfg/state/<instance>.json`` (or ``path:``)."""

    name = "mock"

    def __init__(self, instance: str, config: MockInstance, root: Path) -> None:
        self.instance = instance
        store = config.path or default_store_path(instance)
        self.path = root / store
        # The store as the project names it, so a plan made in one checkout of the project
        # applies from another.
        self.identity = tenant_identity(self.name, instance, posixpath.normpath(store))
        self.fields: dict[str, frozenset[str]] = {}  # every field is read
        self.reads_by_name = False  # every kind is listed
        self.access = self.access_for(config)
        faults = config.faults
        self._fail_every = faults.fail_every if faults else None
        self._rate_limit_every = faults.rate_limit_every if faults else None
        self._latency = (faults.latency_ms / 1000) if faults else 0.0
        self._store: dict[str, Any] | None = None
        # The file as last loaded or written: (inode, size, mtime), to notice other writers.
        self._seen: tuple[int, int, int] | None = None
        # What this adapter changed since it last saved, kept when another writer's file is
        # loaded in its place; and the undo records of the write under way.
        self._touched: set[tuple[str, str]] = set()
        self._undo: list[tuple[str, str, Any]] = []
        self._mutex = threading.Lock()
        self._writes = 0
        self._session = False
        self._last_flush = 0.0
        self._dirty = False
        self.retries = 0

    @staticmethod
    def access_for(config: MockInstance) -> dict[str, Access]:
        access = dict.fromkeys(KINDS, Access.WRITE)
        for kind in config.read_only:
            access[kind] = Access.READ_ONLY
        for kind in config.hidden:
            access[kind] = Access.HIDDEN
        return access

    # -- reading -------------------------------------------------------------------------

    def read(self, hints: ReadHints | None = None) -> RemoteState:
        self._pause()
        with self._mutex:
            self._flush(force=True)  # during an apply: what was written so far, first
            self._store = None  # a write after this read starts from the file again
            version, objects = self._read_objects()
        state = RemoteState(identity=self.identity, requests=1, version=version)
        for kind in KINDS:
            if self.access[kind] is not Access.HIDDEN:
                state.objects[kind] = objects.get(kind, {})
        return state

    def _read_objects(self) -> tuple[str, dict[str, dict[str, RemoteObject]]]:
        """The digest of the store's content, and its objects."""
        digest = hashlib.sha256()
        try:
            with self.path.open("rb") as handle:
                indexed = mockfile.index(handle, digest, f"the mock store {self.path}")
        except FileNotFoundError:
            return "empty", {}
        except OSError as exc:
            raise AdapterError(f"cannot read the mock store {self.path}: {exc.strerror}") from None
        if indexed is not None:
            return digest.hexdigest(), indexed
        # Not the layout dump writes (edited by hand, say): decode the whole document.
        text = self._read_text()
        if text is None:  # pragma: no cover - removed between the two reads
            return "empty", {}
        store = self._decode(text)
        try:
            objects = {
                kind: {
                    name: RemoteObject(str(entry["id"]), name, dict(entry["spec"]))
                    for name, entry in by_name.items()
                }
                for kind, by_name in store["objects"].items()
            }
        except (KeyError, TypeError, ValueError, AttributeError):
            raise AdapterError(mockfile.wrong_shape(self.path)) from None
        return hashlib.sha256(text.encode()).hexdigest(), objects

    def _read_text(self) -> str | None:
        try:
            return self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except UnicodeDecodeError:
            raise AdapterError(f"the mock store {self.path} is not UTF-8 text") from None
        except OSError as exc:
            raise AdapterError(f"cannot read the mock store {self.path}: {exc.strerror}") from None

    def _decode(self, text: str) -> dict[str, Any]:
        try:
            store = json.loads(text)
        except json.JSONDecodeError as exc:
            raise AdapterError(
                f"the mock store {self.path} is not valid JSON (line {exc.lineno}): {exc.msg}"
            ) from None
        if not isinstance(store, dict) or store.get("format_version") != STORE_FORMAT:
            raise AdapterError(f"the mock store {self.path} is not a format {STORE_FORMAT} store")
        return store

    def _load(self) -> dict[str, Any]:
        """The store, for writing: checked whole, ``next_id`` past every id it holds."""
        self._seen = self._signature()
        text = self._read_text()
        if text is None:
            return {"format_version": STORE_FORMAT, "next_id": 1, "objects": {}}
        store = self._decode(text)
        if not mockfile.ready_for_writing(store):
            raise AdapterError(mockfile.wrong_shape(self.path))
        return store

    def _signature(self) -> tuple[int, int, int] | None:
        try:
            status = self.path.stat()
        except OSError:
            return None
        return status.st_ino, status.st_size, status.st_mtime_ns

    # -- writing -------------------------------------------------------------------------

    def create(self, kind: str, name: str, spec: dict[str, Any]) -> RemoteObject:
        with self._write(kind) as objects:
            if name in objects:
                raise AdapterError(f"{address_of(kind, name)} already exists")
            self._check_references(kind, spec)
            object_id = self._new_id()
            self._put(kind, name, {"id": object_id, "spec": spec})
            return RemoteObject(object_id, name, spec)

    def update(self, kind: str, obj: RemoteObject, spec: dict[str, Any]) -> RemoteObject:
        with self._write(kind) as objects:
            self._current(kind, objects, obj)
            self._check_references(kind, spec)
            self._put(kind, obj.name, {"id": obj.id, "spec": spec})
            return RemoteObject(obj.id, obj.name, spec)

    def rename(
        self, kind: str, obj: RemoteObject, new_name: str, spec: dict[str, Any]
    ) -> RemoteObject:
        with self._write(kind) as objects:
            self._current(kind, objects, obj)
            if new_name in objects:
                raise AdapterError(f"{address_of(kind, new_name)} already exists")
            self._check_references(kind, spec)
            self._put(kind, obj.name, None)
            self._put(kind, new_name, {"id": obj.id, "spec": spec})
            # References are by id on a real instance: they follow the rename.
            self._rewrite_references(kind, obj.name, new_name)
            return RemoteObject(obj.id, new_name, spec)

    def delete(self, kind: str, obj: RemoteObject) -> None:
        with self._write(kind) as objects:
            self._current(kind, objects, obj)
            users = list(self._referrers(kind, obj.name))
            if users:
                raise AdapterError(f"{address_of(kind, obj.name)} is in use by {', '.join(users)}")
            self._put(kind, obj.name, None)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's lock for an apply; flush on the way out, whatever happened."""
        store = real_path(self.path)  # a symlinked store is locked and written at its target
        lock_path = store.with_name(store.name + ".lock")
        try:
            lock_path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(lock_path, "a+")  # noqa: SIM115 - closed below, after the flush
        except OSError as exc:
            raise AdapterError(f"cannot lock the mock store {self.path}: {exc.strerror}") from None
        with handle:
            _acquire(handle, lock_path)
            # Only the lock's holder writes the store: a temporary file beside it is what a
            # killed apply left half-written.
            for stale in store.parent.glob(f".{store.name}.*.tmp"):
                stale.unlink(missing_ok=True)
            self._session = True
            try:
                yield
            finally:
                self._session = False
                with self._mutex:
                    self._save_last()

    def close(self) -> None:
        """Nothing to release: the store is written whole after every change or apply."""

    def seed(self, objects: Iterable[tuple[str, str, dict[str, Any]]]) -> None:
        """Write objects straight into the store (benchmarks and tests set up instances so)."""
        with self._mutex:
            store = self._require_store()
            for kind, name, spec in objects:
                store["objects"].setdefault(kind, {})[name] = {"id": self._new_id(), "spec": spec}
                self._touched.add((kind, name))
            self._dirty = True
            self._flush(force=True)

    @contextlib.contextmanager
    def _write(self, kind: str) -> Iterator[dict[str, Any]]:
        if self.access.get(kind) is not Access.WRITE:
            raise AdapterError(f"this instance cannot write {kind}")
        self._pause()
        self._inject_faults()
        with self._mutex:
            store = self._require_store()
            self._undo = []
            unsaved = self._dirty
            try:
                yield store["objects"].get(kind, {})
                self._dirty = self._dirty or bool(self._undo)
                self._flush(force=not self._session)
            except BaseException:
                self._revert()  # a write that failed, or was not saved, never is later
                self._dirty = unsaved
                raise
            finally:
                self._undo = []

    def _put(self, kind: str, name: str, entry: dict[str, Any] | None) -> None:
        """Set (or, with None, remove) one object, recording how to undo it."""
        objects = self._loaded()["objects"].setdefault(kind, {})
        self._undo.append((kind, name, objects.get(name)))
        self._touched.add((kind, name))
        if entry is None:
            del objects[name]
        else:
            objects[name] = entry

    def _new_id(self) -> str:
        store = self._loaded()
        self._undo.append(("", "next_id", store["next_id"]))
        store["next_id"] += 1
        return f"mock-{store['next_id'] - 1}"

    def _revert(self) -> None:
        store = self._loaded()
        for kind, name, before in reversed(self._undo):
            if not kind:
                store["next_id"] = before
            elif before is None:
                store["objects"][kind].pop(name, None)
            else:
                store["objects"][kind][name] = before

    def _take_in_other_writes(self) -> None:
        """Load the file another writer replaced, keeping what this adapter changed and has
        not saved yet; an id both gave out is given anew to this adapter's object."""
        assert self._store is not None
        ours, theirs = self._store, self._load()
        theirs["next_id"] = max(theirs["next_id"], ours["next_id"])
        taken = {e["id"]: (k, n) for k, by in theirs["objects"].items() for n, e in by.items()}
        for kind, name in sorted(self._touched):
            entry = ours["objects"].get(kind, {}).get(name)
            by_name = theirs["objects"].setdefault(kind, {})
            if entry is None:
                by_name.pop(name, None)
                continue
            if taken.get(entry["id"], (kind, name)) != (kind, name):
                entry = {**entry, "id": f"mock-{theirs['next_id']}"}
                theirs["next_id"] += 1
            by_name[name] = entry
        self._store = theirs

    def _loaded(self) -> dict[str, Any]:
        """The store a write under way works on (loaded when it began)."""
        assert self._store is not None
        return self._store

    def _require_store(self) -> dict[str, Any]:
        """The store to write to, with what another process wrote meanwhile taken in."""
        if self._store is None:
            self._store = self._load()
        elif self._signature() != self._seen:
            self._take_in_other_writes()
        return self._store

    def _inject_faults(self) -> None:
        with self._mutex:
            self._writes += 1
            count = self._writes
        if self._fail_every and count % self._fail_every == 0:
            raise AdapterError(f"injected failure (faults.fail_every: {self._fail_every})")
        if self._rate_limit_every and count % self._rate_limit_every == 0:
            # A 429: back off once and retry, as the gladly adapter does.
            self.retries += 1
            time.sleep(RATE_LIMIT_BACKOFF_SECONDS)

    def _pause(self) -> None:
        if self._latency:
            time.sleep(self._latency)

    def _current(self, kind: str, objects: dict[str, Any], obj: RemoteObject) -> None:
        entry = objects.get(obj.name)
        if entry is None or entry["id"] != obj.id:
            raise GoneError(f"{address_of(kind, obj.name)} no longer exists; plan again")

    def _check_references(self, kind: str, spec: dict[str, Any]) -> None:
        objects = self._loaded()["objects"]
        for field, target, name in references_in(kind, spec):
            if self.access.get(target) is not Access.HIDDEN and name not in objects.get(target, {}):
                raise AdapterError(f"{field}: {address_of(target, name)} does not exist")

    def _referrers(self, kind: str, name: str) -> Iterator[str]:
        objects = self._loaded()["objects"]
        for other_kind in REFERRING_KINDS[kind]:
            for other_name, entry in objects.get(other_kind, {}).items():
                if any(
                    (target, used) == (kind, name)
                    for _, target, used in references_in(other_kind, entry["spec"])
                ):
                    yield address_of(other_kind, other_name)

    def _rewrite_references(self, kind: str, old: str, new: str) -> None:
        renames = {kind: {old: new}}
        objects = self._loaded()["objects"]
        for other_kind in REFERRING_KINDS[kind]:
            for name, entry in list(objects.get(other_kind, {}).items()):
                # A new spec, never an edit in place: specs handed out by read() and specs
                # the engine passed in stay as they were.
                spec = rename_references(other_kind, entry["spec"], renames)
                if spec != entry["spec"]:
                    self._put(other_kind, name, {**entry, "spec": spec})

    def _flush(self, *, force: bool) -> None:
        """Replace the store file atomically; during an apply, at most every 250 ms."""
        if not self._dirty or self._store is None:
            return
        now = time.monotonic()
        if not force and now - self._last_flush < FLUSH_INTERVAL_SECONDS:
            return
        try:
            status = write_atomically(self.path, mockfile.dump(self._store))
        except OSError as exc:
            raise AdapterError(f"cannot write the mock store {self.path}: {exc.strerror}") from None
        self._seen = status.st_ino, status.st_size, status.st_mtime_ns
        self._last_flush = now
        self._dirty = False
        self._touched.clear()

    def _save_last(self) -> None:
        """The flush that ends an apply: if it fails, the changes made since the last one
        are lost, and the error says so (they were reported applied)."""
        try:
            self._flush(force=True)
        except AdapterError as exc:
            self._store, self._dirty = None, False
            self._touched.clear()
            raise AdapterError(
                f"{exc}; the changes applied since it was last saved are not in it: "
                "run plan to see what is left"
            ) from None


def _acquire(handle: Any, lock_path: Path) -> None:
    import fcntl

    deadline = time.monotonic() + LOCK_TIMEOUT_SECONDS
    while True:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise LockedError(
                    f"another apply holds {lock_path} (waited {LOCK_TIMEOUT_SECONDS:.0f}s); "
                    "try again when it has finished"
                ) from None
            time.sleep(0.05)
