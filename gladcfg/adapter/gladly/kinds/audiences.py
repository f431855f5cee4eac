"""Audiences: the API lists them, by name only, and writes none."""

from __future__ import annotations

from collections.abc import Iterable

from gladcfg.adapter.base import RemoteObject
from gladcfg.adapter.gladly.kinds.base import Reading, ReadOnly
from gladcfg.adapter.gladly.session import Session
from gladcfg.adapter.gladly.shapes import NAMED_LIST, Named


class Audiences(ReadOnly):
    kind = "audiences"
    fields = frozenset()
    path = "/audiences"
    listing = NAMED_LIST

    def objects(self, session: Session, reading: Reading) -> Iterable[RemoteObject]:
        audiences: list[Named] = reading.listed
        return [RemoteObject(audience.id, audience.name, {}) for audience in audiences]
