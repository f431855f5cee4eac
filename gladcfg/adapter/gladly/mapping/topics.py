"""Topics: parent names ↔ parent ids; Gladly disables a topic, it never deletes one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gladcfg.adapter.gladly.shapes import Topic


def topic_body(name: str, spec: Mapping[str, Any], topic_ids: Mapping[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "disabled": bool(spec.get("disabled", False))}
    parent = spec.get("parent")
    body["parentId"] = topic_ids[parent] if parent else None
    return body


def topic_spec(remote: Topic, topic_names: Mapping[str, str]) -> dict[str, Any]:
    spec: dict[str, Any] = {"disabled": remote.disabled}
    if remote.parentId:
        spec["parent"] = topic_names.get(remote.parentId, remote.parentId)
    return spec
