"""Inboxes: where conversations wait for the teams that answer them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, cast

from pydantic import (
    Field,
)

from gladcfg.errors import Problem
from gladcfg.model.resource import Invalid, Kind, Reference, Resource
from gladcfg.model.types import (
    Duration,
    LanguageTag,
    Model,
    Name,
)

if TYPE_CHECKING:
    from gladcfg.config.desired import DesiredState

from gladcfg.kinds.settings import known_settings, unconfigured


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


def _languages(state: DesiredState, _: Invalid) -> Iterator[Problem]:
    settings = known_settings(state)
    if settings is None:
        return
    configured = list(settings.languages)
    for declared in state.usable("inboxes").values():
        yield from unconfigured(declared, cast(Inbox, declared.model).languages or [], configured)


ENTRY = Kind(Inbox, "inbox", checks=(_languages,))
