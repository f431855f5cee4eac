"""Help centers: the answers published for customers to read."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, cast

from pydantic import (
    Field,
)

from gladcfg.errors import Problem
from gladcfg.fieldpath import FieldPath
from gladcfg.model.resource import Invalid, Kind, Reference, Resource
from gladcfg.model.types import (
    LanguageTag,
    Name,
)

if TYPE_CHECKING:
    from gladcfg.config.desired import DesiredState

from gladcfg.kinds.answers import lacking
from gladcfg.kinds.settings import configured_languages, unconfigured


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


def _shows(state: DesiredState, _: Invalid) -> Iterator[Problem]:
    """A help center shows answers: they need public content in the languages it offers,
    and the languages must be the instance's."""
    configured = configured_languages(state)
    answers = state.usable("answers", "content")
    for declared in state.usable("help_centers", "languages").values():
        center = cast(HelpCenter, declared.model)
        yield from unconfigured(declared, center.languages, configured)
        for index, name in enumerate(center.answers):
            where: FieldPath = (*declared.path, "answers", index)
            yield from lacking(
                answers, declared, name, "public", languages=center.languages, path=where
            )


ENTRY = Kind(HelpCenter, "help center", checks=(_shows,))
