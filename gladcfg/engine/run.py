"""Applying as a run does it: the plan shown, refused before anything changes unless the user
allowed it, confirmed, applied under the signal handling that lets started writes finish,
and reported.

What is shown and asked belongs to the caller (the CLI's terminal), through callbacks; what
is refused, and from when a signal no longer cuts an apply short, is decided here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Protocol

from gladcfg import interrupts
from gladcfg.config import Workspace
from gladcfg.engine.apply import ApplyReport, Outcome
from gladcfg.engine.session import Session, Sources, open_instance
from gladcfg.errors import ApplyFailedError, RefusedError
from gladcfg.plan.model import Action, Plan

if TYPE_CHECKING:
    from gladcfg.model.project import Policy


class Watch(Protocol):
    """Follows one instance's apply while it runs (the CLI's progress bar, or its lines)."""

    def __enter__(self) -> object: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def update(self, outcome: Outcome) -> None:
        """One change is done (applied, failed or skipped)."""

    def report(self, report: ApplyReport, plan: Plan) -> None:
        """The apply ended: how it went."""


# The watch of one instance's apply; the label names the instance when a fleet applies
# several at once, and is None otherwise.
WatchFactory = Callable[[Plan, str | None], Watch]
# Asks the user to approve writing to these instances; raises RefusedError when they do not.
Confirm = Callable[[Sequence[str]], None]
# Keeps the plan that undoes an apply (given as soon as the apply has ended).
KeepRollback = Callable[[Plan], None]


@dataclass(frozen=True)
class Applied:
    """One instance's apply: the plan, and its report (None: the plan writes nothing)."""

    plan: Plan
    report: ApplyReport | None


def load_saved_plan(
    workspace: Workspace | None, path: Path, *, instance: str | None = None, bound: bool = False
) -> Plan:
    """The plan saved in ``path``, once it is found unedited (:mod:`gladcfg.plan.verify`;
    with ``bound``, but for what binding it to its files will prove) and, with a
    ``workspace``, made for one of its instances (``instance``, when given) as the project
    stands. Refuses deletes of what ``protect`` covers."""
    from gladcfg.adapter import access_for, write_limits_for
    from gladcfg.plan.document import read_plan_file
    from gladcfg.plan.planner import matches
    from gladcfg.plan.verify import project_problems, refuse

    plan = read_plan_file(path, bound=bound)
    if workspace is None:
        return plan
    if instance is not None and instance != plan.instance:
        raise RefusedError(f"{path} is a plan for {plan.instance}, not {instance}")
    if plan.instance not in workspace.project.instances:
        raise refuse(
            [f"made for {plan.instance}, an instance gladcfg.yaml does not declare"], str(path)
        )
    config = workspace.instance(plan.instance)
    limits = write_limits_for(plan.instance, config)
    reasons = project_problems(
        plan,
        config,
        access_for(plan.instance, config),
        unsettable=limits.unsettable,
        undeletable=limits.undeletable,
        disables=limits.disables,
    )
    if reasons:
        raise refuse(reasons, str(path))
    protected = [
        change.address
        for change in plan.changes
        if change.effective_action is Action.DELETE and matches(change.address, config.protect)
    ]
    if protected:
        raise RefusedError(
            f"{path} deletes {', '.join(protected)}, which gladcfg.yaml protects "
            f"for {plan.instance}; gladcfg never deletes a protected object"
        )
    return plan


def check_allowed(
    plan: Plan, *, allow_delete: bool, force: bool, policy: Policy | None = None
) -> None:
    """Refuse, before anything changes, what the user has not explicitly allowed; with a
    ``policy`` whose coverage_impact is refuse, a plan opening a gap in the promised hours."""
    if plan.deletes and not allow_delete:
        names = ", ".join(c.address for c in plan.deletes[:5])
        more = f" and {len(plan.deletes) - 5} more" if len(plan.deletes) > 5 else ""
        disabling = {c.disables for c in plan.deletes}  # Gladly's topics it only disables
        verb = (
            "deletes or disables"
            if len(disabling) > 1
            else ("deletes", "disables")[True in disabling]
        )
        raise RefusedError(
            f"the plan {verb} {len(plan.deletes)} object(s) ({names}{more}); "
            "pass --allow-delete to apply it"
        )
    if plan.safety.violations and not force:
        raise RefusedError(
            "; ".join(plan.safety.violations) + " (safety thresholds in gladcfg.yaml); "
            "pass --force to apply it anyway"
        )
    if policy is not None and not force:
        refuse_gaps(plan, policy)


def refuse_gaps(plan: Plan, policy: Policy) -> None:
    """Refuse ``plan`` if it opens a gap in the promised hours and ``policy`` says so."""
    from gladcfg.impact import opened_in_promise

    if policy.coverage_impact != "refuse" or plan.coverage_impact is None:
        return
    opened = opened_in_promise(plan.coverage_impact)
    if opened is not None:
        raise RefusedError(
            f"{opened} (policy.coverage_impact: refuse in gladcfg.yaml); pass --force to "
            "apply it anyway"
        )


