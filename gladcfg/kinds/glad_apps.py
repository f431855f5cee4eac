"""Chat widgets (Glad Apps) and their quick actions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

from pydantic import (
    Field,
    ModelWrapValidatorHandler,
    model_validator,
)

from gladcfg.errors import Problem
from gladcfg.fieldpath import FieldPath
from gladcfg.model.resource import Invalid, Kind, Reference, Resource
from gladcfg.model.types import (
    HttpsUrl,
    LanguageTag,
    Model,
    Name,
    raise_with_field_errors,
)

if TYPE_CHECKING:
    from gladcfg.config.desired import DesiredState

from gladcfg.kinds.answers import lacking
from gladcfg.kinds.entry_points import EntryPoint
from gladcfg.kinds.settings import configured_languages, unconfigured


class QuickAction(Model):
    """A button in the chat widget: shows an answer, or opens a page."""

    label: str = Field(min_length=1)
    answer: Name | None = Field(default=None, description="An answer with public content.")
    url: HttpsUrl | None = None

    @model_validator(mode="wrap")
    @classmethod
    def _answer_or_url(cls, data: Any, handler: ModelWrapValidatorHandler[QuickAction]) -> Any:
        # Checked on the data as given, beside the fields' own validation: an error in the
        # label (or in the answer or url themselves) never hides this one.
        if isinstance(data, dict) and (data.get("answer") is None) == (data.get("url") is None):
            raise_with_field_errors(cls, "give exactly one of answer or url", data, handler)
        return handler(data)


class GladApp(Resource):
    """A chat widget instance (Glad App) on a site or app."""

    KIND = "glad_apps"
    REFERENCES = (
        Reference("entry_point", "entry_points"),
        Reference("greeting", "answers"),
        Reference("quick_actions[].answer", "answers"),
    )
    SET_FIELDS = ("languages",)
    entry_point: Name = Field(description="The chat entry point customers reach through it.")
    languages: list[LanguageTag] = Field(min_length=1)
    greeting: Name | None = Field(
        default=None, description="An answer with messaging content, shown when chat opens."
    )
    quick_actions: list[QuickAction] = Field(default_factory=list)


def _shows(state: DesiredState, _: Invalid) -> Iterator[Problem]:
    """A chat widget shows answers: they need the right content types, in the languages
    it offers, and the languages must be the instance's; its entry point is a chat one."""
    configured = configured_languages(state)
    entry_points = state.usable("entry_points", "channel")
    answers = state.usable("answers", "content")
    for declared in state.usable("glad_apps", "languages").values():
        app = cast(GladApp, declared.model)
        yield from unconfigured(declared, app.languages, configured)
        entry = entry_points.get(app.entry_point)
        if entry is not None and cast(EntryPoint, entry.model).channel != "chat":
            channel = cast(EntryPoint, entry.model).channel
            article = "an" if channel[0] in "aeiou" else "a"
            yield declared.source.problem(
                f"entry point '{app.entry_point}' is {article} {channel} entry point; a chat "
                "widget needs a chat one",
                (*declared.path, "entry_point"),
            )
        where: FieldPath = (*declared.path, "greeting")
        yield from lacking(
            answers, declared, app.greeting, "messaging", languages=app.languages, path=where
        )
        for index, action in enumerate(app.quick_actions):
            where = (*declared.path, "quick_actions", index, "answer")
            yield from lacking(
                answers, declared, action.answer, "public", languages=app.languages, path=where
            )


ENTRY = Kind(GladApp, "chat widget", checks=(_shows,))
