"""The plan that undoes an apply: from what the instance held before and what it holds after.

Only changes that were applied are undone: a create becomes a delete, an update restores the
fields it changed, a rename goes back (with the values from before), a delete recreates the
object. A change found already done (another apply made it meanwhile) is not this apply's
to undo: what another apply made, updated or deleted, this one's rollback leaves as it is.
The result is an ordinary saved plan, fingerprinted with the state the apply left and
judged by the same safety limits and plan-file checks, so applying it later is refused if
anything has changed since, or without --force past the limits, like any saved plan.

What it restores is written as a file would declare it (what those checks hold every
``after`` to), which an instance does not always show: of a secret it never shows, only
that it is set (a webhook's ``credentials_env`` and ``headers_env`` read as the names they
hold). Such a secret is restored from the environment variable the apply's files named for
it; where no file named one (a deleted webhook's credentials), the object is restored
without it and the plan's warnings say which secret to set by hand. A field the adapter can
set but not clear (``unsettable``), set by the apply, stays set, and the warnings say to
clear it by hand; a value no file may declare (an event Gladly has deprecated) is left out,
and the warnings say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from gladcfg import __version__
from gladcfg.adapter.base import Access, RemoteObject, RemoteState
from gladcfg.engine.writes import ApplyReport, Outcome, Status
from gladcfg.model.kinds import address_of, comparable, model_of
from gladcfg.model.plan import Action, Change, Plan
from gladcfg.plan.diff import field_diff
from gladcfg.plan.safety import check_safety

Spec = dict[str, Any]


def rollback_plan(
    plan: Plan,
    report: ApplyReport,
    before: RemoteState,
    after: RemoteState,
    access: Mapping[str, Access],
    *,
    unsettable: Mapping[str, frozenset[str]] | None = None,
    disables: frozenset[str] = frozenset(),
) -> Plan:
    """The plan that takes the instance from ``after`` back to ``before``, for what
    ``report`` says was applied of ``plan`` (through an adapter with ``access``, which sets
    but cannot clear the ``unsettable`` fields of each kind, and deletes the ``disables``
    kinds only by disabling them)."""
    undo = _Undo(before, after, unsettable or {}, disables)
    changes = [
        change
        for outcome in report.outcomes
        if outcome.status is Status.APPLIED and not outcome.already
        for change in [undo.of(outcome)]
        if change is not None
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
        warnings=(f"rollback of an apply to {plan.instance}", *undo.notes),
        safety=check_safety(plan.safety.limits, after, access, plan.ignore, changes),
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        gladcfg_version=__version__,
        ignore=plan.ignore,
        reads=plan.reads,
        rollback=True,
    )


class _Undo:
    """The change that undoes each applied one, and what it cannot restore (``notes``)."""

    def __init__(
        self,
        before: RemoteState,
        after: RemoteState,
        unsettable: Mapping[str, frozenset[str]],
        disables: frozenset[str],
    ) -> None:
        self.before = before
        self.after = after
        self.unsettable = unsettable
        self.disables = disables
        self.notes: list[str] = []

    def of(self, outcome: Outcome) -> Change | None:
        change = outcome.change
        kind = change.kind
        now = self.after.of(kind).get(change.name)
        if change.action is Action.CREATE:
            if now is None:  # pragma: no cover - an applied create always leaves its object
                return None
            if outcome.adopted is not None:
                # The create took over an object already there: restore it, never delete it.
                return self._restore(kind, change.name, now, outcome.adopted.spec, change.after)
            delete = Change.of(
                kind,
                change.name,
                Action.DELETE,
                before=now.spec,
                remote_id=now.id,
                disables=kind in self.disables,
            )
            if now.undeletable is None:
                return delete
            self.notes.append(f"{change.address}: {now.undeletable}")
            return Change.of(
                kind,
                change.name,
                Action.MANUAL,
                before=now.spec,
                remote_id=now.id,
                manual_action=Action.DELETE,
            )
        if change.action is Action.DELETE:
            was = self.before.of(kind)[change.name]
            # No file declares what the apply deleted: no file names its secrets either.
            restored = self._declared(kind, change.name, was.spec, None)
            if restored is None:
                return None
            return Change.of(kind, change.name, Action.CREATE, after=restored)
        old_name = change.renamed_from if change.action is Action.RENAME else change.name
        assert old_name is not None and now is not None
        was = self.before.of(kind)[old_name]
        if change.action is Action.RENAME:
            restored = self._declared(kind, old_name, was.spec, change.after, now.spec)
            if restored is None:
                return None
            shown_now, shown_was = comparable(kind, now.spec), comparable(kind, restored)
            return Change.of(
                kind,
                old_name,
                Action.RENAME,
                before=now.spec,
                after=restored,
                diff=field_diff(shown_now, shown_was) if shown_now != shown_was else (),
                renamed_from=change.name,
                remote_id=now.id,
            )
        return self._restore(kind, change.name, now, was.spec, change.after)

    def _restore(
        self, kind: str, name: str, now: RemoteObject, spec: Spec, declared: Spec | None
    ) -> Change | None:
        """The update that gives ``now`` back ``spec`` (None: it has it still, or it cannot
        be restored); ``declared`` is the spec the apply sent, which names its secrets."""
        restored = self._declared(kind, name, spec, declared, now.spec)
        if restored is None:
            return None
        shown_now, shown_was = comparable(kind, now.spec), comparable(kind, restored)
        if shown_now == shown_was:
            return None
        return Change.of(
            kind,
            name,
            Action.UPDATE,
            before=now.spec,
            after=restored,
            diff=field_diff(shown_now, shown_was),
            remote_id=now.id,
        )

    def _declared(
        self,
        kind: str,
        name: str,
        spec: Spec,
        declared: Spec | None,
        now: Spec | None = None,
    ) -> Spec | None:
        """``spec``, as the instance showed it, in the form a file declares it, which is
        what a plan's ``after`` must be: each secret shown only as set named by the
        variable ``declared`` names for it, and each field the adapter cannot clear and
        ``now`` holds kept as ``declared`` has it. None, with a note, when the model still
        refuses it."""
        address = address_of(kind, name)
        model = model_of(kind)
        restored = dict(spec)
        for field in getattr(model, "WRITE_ONLY", ()):
            self._name_secrets(address, restored, field, (declared or {}).get(field))
        for field in sorted(self.unsettable.get(kind, ())):
            if now is None or now.get(field) is None or restored.get(field) is not None:
                continue
            kept = (declared or {}).get(field)
            if isinstance(kept, Mapping):  # else the adapter refuses the update, saying why
                restored[field] = dict(kept)
                self.notes.append(
                    f"{address}: {field}, which the apply set, stays set: the instance's "
                    "API cannot clear it; clear it by hand in the admin UI"
                )
        if model is None:  # pragma: no cover - a plan names only known kinds
            return restored
        for _ in range(2):
            try:
                canonical: Spec = model.model_validate(model.as_read(restored)).canonical()
            except ValidationError as exc:
                fixed = self._without_refused(address, restored, exc)
                if fixed is None:
                    break
                restored = fixed
                continue
            return canonical
        self.notes.append(
            f"{address}: not restored: the instance holds it in a form no file can declare"
        )
        return None

    def _name_secrets(
        self, address: str, spec: Spec, field: str, named: Mapping[str, str] | None
    ) -> None:
        """``spec[field]`` (the names of secrets the instance holds and never shows) as the
        mapping of each to the variable ``named`` gives it; those ``named`` lacks are left
        out, with a note."""
        held = spec.get(field)
        if held is None or isinstance(held, Mapping):
            return  # none, or the instance shows where they come from (the mock does)
        names = named if isinstance(named, Mapping) else {}
        found = {key: names[key] for key in held if key in names}
        lost = [key for key in held if key not in names]
        if found:
            spec[field] = found
        else:
            del spec[field]
        if lost:
            listed = ", ".join(lost)
            self.notes.append(
                f"{address}: restored without {field} ({listed}): the instance never shows "
                "a secret, and no file of this apply names the environment variable that "
                "holds it; set it by hand in the admin UI, or declare it again and apply"
            )

    def _without_refused(self, address: str, spec: Spec, exc: ValidationError) -> Spec | None:
        """``spec`` without the list items the model refuses (an event no file may
        subscribe to), each with a note; None when it refuses more than those."""
        refused: dict[str, set[int]] = {}
        for error in exc.errors():
            loc = error["loc"]
            field = loc[0] if loc else None
            items = spec.get(field) if isinstance(field, str) else None
            if len(loc) < 2 or not isinstance(items, list) or not isinstance(loc[1], int):
                return None
            refused.setdefault(str(field), set()).add(loc[1])
        fixed = dict(spec)
        for field, indexes in refused.items():
            values = spec[field]
            fixed[field] = [v for i, v in enumerate(values) if i not in indexes]
            dropped = ", ".join(str(values[i]) for i in sorted(indexes))
            self.notes.append(
                f"{address}: restored without {field} {dropped}, which no file may "
                "declare; restore it by hand in the admin UI"
            )
        return fixed
