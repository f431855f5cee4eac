"""The plan that undoes an apply: from what the instance held before and what it holds after.

Only changes that were applied are undone: a create becomes a delete, an update restores the
fields it changed, a rename goes back (with the values from before), a delete recreates the
object. The result is an ordinary saved plan, fingerprinted with the state the apply left and
judged by the same safety limits, so applying it later is refused if anything has changed
since, or without --force past the limits, like any saved plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from gladcfg import __version__
from gladcfg.adapter.base import Access, RemoteObject, RemoteState
from gladcfg.engine.apply import ApplyReport, Outcome, Status
from gladcfg.plan.diff import field_diff
from gladcfg.plan.model import Action, Change, Plan
from gladcfg.plan.safety import check_safety


def rollback_plan(
    plan: Plan,
    report: ApplyReport,
    before: RemoteState,
    after: RemoteState,
    access: Mapping[str, Access],
) -> Plan:
    """The plan that takes the instance from ``after`` back to ``before``, for what
    ``report`` says was applied of ``plan`` (through an adapter with ``access``)."""
    changes = [
        undo
        for outcome in report.outcomes
        if outcome.status is Status.APPLIED
        for undo in [_undo(outcome, before, after)]
        if undo is not None
    ]
    # Creates, updates and renames first (in the order a plan lists them), deletes last.
    changes.sort(key=lambda c: c.action is Action.DELETE)
    return Plan.of(
        plan.instance,
        plan.adapter,
        after.fingerprint(),
        tuple(changes),
        0,
        not_managed=plan.not_managed,
        warnings=(f"rollback of an apply to {plan.instance}",),
        safety=check_safety(plan.safety.limits, after, access, plan.ignore, changes),
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        gladcfg_version=__version__,
        ignore=plan.ignore,
        reads=plan.reads,
    )


def _undo(outcome: Outcome, before: RemoteState, after: RemoteState) -> Change | None:
    change = outcome.change
    kind = change.kind
    now = after.of(kind).get(change.name)
    if change.action is Action.CREATE:
        if now is None:  # pragma: no cover - an applied create always leaves its object
            return None
        if outcome.adopted is not None:
            # The create took over an object already there: restore it, never delete it.
            return _restore(kind, change.name, now, outcome.adopted.spec)
        return Change.of(kind, change.name, Action.DELETE, before=now.spec, remote_id=now.id)
    if change.action is Action.DELETE:
        was = before.of(kind)[change.name]
        return Change.of(kind, change.name, Action.CREATE, after=was.spec)
    old_name = change.renamed_from if change.action is Action.RENAME else change.name
    assert old_name is not None and now is not None
    was = before.of(kind)[old_name]
    if change.action is Action.RENAME:
        return Change.of(
            kind,
            old_name,
            Action.RENAME,
            before=now.spec,
            after=was.spec,
            diff=field_diff(now.spec, was.spec) if now.spec != was.spec else (),
            renamed_from=change.name,
            remote_id=now.id,
        )
    return _restore(kind, change.name, now, was.spec)


def _restore(kind: str, name: str, now: RemoteObject, spec: dict[str, Any]) -> Change | None:
    """The update that gives ``now`` back the spec it had (None: it has it still)."""
    if now.spec == spec:
        return None
    return Change.of(
        kind,
        name,
        Action.UPDATE,
        before=now.spec,
        after=spec,
        diff=field_diff(now.spec, spec),
        remote_id=now.id,
    )
