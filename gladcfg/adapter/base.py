"""The adapter protocol: how the engine reads and writes an instance, and nothing else.

An adapter lists every object of every kind it can read, and creates, updates, renames and
deletes one object at a time. What it can do is data (:attr:`Adapter.access`), so the planner
turns "cannot write inboxes" into manual changes without knowing which adapter it talks to.
"""

from __future__ import annotations

import enum
import hashlib
import json
import json.scanner
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from gladcfg.errors import AdapterError
from gladcfg.model.kinds import KINDS


class Access(enum.Enum):
    WRITE = "write"  # read and written: changes are applied
    READ_ONLY = "read_only"  # read, not written: differences are manual changes
    HIDDEN = "hidden"  # neither: validated only, listed under not_managed


# The C scanner json.loads runs, without its per-call wrappers: specs are decoded one by one.
_scan_json: Any = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]


class RemoteObject:
    """One object as the instance has it: its remote id, name and canonical spec.

    An adapter that reads specs as JSON text may hand them over undecoded (``text=``):
    the spec is then decoded each time it is asked for and never kept,
    so holding a large instance costs its text, not a tree of dicts per object.

    ``version`` is the object's version where the instance keeps one (the mock's): a write
    names the version it read, and the instance refuses it if the object changed since.
    It is not part of equality: two reads of the same object are equal.

    ``adopted``, on what a create returns, is the object that create took over instead of
    making one (Gladly's answer already holding the name) as it was before: undoing the
    create restores it rather than deleting it.

    ``undeletable``, where the instance refuses to delete this object (Gladly's primary
    business hours), says what an admin must do first: a delete of it is planned as a
    manual change with that step, never sent.
    """

    __slots__ = ("_json", "_spec", "_where", "adopted", "id", "name", "undeletable", "version")

    def __init__(
        self,
        id: str,
        name: str,
        spec: dict[str, Any] | None = None,
        *,
        text: str | None = None,
        where: str = "",
        version: int | None = None,
        adopted: RemoteObject | None = None,
        undeletable: str | None = None,
    ) -> None:
        """Either ``spec``, or ``text``: the spec as a JSON object, decoded when asked for;
        ``where`` names where it was read, for the error raised if it is not one."""
        self.id = id
        self.name = name
        self._spec: dict[str, Any] = {} if spec is None else spec
        self._json = text
        self._where = where
        self.version = version
        self.adopted = adopted
        self.undeletable = undeletable

    @property
    def spec(self) -> dict[str, Any]:
        if self._json is None:
            return self._spec
        try:
            spec, end = _scan_json(self._json, 0)
        except (StopIteration, json.JSONDecodeError):  # StopIteration: "Expecting value"
            spec, end = None, -1
        if end != len(self._json) or not isinstance(spec, dict):
            raise AdapterError(
                f"{self._where}: the spec of {self.name!r} is not a valid JSON object"
            )
        return spec

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RemoteObject):
            return NotImplemented
        return (self.id, self.name, self.spec) == (other.id, other.name, other.spec)

    __hash__ = None  # type: ignore[assignment]  # equal by a mutable spec

    def __repr__(self) -> str:
        return f"RemoteObject(id={self.id!r}, name={self.name!r}, spec={self.spec!r})"


def tenant_identity(adapter: str, instance: str, tenant: str) -> str:
    """Which instance a state was read from: the adapter, the instance's name in the project
    and where its data lives (the mock's store, Gladly's base URL)."""
    return json.dumps([adapter, instance, tenant], ensure_ascii=False)


@dataclass(frozen=True)
class Reuse:
    """What a read took from an earlier one instead of asking the instance again."""

    objects: int  # how many
    read_at: float  # when the oldest of them was read (seconds since the epoch)


