"""Auto-reply rules: an answer sent on some entry points, in or out of hours."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    Field,
)

from gladcfg.model.resource import Kind, Reference, Resource
from gladcfg.model.types import (
    Name,
)


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


ENTRY = Kind(AutoReplyRule, "auto-reply rule")
