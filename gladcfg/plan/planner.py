"""Compute a plan: the desired state of one instance against what its adapter read.

Remote objects are matched to declared ones by kind and name (no state file). What the
adapter can do (its :class:`~gladcfg.adapter.base.Capabilities`) decides the action: writable
kinds get create/update/rename/delete, read-only kinds the same as ``manual`` changes, hidden
kinds a ``not_managed`` note. Only the fields the instance shows are compared, and every
other declared field is named in ``not_managed`` too (``settings.languages``): nothing
declared is ignored without the plan saying so. An update or rename that would clear a
field the adapter can set but not clear (``unsettable``) is a manual change, never sent.
"""

from __future__ import annotations

import difflib
import fnmatch
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from itertools import chain
from typing import Any

from gladcfg import __version__
from gladcfg.adapter.base import Access, Capabilities, RemoteObject, RemoteState
from gladcfg.errors import TargetError
from gladcfg.model.kinds import (
    KINDS,
    address_of,
    comparable,
    is_singleton,
    references_in,
    rename_references,
)
from gladcfg.model.plan import Action, Change, Plan, Snapshot, not_managed_order
from gladcfg.model.project import InstanceBase
from gladcfg.names import escaped, shown
from gladcfg.plan.diff import field_diff
from gladcfg.plan.safety import check_safety
from gladcfg.plan.specs import DesiredSpecs, Spec

_WRITE_ORDER = {kind: index for index, kind in enumerate(KINDS)}


def matches(address: str, globs: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(address, glob) for glob in globs)


def plan_instance(
    desired: DesiredSpecs,
    remote: RemoteState,
    capabilities: Capabilities,
    config: InstanceBase,
    *,
    targets: tuple[str, ...] = (),
    warnings: Iterable[str] = (),
    reads: dict[str, Any] | None = None,
) -> Plan:
    changes: list[Change] = []
    unmanaged: list[str] = []
    not_managed: list[str] = []
    notes = list(warnings)
    unchanged = 0
    renames = _renames(desired, remote, config.ignore)
    for kind in KINDS:
        mode = capabilities.access_of(kind)
        declared = {
            name: spec
            for name, spec in desired.of_kind(kind).items()
            if not matches(address_of(kind, name), config.ignore)
        }
        if mode is Access.HIDDEN:
            if declared:
                not_managed.append(kind)
            continue
        readable = capabilities.readable(kind)
        if readable is not None:
            not_managed.extend(_unread_fields(kind, declared.values(), readable))
        unsettable = capabilities.unsettable_of(kind) if mode is Access.WRITE else frozenset()
        existing = {
            name: obj
            for name, obj in remote.of(kind).items()
            if not matches(address_of(kind, name), config.ignore)
        }
        matched: set[str] = set()
        for name, spec in declared.items():
            change = _compare(
                kind,
                name,
                spec,
                old=desired.old_name(kind, name),
                existing=existing,
                declared=declared,
                matched=matched,
                renames=renames,
                readable=readable,
            )
            if change is None:
                unchanged += 1
            elif mode is Access.READ_ONLY or (unsettable and change.clears(unsettable)):
                changes.append(_as_manual(change))
            else:
                changes.append(change)
        for name, obj in existing.items():
            if name in matched:
                continue
            address = address_of(kind, name)
            if not config.prune or is_singleton(kind):  # a singleton is never deleted
                unmanaged.append(address)
            elif address in desired.protected or matches(address, config.protect):
                notes.append(f"{address} is not declared but protected: not deleted")
                unmanaged.append(address)
            else:
                unwritable = mode is Access.READ_ONLY or obj.undeletable is not None
                delete = Change.of(
                    kind,
                    name,
                    Action.DELETE,
                    before=obj.spec,
                    remote_id=obj.id,
                    disables=not unwritable and kind in capabilities.disables,
                )
                if obj.undeletable is not None:
                    notes.append(f"{address}: {obj.undeletable}")
                changes.append(_as_manual(delete) if unwritable else delete)
    untargeted = 0
    if targets:
        _check_targets(targets, desired, remote, config.ignore)
        planned = len(changes)
        changes = _targeted(changes, targets)
        untargeted = planned - len(changes)
    changes.sort(key=_display_order)
    safety = check_safety(config.safety, remote, capabilities.access, config.ignore, changes)
    return Plan.of(
        instance=desired.instance,
        adapter=capabilities.adapter,
        fingerprint=remote.fingerprint(),
        changes=tuple(changes),
        unchanged=unchanged,
        unmanaged=tuple(sorted(unmanaged)),
        not_managed=tuple(sorted(not_managed, key=not_managed_order)),
        warnings=tuple(notes),
        safety=safety,
        targets=targets,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        gladcfg_version=__version__,
        ignore=tuple(config.ignore),
        reads=reads,
        snapshot=Snapshot.of(remote.snapshot) if remote.snapshot else None,
        untargeted=untargeted,
    )


