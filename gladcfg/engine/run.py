"""Applying as a run does it: the plan shown, refused before anything changes unless the user
allowed it, confirmed, applied under the signal handling that lets started writes finish,
and reported.

What is shown and asked belongs to the caller (the CLI's terminal), through callbacks; what
is refused, and from when a signal no longer cuts an apply short, is decided here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Protocol

from gladcfg import interrupts
from gladcfg.adapter import access_for, write_limits_for
from gladcfg.config import ValidationReport, Workspace
from gladcfg.engine.allowed import check_allowed
from gladcfg.engine.session import Session, Sources, open_instance
from gladcfg.engine.writes import ApplyReport, Outcome
from gladcfg.errors import ApplyFailedError, RefusedError
from gladcfg.hours.freezes import enforce
from gladcfg.model.plan import Action, Plan
from gladcfg.plan.document import read_plan_file
from gladcfg.plan.planner import matches
from gladcfg.plan.verify import load_problems, project_problems, refuse


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

    @property
    def ok(self) -> bool:
        """Every change was applied (or there was none to apply)."""
        return self.report is None or self.report.ok

    def finished(self) -> Applied:
        """This apply, which is an error unless every change was applied."""
        if not self.ok:
            raise ApplyFailedError(
                f"apply to {self.plan.instance} did not finish: run plan to see what is "
                "left, and apply again"
            )
        return self


def load_saved_plan(
    workspace: Workspace | None, path: Path, *, instance: str | None = None, bound: bool = False
) -> Plan:
    """The plan saved in ``path``, once it is found unedited (:mod:`gladcfg.plan.verify`;
    with ``bound``, but for what binding it to its files will prove) and, with a
    ``workspace``, made for one of its instances (``instance``, when given) as the project
    stands. Refuses deletes of what ``protect`` covers."""
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


@dataclass(frozen=True)
class PlanRequest:
    """What to plan: one instance of a workspace, as its files stand."""

    workspace: Workspace
    instance: str
    targets: Sequence[str] = ()  # plan only these addresses, and what they reference
    # Without it, what the adapter read last may stand in for what is costly to read again
    # (the plan says so and how old it is).
    refresh: bool = True
    week: date | None = None  # the first day of the coverage impact's 7 (default: now)
    validated: ValidationReport | None = None  # the files' validation, when made already


def plan(request: PlanRequest, *, session: Session | None = None) -> Plan:
    """The plan of the request's instance: its files validated (the instance is not touched
    if they are invalid), the instance read, the two compared. The files are released once
    planned. ``session``: the instance's open session, to plan on (and apply with after),
    rather than one opened and closed for this plan."""
    with _opened(request.workspace, request.instance, session) as opened:
        return opened.plan(
            targets=request.targets,
            report=request.validated,
            release=True,
            refresh=request.refresh,
            week=request.week,
        )


def _unwatched(plan: Plan, label: str | None) -> Watch:
    return _Unwatched()


class _Unwatched:
    def __enter__(self) -> object:
        return self

    def __exit__(self, *_: object) -> None:
        pass

    def update(self, outcome: Outcome) -> None:
        pass

    def report(self, report: ApplyReport, plan: Plan) -> None:
        pass


@dataclass(frozen=True)
class ApplyRequest:
    """What to apply to one instance, and how the caller follows it. The changes are, by
    ``saved`` and ``planned``:

    * neither: a plan made now of the files (``targets`` narrow it), shown with ``show``, then
      confirmed with ``confirm``;
    * ``saved``: exactly the plan saved in that file, bound to the files as they are now
      (a rollback plan, only with ``undo``); nothing is asked, it was reviewed already;
    * ``planned``: a plan this run made moments ago (a fleet's), shown and confirmed
      already; only to the instance it was made for.

    What is not allowed is refused in every case before anything changes. A request that
    asks for what no apply does (a saved plan narrowed by ``targets``, ``undo`` of a plan
    that is not saved, both ``saved`` and ``planned``) is a ValueError."""

    workspace: Workspace
    instance: str | None = None  # None only with ``saved``: the instance its plan is for
    targets: Sequence[str] = ()
    saved: Path | None = None
    undo: bool = False  # ``saved`` is a rollback plan
    planned: Plan | None = None
    allow_delete: bool = False
    force: bool = False  # past the safety thresholds and the coverage policy
    parallelism: int = 4  # changes sent at once
    break_glass: str | None = None  # the reason to apply through a freeze
    show: Callable[[Plan], None] | None = None
    confirm: Confirm | None = None  # None: approved already
    watch: WatchFactory = _unwatched
    label: str | None = None  # the watch's label (a fleet's instance)
    rollback: KeepRollback | None = None  # is handed the plan that undoes the apply

    def __post_init__(self) -> None:
        if self.saved is not None:
            asked = {"planned": self.planned, "targets": self.targets, "show": self.show}
            given = [name for name, value in asked.items() if value]
            if self.confirm is not None:
                given.append("confirm")  # a saved plan was reviewed: nothing is asked
            if given:
                raise ValueError(f"a saved plan applies whole and as it is: no {given[0]}")
        elif self.undo:
            raise ValueError("undo applies a saved rollback plan: give saved")
        elif self.planned is not None and self.targets:
            raise ValueError("a plan made already has its targets: no targets")
        elif self.instance is None and self.planned is None:
            raise ValueError("an apply of the files names its instance")


def apply(request: ApplyRequest, *, session: Session | None = None) -> Applied:
    """Make the request's instance hold what its changes make (:class:`ApplyRequest`),
    followed by its watch; ``session``: the instance's open session (the one it was
    planned on), rather than one opened and closed for this apply.

    With ``rollback``, the plan that undoes the apply is handed over however the apply
    ended. An error after changes were made is raised once they are reported; an apply
    with failed changes is returned, and :meth:`Applied.finished` makes it an error."""
    if request.saved is not None:
        if session is not None:
            raise ValueError("a saved plan is applied on a session of its own")
        return _apply_saved(request, request.saved)
    workspace = request.workspace
    planned = request.planned
    instance = request.instance or (planned.instance if planned is not None else "")
    if planned is not None and planned.instance != instance:
        raise RefusedError(
            f"this plan was made for {planned.instance}, not {instance}; nothing was applied"
        )
    if session is not None and session.instance != instance:
        raise ValueError(f"the session is {session.instance}'s, not {instance}'s")
    with _opened(workspace, instance, session) as opened:
        if planned is None:
            made = opened.plan(targets=request.targets, release=True)
            if request.show is not None:
                request.show(made)
        else:
            made = planned
        if not made.writes:
            return Applied(made, None)
        check_allowed(
            made,
            allow_delete=request.allow_delete,
            force=request.force,
            policy=workspace.project.policy_of(instance),
        )
        if request.confirm is not None:
            enforce(opened.known_freezes(), break_glass=request.break_glass)  # not worth asking
            request.confirm([made.instance])
        return Applied(made, _watched(opened, made, request, fresh=True))


def _opened(
    workspace: Workspace, instance: str, session: Session | None
) -> AbstractContextManager[Session]:
    """``session``, left open; or a session opened now, closed when the block ends."""
    if session is None:
        return open_instance(workspace, instance)
    return nullcontext(session)


def _apply_saved(request: ApplyRequest, path: Path) -> Applied:
    """Apply exactly the plan saved in ``path`` (:func:`load_saved_plan`): it was reviewed
    already, so nothing is asked, but what is not allowed is still refused, and it applies
    only if its instance is as it was when the plan was made and the project's files, as
    they are now, make exactly this plan of it (:mod:`gladcfg.plan.binding`).

    A rollback plan restores what no file declares: it is applied only with ``undo`` (the
    user said it is one), and is bound to the instance by its fingerprint alone."""
    workspace = request.workspace
    saved = load_saved_plan(workspace, path, instance=request.instance, bound=True)
    _check_purpose(saved, path, undo=request.undo)
    if saved.vars and not saved.rollback:  # the files are rendered as when it was made
        workspace = workspace.with_variables(saved.vars)
    try:
        check_allowed(
            saved,
            allow_delete=request.allow_delete,
            force=request.force,
            policy=workspace.project.policy_of(saved.instance),
        )
    except RefusedError:
        _refuse_if_edited(saved, path)  # the better message, for an edited file
        raise
    with open_instance(workspace, saved.instance) as session:
        # Opened even for a plan that writes nothing: the instance's configuration and
        # credentials are checked all the same.
        session.connect()
        if not saved.writes:
            return Applied(saved, None)
        sources = None
        if saved.rollback:  # no files bind it; its freezes are the project's all the same
            session.load_freezes()
        else:
            sources = session.sources(str(path), force=request.force)
        return Applied(saved, _watched(session, saved, request, sources=sources))


def _refuse_if_edited(plan: Plan, path: Path) -> None:
    """Refuse a plan loaded for binding as an edited file, if the checks it was loaded
    without (:func:`~gladcfg.plan.verify.load_problems`) find it one."""
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


def _watched(
    session: Session,
    plan: Plan,
    request: ApplyRequest,
    *,
    sources: Sources | None = None,
    fresh: bool = False,
) -> ApplyReport:
    """Apply and report (``fresh``: ``plan`` was made by this run, see
    :func:`~gladcfg.engine.session.write_plan`); stopped by a signal once writing, it still
    reports, hands over the rollback plan, and then lets the signal end the run (see
    :mod:`gladcfg.interrupts`). An error after changes were made is raised once they are
    reported."""
    progress = request.watch(plan, request.label)
    with interrupts.guarded() as stop:
        with progress:
            report = session.apply(
                plan,
                parallelism=request.parallelism,
                listener=progress.update,
                rollback=request.rollback is not None,
                stop=stop,
                sources=sources,
                fresh=fresh,
                break_glass=request.break_glass,
            )
        progress.report(report, plan)
        if request.rollback is not None and report.rollback is not None:
            request.rollback(report.rollback)
        if report.error is not None:
            raise report.error
    return report
