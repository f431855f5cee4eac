"""Is a saved plan one gladcfg made, unedited, for this instance?

``show`` renders a plan's ``diff`` and ``apply PLANFILE`` sends its ``after`` values, so a plan
is trusted only once all its parts agree: with each other, with the project, with the instance.
Each check returns every reason it finds (an empty list: the plan holds), in three rounds, as
what they need becomes available:

* :func:`load_problems`, the plan alone, on every load of a plan file (the validation of
  :class:`~gladcfg.model.plan.Plan`): addresses and the summary are those of the changes, and
  :func:`plan_problems` holds: each change carries exactly the fields its action uses; every
  written ``after`` is what its kind's model makes of it (the validation files get), every
  ``diff`` the one derived from ``before`` and ``after``; no object is changed twice; the
  safety figures are those of the changes and the limits;
* :func:`project_problems`, against ``gladcfg.yaml``: this adapter and this gladcfg made the
  plan, under the same safety limits and ignore globs, and each change is one the instance's
  adapter makes (read-only kinds only as manual changes, hidden kinds not at all, writable
  kinds as manual changes exactly when they clear a field the adapter cannot clear, or
  delete what the instance refuses to delete);
* :func:`remote_problems`, against the instance re-read under its lock: each changed object is
  there (or, for a create, is not) with the id and spec the plan says it has, and the count of
  managed objects behind the safety figures is right.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from gladcfg import __version__
from gladcfg.adapter.base import Access, RemoteState, access_of
from gladcfg.errors import PlanFileError
from gladcfg.model.kinds import (
    KINDS,
    address_of,
    comparable,
    is_singleton,
    model_of,
    rename_references,
)
from gladcfg.model.plan import Action, Change, Plan, Summary, not_managed_order
from gladcfg.model.project import InstanceBase
from gladcfg.model.resource import META_FIELDS
from gladcfg.model.types import is_name
from gladcfg.names import same_name_key, shown, suggest, twin_name
from gladcfg.plan.diff import changed_paths, field_diff
from gladcfg.plan.safety import assess, count_existing

MODIFIED = "this plan file was modified or belongs elsewhere"
SHOWN_REASONS = 10

# Per action: which of before, after, renamed_from and remote_id it carries.
_SHAPES = {
    Action.CREATE: (False, True, False, False),
    Action.UPDATE: (True, True, False, True),
    Action.RENAME: (True, True, True, True),
    Action.DELETE: (True, False, False, True),
}
_FIELDS = ("before", "after", "renamed_from", "remote_id")


def refuse(reasons: list[str], where: str = "") -> PlanFileError:
    """The one error for a plan that does not hold, listing why."""
    listed = "".join(f"\n  - {reason}" for reason in reasons[:SHOWN_REASONS])
    more = len(reasons) - SHOWN_REASONS
    if more > 0:
        listed += f"\n  - and {more} more"
    prefix = f"{where}: " if where else ""
    return PlanFileError(
        f"{prefix}{MODIFIED}; nothing was sent. Make a new plan with gladcfg plan --out.{listed}"
    )


def load_problems(plan: Plan, *, thorough: bool = True) -> list[str]:
    """Every reason a loaded plan does not hold on its own: :func:`plan_problems`, and the
    parts of the file derived from others (addresses, the summary). Without ``thorough``,
    each change's values are not held to its kind's model nor its diff derived again: a
    plan about to be bound to its files (:mod:`.binding`) is compared with the plan they
    make, which proves both, and checked thoroughly only to say why it is not that plan."""
    reasons = [
        f"changes[{index}]: address {c.address!r} is not the address of {c.kind} {c.name!r}"
        for index, c in enumerate(plan.changes)
        if c.address != address_of(c.kind, c.name)
    ]
    counted = Summary.of(plan.changes, plan.unchanged)
    reasons += [
        f"summary: {getattr(plan.summary, action)} to {action}, but the changes hold {count}"
        for action in Summary.model_fields
        if getattr(plan.summary, action) != (count := getattr(counted, action))
    ]
    if plan.untargeted and not plan.targets:
        reasons.append(f"untargeted: {plan.untargeted} change(s) outside targets it has none of")
    return reasons + plan_problems(plan, thorough=thorough)


def plan_problems(plan: Plan, *, thorough: bool = True) -> list[str]:
    reasons: list[str] = []
    touched: dict[tuple[str, str], int] = {}
    for index, change in enumerate(plan.changes):
        label = f"changes[{index}] ({change.address})"
        found = change_problems(change, thorough=thorough)
        reasons.extend(f"{label}: {reason}" for reason in found)
        for key in _touches(change):
            if key in touched:
                reasons.append(f"{label}: changes an object changes[{touched[key]}] changes too")
            touched.setdefault(key, index)
    expected = assess(plan.safety.limits, plan.safety.existing, plan.changes)
    if expected != plan.safety:
        reasons.append(
            f"safety: the changes make {expected.updates} update(s) and {expected.deletes} "
            f"delete(s) of {plan.safety.existing} with {len(expected.violations)} threshold(s) "
            f"exceeded; the plan says {plan.safety.updates}, {plan.safety.deletes} and "
            f"{len(plan.safety.violations)}"
        )
    reasons.extend(_listing_problems(plan))
    return reasons


def change_problems(change: Change, *, thorough: bool = True) -> list[str]:
    if change.kind not in KINDS:
        return [f"kind '{change.kind}' does not exist{suggest(change.kind, KINDS)}"]
    reasons = [
        f"{field} {value!r} is not a valid name"
        for field, value in (("name", change.name), ("renamed_from", change.renamed_from))
        if value is not None and not is_name(value)
    ]
    if is_singleton(change.kind) and change.name != change.kind:
        reasons.append(f"the {change.kind} singleton is named '{change.kind}'")
    manual = change.action is Action.MANUAL
    if manual != (change.manual_action is not None):
        reasons.append("manual_action is given for, and only for, a manual change")
        return reasons
    action = change.effective_action
    for field, wanted in zip(_FIELDS, _SHAPES[action], strict=True):
        if (getattr(change, field) is not None) != wanted:
            article = "an" if action is Action.UPDATE else "a"
            reasons.append(f"{article} {action.value} {'needs' if wanted else 'has no'} {field}")
    if reasons:
        return reasons
    if action is Action.RENAME and (
        change.renamed_from == change.name or is_singleton(change.kind)
    ):
        reasons.append("renames nothing")
    if change.disables and change.action is not Action.DELETE:
        reasons.append("only a delete the instance makes can be made by disabling")
    if not thorough:
        return reasons
    before = comparable(change.kind, change.before)
    after = comparable(change.kind, change.after)
    if action is Action.UPDATE and _same(before, after):
        reasons.append("an update that changes nothing")
    expected = field_diff(before, after) if before is not None and after is not None else ()
    if not _same(_diff_rows(change.diff), _diff_rows(expected)):
        reasons.append("diff is not the difference between before and after")
    if change.after is not None:
        reasons.extend(_after_problems(change.kind, change.after, manual=manual))
    return reasons


def project_problems(
    plan: Plan,
    config: InstanceBase,
    access: Mapping[str, Access],
    *,
    unsettable: Mapping[str, frozenset[str]] | None = None,
    undeletable: frozenset[str] | None = None,
    disables: frozenset[str] | None = None,
) -> list[str]:
    """``plan`` against the instance ``gladcfg.yaml`` declares under ``plan.instance``,
    whose adapter has ``access`` and sets but cannot clear the ``unsettable`` fields
    (:attr:`~gladcfg.adapter.base.Capabilities.unsettable`). Without ``unsettable``, a
    manual change of a writable kind is taken as one if it clears some field: it is
    never sent, and the adapter refuses a write that would clear what it cannot. Likewise
    a manual delete of a writable kind is taken as one only of a kind in ``undeletable``
    (without it, of any kind), and a delete says it disables exactly when the adapter's
    delete of its kind does (``disables``; without it, not checked)."""
    reasons = []
    if plan.adapter != config.adapter:
        reasons.append(f"made for a {plan.adapter} instance; {plan.instance} is {config.adapter}")
    if plan.gladcfg_version != __version__:
        reasons.append(f"made by gladcfg {plan.gladcfg_version or '?'}; this is {__version__}")
    if plan.safety.limits != config.safety:
        reasons.append(f"made under other safety limits than gladcfg.yaml sets for {plan.instance}")
    if list(plan.ignore) != list(config.ignore):
        reasons.append(f"made under other ignore globs than gladcfg.yaml sets for {plan.instance}")
    for entry in plan.not_managed:
        kind, _, field = entry.partition(".")
        hidden = access_of(access, kind) is Access.HIDDEN
        if not field and not hidden:
            reasons.append(f"not_managed: {config.adapter} manages {kind} on {plan.instance}")
        elif field and hidden:
            reasons.append(
                f"not_managed: {config.adapter} reads no {kind} on {plan.instance}: "
                f"the kind is not managed, not {entry}"
            )
    for index, change in enumerate(plan.changes):
        mode = access_of(access, change.kind)
        manual = change.action is Action.MANUAL
        cleared = _cleared(change, unsettable)
        if mode is Access.HIDDEN:
            problem = f"{config.adapter} can neither read nor write {change.kind}"
        elif mode is Access.WRITE and not manual and cleared and unsettable is not None:
            article = "an" if change.action is Action.UPDATE else "a"
            problem = (
                f"{article} {change.action.value} that clears {', '.join(cleared)}, which "
                f"{config.adapter} cannot clear: only a manual change"
            )
        elif manual != (mode is Access.READ_ONLY) and not (
            manual and (cleared or _refused_delete(change, undeletable))
        ):
            can = "only reads" if mode is Access.READ_ONLY else "writes"
            problem = f"a {change.action.value} change, but {config.adapter} {can} {change.kind}"
        elif any(_ignored(address, config.ignore) for address in _addresses(change)):
            problem = "ignored in gladcfg.yaml: never planned or touched"
        elif (
            disables is not None
            and change.action is Action.DELETE
            and change.disables != (change.kind in disables)
        ):
            said = "only disables" if change.disables else "deletes"
            does = "only disables" if change.kind in disables else "deletes"
            problem = f"says the delete {said}, but {config.adapter} {does} {change.kind}"
        else:
            continue
        reasons.append(f"changes[{index}] ({change.address}): {problem}")
    return reasons


def _cleared(change: Change, unsettable: Mapping[str, frozenset[str]] | None) -> list[str]:
    """The fields an update or rename clears of those the adapter cannot clear (not known:
    of every field)."""
    if change.effective_action not in (Action.UPDATE, Action.RENAME):
        return []
    if unsettable is None:
        return change.clears(set(change.before or ()))
    return change.clears(unsettable.get(change.kind, frozenset()))


def _refused_delete(change: Change, undeletable: frozenset[str] | None) -> bool:
    """Whether ``change`` is a manual delete the instance may refuse to make: of a kind
    ``undeletable`` names (without it, of any kind). The instance re-read for the apply
    shows whether its object is one (:func:`remote_problems`)."""
    kinds_ok = undeletable is None or change.kind in undeletable
    return change.manual_action is Action.DELETE and kinds_ok


def remote_problems(plan: Plan, remote: RemoteState, access: Mapping[str, Access]) -> list[str]:
    """``plan`` against the instance as re-read (its fingerprint already matched)."""
    reasons = []
    existing = count_existing(remote, access, plan.ignore)
    if existing != plan.safety.existing:
        reasons.append(
            f"safety: the instance has {existing} managed objects; "
            f"the plan says {plan.safety.existing}"
        )
    renames: dict[str, dict[str, str]] = {}
    for change in plan.changes:
        if change.effective_action is Action.RENAME and change.renamed_from is not None:
            renames.setdefault(change.kind, {})[change.renamed_from] = change.name
    twins = _Twins(remote)
    for index, change in enumerate(plan.changes):
        label = f"changes[{index}] ({change.address})"
        reasons.extend(f"{label}: {r}" for r in _object_problems(change, remote, renames, twins))
        held = remote.of(change.kind).get(change.name)
        if (
            change.action is Action.MANUAL
            and change.manual_action is Action.DELETE
            and access_of(access, change.kind) is Access.WRITE
            and held is not None
            and held.undeletable is None
        ):
            reasons.append(f"{label}: a manual delete, but the instance deletes it when asked")
    return reasons


class _Twins:
    """The instance's names by their normalised form, built per kind when first needed: a
    name that differs from one on the instance only in its Unicode encoding would make a
    lookalike twin, not a new object."""

    def __init__(self, remote: RemoteState) -> None:
        self._remote = remote
        self._keys: dict[str, dict[str, str]] = {}

    def of(self, kind: str, name: str) -> str | None:
        keys = self._keys.get(kind)
        if keys is None:
            keys = self._keys[kind] = {
                same_name_key(n): n for n in self._remote.of(kind) if not n.isascii()
            }
        return twin_name(self._remote.of(kind), keys, name)


def _object_problems(
    change: Change,
    remote: RemoteState,
    renames: Mapping[str, Mapping[str, str]],
    twins: _Twins,
) -> Iterable[str]:
    objects = remote.of(change.kind)
    action = change.effective_action
    twin = twins.of(change.kind, change.name) if action in (Action.CREATE, Action.RENAME) else None
    if twin == change.name:
        yield f"{change.address} exists on the instance already"
    elif twin is not None:
        yield (
            f"{change.address} would be a twin of {change.kind}.{shown(twin)}, the same name "
            "once Unicode-normalised; spell it as the instance does"
        )
    if action is Action.CREATE:
        return
    name = change.renamed_from if action is Action.RENAME else change.name
    assert name is not None
    obj = objects.get(name)
    if obj is None:
        yield f"{change.kind}.{name} is not on the instance"
        return
    if obj.id != change.remote_id:
        yield f"remote_id {change.remote_id!r}, but the instance's is {obj.id!r}"
    # A plan shows references to objects it renames by their new names.
    if not (
        _same(change.before, obj.spec)
        or _same(change.before, rename_references(change.kind, obj.spec, renames))
    ):
        yield "before is not what the instance holds"


def _after_problems(kind: str, after: dict[str, Any], *, manual: bool) -> list[str]:
    """``after`` through the kind's model: a change sends exactly what a file would."""
    model: type[BaseModel] | None = model_of(kind)
    assert model is not None  # the kind was checked first
    try:
        validated = model.model_validate(after)
    except ValidationError as exc:
        # A manual change shows only the fields the instance can show: some may be missing.
        errors = [
            e
            for e in exc.errors()
            if not (manual and e["type"] == "missing" and len(e["loc"]) == 1)
        ]
        return [f"after.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors[:3]] + (
            [f"after: {len(errors) - 3} more error(s)"] if len(errors) > 3 else []
        )
    if manual:  # never sent; and an instance may show fewer fields than a file declares
        return []
    canonical = validated.canonical()  # type: ignore[attr-defined]
    if _same(canonical, after):
        return []
    paths = ", ".join(".".join(str(p) for p in path) for path in changed_paths(after, canonical))
    return [f"after is not as the {kind} model reads it (at {paths or 'its values'})"]


