"""Conversation topics (tags), which Gladly disables rather than deletes."""

from __future__ import annotations

from gladcfg.model.resource import Kind, Reference, Resource
from gladcfg.model.types import (
    Name,
)


class Topic(Resource):
    """A conversation topic (tag). Gladly never deletes topics; it disables them."""

    KIND = "topics"
    REFERENCES = (Reference("parent", "topics"),)
    parent: Name | None = None
    disabled: bool = False


ENTRY = Kind(Topic, "topic")
