"""The settings: of them, Gladly's API shows the organisation's time zone, and writes
nothing."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import TypeAdapter

from gladcfg.adapter.base import RemoteObject
from gladcfg.adapter.gladly.connection import Connection
from gladcfg.adapter.gladly.kinds.base import Reading, ReadOnly
from gladcfg.adapter.gladly.shapes import Id, Shape, Text


class Organization(Shape):
    id: Id | None = None
    timezone: Text | None = None


class Settings(ReadOnly):
    kind = "settings"
    fields = frozenset({"timezone"})
    path = "/organization"
    listing = TypeAdapter(Organization)

    def objects(self, connection: Connection, reading: Reading) -> Iterable[RemoteObject]:
        organisation: Organization = reading.listed
        spec = {"timezone": organisation.timezone}
        return [RemoteObject(organisation.id or "organization", "settings", spec)]
