"""Webhooks: the events the instance sends, and where."""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    AfterValidator,
    Field,
    StringConstraints,
)

from gladcfg.model.events import WebhookEvent
from gladcfg.model.resource import Kind, Resource
from gladcfg.model.types import (
    EnvName,
    HttpsUrl,
    Model,
    spelled_as,
)

_HEADER_NAME = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"


HeaderName = Annotated[
    str,
    StringConstraints(max_length=256),
    AfterValidator(spelled_as(_HEADER_NAME, "the header name ", "is not an HTTP header name")),
]


def _none_if_empty(value: dict[str, str] | None) -> dict[str, str] | None:
    return value or None  # no headers is one state, however it is written


class WebhookCredentials(Model):
    """The basic-auth user and password Gladly sends with each event. Gladly never shows
    them again, so files name the environment variables that hold them."""

    username_env: EnvName
    password_env: EnvName


class Webhook(Resource):
    """An HTTPS endpoint Gladly posts events to. Credentials and header values are secrets
    the API accepts and never shows: they come from the environment at apply time, and a
    plan compares only whether they are given (and which headers), never their values."""

    KIND = "webhooks"
    SET_FIELDS = ("events",)
    WRITE_ONLY = ("credentials_env", "headers_env")
    url: HttpsUrl
    events: list[WebhookEvent] = Field(
        min_length=1,
        description="The events posted, as Gladly's API names them, e.g. CONVERSATION/CLOSED.",
    )
    # Gladly's own default is false: a webhook created without saying so never fires.
    enabled: bool = Field(
        default=True,
        description="Whether Gladly posts the events. Gladly disables a webhook whose "
        "deliveries keep failing; the next plan shows it, and apply enables it again.",
    )
    credentials_env: WebhookCredentials | None = Field(
        default=None, description="Environment variables holding the basic-auth credentials."
    )
    headers_env: Annotated[dict[HeaderName, EnvName] | None, AfterValidator(_none_if_empty)] = (
        Field(
            default=None,
            description="Headers sent with each event: header name → environment variable "
            "holding its value.",
        )
    )


ENTRY = Kind(Webhook, "webhook")
