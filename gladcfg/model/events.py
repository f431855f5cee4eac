"""The events a webhook may subscribe to: those Gladly's published API lists
(:func:`gladcfg.spec.webhook_events`), but the ones it marks deprecated.

The document lists ``CUSTOMER_PROFILE/MERGED (deprecated)``: a label, not a name Gladly
sends (its payloads say ``CUSTOMER_PROFILE/MERGED``), next to ``CUSTOMER/MERGED``, which its
table of events describes in the same words ("a Customer Profile is merged with another
profile"). A file is refused either spelling of the deprecated event and told to subscribe
to the one that replaces it: a new subscription to a deprecated event is one that may stop
firing, and a warning would only become an error under the ``--strict`` a pipeline runs.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from gladcfg.names import shown, suggest
from gladcfg.spec import webhook_events

DEPRECATED = " (deprecated)"
# A deprecated event → the one that replaces it, from the document's table of events.
REPLACED = {"CUSTOMER_PROFILE/MERGED": "CUSTOMER/MERGED"}


@functools.cache
def subscribable_events() -> tuple[str, ...]:
    """Every event a file may name, in the document's order."""
    return tuple(event for event in webhook_events() if not event.endswith(DEPRECATED))


@functools.cache
def _subscribable() -> frozenset[str]:
    return frozenset(subscribable_events())


def check_event(value: str) -> str:
    if value in _subscribable():
        return value
    replacement = REPLACED.get(value.removesuffix(DEPRECATED))
    if replacement is not None:
        raise ValueError(
            f"{shown(value)} is deprecated in Gladly's API; {replacement} replaces it "
            f"(did you mean '{replacement}'?)"
        )
    hint = suggest(value, subscribable_events()) if len(value) <= 64 else ""
    raise ValueError(
        f"{shown(value)} is not a webhook event of Gladly's API"
        + (hint or "; events are named as Gladly's API lists them, e.g. CONVERSATION/CLOSED")
    )


def _listed(schema: dict[str, Any]) -> None:
    # Read when a schema is written, not when gladcfg starts.
    schema["enum"] = list(subscribable_events())


WebhookEvent = Annotated[str, AfterValidator(check_event), Field(json_schema_extra=_listed)]