def apply_instance(
    workspace: Workspace,
    instance: str,
    *,
    targets: Sequence[str] = (),
    allow_delete: bool = False,
    force: bool = False,
    parallelism: int = 4,
    show: Callable[[Plan], None],
    confirm: Confirm | None,
    watch: WatchFactory,
    rollback: KeepRollback | None = None,
    break_glass: str | None = None,
) -> Applied:
    """Make ``instance`` match the files: plan (releasing the files once planned), ``show``
    the plan, refuse what is not allowed, ``confirm`` (None: approved already), apply.

    With ``rollback``, the plan that undoes the apply is handed to it, however the apply
    ended. An apply that did not finish is an error, raised once it is reported."""
    with open_instance(workspace, instance) as session:
        plan = session.plan(targets=targets, release=True)
        show(plan)
        if not plan.writes:
            return Applied(plan, None)
        check_allowed(
            plan,
            allow_delete=allow_delete,
            force=force,
            policy=workspace.project.policy_of(instance),
        )
        if confirm is not None:
            from gladcfg.freezes import enforce

            enforce(session.freezes, break_glass=break_glass)  # not worth asking, if frozen
            confirm([plan.instance])
        applied = apply_watched(
            session,
            plan,
            parallelism,
            watch,
            rollback=rollback,
            fresh=True,
            break_glass=break_glass,
        )
        return _finished(plan, applied)


def apply_saved(
    workspace: Workspace,
    path: Path,
    *,
    instance: str | None = None,
    allow_delete: bool = False,
    force: bool = False,
    parallelism: int = 4,
    watch: WatchFactory,
    rollback: KeepRollback | None = None,
    undo: bool = False,
    break_glass: str | None = None,
) -> Applied:
    """Apply exactly the plan saved in ``path`` (:func:`load_saved_plan`): it was reviewed
    already, so nothing is asked, but what is not allowed is still refused, and it applies
    only if its instance is as it was when the plan was made and the project's files, as
    they are now, make exactly this plan of it (:mod:`gladcfg.plan.binding`).

    A rollback plan restores what no file declares: it is applied only with ``undo`` (the
    user said it is one), and is bound to the instance by its fingerprint alone."""
    plan = load_saved_plan(workspace, path, instance=instance, bound=True)
    _check_purpose(plan, path, undo=undo)
    if plan.vars and not plan.rollback:  # the files are rendered as when it was made
        workspace = workspace.with_variables(plan.vars)
    try:
        check_allowed(
            plan,
            allow_delete=allow_delete,
            force=force,
            policy=workspace.project.policy_of(plan.instance),
        )
    except RefusedError:
        _refuse_if_edited(plan, path)  # the better message, for an edited file
        raise
    with open_instance(workspace, plan.instance) as session:
        # Opened even for a plan that writes nothing: the instance's configuration and
        # credentials are checked all the same.
        session.connect()
        if not plan.writes:
            return Applied(plan, None)
        sources = None
        if plan.rollback:  # no files bind it; its freezes are the project's all the same
            session.load_freezes()
        else:
            sources = session.sources(str(path), force=force)
        applied = apply_watched(
            session,
            plan,
            parallelism,
            watch,
            rollback=rollback,
            sources=sources,
            break_glass=break_glass,
        )
        return _finished(plan, applied)


def _refuse_if_edited(plan: Plan, path: Path) -> None:
    """Refuse a plan loaded for binding as an edited file, if the checks it was loaded
    without (:func:`~gladcfg.plan.verify.load_problems`) find it one."""
    from gladcfg.plan.verify import load_problems, refuse

    reasons = load_problems(plan)
    if reasons:
        raise refuse(reasons, str(path))


def _check_purpose(plan: Plan, path: Path, *, undo: bool) -> None:
    """A rollback plan only with ``undo``, and checked thoroughly: no files bind it."""
    if plan.rollback and not undo:
        raise RefusedError(
            f"{path} is a rollback plan: it restores what {plan.instance} held before an "
            "apply, not what the files declare. Apply it with gladcfg apply --rollback "
            f"{path}"
        )
    if undo and not plan.rollback:
        raise RefusedError(
            f"{path} is not a rollback plan (one saved by apply --rollback-out); "
            "apply it without --rollback"
        )
    if plan.rollback:
        _refuse_if_edited(plan, path)


def apply_watched(
    session: Session,
    plan: Plan,
    parallelism: int,
    watch: WatchFactory,
    *,
    label: str | None = None,
    rollback: KeepRollback | None = None,
    sources: Sources | None = None,
    fresh: bool = False,
    break_glass: str | None = None,
) -> ApplyReport:
    """Apply and report (``fresh``: ``plan`` was made by this run, see
    :func:`~gladcfg.engine.session.apply_plan`); stopped by a signal once writing, it
    still reports, hands over the rollback plan, and then lets the signal end the run (see
    :mod:`gladcfg.interrupts`). An error after changes were made is raised once they are
    reported."""
    progress = watch(plan, label)
    with interrupts.guarded() as stop:
        with progress:
            report = session.apply(
                plan,
                parallelism=parallelism,
                listener=progress.update,
                rollback=rollback is not None,
                stop=stop,
                sources=sources,
                fresh=fresh,
                break_glass=break_glass,
            )
        progress.report(report, plan)
        if rollback is not None and report.rollback is not None:
            rollback(report.rollback)
        if report.error is not None:
            raise report.error
    return report


def _finished(plan: Plan, report: ApplyReport) -> Applied:
    """One instance's apply, which is an error unless every change was applied."""
    if not report.ok:
        raise ApplyFailedError(
            f"apply to {plan.instance} did not finish: run plan to see what is left, "
            "and apply again"
        )
    return Applied(plan, report)