def _compare(
    kind: str,
    name: str,
    declared_spec: Spec,
    *,
    old: str | None,
    existing: Mapping[str, RemoteObject],
    declared: Mapping[str, Spec],
    matched: set[str],
    renames: Mapping[str, Mapping[str, str]],
    readable: frozenset[str] | None,
) -> Change | None:
    want = declared_spec
    if readable is not None:  # compare only what the instance can show
        want = {key: value for key, value in want.items() if key in readable}
    obj = existing.get(name)
    if obj is not None:
        matched.add(name)
        have = _follow_renames(kind, obj.spec, renames)
        if have == want:
            return None
        shown_before, shown_after = comparable(kind, have), comparable(kind, want)
        if shown_before == shown_after:
            return None
        return Change.of(
            kind,
            name,
            Action.UPDATE,
            before=have,
            after=want,
            diff=field_diff(shown_before, shown_after),
            remote_id=obj.id,
        )
    if old and old in existing and old not in declared and old not in matched:
        matched.add(old)
        before = existing[old]
        have = _follow_renames(kind, before.spec, renames)
        shown_before, shown_after = comparable(kind, have), comparable(kind, want)
        diff = () if shown_before == shown_after else field_diff(shown_before, shown_after)
        return Change.of(
            kind,
            name,
            Action.RENAME,
            before=have,
            after=want,
            diff=diff,
            renamed_from=old,
            remote_id=before.id,
        )
    # A create carries everything declared: done by hand, it is the admin's checklist.
    return Change.of(kind, name, Action.CREATE, after=declared_spec)


def _unread_fields(kind: str, specs: Iterable[Spec], readable: frozenset[str]) -> list[str]:
    """``kind.field`` of each field some spec declares that the instance does not show:
    never compared, never written, so the plan lists it as not managed."""
    declared: set[str] = set().union(*specs)
    return [f"{kind}.{field}" for field in sorted(declared - readable)]


def _renames(
    desired: DesiredSpecs, remote: RemoteState, ignore: Iterable[str]
) -> dict[str, dict[str, str]]:
    """Per kind, old name → new name of the renames this plan will make."""
    renames: dict[str, dict[str, str]] = {}
    for kind, renamed in desired.renamed_from.items():
        declared, existing = desired.of_kind(kind), remote.of(kind)
        for name, old in renamed.items():
            if (
                name not in existing
                and not matches(address_of(kind, name), ignore)
                and old in existing
                and old not in declared
                and not matches(address_of(kind, old), ignore)
            ):
                renames.setdefault(kind, {})[old] = name
    return renames


def _follow_renames(
    kind: str, spec: dict[str, Any], renames: Mapping[str, Mapping[str, str]]
) -> dict[str, Any]:
    """The remote spec as it will read after the renames: references are by id on an
    instance, so they follow a renamed object."""
    return rename_references(kind, spec, renames) if renames else spec


def _as_manual(change: Change) -> Change:
    return Change.of(
        change.kind,
        change.name,
        Action.MANUAL,
        before=change.before,
        after=change.after,
        diff=change.diff,
        renamed_from=change.renamed_from,
        remote_id=change.remote_id,
        manual_action=change.action,
    )


def _check_targets(
    targets: tuple[str, ...], desired: DesiredSpecs, remote: RemoteState, ignore: Iterable[str]
) -> None:
    """Every ``--target`` names something: a pattern that matches no object the files
    declare or the instance holds is a typo, and a plan that silently shows nothing for it
    would tell a pipeline that all is well."""
    addresses = sorted(
        {
            address
            for kind in KINDS
            for names in (desired.of_kind(kind), remote.of(kind))
            for address in (address_of(kind, name) for name in names)
            if not matches(address, ignore)
        }
    )
    unmatched = [glob for glob in targets if not any(matches(a, (glob,)) for a in addresses)]
    if not unmatched:
        return
    lines = [
        f"--target {shown(glob)} matches nothing in {escaped(desired.instance)}"
        + nearest(glob, addresses)
        for glob in unmatched
    ]
    raise TargetError(
        "; ".join(lines) + ". A target is a glob of addresses (kind.name, e.g. "
        "'inboxes.*'): nothing was planned"
    )


def nearest(glob: str, addresses: list[str]) -> str:
    """The addresses most like ``glob``, to say what it may have meant."""
    literal = glob.replace("*", "").replace("?", "")
    kind = glob.partition(".")[0]
    near = difflib.get_close_matches(literal, addresses, n=3, cutoff=0.5)
    if not near:
        near = [a for a in addresses if a.startswith(f"{kind}.")][:3] or addresses[:3]
    if not near:
        return " (the instance and the files hold no objects)"
    return " (nearest: " + ", ".join(escaped(a) for a in near) + ")"


def _targeted(changes: list[Change], targets: tuple[str, ...]) -> list[Change]:
    """The changes matching ``--target``, with the creates and renames they depend on:
    those their ``after`` refers to, and the renames their ``before`` already follows."""
    by_key = {(c.kind, c.name): c for c in changes}
    chosen: dict[tuple[str, str], Change] = {}
    queue = [c for c in changes if matches(c.address, targets)]
    while queue:
        change = queue.pop()
        if (change.kind, change.name) in chosen:
            continue
        chosen[(change.kind, change.name)] = change
        for _, *key in chain(
            references_in(change.kind, change.after), references_in(change.kind, change.before)
        ):
            dependency = by_key.get((key[0], key[1]))
            if dependency is not None and dependency.action in (Action.CREATE, Action.RENAME):
                queue.append(dependency)
    return list(chosen.values())


def _display_order(change: Change) -> tuple[int, int, str]:
    if change.effective_action is Action.DELETE:
        return (1, -_WRITE_ORDER[change.kind], change.name)
    return (0, _WRITE_ORDER[change.kind], change.name)