@dataclass
class RemoteState:
    """Everything read from an instance, by kind and name; settings under "settings"."""

    # Which instance this was read from (:func:`tenant_identity`): part of the fingerprint.
    identity: str = field(kw_only=True)
    objects: dict[str, dict[str, RemoteObject]] = field(default_factory=dict)
    requests: int = 0  # how many requests reading took
    # An adapter that knows a version of what it read (the mock's change counter, an ETag)
    # sets it; otherwise the fingerprint is a digest of the objects.
    version: str | None = None
    # Objects taken from an earlier read instead of read now (``refresh=False``), if any.
    snapshot: Reuse | None = None

    def of(self, kind: str) -> dict[str, RemoteObject]:
        return self.objects.get(kind, {})

    def __iter__(self) -> Iterator[tuple[str, RemoteObject]]:
        for kind in KINDS:
            for obj in self.of(kind).values():
                yield kind, obj

    def fingerprint(self) -> str:
        """A digest of which instance was read and what it held: a saved plan applies only
        to the instance it was made for, and only while that still holds the same. Two
        instances holding identical objects have different fingerprints."""
        digest = hashlib.sha256(self.identity.encode() + b"\0")
        if self.version is not None:
            digest.update(b"version\0" + self.version.encode())
            return "sha256:" + digest.hexdigest()
        rows = [
            [kind, obj.id, name, obj.spec]
            for kind in KINDS
            for name, obj in sorted(self.of(kind).items())
        ]
        text = json.dumps(rows, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        digest.update(b"objects\0" + text.encode())
        return "sha256:" + digest.hexdigest()


# What the planner knows the instance should hold, kind → name → canonical spec; an API that
# cannot list a kind (Gladly's answers) reads exactly these. Saved plans keep it, so applying
# one re-reads exactly what was planned.
ReadHints = Mapping[str, Mapping[str, dict[str, Any]]]


class Adapter(Protocol):
    """What the engine needs from an instance."""

    name: str
    access: Mapping[str, Access]  # per kind; kinds missing are HIDDEN (:func:`access_of`)
    # Per kind, the fields the instance can read (and so compare); kinds missing: all fields.
    fields: Mapping[str, frozenset[str]]
    # Per kind, the fields a write can set but never clear (:attr:`Capabilities.unsettable`).
    unsettable: Mapping[str, frozenset[str]]
    # The kinds of which the instance refuses to delete some objects (each such object says
    # why: RemoteObject.undeletable).
    undeletable: frozenset[str]
    # The kinds the instance never deletes: a delete disables the object, which stays on the
    # instance, disabled, out of gladcfg's view (:attr:`Capabilities.disables`).
    disables: frozenset[str]
    # The kinds that cannot be listed: each is read by name from ReadHints instead, so the
    # instance's objects of them that no file names are never seen (Gladly's answers).
    unlisted: frozenset[str]
    # True when some kind is unlisted.
    reads_by_name: bool
    # True when a write waits on something outside this process (a network): an apply then
    # sends up to --parallelism of them at once. Otherwise writes are sent one by one.
    concurrent_writes: bool
    # Which instance this adapter reads (:func:`tenant_identity`); stamped on every
    # RemoteState it returns, so fingerprints tell instances apart.
    identity: str

    def read(self, hints: ReadHints | None = None, *, refresh: bool = True) -> RemoteState:
        """Everything the instance holds (by name where ``hints`` say). Without ``refresh``,
        what is costly to read again may be taken from the last read (:class:`Reuse`)."""
        ...

    def create(self, kind: str, name: str, spec: dict[str, Any]) -> RemoteObject: ...

    def update(self, kind: str, obj: RemoteObject, spec: dict[str, Any]) -> RemoteObject: ...

    def rename(
        self, kind: str, obj: RemoteObject, new_name: str, spec: dict[str, Any]
    ) -> RemoteObject: ...

    def delete(self, kind: str, obj: RemoteObject) -> None: ...

    def locked(self) -> AbstractContextManager[None]:
        """Held for the length of an apply. Neither adapter has a lock to hold: the mock's
        database serialises each write and refuses one whose object changed since it was
        read (or, for a create, whose name is taken: ``ExistsError``), and Gladly versions
        what it can. A saved plan's fingerprint covers the rest; a plan made by the same
        run is rechecked change by change instead (:func:`gladcfg.engine.writes.send_changes`)."""
        ...

    def close(self) -> None:
        """Release connections; the adapter is not used afterwards."""
        ...


@runtime_checkable
class LooksUp(Protocol):
    """An adapter that can read one object by name, cheaply and as it is now. When a write
    finds the instance not as the plan read it (``ExistsError``, ``GoneError``,
    ``ChangedError``), the apply looks: an instance that already holds what the change
    makes (another apply made it meanwhile) has the change done, not failed. An adapter
    without it reports such writes as failed."""

    def lookup(self, kind: str, name: str) -> RemoteObject | None:
        """The object of ``kind`` named ``name`` as the instance holds it now, or None."""
        ...


@runtime_checkable
class Batches(Protocol):
    """An adapter that can keep many writes together, at the cost of one: those made inside
    one ``batch()`` are all kept when it ends, or none is. An apply reports a change done
    only once its batch is kept, so a change reported applied stays applied whatever ends
    the process next, and a large apply pays one commit per batch, not one per write. A
    write that fails alone inside a batch changes nothing, and the others stand."""

    def batch(self) -> AbstractContextManager[None]:
        """A block whose writes are kept when it ends. Raises ``NotKeptError`` when they
        cannot be (the disk filled, the store is read-only): then none of them was, and
        each can be sent again on its own."""
        ...


def access_of(access: Mapping[str, Access], kind: str) -> Access:
    """What an adapter's ``access`` map says of ``kind``: a kind it leaves out is hidden,
    neither read nor written."""
    return access.get(kind, Access.HIDDEN)


@dataclass(frozen=True)
class Capabilities:
    """What an adapter can do, as planning needs it: which adapter, what it may do with each
    kind, which fields of each kind the instance shows, and which of a writable kind's
    fields it can set but never clear. Data, so the planner never asks which adapter it
    plans for."""

    adapter: str
    access: Mapping[str, Access] = field(default_factory=dict)  # kinds missing are HIDDEN
    # Per kind, the fields the instance can read (and so compare); kinds missing: all fields.
    # A declared field outside them is neither compared nor written: the plan names it
    # under ``not_managed`` (``settings.languages``).
    fields: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # Per writable kind, the fields the API can set but never clear (Gladly's topic
    # ``parentId`` is a string, never null): a change that takes one from set to unset is a
    # manual change, never sent. Kinds missing: every field can be cleared.
    unsettable: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # The writable kinds a delete only disables (Gladly keeps every topic): the plan shows
    # such a delete as what it is.
    disables: frozenset[str] = frozenset()
    # The kinds only read by the names the files declare (:attr:`Adapter.unlisted`).
    unlisted: frozenset[str] = frozenset()

    def access_of(self, kind: str) -> Access:
        return access_of(self.access, kind)

    def readable(self, kind: str) -> frozenset[str] | None:
        """The fields of ``kind`` a plan may compare; None: all of them."""
        return self.fields.get(kind)

    def unsettable_of(self, kind: str) -> frozenset[str]:
        """The fields of ``kind`` a write can set but not clear."""
        return self.unsettable.get(kind, frozenset())


def capabilities_of(adapter: Adapter) -> Capabilities:
    return Capabilities(
        adapter.name,
        adapter.access,
        adapter.fields,
        adapter.unsettable,
        adapter.disables,
        adapter.unlisted,
    )
