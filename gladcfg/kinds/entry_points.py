"""Entry points: the addresses, numbers and apps customers reach the instance at."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    Field,
)

from gladcfg.model.resource import Kind, Reference, Resource
from gladcfg.model.types import (
    Name,
)

Channel = Literal["email", "voice", "sms", "chat", "facebook", "instagram", "whatsapp"]


MESSAGING_CHANNELS = frozenset({"sms", "chat", "facebook", "instagram", "whatsapp"})


PHONE_CHANNELS = frozenset({"voice", "sms", "whatsapp"})


class EntryPoint(Resource):
    """Where customers reach the instance: an address, number or app id on one channel."""

    KIND = "entry_points"
    REFERENCES = (Reference("inbox", "inboxes"), Reference("audience", "audiences"))
    channel: Channel
    address: str = Field(
        min_length=1,
        description="Email address (email), E.164 number (voice, sms, whatsapp) or app/page id.",
    )
    inbox: Name
    audience: Name | None = None


ENTRY = Kind(EntryPoint, "entry point")
