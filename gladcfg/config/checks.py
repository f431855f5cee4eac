"""Checks that need more than one field or one resource: references, cycles, overlapping
hours, per-channel addresses, translations and what auto-replies can send (SPEC §3).

Each check reads the desired state and yields problems; none of them raises, so a run
reports everything it finds. A resource declared with errors in required fields is still
checked by every check that does not read them (:func:`_usable`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import replace
from datetime import date
from typing import Any, cast

from gladcfg.config.desired import Declared, DesiredState
from gladcfg.config.routing import Routing
from gladcfg.errors import Problem, Severity
from gladcfg.fieldpath import FieldPath
from gladcfg.kinds import REGISTRY
from gladcfg.kinds.answers import Answer
from gladcfg.kinds.auto_reply_rules import AutoReplyRule
from gladcfg.kinds.business_hours import BusinessHours
from gladcfg.kinds.entry_points import PHONE_CHANNELS, EntryPoint
from gladcfg.kinds.glad_apps import GladApp
from gladcfg.kinds.help_centers import HelpCenter
from gladcfg.kinds.inboxes import Inbox
from gladcfg.kinds.settings import Settings
from gladcfg.kinds.topics import Topic
from gladcfg.model.kinds import KIND_MODELS, reference_paths
from gladcfg.model.names import code_points, same_name_key
from gladcfg.model.project import Policy
from gladcfg.model.types import check_e164, check_email, expand_days, range_minutes, suggest
from gladcfg.patterns import compile_pattern

Invalid = Collection[tuple[str, str]]
_APP_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$")


def check_desired_state(
    state: DesiredState, invalid: Invalid, policy: Policy | None = None
) -> list[Problem]:
    problems: list[Problem] = []
    for check in _CHECKS:
        problems.extend(check(state, invalid))
    if policy is not None:
        problems.extend(_policy(state, policy))
    return [replace(p, instances=(state.instance,)) for p in problems]


def _usable(state: DesiredState, kind: str, *needs: str) -> Mapping[str, Declared]:
    """The resources of ``kind`` a check can read: every valid one, and those declared with
    errors whose required fields ``needs`` (the ones the check reads) were read."""
    partial = state.partial.get(kind)
    if not partial:
        return state.declared(kind)
    usable = dict(state.declared(kind))
    for name, declared in partial.items():
        if all(getattr(declared.model, field) is not None for field in needs):
            usable.setdefault(name, declared)
    return usable


def _settings(state: DesiredState, *needs: str) -> Declared | None:
    """The settings, as :func:`_usable` gives resources."""
    if state.settings is not None:
        return state.settings
    return _usable(state, "settings", *needs).get("settings")


def _policy(state: DesiredState, policy: Policy) -> Iterator[Problem]:
    """The project's house rules (``policy:`` in gladcfg.yaml)."""
    for kind, pattern in policy.naming.items():
        compiled = compile_pattern(pattern)  # valid: gladcfg.yaml was validated
        for declared in _usable(state, kind).values():
            if not compiled.search(declared.name):
                yield declared.source.problem(
                    f"the name '{declared.name}' does not follow the naming policy for "
                    f"{kind} ('{pattern}' in gladcfg.yaml)",
                    declared.path,
                    key=True,
                )
    required = policy.required_languages
    if not required:
        return
    settings = _settings(state, "languages")
    if settings is not None:
        configured = cast(Settings, settings.model).languages
        missing = [language for language in required if language not in configured]
        if missing:
            yield settings.source.problem(
                f"the policy requires {', '.join(missing)} (policy.required_languages)",
                ("settings", "languages"),
            )
    for declared in _usable(state, "answers", "content").values():
        content = cast(Answer, declared.model).content
        missing = [language for language in required if language not in content]
        if missing:
            yield declared.source.problem(
                f"no content in {', '.join(missing)}, which the policy requires "
                "(policy.required_languages)",
                (*declared.path, "content"),
                key=True,
            )


def _all(state: DesiredState) -> Iterator[Declared]:
    for kind in KIND_MODELS:
        yield from _usable(state, kind).values()


