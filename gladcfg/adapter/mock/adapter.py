"""The embedded ``mock`` adapter: an instance simulated in a local SQLite database.

It behaves like a careful remote so the engine can be tested against it for real:

* it assigns its own ids, and refuses writes that would leave a reference dangling (an
  inbox naming a team that does not exist, deleting a team an inbox still uses);
* every write is one transaction of the store (:mod:`.store`): a write that fails
  changes nothing, one reported done is kept; writers in other processes are serialised by
  the database, and a write names the version of the object it read, so an object someone
  else changed meanwhile is never overwritten; a create of a name taken meanwhile is an
  :class:`~gladcfg.errors.ExistsError`, and ``lookup`` reads the one object, so an
  apply tells the object another apply made from a different one;
* it can play a less capable API (``read_only``, ``hidden``) and inject faults
  (``fail_every``, ``rate_limit_every``, ``latency_ms``).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from gladcfg.adapter.base import (
    Access,
    ReadHints,
    RemoteObject,
    RemoteState,
    access_of,
    tenant_identity,
)
from gladcfg.adapter.mock.config import DEFAULT_STORE, MockInstance
from gladcfg.adapter.mock.jsonstore import open_store
from gladcfg.adapter.mock.store import Store
from gladcfg.errors import AdapterError
from gladcfg.model.kinds import KINDS, secrets_of

RATE_LIMIT_BACKOFF_SECONDS = 0.01


def default_store_path(instance: str) -> str:
    return DEFAULT_STORE.format(instance=instance)


def legacy_store_path(instance: str) -> str:
    """Where the default store was while stores were JSON files (converted on first use)."""
    return f".gladcfg/state/{instance}.json"


def store_of(instance: str, config: MockInstance, root: Path) -> Store:
    """The instance's store, converted from JSON first if need be."""
    legacy = None if config.path else root / legacy_store_path(instance)
    hidden = frozenset(kind for kind in config.hidden)
    path = root / (config.path or default_store_path(instance))
    return open_store(path, instance=instance, legacy=legacy, unchecked=hidden)


class MockAdapter:
    """An instance kept in ``.gladcfg/state/<instance>.db`` (or ``path:``)."""

    name = "mock"
    # Every field can be cleared; known without opening the store, as ``access_for`` is.
    unsettable: Mapping[str, frozenset[str]] = MappingProxyType({})
    undeletable: frozenset[str] = frozenset()  # it deletes whatever it holds
    disables: frozenset[str] = frozenset()  # and a delete is a delete
    unlisted: frozenset[str] = frozenset()  # every kind is listed

    def __init__(self, instance: str, config: MockInstance, root: Path) -> None:
        self.instance = instance
        store = config.path or default_store_path(instance)
        self.path = root / store
        # The store as the project names it, so a plan made in one checkout of the project
        # applies from another.
        self.identity = tenant_identity(self.name, instance, config.store_path(instance))
        self.fields: dict[str, frozenset[str]] = {}  # every field is read
        self.reads_by_name = False  # every kind is listed
        self.access = self.access_for(config)
        faults = config.faults
        self._fail_every = faults.fail_every if faults else None
        self._rate_limit_every = faults.rate_limit_every if faults else None
        self._latency = (faults.latency_ms / 1000) if faults else 0.0
        # Writes serialise on the database; only emulated waits are worth overlapping.
        self.concurrent_writes = bool(self._latency or self._rate_limit_every)
        self._config, self._root = config, root
        self._store: Store | None = None
        self._mutex = threading.Lock()
        self._writes = 0
        self.retries = 0

    @staticmethod
    def access_for(config: MockInstance) -> dict[str, Access]:
        access = dict.fromkeys(KINDS, Access.WRITE)
        for kind in config.read_only:
            access[kind] = Access.READ_ONLY
        for kind in config.hidden:
            access[kind] = Access.HIDDEN
        return access

    def read(self, hints: ReadHints | None = None, *, refresh: bool = True) -> RemoteState:
        # Every kind is listed at the cost of one read: there is nothing to reuse.
        self._pause()
        version, objects = self._opened().read()
        state = RemoteState(identity=self.identity, requests=1, version=version)
        for kind in KINDS:
            if access_of(self.access, kind) is not Access.HIDDEN:
                state.objects[kind] = objects.get(kind, {})
        return state

    def create(self, kind: str, name: str, spec: dict[str, Any]) -> RemoteObject:
        store = self._writing(kind, name, spec)
        object_id, version = store.create(kind, name, spec)
        return RemoteObject(object_id, name, spec, version=version)

    def update(self, kind: str, obj: RemoteObject, spec: dict[str, Any]) -> RemoteObject:
        version = self._writing(kind, obj.name, spec).update(obj, kind, spec)
        return RemoteObject(obj.id, obj.name, spec, version=version)

    def rename(
        self, kind: str, obj: RemoteObject, new_name: str, spec: dict[str, Any]
    ) -> RemoteObject:
        version = self._writing(kind, new_name, spec).rename(obj, kind, new_name, spec)
        return RemoteObject(obj.id, new_name, spec, version=version)

    def delete(self, kind: str, obj: RemoteObject) -> None:
        self._writing(kind).delete(obj, kind)

    def lookup(self, kind: str, name: str) -> RemoteObject | None:
        """One object as the store holds it now (:class:`~gladcfg.adapter.base.LooksUp`):
        one query, as a read of one object by id is one request to an API."""
        self._pause()
        return self._opened().get(kind, name)

    def batch(self) -> contextlib.AbstractContextManager[None]:
        """Writes kept together (:class:`~gladcfg.adapter.base.Batches`): one transaction
        of the store."""
        return self._opened().batch()

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Nothing to hold: the database serialises each write, and the versions every
        write checks keep two applies at once from overwriting each other's changes."""
        yield

    def close(self) -> None:
        if self._store is not None:
            self._store.close()

    def seed(self, objects: Iterable[tuple[str, str, dict[str, Any]]]) -> None:
        """Write objects straight into the store (benchmarks and tests set up instances so)."""
        self._opened().load((kind, name, None, spec) for kind, name, spec in objects)

    def _opened(self) -> Store:
        with self._mutex:
            if self._store is None:
                self._store = store_of(self.instance, self._config, self._root)
            return self._store

    def _writing(self, kind: str, name: str = "", spec: dict[str, Any] | None = None) -> Store:
        if access_of(self.access, kind) is not Access.WRITE:
            raise AdapterError(f"this instance cannot write {kind}")
        if spec is not None:
            # As an API would, a write needs the secrets it sends; the store keeps only
            # the names of the variables that hold them.
            secrets_of(kind, name, spec, os.environ)
        self._pause()
        self._inject_faults()
        return self._opened()

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