def _listing_problems(plan: Plan) -> Iterable[str]:
    for entry in plan.not_managed:
        yield from _not_managed_problems(entry)
    if list(plan.not_managed) != sorted(set(plan.not_managed), key=not_managed_order):
        yield "not_managed: not in gladcfg's order, or an entry is listed twice"
    changed = {change.address for change in plan.changes}
    for address in plan.unmanaged:
        kind = address.partition(".")[0]
        if kind not in KINDS or address in changed:
            yield f"unmanaged: {address!r} is not an unchanged address of a known kind"
    for kind, by_name in (plan.reads or {}).items():
        if kind not in KINDS or not isinstance(by_name, dict):
            yield f"reads: {kind!r} is not a kind read by name"
        elif not all(isinstance(spec, dict) for spec in by_name.values()):
            yield f"reads.{kind}: every entry is a spec"


def _not_managed_problems(entry: str) -> Iterable[str]:
    """An entry names a kind (``entry_points``) or a field of one (``settings.languages``)."""
    kind, dot, field = entry.partition(".")
    model = model_of(kind)
    if model is None:
        yield f"not_managed: kind '{kind}' does not exist{suggest(kind, KINDS)}"
        return
    fields = [name for name in model.model_fields if name not in META_FIELDS]
    if dot and field not in fields:
        yield f"not_managed: '{field}' is not a field of {kind}{suggest(field, fields)}"


def _touches(change: Change) -> Iterable[tuple[str, str]]:
    yield change.kind, change.name
    if change.renamed_from is not None:
        yield change.kind, change.renamed_from


def _addresses(change: Change) -> Iterable[str]:
    yield change.address
    if change.renamed_from is not None:
        yield f"{change.kind}.{change.renamed_from}"


def _ignored(address: str, globs: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(address, glob) for glob in globs)


def _diff_rows(diff: Iterable[Any]) -> list[list[Any]]:
    return [[d.path, d.before, d.after] for d in diff]


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON: unlike ``==``, ``1``, ``1.0`` and ``true`` differ."""
    return _json(a) == _json(b)


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