def _references(state: DesiredState, invalid: Invalid) -> Iterator[Problem]:
    for declared in _all(state):
        for path, target, name in reference_paths(declared.kind, declared.model):
            if name in state.declared(target) or (target, name) in invalid:
                continue
            known = [*state.declared(target), *(n for k, n in invalid if k == target)]
            yield declared.source.problem(
                f"unknown {REGISTRY[target].singular} '{name}'{_twin_or_suggestion(name, known)}",
                (*declared.path, *path),
            )


def _twin_or_suggestion(name: str, known: list[str]) -> str:
    key = same_name_key(name)
    twin = next((k for k in known if same_name_key(k) == key), None)
    if twin is None:
        return suggest(name, known)
    return (
        f": it is written '{code_points(name)}', and the one declared '{code_points(twin)}'; "
        "they show the same but differ in Unicode normalisation (NFC): write both the same way"
    )


def _topic_cycles(state: DesiredState, _: Invalid) -> Iterator[Problem]:
    topics = state.declared("topics")
    reported: set[str] = set()
    for start in topics:
        seen = [start]
        current = cast(Topic, topics[start].model).parent
        while current is not None and current in topics and current not in reported:
            if current in seen:
                cycle = [*seen[seen.index(current) :], current]
                reported.update(cycle)
                declared = topics[current]
                yield declared.source.problem(
                    f"topic parents form a cycle: {' → '.join(cycle)}", (*declared.path, "parent")
                )
                break
            seen.append(current)
            current = cast(Topic, topics[current].model).parent


def _renames(state: DesiredState, _: Invalid) -> Iterator[Problem]:
    for declared in _all(state):
        old = declared.model.renamed_from  # type: ignore[union-attr]
        if old is None:
            continue
        if old == declared.name:
            yield declared.source.problem(
                "renamed_from names the resource itself", (*declared.path, "renamed_from")
            )
        elif old in state.declared(declared.kind):
            other = state.declared(declared.kind)[old]
            yield declared.source.problem(
                f"renamed_from '{old}', but {declared.kind}.{old} is also declared "
                f"(in {other.source.rel}); remove one of them",
                (*declared.path, "renamed_from"),
            )


def _hours(state: DesiredState, _: Invalid) -> Iterator[Problem]:
    for declared in _usable(state, "business_hours").values():
        hours = cast(BusinessHours, declared.model)
        yield from _weekly_overlaps(declared, hours)
        yield from _holiday_problems(declared, hours)


def _weekly_overlaps(declared: Declared, hours: BusinessHours) -> Iterator[Problem]:
    """Each range that overlaps one before it, once, naming every day and range it
    overlaps. A range that overlaps still counts for the ranges after it, so one overlap
    never hides the next."""
    taken: dict[str, list[tuple[int, int, str]]] = {}
    for spec, ranges in hours.weekly.items():
        for index, text in enumerate(ranges):
            start, stop = range_minutes(text)
            days_by_clash: dict[str, list[str]] = {}  # range overlapped → the days it is
            for day in expand_days(spec):
                for other in taken.get(day, []):
                    if other[0] < stop and start < other[1]:
                        days_by_clash.setdefault(other[2], []).append(day)
                taken.setdefault(day, []).append((start, stop, text))
            if days_by_clash:
                yield declared.source.problem(
                    f"'{text}' {_overlaps(days_by_clash)}", (*declared.path, "weekly", spec, index)
                )


def _overlaps(days_by_clash: Mapping[str, list[str]]) -> str:
    """``on mon, tue overlaps '09:00-12:00' and '10:00-11:00'; on wed overlaps …``"""
    clashes_by_days: dict[tuple[str, ...], list[str]] = {}
    for other, days in days_by_clash.items():
        clashes_by_days.setdefault(tuple(dict.fromkeys(days)), []).append(f"'{other}'")
    return "; ".join(
        f"on {', '.join(days)} overlaps {' and '.join(others)}"
        for days, others in clashes_by_days.items()
    )


