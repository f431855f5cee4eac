"""Entry points: the addresses, numbers and apps customers reach the instance at."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal, cast

from pydantic import (
    Field,
)

from gladcfg.errors import Problem
from gladcfg.model.resource import Invalid, Kind, Reference, Resource
from gladcfg.model.types import (
    Name,
    check_e164,
    check_email,
)

if TYPE_CHECKING:
    from gladcfg.config.desired import DesiredState


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


_APP_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$")


def _addresses(state: DesiredState, _: Invalid) -> Iterator[Problem]:
    seen: dict[tuple[str, str], str] = {}
    for declared in state.usable("entry_points", "channel", "address").values():
        entry = cast(EntryPoint, declared.model)
        path = (*declared.path, "address")
        try:
            if entry.channel == "email":
                check_email(entry.address)
            elif entry.channel in PHONE_CHANNELS:
                check_e164(entry.address)
            elif not _APP_ID.fullmatch(entry.address):
                raise ValueError(f"'{entry.address}' is not a {entry.channel} app or page id")
        except ValueError as exc:
            yield declared.source.problem(f"{exc} (channel {entry.channel})", path)
            continue
        key = (entry.channel, entry.address.lower())
        if key in seen:
            yield declared.source.problem(
                f"{entry.channel} address '{entry.address}' is already used by entry point "
                f"'{seen[key]}'",
                path,
            )
        seen.setdefault(key, declared.name)


ENTRY = Kind(EntryPoint, "entry point", checks=(_addresses,))
