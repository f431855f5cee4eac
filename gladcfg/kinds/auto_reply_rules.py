"""Auto-reply rules: an answer sent on some entry points, in or out of hours."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal, cast

from pydantic import (
    Field,
)

from gladcfg.errors import Problem
from gladcfg.model.resource import Invalid, Kind, Reference, Resource
from gladcfg.model.types import (
    Name,
)

if TYPE_CHECKING:
    from gladcfg.config.desired import DesiredState

from gladcfg.kinds.answers import Answer
from gladcfg.kinds.entry_points import EntryPoint
from gladcfg.kinds.inboxes import Inbox


class AutoReplyRule(Resource):
    KIND = "auto_reply_rules"
    REFERENCES = (
        Reference("entry_points", "entry_points"),
        Reference("answer", "answers"),
        Reference("business_hours", "business_hours"),
    )
    SET_FIELDS = ("entry_points",)
    entry_points: list[Name] = Field(min_length=1)
    when: Literal["outside_business_hours", "during_business_hours", "always"]
    business_hours: Name | None = Field(
        default=None, description="Default: the business hours of each entry point's inbox."
    )
    answer: Name
    enabled: bool = True


def _auto_replies(state: DesiredState, _: Invalid) -> Iterator[Problem]:
    entry_points = state.usable("entry_points", "channel")
    answers = state.usable("answers", "content")
    inboxes = state.usable("inboxes")
    for declared in state.usable("auto_reply_rules", "entry_points").values():
        rule = cast(AutoReplyRule, declared.model)
        needs: dict[str, list[str]] = {}  # content type → entry points that need it
        for index, name in enumerate(rule.entry_points):
            entry_decl = entry_points.get(name)
            if entry_decl is None:
                continue  # reported as an unknown reference
            entry = cast(EntryPoint, entry_decl.model)
            path: tuple[str | int, ...] = (*declared.path, "entry_points", index)
            if entry.channel == "voice":
                yield declared.source.problem(
                    f"entry point '{name}' is a voice line; auto-reply rules send messaging or "
                    "email answers only",
                    path,
                )
                continue
            needs.setdefault("email" if entry.channel == "email" else "messaging", []).append(name)
            if rule.when not in ("always", None) and rule.business_hours is None:
                inbox = inboxes.get(entry.inbox)
                if inbox is not None and cast(Inbox, inbox.model).business_hours is None:
                    yield declared.source.problem(
                        f"'{rule.when}' needs business hours, but inbox '{entry.inbox}' of entry "
                        f"point '{name}' has none; set business_hours on the rule",
                        path,
                    )
        answer = answers.get(rule.answer)
        if answer is None:
            continue
        content = cast(Answer, answer.model).content
        for needed, names in needs.items():
            lacking = [lang for lang, c in content.items() if needed not in c]
            if lacking:
                yield declared.source.problem(
                    f"answer '{rule.answer}' has no {needed} content in {', '.join(lacking)}, "
                    f"which entry point{'s' if len(names) > 1 else ''} {', '.join(names)} need"
                    f"{'' if len(names) > 1 else 's'}",
                    (*declared.path, "answer"),
                )


ENTRY = Kind(AutoReplyRule, "auto-reply rule", checks=(_auto_replies,))
