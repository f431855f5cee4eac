"""Checks that need more than one field or one resource (SPEC §3): those of no one kind
(references, renames, the house rules of ``policy:``, after-hours replies) here, then each
kind's own (:attr:`gladcfg.model.resource.Kind.checks`: cycles of topics, overlapping hours,
per-channel addresses, translations, what auto-replies and widgets can send), in apply order.

Each check reads the desired state and yields problems; none of them raises, so a run
reports everything it finds. A resource declared with errors in required fields is still
checked by every check that does not read them
(:meth:`~gladcfg.config.desired.DesiredState.usable`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import cast

from gladcfg.config.desired import Declared, DesiredState
from gladcfg.config.routing import Routing
from gladcfg.errors import Problem, Severity
from gladcfg.kinds import REGISTRY
from gladcfg.kinds.answers import Answer
from gladcfg.kinds.entry_points import EntryPoint
from gladcfg.kinds.settings import Settings
from gladcfg.model.kinds import KIND_MODELS, reference_paths
from gladcfg.model.project import Policy
from gladcfg.model.resource import Invalid
from gladcfg.names import code_points, same_name_key, suggest
from gladcfg.patterns import compile_pattern


def check_desired_state(
    state: DesiredState, invalid: Invalid, policy: Policy | None = None
) -> list[Problem]:
    problems: list[Problem] = []
    for check in _CHECKS:
        problems.extend(check(state, invalid))
    if policy is not None:
        problems.extend(_policy(state, policy))
    return [replace(p, instances=(state.instance,)) for p in problems]


def _policy(state: DesiredState, policy: Policy) -> Iterator[Problem]:
    """The project's house rules (``policy:`` in gladcfg.yaml)."""
    for kind, pattern in policy.naming.items():
        compiled = compile_pattern(pattern)  # valid: gladcfg.yaml was validated
        for declared in state.usable(kind).values():
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
    settings = state.usable_settings("languages")
    if settings is not None:
        configured = cast(Settings, settings.model).languages
        missing = [language for language in required if language not in configured]
        if missing:
            yield settings.source.problem(
                f"the policy requires {', '.join(missing)} (policy.required_languages)",
                ("settings", "languages"),
            )
    for declared in state.usable("answers", "content").values():
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
        yield from state.usable(kind).values()


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


def silent_after_hours(state: DesiredState) -> Iterator[tuple[Declared, EntryPoint]]:
    """sms and chat entry points whose inbox keeps hours but whose customers get no
    after-hours reply (:meth:`~gladcfg.config.routing.Routing.silent`)."""
    entry_points = state.usable("entry_points", "channel")
    kinds = {
        "inboxes": state.usable("inboxes"),
        "entry_points": entry_points,
        "auto_reply_rules": state.usable("auto_reply_rules", "entry_points"),
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


# The checks of no one kind, then each kind's own, in apply order.
_CHECKS: tuple[Callable[[DesiredState, Invalid], Iterator[Problem]], ...] = (
    _references,
    _renames,
    *(check for kind in REGISTRY.values() for check in kind.checks),
    _after_hours,
)
