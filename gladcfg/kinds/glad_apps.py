"""Chat widgets (Glad Apps) and their quick actions."""

from __future__ import annotations

from typing import Any

from pydantic import (
    Field,
    ModelWrapValidatorHandler,
    model_validator,
)

from gladcfg.model.resource import Kind, Reference, Resource
from gladcfg.model.types import (
    HttpsUrl,
    LanguageTag,
    Model,
    Name,
    raise_with_field_errors,
)


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


ENTRY = Kind(GladApp, "chat widget")
