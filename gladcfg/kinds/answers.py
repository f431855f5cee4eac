"""Answers: canned replies, in each language and channel."""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    with_config,
)
from typing_extensions import TypedDict

from gladcfg.model.resource import Kind, Reference, Resource
from gladcfg.model.types import (
    LanguageTag,
    Name,
)

# Answer content is validated as strictly as the models, but held as plain dicts: a large
# project has tens of thousands of answers in several languages, and dicts take a fraction of the
# memory of model instances.
_STRICT = ConfigDict(extra="forbid")


@with_config(_STRICT)
class EmailContent(TypedDict):
    subject: Annotated[str, Field(min_length=1)]
    body: str


@with_config(_STRICT)
class PublicContent(TypedDict):
    """Shown in help centers and the chat widget's self-service."""

    title: Annotated[str, Field(min_length=1)]
    body: str


@with_config(_STRICT)
class ReferenceContent(TypedDict):
    """For agents only."""

    body: str


@with_config(_STRICT)
class LanguageContent(TypedDict, total=False):
    """One language's content, by Gladly's answer types."""

    messaging: Annotated[
        str, Field(description="Text used on sms, chat, whatsapp, facebook and instagram.")
    ]
    email: EmailContent
    public: PublicContent
    reference: ReferenceContent


# Gladly's answer types, in the order plans and exports show them.
CONTENT_TYPES = ("messaging", "email", "public", "reference")


def _has_some_content(content: LanguageContent) -> LanguageContent:
    if not content:
        raise ValueError("give at least one of messaging, email, public or reference")
    return content


AnswerContent = Annotated[LanguageContent, AfterValidator(_has_some_content)]


class Answer(Resource):
    """A canned reply, per language and answer type."""

    KIND = "answers"
    REFERENCES = (Reference("audiences", "audiences"),)
    SET_FIELDS = ("audiences",)
    description: str | None = None
    audiences: list[Name] = Field(default_factory=list)
    content: dict[LanguageTag, AnswerContent] = Field(min_length=1)


ENTRY = Kind(Answer, "answer")
