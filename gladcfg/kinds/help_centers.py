"""Help centers: the answers published for customers to read."""

from __future__ import annotations

from pydantic import (
    Field,
)

from gladcfg.model.resource import Kind, Reference, Resource
from gladcfg.model.types import (
    LanguageTag,
    Name,
)


class HelpCenter(Resource):
    """A public help center: the answers it publishes, in which languages, for whom."""

    KIND = "help_centers"
    REFERENCES = (Reference("audiences", "audiences"), Reference("answers", "answers"))
    SET_FIELDS = ("languages", "audiences", "answers")
    description: str | None = None
    languages: list[LanguageTag] = Field(min_length=1)
    audiences: list[Name] = Field(default_factory=list)
    answers: list[Name] = Field(
        default_factory=list, description="Published answers; each needs public content."
    )


ENTRY = Kind(HelpCenter, "help center")
