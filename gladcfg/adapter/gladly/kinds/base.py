"""What a kind's handler declares: how Gladly's API shows the kind, how what it shows becomes
gladcfg's specs, and, for the kinds the API writes, how specs become requests.

A handler is read-only (:class:`ReadOnly`: differences are manual changes, and only the
fields the API shows are compared) or writable (:class:`Writable`). Its ``path`` is the
kind's collection: GET lists it (or, for a singleton kind, answers its one object), POST
creates in it, ``path/{id}`` is one object. Handlers keep no state: what one instance's
reads taught is in the :class:`~gladcfg.adapter.gladly.session.Session` they are handed.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import TypeAdapter

from gladcfg.adapter.base import Access, RemoteObject
from gladcfg.adapter.gladly.session import Session
from gladcfg.adapter.gladly.shapes import NAMED_LIST, Named


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
    def objects(self, session: Session, reading: Reading) -> Iterable[RemoteObject]:
        """Every object of the kind the instance holds, as gladcfg specs."""


class ReadOnly(Handler):
    """A kind the API reads and never writes."""

    access = Access.READ_ONLY
    fields: ClassVar[frozenset[str]]  # what the API shows: only these fields are compared


class NamesOnly(ReadOnly):
    """A kind the API lists by name and of which it shows nothing a file declares: an
    object either exists or not, so only its existence is compared."""

    fields = frozenset()
    listing = NAMED_LIST

    def objects(self, session: Session, reading: Reading) -> Iterable[RemoteObject]:
        listed: list[Named] = reading.listed
        return [RemoteObject(item.id, item.name, {}) for item in listed]


class Writable(Handler):
    """A kind the API reads and writes; every field is compared."""

    access = Access.WRITE

    @abc.abstractmethod
    def create(self, session: Session, name: str, spec: dict[str, Any]) -> RemoteObject: ...

    @abc.abstractmethod
    def update(
        self, session: Session, obj: RemoteObject, name: str, spec: dict[str, Any]
    ) -> RemoteObject:
        """``obj`` as ``spec`` says, named ``name`` (its new name when renamed)."""

    @abc.abstractmethod
    def delete(self, session: Session, obj: RemoteObject) -> None: ...
