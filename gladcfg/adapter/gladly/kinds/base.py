"""What a kind's handler declares: how Gladly's API shows the kind, how what it shows becomes
gladcfg's specs, and, for the kinds the API writes, how specs become requests.

A handler is read-only (:class:`ReadOnly`: differences are manual changes, only the fields
the API shows are compared, and a plan names every other declared field under
``not_managed``) or writable (:class:`Writable`, whose ``unsettable`` fields the API sets
but never clears: clearing one is a manual change). Its ``path`` is the
kind's collection: GET lists it (or, for a singleton kind, answers its one object), POST
creates in it, ``path/{id}`` is one object. Handlers keep no state: what one instance's
reads taught is in the :class:`~gladcfg.adapter.gladly.connection.Connection` they are handed.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import TypeAdapter

from gladcfg.adapter.base import Access, RemoteObject
from gladcfg.adapter.gladly.connection import Connection
from gladcfg.adapter.gladly.shapes import NAMED_LIST, Named
from gladcfg.errors import AdapterError


@dataclass(frozen=True)
class Reading:
    """What one read hands a handler."""

    listed: Any  # what GET path answered; None for a kind without a list
    # Id → name of the objects of each kind the handler ``uses`` (references are names in
    # gladcfg and ids on Gladly).
    names: Mapping[str, Mapping[str, str]]
    declared: Mapping[str, Mapping[str, Any]]  # name → spec of what the files declare
    pool: Executor  # the read's workers
    # Take what the snapshot saw instead of reading it again (``plan --refresh=false``).
    reuse: bool = False

    def each_declared(
        self, read_one: Callable[[str, Mapping[str, Any]], RemoteObject | None]
    ) -> Iterator[RemoteObject]:
        """For a kind the API cannot list: ``read_one(name, spec)`` of every declared object,
        on the read's workers, in the order declared; those not found (None) are left out."""
        found = self.pool.map(lambda item: read_one(*item), self.declared.items())
        return (obj for obj in found if obj is not None)


class Handler(abc.ABC):
    """One kind as Gladly's API shows it."""

    kind: ClassVar[str]  # the kind's name in gladcfg.model.kinds
    access: ClassVar[Access]
    path: ClassVar[str]  # the collection, below /api/v1
    # What GET path answers (every object; a singleton kind's one object), or None when the
    # API has no list and the objects the files declare are read one by one.
    listing: ClassVar[TypeAdapter[Any] | None]
    # The kinds whose names this kind's specs hold where Gladly holds ids.
    uses: ClassVar[tuple[str, ...]] = ()

    @abc.abstractmethod
    def objects(self, connection: Connection, reading: Reading) -> Iterable[RemoteObject]:
        """Every object of the kind the instance holds, as gladcfg specs."""


class ReadOnly(Handler):
    """A kind the API reads and never writes."""

    access = Access.READ_ONLY
    # What the API shows: only these fields are compared; a plan lists the kind's other
    # declared fields as not managed.
    fields: ClassVar[frozenset[str]]


class NamesOnly(ReadOnly):
    """A kind the API lists by name and of which it shows nothing a file declares: an
    object either exists or not, so only its existence is compared."""

    fields = frozenset()
    listing = NAMED_LIST

    def objects(self, connection: Connection, reading: Reading) -> Iterable[RemoteObject]:
        listed: list[Named] = reading.listed
        return [RemoteObject(item.id, item.name, {}) for item in listed]


class Writable(Handler):
    """A kind the API reads and writes; every field is compared."""

    access = Access.WRITE
    # Fields the API can set but never clear (a string that may not be null, a secret a
    # PATCH keeps when left out): the planner makes taking one from set to unset a manual
    # change, and :meth:`refuse_clearing` keeps any write from trying it.
    unsettable: ClassVar[frozenset[str]] = frozenset()
    # Whether the API refuses to delete some objects of the kind (Gladly's primary business
    # hours): each such object says so when read (``RemoteObject.undeletable``), and a
    # delete of it is a manual change.
    refuses_some_deletes: ClassVar[bool] = False
    # Whether a delete only disables the object (Gladly keeps every topic): it stays on the
    # instance, disabled, and is read as gone unless declared.
    deletes_by_disabling: ClassVar[bool] = False

    def refuse_clearing(self, obj: RemoteObject, spec: Mapping[str, Any]) -> None:
        """Refuse, before any request, a write of ``spec`` that would clear a field of
        ``obj`` the API cannot clear: sent, it would be refused or quietly not done."""
        cleared = sorted(
            field
            for field in self.unsettable
            if obj.spec.get(field) is not None and spec.get(field) is None
        )
        if cleared:
            fields = ", ".join(cleared)
            raise AdapterError(
                f"{self.kind}.{obj.name}: Gladly's API cannot remove {fields} once set; "
                f"remove it in Gladly's admin UI (nothing was sent)"
            )

    @abc.abstractmethod
    def create(self, connection: Connection, name: str, spec: dict[str, Any]) -> RemoteObject: ...

    @abc.abstractmethod
    def update(
        self, connection: Connection, obj: RemoteObject, name: str, spec: dict[str, Any]
    ) -> RemoteObject:
        """``obj`` as ``spec`` says, named ``name`` (its new name when renamed)."""

    @abc.abstractmethod
    def delete(self, connection: Connection, obj: RemoteObject) -> None: ...
