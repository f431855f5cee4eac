"""Conversation topics (tags), which Gladly disables rather than deletes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, cast

from gladcfg.errors import Problem
from gladcfg.model.resource import Invalid, Kind, Reference, Resource
from gladcfg.model.types import (
    Name,
)

if TYPE_CHECKING:
    from gladcfg.config.desired import DesiredState


class Topic(Resource):
    """A conversation topic (tag). Gladly never deletes topics; it disables them."""

    KIND = "topics"
    REFERENCES = (Reference("parent", "topics"),)
    parent: Name | None = None
    disabled: bool = False


def _topic_cycles(state: DesiredState, _: Invalid) -> Iterator[Problem]:
    topics = state.declared("topics")
    reported: set[str] = set()
    for start in topics:
        seen = [start]
        current = cast(Topic, topics[start].model).parent
        while current is not None and current in topics and current not in reported:
            if current in seen:
                cycle = [*seen[seen.index(current) :], current]
                reported.update(cycle)
                declared = topics[current]
                yield declared.source.problem(
                    f"topic parents form a cycle: {' → '.join(cycle)}", (*declared.path, "parent")
                )
                break
            seen.append(current)
            current = cast(Topic, topics[current].model).parent


ENTRY = Kind(Topic, "topic", checks=(_topic_cycles,))
