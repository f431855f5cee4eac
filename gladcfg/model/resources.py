"""The models of the kinds a project declares: the only place their fields are defined.

Each kind says, as data, which of its fields refer to other kinds (``REFERENCES``) and which
lists are sets (``SET_FIELDS``); :mod:`gladcfg.model.kinds` registers them, and the reference
checks and the apply order are derived from that, not written per kind.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar, Literal, NamedTuple

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    StringConstraints,
    model_validator,
    with_config,
)
from typing_extensions import TypedDict

from gladcfg.model.events import WebhookEvent
from gladcfg.model.types import (
    DaySpec,
    Duration,
    EnvName,
    InstanceGlob,
    LanguageTag,
    Model,
    Name,
    TimeRange,
    TimeZone,
    hours_by_day,
    padded_time_range,
    raise_with_field_errors,
    spelled_as,
)

META_FIELDS = {"instances", "renamed_from", "protect"}


class Reference(NamedTuple):
    """Field ``field`` of a resource names resources of ``kind``. ``field`` may reach into
    a list of mappings with ``[]``: ``quick_actions[].answer``."""

    field: str
    kind: str


class Resource(Model):
    """Fields every resource accepts besides its own."""

    KIND: ClassVar[str]
    REFERENCES: ClassVar[tuple[Reference, ...]] = ()
    # List fields whose order means nothing; sorted in the canonical form so that
    # reordering them in a file is not a change.
    SET_FIELDS: ClassVar[tuple[str, ...]] = ()
    # Mappings of names to environment variables that hold secrets the instance accepts
    # but never shows: sent with every write, compared only by which names they hold
    # (:func:`gladcfg.model.kinds.comparable`).
    WRITE_ONLY: ClassVar[tuple[str, ...]] = ()

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

    @classmethod
    def as_read(cls, spec: dict[str, Any]) -> dict[str, Any]:
        """``spec`` as read from an instance, where values may be spelled in ways files may
        not: in the files' spelling, so the model takes it and plans compare it. Nothing
        read from files passes here."""
        return spec

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
    """A day the weekly hours do not hold: closed, or open only ``hours``. Gladly needs
    every holiday named; one without a name is sent named by its date (``2026-11-26``),
    which therefore reads back as no name."""

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

    @classmethod
    def as_read(cls, spec: dict[str, Any]) -> dict[str, Any]:
        """An instance may hold ``8:00-20:00``: it is the files' ``08:00-20:00``."""

        def padded(ranges: Any) -> Any:
            if not isinstance(ranges, list):
                return ranges
            return [(isinstance(r, str) and padded_time_range(r)) or r for r in ranges]

        read = dict(spec)
        if isinstance(weekly := read.get("weekly"), dict):
            read["weekly"] = {day: padded(ranges) for day, ranges in weekly.items()}
        if isinstance(holidays := read.get("holidays"), list):
            read["holidays"] = [
                {**h, "hours": padded(h["hours"])} if isinstance(h, dict) and "hours" in h else h
                for h in holidays
            ]
        return read

    def canonical(self) -> dict[str, Any]:
        spec = self.spec()
        spec["weekly"] = hours_by_day(self.weekly)
        holidays = [self._unnamed_if_dated(h) for h in spec["holidays"]]
        spec["holidays"] = sorted(holidays, key=lambda h: h["date"])
        return spec

    @staticmethod
    def _unnamed_if_dated(holiday: dict[str, Any]) -> dict[str, Any]:
        """A holiday named by its own date is the one sent for an unnamed holiday (see
        :class:`Holiday`), so both compare as one."""
        if holiday.get("name") == holiday["date"]:
            return {key: value for key, value in holiday.items() if key != "name"}
        return holiday


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


_HEADER_NAME = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
HeaderName = Annotated[
    str,
    StringConstraints(max_length=256),
    AfterValidator(spelled_as(_HEADER_NAME, "the header name ", "is not an HTTP header name")),
]


def _none_if_empty(value: dict[str, str] | None) -> dict[str, str] | None:
    return value or None  # no headers is one state, however it is written


class WebhookCredentials(Model):
    """The basic-auth user and password Gladly sends with each event. Gladly never shows
    them again, so files name the environment variables that hold them."""

    username_env: EnvName
    password_env: EnvName


class Webhook(Resource):
    """An HTTPS endpoint Gladly posts events to. Credentials and header values are secrets
    the API accepts and never shows: they come from the environment at apply time, and a
    plan compares only whether they are given (and which headers), never their values."""

    KIND = "webhooks"
    SET_FIELDS = ("events",)
    WRITE_ONLY = ("credentials_env", "headers_env")
    url: HttpsUrl
    events: list[WebhookEvent] = Field(
        min_length=1,
        description="The events posted, as Gladly's API names them, e.g. CONVERSATION/CLOSED.",
    )
    # Gladly's own default is false: a webhook created without saying so never fires.
    enabled: bool = Field(
        default=True,
        description="Whether Gladly posts the events. Gladly disables a webhook whose "
        "deliveries keep failing; the next plan shows it, and apply enables it again.",
    )
    credentials_env: WebhookCredentials | None = Field(
        default=None, description="Environment variables holding the basic-auth credentials."
    )
    headers_env: Annotated[dict[HeaderName, EnvName] | None, AfterValidator(_none_if_empty)] = (
        Field(
            default=None,
            description="Headers sent with each event: header name → environment variable "
            "holding its value.",
        )
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

    @classmethod
    def as_read(cls, spec: dict[str, Any]) -> dict[str, Any]:
        """As :meth:`Resource.as_read`: the settings have no other spelling."""
        return spec

    def spec(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude={"instances"}, exclude_none=True)

    def canonical(self) -> dict[str, Any]:
        return self.spec()
