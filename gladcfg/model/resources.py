"""The resource kinds a project declares: the only place their fields are defined.

Each kind says, as data, which of its fields refer to other kinds (``REFERENCES``); the
reference checks and the apply order are derived from that, not written per kind.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Annotated, Any, ClassVar, Literal, NamedTuple

from pydantic import AfterValidator, ConfigDict, Field, model_validator, with_config
from typing_extensions import TypedDict

from gladcfg.fieldpath import FieldPath, format_path
from gladcfg.model.types import (
    DaySpec,
    Duration,
    InstanceGlob,
    LanguageTag,
    Model,
    Name,
    TimeRange,
    TimeZone,
    hours_by_day,
)

META_FIELDS = {"instances", "renamed_from", "protect"}


def address_of(kind: str, name: str) -> str:
    """How plans, errors, ``--target``, ``protect`` and ``ignore`` name a resource."""
    return kind if kind == "settings" else f"{kind}.{name}"


class Reference(NamedTuple):
    """Field ``field`` of a resource names resources of ``kind``. ``field`` may reach into
    a list of mappings with ``[]``: ``quick_actions[].answer``."""

    field: str
    kind: str


def reference_paths(kind: str, value: Any) -> Iterator[tuple[FieldPath, str, str]]:
    """(path, kind, name) of every object ``value`` refers to; ``value`` is a canonical spec
    of ``kind`` or its model (validation walks models, the engine walks specs)."""
    model = KIND_MODELS.get(kind)
    if model is None or value is None:
        return
    for field, target in model.REFERENCES:
        for path, name in _walk(value, field.replace("[]", ".[]").split("."), ()):
            if isinstance(name, str):
                yield path, target, name


def _walk(value: Any, segments: list[str], path: FieldPath) -> Iterator[tuple[FieldPath, Any]]:
    head, *rest = segments
    child = value.get(head) if isinstance(value, Mapping) else getattr(value, head, None)
    if child is None:
        return
    if isinstance(child, list):
        for index, item in enumerate(child):
            if rest:
                yield from _walk(item, rest[1:], (*path, head, index))
            else:
                yield (*path, head, index), item
    elif rest:
        yield from _walk(child, rest, (*path, head))
    else:
        yield (*path, head), child


def references_in(kind: str, spec: Mapping[str, Any] | None) -> Iterator[tuple[str, str, str]]:
    """(field, kind, name) of every object ``spec``, a canonical spec of ``kind``, refers to;
    ``field`` is the reference's dotted path (``quick_actions[0].answer``)."""
    for path, target, name in reference_paths(kind, spec):
        yield format_path(path), target, name


def rename_references(
    kind: str, spec: dict[str, Any], renames: Mapping[str, Mapping[str, str]]
) -> dict[str, Any]:
    """``spec`` with references to renamed objects (``renames``: kind → old → new name)
    following them, as references by id do on an instance. A new dict when anything
    changed; ``spec`` itself is never edited."""
    found = [
        (path, renames[target][name])
        for path, target, name in reference_paths(kind, spec)
        if name in renames.get(target, {})
    ]
    if not found:
        return spec
    renamed = copy.deepcopy(spec)
    for path, new in found:
        holder: Any = renamed
        for step in path[:-1]:
            holder = holder[step]
        holder[path[-1]] = new
    for field in KIND_MODELS[kind].SET_FIELDS:
        if field in renamed:
            renamed[field] = sorted(renamed[field])
    return renamed


class Resource(Model):
    """Fields every resource accepts besides its own."""

    KIND: ClassVar[str]
    REFERENCES: ClassVar[tuple[Reference, ...]] = ()
    # List fields whose order means nothing; sorted in the canonical form so that
    # reordering them in a file is not a change.
    SET_FIELDS: ClassVar[tuple[str, ...]] = ()

    instances: list[InstanceGlob] | None = Field(
        default=None,
        description="Declare this resource only on instances matching one of these globs.",
    )
    renamed_from: Name | None = Field(
        default=None, description="The previous name: plan an in-place rename, not delete + create."
    )
    protect: bool = Field(default=False, description="Never delete this resource.")

    @model_validator(mode="before")
    @classmethod
    def _empty_body_is_empty_mapping(cls, data: Any) -> Any:
        # `billing:` with nothing after it declares a resource with every default.
        return {} if data is None else data

    def spec(self) -> dict[str, Any]:
        """The resource's desired state, without gladcfg's own bookkeeping fields."""
        return self.model_dump(mode="json", exclude=META_FIELDS, exclude_none=True)

    def canonical(self) -> dict[str, Any]:
        """The spec in the one form plans compare: two declarations that mean the same
        (reordered sets, ``mon-fri`` or five single days) are equal here."""
        spec = self.spec()
        for name in self.SET_FIELDS:
            if name in spec:
                spec[name] = sorted(spec[name])
        return spec


class Team(Resource):
    KIND = "teams"
    description: str | None = None


