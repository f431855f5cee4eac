"""Topics: parent names ↔ parent ids; Gladly disables a topic, it never deletes one.

A topic's ``parentId`` is a string in Gladly's POST and PATCH bodies, never null, and a PATCH
leaves out what it is not given: a parent can be set or changed, never removed. So a body
names a parent only when one is declared, and removing one is a manual change."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import TypeAdapter

from gladcfg.adapter.base import RemoteObject
from gladcfg.adapter.gladly.connection import Connection, id_from_location, object_path
from gladcfg.adapter.gladly.kinds.base import Reading, Writable
from gladcfg.adapter.gladly.shapes import Id, Named


class Topic(Named):
    disabled: bool = False
    parentId: Id | None = None


TOPICS = TypeAdapter(list[Topic])


class Topics(Writable):
    kind = "topics"
    path = "/topics"
    listing = TOPICS
    uses = ("topics",)  # parents
    unsettable = frozenset({"parent"})
    deletes_by_disabling = True

    def objects(self, connection: Connection, reading: Reading) -> Iterable[RemoteObject]:
        topics: list[Topic] = reading.listed
        return [
            RemoteObject(topic.id, topic.name, topic_spec(topic, reading.names["topics"]))
            for topic in topics
            # A disabled topic nobody declares is how Gladly "deletes": it is gone.
            if not topic.disabled or topic.name in reading.declared
        ]

    def create(self, connection: Connection, name: str, spec: dict[str, Any]) -> RemoteObject:
        body = topic_body(name, spec, connection.ids_of("topics"))
        topic_id = connection.create_once(
            self.path,
            body,
            lambda response: id_from_location(response, self.path, "topic"),
            lambda: connection.find(self.path, TOPICS, name),
        )
        connection.remember("topics", name, topic_id)
        return RemoteObject(topic_id, name, spec)

    def update(
        self, connection: Connection, obj: RemoteObject, name: str, spec: dict[str, Any]
    ) -> RemoteObject:
        body = topic_body(name, spec, connection.ids_of("topics"))
        path = object_path(self.path, obj.id)
        connection.gone_if_missing(lambda: connection.client.request("PATCH", path, body), obj)
        connection.remember("topics", name, obj.id)
        return RemoteObject(obj.id, name, spec)

    def delete(self, connection: Connection, obj: RemoteObject) -> None:
        # Gladly keeps every topic; deleting one means disabling it.
        self.update(connection, obj, obj.name, {**obj.spec, "disabled": True})


def topic_body(name: str, spec: Mapping[str, Any], topic_ids: Mapping[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "disabled": bool(spec.get("disabled", False))}
    parent = spec.get("parent")
    if parent:  # never null: a top-level topic is one sent without a parent
        body["parentId"] = topic_ids[parent]
    return body


def topic_spec(remote: Topic, topic_names: Mapping[str, str]) -> dict[str, Any]:
    spec: dict[str, Any] = {"disabled": remote.disabled}
    if remote.parentId:
        spec["parent"] = topic_names.get(remote.parentId, remote.parentId)
    return spec
