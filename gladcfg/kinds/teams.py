"""Teams of agents, which inboxes route to."""

from __future__ import annotations

from gladcfg.model.resource import Kind, Resource


class Team(Resource):
    KIND = "teams"
    description: str | None = None


ENTRY = Kind(Team, "team")
