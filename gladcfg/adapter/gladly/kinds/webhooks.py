"""Webhooks: an HTTPS URL Gladly posts events to. Credentials and header values are secrets
Gladly accepts and never shows again (it answers ``hasCredentials`` and ``headerKeys``): a
write sends them, read from the environment variables the files name; a read reports only
which are set, in the form :func:`gladcfg.model.kinds.comparable` gives a declared spec.

Gladly's API has no null for credentials and keeps what a PATCH leaves out, so a webhook
without credentials is sent without the key, and removing them is a manual change
(``unsettable``). A webhook is created disabled unless ``enabled`` says otherwise, and
Gladly disables one whose deliveries keep failing: every write says ``enabled``, and a read
shows it, so such a webhook plans an update that enables it again."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import Field, TypeAdapter

from gladcfg.adapter.base import RemoteObject
from gladcfg.adapter.gladly.connection import Connection, id_from_location, object_path
from gladcfg.adapter.gladly.kinds.base import Reading, Writable
from gladcfg.adapter.gladly.shapes import Named, Text
from gladcfg.model.kinds import secrets_of

log = logging.getLogger(__name__)


class Webhook(Named):
    url: Text
    events: list[Text] = Field(default_factory=list)
    hasCredentials: bool = False
    headerKeys: list[Text] = Field(default_factory=list)
    enabled: bool = False  # the API's default
    # Set when Gladly disabled the webhook after its deliveries kept failing.
    disabledAtDueToRetryLimit: Text | None = None


WEBHOOKS = TypeAdapter(list[Webhook])
# What a declared webhook's credentials_env holds, by name: how a read says they are set.
CREDENTIALS = ["password_env", "username_env"]


class Webhooks(Writable):
    kind = "webhooks"
    path = "/webhooks"
    listing = WEBHOOKS
    unsettable = frozenset({"credentials_env"})

    def objects(self, connection: Connection, reading: Reading) -> Iterable[RemoteObject]:
        listed: list[Webhook] = reading.listed
        for hook in listed:
            if hook.disabledAtDueToRetryLimit and not hook.enabled:
                log.warning(
                    "webhooks.%s: Gladly disabled it at %s, its deliveries having kept "
                    "failing; fix its endpoint: an apply enables it again",
                    hook.name,
                    hook.disabledAtDueToRetryLimit,
                )
        return [RemoteObject(hook.id, hook.name, webhook_spec(hook)) for hook in listed]

    def create(self, connection: Connection, name: str, spec: dict[str, Any]) -> RemoteObject:
        body = self._body(connection, name, spec)
        hook_id = connection.create_once(
            self.path,
            body,
            lambda response: id_from_location(response, self.path, "webhook"),
            lambda: connection.find(self.path, WEBHOOKS, name),
        )
        return RemoteObject(hook_id, name, spec)

    def update(
        self, connection: Connection, obj: RemoteObject, name: str, spec: dict[str, Any]
    ) -> RemoteObject:
        body = self._body(connection, name, spec)
        path = object_path(self.path, obj.id)
        connection.gone_if_missing(lambda: connection.client.request("PATCH", path, body), obj)
        return RemoteObject(obj.id, name, spec)

    def delete(self, connection: Connection, obj: RemoteObject) -> None:
        path = object_path(self.path, obj.id)
        connection.gone_if_missing(lambda: connection.client.request("DELETE", path), obj)

    def _body(self, connection: Connection, name: str, spec: Mapping[str, Any]) -> dict[str, Any]:
        """The whole webhook, secrets included: Gladly cannot show what it holds, so every
        write states all of it (no headers removes them). Credentials are left out when
        there are none: the API has no null for them."""
        secrets = secrets_of(self.kind, name, spec, connection.environ)
        connection.client.keep_secret(*secrets.values())
        body: dict[str, Any] = {
            "name": name,
            "url": spec["url"],
            "events": list(spec.get("events", [])),
            "enabled": spec.get("enabled", True),
            "headers": {
                header: secrets["headers_env", header] for header in spec.get("headers_env") or {}
            },
        }
        if spec.get("credentials_env"):
            body["credentials"] = {
                "username": secrets["credentials_env", "username_env"],
                "password": secrets["credentials_env", "password_env"],
            }
        return body


def webhook_spec(hook: Webhook) -> dict[str, Any]:
    spec: dict[str, Any] = {"url": hook.url, "events": sorted(hook.events), "enabled": hook.enabled}
    if hook.hasCredentials:
        spec["credentials_env"] = list(CREDENTIALS)
    if hook.headerKeys:
        spec["headers_env"] = sorted(hook.headerKeys)
    return spec
