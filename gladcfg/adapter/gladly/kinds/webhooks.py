"""Webhooks: an HTTPS URL Gladly posts events to. Credentials and header values are secrets
Gladly accepts and never shows again (it answers ``hasCredentials`` and ``headerKeys``): a
write sends them, read from the environment variables the files name; a read reports only
which are set, in the form :func:`gladcfg.model.kinds.comparable` gives a declared spec."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import Field, TypeAdapter

from gladcfg.adapter.base import RemoteObject
from gladcfg.adapter.gladly.kinds.base import Reading, Writable
from gladcfg.adapter.gladly.session import Session, id_from_location, object_path
from gladcfg.adapter.gladly.shapes import Named, Text
from gladcfg.model.kinds import secrets_of


class Webhook(Named):
    url: Text
    events: list[Text] = Field(default_factory=list)
    hasCredentials: bool = False
    headerKeys: list[Text] = Field(default_factory=list)


WEBHOOKS = TypeAdapter(list[Webhook])
# What a declared webhook's credentials_env holds, by name: how a read says they are set.
CREDENTIALS = ["password_env", "username_env"]


class Webhooks(Writable):
    kind = "webhooks"
    path = "/webhooks"
    listing = WEBHOOKS

    def objects(self, session: Session, reading: Reading) -> Iterable[RemoteObject]:
        listed: list[Webhook] = reading.listed
        return [RemoteObject(hook.id, hook.name, webhook_spec(hook)) for hook in listed]

    def create(self, session: Session, name: str, spec: dict[str, Any]) -> RemoteObject:
        body = self._body(session, name, spec)
        hook_id = session.create_once(
            self.path,
            body,
            lambda response: id_from_location(response, self.path, "webhook"),
            lambda: session.find(self.path, WEBHOOKS, name),
        )
        return RemoteObject(hook_id, name, spec)

    def update(
        self, session: Session, obj: RemoteObject, name: str, spec: dict[str, Any]
    ) -> RemoteObject:
        body = self._body(session, name, spec)
        path = object_path(self.path, obj.id)
        session.gone_if_missing(lambda: session.client.request("PATCH", path, body), obj)
        return RemoteObject(obj.id, name, spec)

    def delete(self, session: Session, obj: RemoteObject) -> None:
        path = object_path(self.path, obj.id)
        session.gone_if_missing(lambda: session.client.request("DELETE", path), obj)

    def _body(self, session: Session, name: str, spec: Mapping[str, Any]) -> dict[str, Any]:
        """The whole webhook, secrets included: Gladly cannot show what it holds, so every
        write states all of it (credentials null and no headers remove them)."""
        secrets = secrets_of(self.kind, name, spec, session.environ)
        session.client.keep_secret(*secrets.values())
        credentials = None
        if spec.get("credentials_env"):
            credentials = {
                "username": secrets["credentials_env", "username_env"],
                "password": secrets["credentials_env", "password_env"],
            }
        return {
            "name": name,
            "url": spec["url"],
            "events": list(spec.get("events", [])),
            "credentials": credentials,
            "headers": {
                header: secrets["headers_env", header] for header in spec.get("headers_env") or {}
            },
        }


def webhook_spec(hook: Webhook) -> dict[str, Any]:
    spec: dict[str, Any] = {"url": hook.url, "events": sorted(hook.events)}
    if hook.hasCredentials:
        spec["credentials_env"] = list(CREDENTIALS)
    if hook.headerKeys:
        spec["headers_env"] = sorted(hook.headerKeys)
    return spec
