"""What coverage reads of an instance, and nothing else: each inbox's hours, languages and
teams; the business hours themselves; where each entry point routes; which entry points an
auto-reply rule answers after hours; the configured languages and time zone.

It is read from the files' models (:meth:`Routing.of`), or straight from specs in their
canonical form (:meth:`Routing.of_specs`, as a plan compares them): then only business hours
become models, so a large instance's coverage costs its schedules, not its entry points.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

from gladcfg.config.desired import Declared, DesiredState
from gladcfg.kinds.business_hours import BusinessHours
from gladcfg.kinds.settings import Settings

# The kinds coverage reads.
KINDS = frozenset(
    {"business_hours", "inboxes", "entry_points", "teams", "auto_reply_rules", "settings"}
)
# An enabled rule with one of these answers its entry points outside business hours.
AFTER_HOURS = ("outside_business_hours", "always")
# Channels whose customers hear nothing after hours without such a rule.
SILENT_CHANNELS = ("sms", "chat")

Get = Callable[[str, Any], Any]  # a field's value, or the default given


@dataclass(frozen=True, slots=True)
class Served:
    """One inbox, as coverage reads it."""

    business_hours: str | None
    languages: tuple[str, ...] | None  # None: all of the instance's
    teams: frozenset[str]


@dataclass(frozen=True, slots=True)
class Route:
    """One entry point, as coverage reads it (a partly valid one may lack its inbox)."""

    channel: str
    inbox: str | None


@dataclass(frozen=True)
class Routing:
    instance: str
    timezone: str  # the settings' ("UTC" without settings)
    languages: tuple[str, ...]  # the settings' configured languages
    hours: dict[str, BusinessHours]
    inboxes: dict[str, Served]
    teams: frozenset[str]
    entry_points: dict[str, Route]
    replies: dict[str, frozenset[str]]  # rule → the entry points it answers after hours

    @classmethod
    def of(cls, state: DesiredState) -> Routing:
        """What coverage reads of ``state``'s valid resources."""
        models = {
            kind: {name: declared.model for name, declared in state.declared(kind).items()}
            for kind in KINDS - {"settings"}
        }
        return cls.of_models(state.instance, state.settings, models)

    @classmethod
    def of_models(
        cls, instance: str, settings: Declared | None, models: Mapping[str, Mapping[str, object]]
    ) -> Routing:
        """From models by kind (a partly valid model reads as what it has)."""
        fields = {
            kind: {n: partial(_attribute, m) for n, m in by.items()} for kind, by in models.items()
        }
        hours = {
            name: cast(BusinessHours, m) for name, m in models.get("business_hours", {}).items()
        }
        model = None if settings is None else cast(Settings, settings.model)
        return cls._of(instance, model, hours, fields)

    @classmethod
    def of_specs(
        cls,
        instance: str,
        settings: Mapping[str, Any] | None,
        specs: Mapping[str, Mapping[str, Any]],
    ) -> Routing:
        """From specs by kind, each a valid model's canonical form; a ValidationError if
        some business hours or the settings are not."""
        fields = {kind: {name: spec.get for name, spec in by.items()} for kind, by in specs.items()}
        hours = {
            name: BusinessHours.model_validate(spec)
            for name, spec in specs.get("business_hours", {}).items()
        }
        model = None if settings is None else Settings.model_validate(settings)
        return cls._of(instance, model, hours, fields)

    @classmethod
    def _of(
        cls,
        instance: str,
        settings: Settings | None,
        hours: dict[str, BusinessHours],
        fields: Mapping[str, Mapping[str, Get]],
    ) -> Routing:
        return cls(
            instance,
            "UTC" if settings is None else settings.timezone,
            () if settings is None else tuple(settings.languages),
            hours,
            {name: served(get) for name, get in fields.get("inboxes", {}).items()},
            frozenset(fields.get("teams", {})),
            {name: route(get) for name, get in fields.get("entry_points", {}).items()},
            {name: replies(get) for name, get in fields.get("auto_reply_rules", {}).items()},
        )

    def silent(self) -> Iterator[tuple[str, str, str]]:
        """sms and chat entry points whose inbox keeps hours but whose customers get no
        after-hours reply: no enabled outside_business_hours (or always) rule covers them;
        each with its channel and inbox."""
        answered = {name for names in self.replies.values() for name in names}
        for name, entry in self.entry_points.items():
            if entry.channel not in SILENT_CHANNELS or name in answered:
                continue
            if entry.inbox is None:
                continue
            inbox = self.inboxes.get(entry.inbox)
            if inbox is not None and inbox.business_hours is not None:
                yield name, entry.channel, entry.inbox


def record_of(kind: str, model: object) -> object:
    """What coverage reads of one resource of ``kind`` (not settings), from its model."""
    if kind == "business_hours":
        return model
    if kind == "teams":
        return None
    return _RECORDS[kind](partial(_attribute, model))


def served(get: Get) -> Served:
    languages = get("languages", None)
    return Served(
        get("business_hours", None),
        None if languages is None else tuple(languages),
        frozenset(get("teams", None) or ()),
    )


def route(get: Get) -> Route:
    return Route(get("channel", None), get("inbox", None))


def replies(get: Get) -> frozenset[str]:
    if not get("enabled", True) or get("when", None) not in AFTER_HOURS:
        return frozenset()
    return frozenset(get("entry_points", None) or ())


def _attribute(model: object, field: str, default: Any) -> Any:
    return getattr(model, field, default)


_RECORDS: dict[str, Callable[[Get], object]] = {
    "inboxes": served,
    "entry_points": route,
    "auto_reply_rules": replies,
}