def _holiday_problems(declared: Declared, hours: BusinessHours) -> Iterator[Problem]:
    """A date listed twice, and each range of a holiday that overlaps one before it."""
    dates: set[date] = set()
    for index, holiday in enumerate(hours.holidays):
        where: FieldPath = (*declared.path, "holidays", index)
        if holiday.date in dates:
            yield declared.source.problem(f"{holiday.date} is listed twice", (*where, "date"))
        dates.add(holiday.date)
        spans: list[tuple[int, int, str]] = []
        for position, text in enumerate(holiday.hours):
            start, stop = range_minutes(text)
            overlapped = [f"'{o[2]}'" for o in spans if o[0] < stop and start < o[1]]
            if overlapped:
                yield declared.source.problem(
                    f"'{text}' overlaps {' and '.join(overlapped)} on {holiday.date}",
                    (*where, "hours", position),
                )
            spans.append((start, stop, text))


def _addresses(state: DesiredState, _: Invalid) -> Iterator[Problem]:
    seen: dict[tuple[str, str], str] = {}
    for declared in _usable(state, "entry_points", "channel", "address").values():
        entry = cast(EntryPoint, declared.model)
        path = (*declared.path, "address")
        try:
            if entry.channel == "email":
                check_email(entry.address)
            elif entry.channel in PHONE_CHANNELS:
                check_e164(entry.address)
            elif not _APP_ID.fullmatch(entry.address):
                raise ValueError(f"'{entry.address}' is not a {entry.channel} app or page id")
        except ValueError as exc:
            yield declared.source.problem(f"{exc} (channel {entry.channel})", path)
            continue
        key = (entry.channel, entry.address.lower())
        if key in seen:
            yield declared.source.problem(
                f"{entry.channel} address '{entry.address}' is already used by entry point "
                f"'{seen[key]}'",
                path,
            )
        seen.setdefault(key, declared.name)


def _languages(state: DesiredState, _: Invalid) -> Iterator[Problem]:
    declared_settings = _settings(state, "languages")
    if declared_settings is None:
        return
    settings = cast(Settings, declared_settings.model)
    configured = list(settings.languages)
    default = settings.default_language  # None when it is the field in error
    if default is not None and default not in configured:
        yield declared_settings.source.problem(
            f"default_language '{settings.default_language}' is not one of languages "
            f"({', '.join(configured)})",
            ("settings", "default_language"),
        )
    for declared in _usable(state, "inboxes").values():
        yield from _unconfigured(declared, cast(Inbox, declared.model).languages or [], configured)
    for declared in _usable(state, "answers", "content").values():
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


def _auto_replies(state: DesiredState, _: Invalid) -> Iterator[Problem]:
    entry_points = _usable(state, "entry_points", "channel")
    answers = _usable(state, "answers", "content")
    inboxes = _usable(state, "inboxes")
    for declared in _usable(state, "auto_reply_rules", "entry_points").values():
        rule = cast(AutoReplyRule, declared.model)
        needs: dict[str, list[str]] = {}  # content type → entry points that need it
        for index, name in enumerate(rule.entry_points):
            entry_decl = entry_points.get(name)
            if entry_decl is None:
                continue  # reported as an unknown reference
            entry = cast(EntryPoint, entry_decl.model)
            path: tuple[str | int, ...] = (*declared.path, "entry_points", index)
            if entry.channel == "voice":
                yield declared.source.problem(
                    f"entry point '{name}' is a voice line; auto-reply rules send messaging or "
                    "email answers only",
                    path,
                )
                continue
            needs.setdefault("email" if entry.channel == "email" else "messaging", []).append(name)
            if rule.when not in ("always", None) and rule.business_hours is None:
                inbox = inboxes.get(entry.inbox)
                if inbox is not None and cast(Inbox, inbox.model).business_hours is None:
                    yield declared.source.problem(
                        f"'{rule.when}' needs business hours, but inbox '{entry.inbox}' of entry "
                        f"point '{name}' has none; set business_hours on the rule",
                        path,
                    )
        answer = answers.get(rule.answer)
        if answer is None:
            continue
        content = cast(Answer, answer.model).content
        for needed, names in needs.items():
            lacking = [lang for lang, c in content.items() if needed not in c]
            if lacking:
                yield declared.source.problem(
                    f"answer '{rule.answer}' has no {needed} content in {', '.join(lacking)}, "
                    f"which entry point{'s' if len(names) > 1 else ''} {', '.join(names)} need"
                    f"{'' if len(names) > 1 else 's'}",
                    (*declared.path, "answer"),
                )


