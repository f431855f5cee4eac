"""Audiences: the brands or customer segments answers and entry points are scoped by."""

from __future__ import annotations

from gladcfg.model.resource import Kind, Resource


class Audience(Resource):
    """A brand or customer segment; answers and entry points are scoped by audience."""

    KIND = "audiences"
    description: str | None = None


ENTRY = Kind(Audience, "audience")
