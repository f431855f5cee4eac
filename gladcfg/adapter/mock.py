"""The embedded ``mock`` adapter: an instance simulated in one JSON file.

It behaves like a careful remote so the engine can be tested against it for real:

* it assigns its own ids, and refuses writes that would leave a reference dangling (an
  inbox naming a team that does not exist, deleting a team an inbox still uses);
* the file is replaced atomically (write, fsync, rename), so a crash never tears it;
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
import re
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from gladcfg.adapter.base import Access, ReadHints, RemoteObject, RemoteState, tenant_identity
from gladcfg.errors import AdapterError, GoneError, LockedError
from gladcfg.fileio import write_atomically
from gladcfg.model.project import MockInstance
from gladcfg.model.resources import (
    KINDS,
    REFERRING_KINDS,
    address_of,
    references_in,
    rename_references,
)

STORE_FORMAT = 1
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
                indexed = self._index(handle, digest)
        except FileNotFoundError:
            return "empty", {}
        except OSError as exc:
            raise AdapterError(f"cannot read the mock store {self.path}: {exc.strerror}") from None
        if indexed is not None:
            return digest.hexdigest(), indexed
        # Not the layout _dump writes (edited by hand, say): decode the whole document.
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
            raise AdapterError(
                f"the mock store {self.path} is not a format {STORE_FORMAT} store: "
                'expected "objects": {kind: {name: {"id": …, "spec": {…}}}}'
            ) from None
        return hashlib.sha256(text.encode()).hexdigest(), objects

    def _index(
        self, lines: Iterable[bytes], digest: Any
    ) -> dict[str, dict[str, RemoteObject]] | None:
        """Stream a store written by :func:`_dump` line by line, specs kept as text (decoded
        when compared); None as soon as a line is laid out otherwise. Feeds ``digest``."""
        objects: dict[str, dict[str, RemoteObject]] = {}
        by_name: dict[str, RemoteObject] | None = None
        where = f"the mock store {self.path}"
        state = "header"
        for raw in lines:
            digest.update(raw)
            if state == "end" or not raw.endswith(b"\n") or not raw.isascii():
                return None
            line = raw[:-1].decode("ascii")
            if by_name is not None:
                entry = _ENTRY.fullmatch(line)
                if entry is not None:
                    name = _string(entry[1])
                    by_name[name] = RemoteObject(
                        _string(entry[2]), name, text=entry[3], where=where
                    )
                elif line in ("}", "},"):
                    by_name = None
                else:
                    return None
            elif state == "header":
                header = _HEADER.fullmatch(line)
                if header is None or int(header[1]) != STORE_FORMAT:
                    return None
                state = "kinds"
            elif line == "}}":
                state = "end"
            else:
                kind = _KIND.fullmatch(line)
                if kind is None:
                    return None
                by_name = objects.setdefault(_string(kind[1]), {})
        return objects if state == "end" else None

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
        text = self._read_text()
        if text is None:
            return {"format_version": STORE_FORMAT, "next_id": 1, "objects": {}}
        return self._decode(text)

    # -- writing -------------------------------------------------------------------------

    def create(self, kind: str, name: str, spec: dict[str, Any]) -> RemoteObject:
        with self._write(kind) as objects:
            if name in objects:
                raise AdapterError(f"{address_of(kind, name)} already exists")
            self._check_references(kind, spec)
            store = self._require_store()
            object_id = f"mock-{store['next_id']}"
            store["next_id"] += 1
            objects[name] = {"id": object_id, "spec": spec}
            return RemoteObject(object_id, name, spec)

    def update(self, kind: str, obj: RemoteObject, spec: dict[str, Any]) -> RemoteObject:
        with self._write(kind) as objects:
            self._current(kind, objects, obj)
            self._check_references(kind, spec)
            objects[obj.name] = {"id": obj.id, "spec": spec}
            return RemoteObject(obj.id, obj.name, spec)

    def rename(
        self, kind: str, obj: RemoteObject, new_name: str, spec: dict[str, Any]
    ) -> RemoteObject:
        with self._write(kind) as objects:
            self._current(kind, objects, obj)
            if new_name in objects:
                raise AdapterError(f"{address_of(kind, new_name)} already exists")
            self._check_references(kind, spec)
            del objects[obj.name]
            objects[new_name] = {"id": obj.id, "spec": spec}
            # References are by id on a real instance: they follow the rename.
            self._rewrite_references(kind, obj.name, new_name)
            return RemoteObject(obj.id, new_name, spec)

    def delete(self, kind: str, obj: RemoteObject) -> None:
        with self._write(kind) as objects:
            self._current(kind, objects, obj)
            users = list(self._referrers(kind, obj.name))
            if users:
                raise AdapterError(f"{address_of(kind, obj.name)} is in use by {', '.join(users)}")
            del objects[obj.name]

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's lock for an apply; flush on the way out, whatever happened."""
        lock_path = self.path.with_name(self.path.name + ".lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "a+") as handle:
            _acquire(handle, lock_path)
            # Only the lock's holder writes the store: a temporary file beside it is what a
            # killed apply left half-written.
            for stale in self.path.parent.glob(f".{self.path.name}.*.tmp"):
                stale.unlink(missing_ok=True)
            self._session = True
            try:
                yield
            finally:
                self._session = False
                with self._mutex:
                    self._flush(force=True)

    def close(self) -> None:
        """Nothing to release: the store is written whole after every change or apply."""

    def seed(self, objects: Iterable[tuple[str, str, dict[str, Any]]]) -> None:
        """Write objects straight into the store (benchmarks and tests set up instances so)."""
        with self._mutex:
            store = self._require_store()
            for kind, name, spec in objects:
                store["objects"].setdefault(kind, {})[name] = {
                    "id": f"mock-{store['next_id']}",
                    "spec": spec,
                }
                store["next_id"] += 1
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
            yield store["objects"].setdefault(kind, {})
            self._dirty = True
            self._flush(force=not self._session)

    def _require_store(self) -> dict[str, Any]:
        if self._store is None:
            self._store = self._load()
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
        objects = self._require_store()["objects"]
        for field, target, name in references_in(kind, spec):
            if self.access.get(target) is not Access.HIDDEN and name not in objects.get(target, {}):
                raise AdapterError(f"{field}: {address_of(target, name)} does not exist")

    def _referrers(self, kind: str, name: str) -> Iterator[str]:
        objects = self._require_store()["objects"]
        for other_kind in REFERRING_KINDS[kind]:
            for other_name, entry in objects.get(other_kind, {}).items():
                if any(
                    (target, used) == (kind, name)
                    for _, target, used in references_in(other_kind, entry["spec"])
                ):
                    yield address_of(other_kind, other_name)

    def _rewrite_references(self, kind: str, old: str, new: str) -> None:
        renames = {kind: {old: new}}
        objects = self._require_store()["objects"]
        for other_kind in REFERRING_KINDS[kind]:
            for entry in objects.get(other_kind, {}).values():
                # A new spec, never an edit in place: specs handed out by read() and specs
                # the engine passed in stay as they were.
                entry["spec"] = rename_references(other_kind, entry["spec"], renames)

    def _flush(self, *, force: bool) -> None:
        """Replace the store file atomically; during an apply, at most every 250 ms."""
        if not self._dirty or self._store is None:
            return
        now = time.monotonic()
        if not force and now - self._last_flush < FLUSH_INTERVAL_SECONDS:
            return
        write_atomically(self.path, _dump(self._store))
        self._last_flush = now
        self._dirty = False


# The layout _dump writes and MockAdapter._index reads back.
_JSON_STRING = r'"(?:[^"\\]|\\.)*"'
_HEADER = re.compile(r'\{"format_version": (\d+), "next_id": \d+, "objects": \{')
_KIND = re.compile(f"({_JSON_STRING}): \\{{")
_ENTRY = re.compile(f'({_JSON_STRING}): \\{{"id": ({_JSON_STRING}), "spec": (\\{{.*\\}})\\}},?')


def _dump(store: dict[str, Any]) -> str:
    """The store as one JSON document, one object per line, kinds and names sorted::

        {"format_version": 1, "next_id": 3, "objects": {
        "teams": {
        "tier1": {"id": "mock-1", "spec": {"description": "Tier 1"}},
        "vip": {"id": "mock-2", "spec": {}}
        }
        }}

    ASCII-escaped, so no string ever holds a line break.
    """
    header = json.dumps({"format_version": store["format_version"], "next_id": store["next_id"]})
    lines = [header[:-1] + ', "objects": {']
    kinds = sorted(store["objects"].items())
    for k, (kind, by_name) in enumerate(kinds, start=1):
        lines.append(f"{json.dumps(kind)}: {{")
        entries = sorted(by_name.items())
        lines.extend(
            f"{json.dumps(name)}: {json.dumps(entry, sort_keys=True)}"
            + ("," if e < len(entries) else "")
            for e, (name, entry) in enumerate(entries, start=1)
        )
        lines.append("}," if k < len(kinds) else "}")
    lines.append("}}")
    return "\n".join(lines) + "\n"


def _string(literal: str) -> str:
    """The value of a JSON string literal."""
    return literal[1:-1] if "\\" not in literal else str(json.loads(literal))


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