def _self_service(state: DesiredState, _: Invalid) -> Iterator[Problem]:
    """Chat widgets and help centers show answers: they need the right content types, in
    the languages they offer, and the languages must be the instance's."""
    answers = _usable(state, "answers", "content")
    settings = _settings(state, "languages")
    configured = list(cast(Settings, settings.model).languages) if settings else []

    def content_of(name: str | None) -> dict[str, Any] | None:
        found = answers.get(name) if name else None
        return cast(Answer, found.model).content if found else None

    def needing(
        declared: Declared, name: str | None, needed: str, languages: list[str], path: FieldPath
    ) -> Iterator[Problem]:
        content = content_of(name)
        if content is None:
            return  # unknown answers are reported as references
        lacking = [lang for lang in languages if needed not in content.get(lang, {})]
        if not any(needed in given for given in content.values()):
            yield declared.source.problem(f"answer '{name}' has no {needed} content", path)
        elif lacking:  # an error when none of the languages offered has it
            yield declared.source.problem(
                f"answer '{name}' has no {needed} content in {', '.join(lacking)}",
                path,
                severity=Severity.ERROR if lacking == languages else Severity.WARNING,
            )

    entry_points = _usable(state, "entry_points", "channel")
    for declared in _usable(state, "glad_apps", "languages").values():
        app = cast(GladApp, declared.model)
        yield from _unconfigured(declared, app.languages, configured)
        entry = entry_points.get(app.entry_point)
        if entry is not None and cast(EntryPoint, entry.model).channel != "chat":
            channel = cast(EntryPoint, entry.model).channel
            article = "an" if channel[0] in "aeiou" else "a"
            yield declared.source.problem(
                f"entry point '{app.entry_point}' is {article} {channel} entry point; a chat "
                "widget needs a chat one",
                (*declared.path, "entry_point"),
            )
        yield from needing(
            declared, app.greeting, "messaging", app.languages, (*declared.path, "greeting")
        )
        for index, action in enumerate(app.quick_actions):
            where: FieldPath = (*declared.path, "quick_actions", index, "answer")
            yield from needing(declared, action.answer, "public", app.languages, where)
    for declared in _usable(state, "help_centers", "languages").values():
        center = cast(HelpCenter, declared.model)
        yield from _unconfigured(declared, center.languages, configured)
        for index, name in enumerate(center.answers):
            where = (*declared.path, "answers", index)
            yield from needing(declared, name, "public", center.languages, where)


def _unconfigured(
    declared: Declared, languages: list[str], configured: list[str]
) -> Iterator[Problem]:
    """``declared.languages`` entries the instance does not have (none without settings)."""
    for index, language in enumerate(languages):
        if configured and language not in configured:
            yield declared.source.problem(
                f"language '{language}' is not configured for this instance "
                f"(settings.languages: {', '.join(configured)})",
                (*declared.path, "languages", index),
            )


def silent_after_hours(state: DesiredState) -> Iterator[tuple[Declared, EntryPoint]]:
    """sms and chat entry points whose inbox keeps hours but whose customers get no
    after-hours reply (:meth:`~gladcfg.config.routing.Routing.silent`)."""
    entry_points = _usable(state, "entry_points", "channel")
    kinds = {
        "inboxes": _usable(state, "inboxes"),
        "entry_points": entry_points,
        "auto_reply_rules": _usable(state, "auto_reply_rules", "entry_points"),
    }
    models = {kind: {n: d.model for n, d in by.items()} for kind, by in kinds.items()}
    for name, _, _ in Routing.of_models(state.instance, None, models).silent():
        yield entry_points[name], cast(EntryPoint, entry_points[name].model)


def _after_hours(state: DesiredState, _: Invalid) -> Iterator[Problem]:
    for declared, entry in silent_after_hours(state):
        yield declared.source.problem(
            f"{entry.channel} entry point has business hours (inbox '{entry.inbox}') but no "
            "enabled outside_business_hours auto-reply rule: customers writing after hours "
            "hear nothing",
            declared.path,
            key=True,
            severity=Severity.WARNING,
        )


_CHECKS: tuple[Callable[[DesiredState, Invalid], Iterator[Problem]], ...] = (
    _references,
    _topic_cycles,
    _renames,
    _hours,
    _addresses,
    _languages,
    _auto_replies,
    _self_service,
    _after_hours,
)