class Audience(Resource):
    """A brand or customer segment; answers and entry points are scoped by audience."""

    KIND = "audiences"
    description: str | None = None


class Topic(Resource):
    """A conversation topic (tag). Gladly never deletes topics; it disables them."""

    KIND = "topics"
    REFERENCES = (Reference("parent", "topics"),)
    parent: Name | None = None
    disabled: bool = False


class Holiday(Model):
    date: date
    name: str | None = None
    hours: list[TimeRange] = Field(
        default_factory=list, description="Open hours that day; none means closed all day."
    )


class BusinessHours(Resource):
    KIND = "business_hours"
    timezone: TimeZone
    weekly: dict[DaySpec, list[TimeRange]] = Field(
        default_factory=dict,
        description="Open hours per day or range (mon-fri, sat, sat,sun); absent days are closed.",
    )
    holidays: list[Holiday] = Field(default_factory=list)

    def canonical(self) -> dict[str, Any]:
        spec = self.spec()
        spec["weekly"] = hours_by_day(self.weekly)
        spec["holidays"] = sorted(spec["holidays"], key=lambda h: h["date"])
        return spec


class Sla(Model):
    """Response-time targets per channel."""

    email: Duration | None = None
    voice: Duration | None = None
    sms: Duration | None = None
    chat: Duration | None = None
    facebook: Duration | None = None
    instagram: Duration | None = None
    whatsapp: Duration | None = None
    target_percent: int | None = Field(default=None, ge=1, le=100)


class Inbox(Resource):
    KIND = "inboxes"
    REFERENCES = (Reference("teams", "teams"), Reference("business_hours", "business_hours"))
    SET_FIELDS = ("teams", "languages")
    description: str | None = None
    teams: list[Name] = Field(default_factory=list)
    business_hours: Name | None = None
    languages: list[LanguageTag] | None = Field(
        default=None,
        description="Languages this inbox's agents answer in (default: all of the instance's); "
        "gladcfg coverage uses them.",
    )
    sla: Sla | None = None


Channel = Literal["email", "voice", "sms", "chat", "facebook", "instagram", "whatsapp"]
MESSAGING_CHANNELS = frozenset({"sms", "chat", "facebook", "instagram", "whatsapp"})
PHONE_CHANNELS = frozenset({"voice", "sms", "whatsapp"})


class EntryPoint(Resource):
    """Where customers reach the instance: an address, number or app id on one channel."""

    KIND = "entry_points"
    REFERENCES = (Reference("inbox", "inboxes"), Reference("audience", "audiences"))
    channel: Channel
    address: str = Field(
        min_length=1,
        description="Email address (email), E.164 number (voice, sms, whatsapp) or app/page id.",
    )
    inbox: Name
    audience: Name | None = None


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


def _https(value: str) -> str:
    if not value.startswith("https://") or len(value) <= len("https://"):
        raise ValueError(f"'{value}' is not an https URL")
    return value


HttpsUrl = Annotated[str, AfterValidator(_https)]


class QuickAction(Model):
    """A button in the chat widget: shows an answer, or opens a page."""

    label: str = Field(min_length=1)
    answer: Name | None = Field(default=None, description="An answer with public content.")
    url: HttpsUrl | None = None

    @model_validator(mode="after")
    def _answer_or_url(self) -> QuickAction:
        if (self.answer is None) == (self.url is None):
            raise ValueError("give exactly one of answer or url")
        return self


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


class Retention(Model):
    conversations_days: int | None = Field(default=None, ge=1)
    voice_recordings_days: int | None = Field(default=None, ge=1)


class Sso(Model):
    enabled: bool = False
    idp_metadata_url: str | None = Field(default=None, pattern=r"^https://\S+$")


class Settings(Model):
    """The instance-wide settings: one per instance."""

    KIND: ClassVar[str] = "settings"
    instances: list[InstanceGlob] | None = None
    default_language: LanguageTag
    languages: list[LanguageTag] = Field(min_length=1)
    timezone: TimeZone
    retention: Retention | None = None
    sso: Sso | None = None

    def spec(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude={"instances"}, exclude_none=True)

    def canonical(self) -> dict[str, Any]:
        return self.spec()


# Kinds in the order that keeps every reference valid while applying (SPEC §5).
KIND_MODELS: dict[str, type[Resource]] = {
    model.KIND: model
    for model in (
        Audience,
        Team,
        Topic,
        Answer,
        BusinessHours,
        Inbox,
        EntryPoint,
        AutoReplyRule,
        HelpCenter,
        GladApp,
    )
}
KINDS: tuple[str, ...] = ("settings", *KIND_MODELS)
# For each kind, the kinds whose resources can refer to it.
REFERRING_KINDS: dict[str, tuple[str, ...]] = {
    kind: tuple(k for k, m in KIND_MODELS.items() if any(t == kind for _, t in m.REFERENCES))
    for kind in KINDS
}
