"""Inboxes: the API lists them by name, shows nothing gladcfg declares of one (its teams,
business hours, languages, SLA), and writes none."""

from __future__ import annotations

from collections.abc import Iterable

from gladcfg.adapter.base import RemoteObject
from gladcfg.adapter.gladly.kinds.base import Reading, ReadOnly
from gladcfg.adapter.gladly.session import Session
from gladcfg.adapter.gladly.shapes import NAMED_LIST, Named


class Inboxes(ReadOnly):
    kind = "inboxes"
    fields = frozenset()
    path = "/inboxes"
    listing = NAMED_LIST

    def objects(self, session: Session, reading: Reading) -> Iterable[RemoteObject]:
        inboxes: list[Named] = reading.listed
        return [RemoteObject(inbox.id, inbox.name, {}) for inbox in inboxes]
