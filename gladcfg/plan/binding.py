"""Is a saved plan what the project's files make of the instance now?

The plan-file checks (:mod:`gladcfg.plan.verify`) prove a saved plan is self-consistent, was
made under this project's settings, and that the instance is as it was read; they cannot
tell a plan gladcfg made from one edited consistently (a value changed everywhere it
appears, a delete added with its figures fixed up). So ``apply PLANFILE`` plans again, from
the files and the instance it re-reads under the instance's lock, and applies the saved plan
only if that plan's changes are exactly the saved ones: the same addresses in the same order,
each with the same action, ``before``, ``after``, rename and id. What a reviewer saw is what
is applied, or nothing is.

A rollback plan (``apply --rollback-out``) restores what the instance held before an apply,
which no file declares: it is bound to the instance it was made for by its fingerprint, and
applied only when the command line says it is one (``apply --rollback``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from gladcfg.errors import PlanFileError, path_shown
from gladcfg.fieldpath import format_path
from gladcfg.model.plan import Action, Change, Plan
from gladcfg.names import escaped
from gladcfg.plan.diff import MISSING, changed_paths, value_at

SOURCES_CHANGED = (
    "the project's files, as they are now, do not make this plan of the instance: they "
    "changed since it was made, or the plan file was edited"
)
_SHOWN_CHARS = 80
SHOWN_REASONS = 5


def unbound(reasons: list[str], where: str) -> PlanFileError:
    """The error for a saved plan the files no longer make, naming the first differences."""
    listed = "".join(f"\n  - {reason}" for reason in reasons[:SHOWN_REASONS])
    if len(reasons) > SHOWN_REASONS:
        listed += f"\n  - and {len(reasons) - SHOWN_REASONS} more difference(s)"
    return PlanFileError(
        f"{escaped(where)}: {SOURCES_CHANGED}; nothing was sent. What was reviewed is not "
        f"what would be applied: make a new plan (gladcfg plan --out FILE) and review it.{listed}"
    )


def binding_problems(saved: Plan, fresh: Plan, files: Mapping[str, str]) -> list[str]:
    """Where ``saved`` differs from ``fresh``, the plan made now of the same instance state
    (``files`` gives the file that declares each address), first difference first; empty:
    ``saved`` shows and applies exactly what ``fresh`` does. Values compare as Python's
    ``==`` does (``1 == 1.0``): what is sent is ``fresh``'s, gladcfg's own."""
    ours = {change.address: change for change in fresh.changes}
    theirs = {change.address: change for change in saved.changes}
    reasons: list[str] = []
    for change in saved.changes:
        made = ours.get(change.address)
        if made is None:
            reasons.append(_not_made(change, files))
        elif not _same_change(change, made):
            reasons.append(_difference(change, made, files))
    for change in fresh.changes:
        if change.address not in theirs:
            reasons.append(_missing(change, files))
    if reasons:
        return reasons
    if [c.address for c in saved.changes] != [c.address for c in fresh.changes]:
        return ["its changes are not in the order gladcfg applies them"]
    return [
        f"{part}: {_shown(getattr(saved, part))} in the plan, {_shown(getattr(fresh, part))} now"
        for part in _SHOWN_PARTS
        if _dumped(getattr(saved, part)) != _dumped(getattr(fresh, part))
    ]


# What a reviewer reads of a plan besides its changes, which must be what it is now too.
_SHOWN_PARTS = ("summary", "safety", "untargeted", "unmanaged", "not_managed")
_IDENTITY = ("kind", "name", "action", "manual_action", "renamed_from", "remote_id")


def _dumped(value: Any) -> Any:
    return value.model_dump() if hasattr(value, "model_dump") else value


def _same_change(saved: Change, made: Change) -> bool:
    return (
        all(getattr(saved, field) == getattr(made, field) for field in _IDENTITY)
        and saved.after == made.after
        and saved.before == made.before
        and _rows(saved) == _rows(made)
    )


def _rows(change: Change) -> list[tuple[str, Any, Any]]:
    return [(d.path, d.before, d.after) for d in change.diff]


def _where(address: str, files: Mapping[str, str]) -> str:
    file = files.get(address)
    return f" ({path_shown(file)})" if file else ""


def _not_made(change: Change, files: Mapping[str, str]) -> str:
    declared = "declared" if change.address in files else "declared nowhere"
    return (
        f"{escaped(change.address)}{_where(change.address, files)}: the plan "
        f"{_verb(change)} it, but the files ({declared}) and the instance need no such change"
    )


def _missing(change: Change, files: Mapping[str, str]) -> str:
    return (
        f"{escaped(change.address)}{_where(change.address, files)}: the files "
        f"{_verb(change)} it, but the plan does not"
    )


def _verb(change: Change) -> str:
    action = change.effective_action
    verb = {Action.CREATE: "creates", Action.UPDATE: "updates"}.get(action, f"{action.value}s")
    return f"{verb} (by hand)" if change.action is Action.MANUAL else verb


def _difference(saved: Change, made: Change, files: Mapping[str, str]) -> str:
    label = f"{escaped(saved.address)}{_where(saved.address, files)}"
    if saved.action is not made.action or saved.manual_action is not made.manual_action:
        return f"{label}: the plan {_verb(saved)} it; the files {_verb(made)} it"
    for field in _IDENTITY:
        if getattr(saved, field) != getattr(made, field):
            return (
                f"{label}: {field} is {_shown(getattr(saved, field))} in the plan, "
                f"{_shown(getattr(made, field))} now"
            )
    if saved.after != made.after:
        return _field(label, saved.after, made.after, "in the plan", "in the files")
    if saved.before != made.before:
        return _field(label, saved.before, made.before, "in the plan", "on the instance")
    return f"{label}: its diff is not the difference between its before and after"


def _field(label: str, planned: Any, now: Any, was: str, is_: str) -> str:
    if not isinstance(planned, dict) or not isinstance(now, dict):
        return f"{label}: {_shown(planned)} {was}, {_shown(now)} {is_}"
    paths = changed_paths(planned, now) or [()]
    path = paths[0]
    old, new = value_at(planned, path), value_at(now, path)
    shown = format_path(path) if path else "the values"
    return f"{label}: {shown} is {_shown(old)} {was}, {_shown(new)} {is_}"


def _shown(value: Any) -> str:
    if value is MISSING or value is None:
        return "not set"
    text = json.dumps(_dumped(value), ensure_ascii=False, sort_keys=True, default=str)
    if len(text) > _SHOWN_CHARS:
        text = text[: _SHOWN_CHARS - 1] + "…"
    return escaped(text)
