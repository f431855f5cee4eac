"""Answers: canned replies, in each language and channel."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Annotated, cast

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    with_config,
)
from typing_extensions import TypedDict

from gladcfg.errors import Problem, Severity
from gladcfg.fieldpath import FieldPath
from gladcfg.model.resource import Invalid, Kind, Reference, Resource
from gladcfg.model.types import LanguageTag, Name
from gladcfg.names import suggest

if TYPE_CHECKING:
    from gladcfg.config.desired import Declared, DesiredState

from gladcfg.kinds.settings import known_settings

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


def _languages(state: DesiredState, _: Invalid) -> Iterator[Problem]:
    settings = known_settings(state)
    if settings is None:
        return
    configured = list(settings.languages)
    default = settings.default_language
    for declared in state.usable("answers", "content").values():
        content = cast(Answer, declared.model).content
        for language in content:
            if language not in configured:
                yield declared.source.problem(
                    f"language '{language}' is not configured for this instance "
                    f"(settings.languages: {', '.join(configured)}){suggest(language, configured)}",
                    (*declared.path, "content", language),
                    key=True,
                )
        missing = [lang for lang in configured if lang not in content]
        if missing:
            yield declared.source.problem(
                f"no content in {', '.join(missing)}; customers in those languages get the "
                f"{default or 'default language'} text or nothing",
                (*declared.path, "content"),
                key=True,
                severity=Severity.WARNING,
            )


def lacking(
    answers: Mapping[str, Declared],
    declared: Declared,
    name: str | None,
    needed: str,
    *,
    languages: list[str],
    path: FieldPath,
) -> Iterator[Problem]:
    """What the answer ``name``, which ``declared`` shows in ``languages``, lacks of the
    content type ``needed``: an error when no language offered has it (or none at all).
    ``answers`` are those a check can read (``state.usable("answers", "content")``, read once
    per check: a large instance shows many)."""
    found = answers.get(name) if name else None
    if found is None:
        return  # unknown answers are reported as references
    content = cast(Answer, found.model).content
    missing = [lang for lang in languages if needed not in content.get(lang, {})]
    if not any(needed in given for given in content.values()):
        yield declared.source.problem(f"answer '{name}' has no {needed} content", path)
    elif missing:
        yield declared.source.problem(
            f"answer '{name}' has no {needed} content in {', '.join(missing)}",
            path,
            severity=Severity.ERROR if missing == languages else Severity.WARNING,
        )


ENTRY = Kind(Answer, "answer", checks=(_languages,))
