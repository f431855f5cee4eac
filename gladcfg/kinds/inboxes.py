"""Inboxes: where conversations wait for the teams that answer them."""

from __future__ import annotations

from pydantic import (
    Field,
)

from gladcfg.model.resource import Kind, Reference, Resource
from gladcfg.model.types import (
    Duration,
    LanguageTag,
    Model,
    Name,
)


class Sla(Model):
    """Response-time targets per channel."""

    email: Duration | None = None
    voice: Duration | None = None
    sms: Duration | None = None
    chat: Duration | None = None
    facebook: Duration | None = None
    instagram: Duration | None = None
    whatsapp: Duration | None = None
    target_percent: int | None = Field(default=None, ge=1, le=100)


class Inbox(Resource):
    KIND = "inboxes"
    REFERENCES = (Reference("teams", "teams"), Reference("business_hours", "business_hours"))
    SET_FIELDS = ("teams", "languages")
    description: str | None = None
    teams: list[Name] = Field(default_factory=list)
    business_hours: Name | None = None
    languages: list[LanguageTag] | None = Field(
        default=None,
        description="Languages this inbox's agents answer in (default: all of the instance's); "
        "gladcfg coverage uses them.",
    )
    sla: Sla | None = None


ENTRY = Kind(Inbox, "inbox")
