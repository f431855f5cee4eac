"""Teams: the API lists them with their descriptions, and writes none."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import TypeAdapter

from gladcfg.adapter.base import RemoteObject
from gladcfg.adapter.gladly.kinds.base import Reading, ReadOnly
from gladcfg.adapter.gladly.session import Session
from gladcfg.adapter.gladly.shapes import Named, Text


class Team(Named):
    description: Text | None = None


class Teams(ReadOnly):
    kind = "teams"
    fields = frozenset({"description"})
    path = "/teams"
    listing = TypeAdapter(list[Team])

    def objects(self, session: Session, reading: Reading) -> Iterable[RemoteObject]:
        teams: list[Team] = reading.listed
        return [
            RemoteObject(
                team.id, team.name, {"description": team.description} if team.description else {}
            )
            for team in teams
        ]
