"""Run one piece of work per instance of a fleet, a bounded number at once; plan a fleet,
and apply one with the policy that keeps a fleet safe.

Each instance is handled on its own: its own adapter, its own credentials, its own errors.
One instance failing (an unreachable API, invalid files for that instance) is recorded
against that instance and never stops the others; the caller turns the results into the
worst exit code. A fleet apply is the exception that applies nothing: a plan refused on one
instance (deletes not allowed, safety thresholds) stops the run before any instance changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeAlias, TypeVar

from gladcfg import interrupts
from gladcfg.config import ValidationReport, Workspace, load_desired
from gladcfg.engine.allowed import check_allowed
from gladcfg.engine.run import ApplyRequest, Confirm, PlanRequest, WatchFactory, apply, plan
from gladcfg.engine.session import Session, open_instance
from gladcfg.engine.writes import ApplyReport
from gladcfg.errors import GladcfgError, RefusedError
from gladcfg.model.plan import Plan

Validated: TypeAlias = ValidationReport | GladcfgError

T = TypeVar("T")

FLEET_PARALLELISM = 4


@dataclass(frozen=True)
class InstanceResult(Generic[T]):
    """What the work gave for one instance: a value, or the error that stopped it."""

    instance: str
    value: T | None = None
    error: GladcfgError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def for_each_instance(
    names: Sequence[str],
    work: Callable[[str], T],
    *,
    parallelism: int = FLEET_PARALLELISM,
) -> list[InstanceResult[T]]:
    """``work(name)`` for every instance, at most ``parallelism`` at once, in ``names`` order.

    A :class:`GladcfgError` is that instance's result; anything else is a bug and propagates.
    """

    def guarded(name: str) -> InstanceResult[T]:
        try:
            return InstanceResult(name, value=work(name))
        except GladcfgError as exc:
            return InstanceResult(name, error=exc)

    if len(names) <= 1 or parallelism <= 1:
        return [guarded(name) for name in names]
    with ThreadPoolExecutor(max_workers=min(parallelism, len(names))) as pool:
        return list(pool.map(guarded, names))


def validate_each(workspace: Workspace, names: Sequence[str]) -> dict[str, Validated]:
    """Each instance's validation, or the error that stopped it, one after the other: the
    work is all CPU, and the workspace's caches are shared by every instance."""
    validated: dict[str, Validated] = {}
    for name in names:
        try:
            validated[name] = load_desired(workspace, name)
        except GladcfgError as exc:
            validated[name] = exc
    return validated


def valid(report: Validated) -> ValidationReport:
    """The report, or its error raised (inside a fleet's work, it becomes that instance's)."""
    if isinstance(report, GladcfgError):
        raise report
    return report


def plan_fleet(
    workspace: Workspace,
    names: Sequence[str],
    *,
    targets: Sequence[str] = (),
    refresh: bool = True,
    instances_at_once: int = FLEET_PARALLELISM,
    week: date | None = None,
    keep: dict[str, Session] | None = None,
) -> list[InstanceResult[Plan]]:
    """Plan every instance in ``names`` (:func:`~gladcfg.engine.run.plan` of each); each
    instance's session ends with its plan, unless ``keep`` is given: then the session of
    each instance planned stays open there, for the caller to apply with and close.
    Without ``refresh``, a plan may take from the last read what is costly to read again;
    ``week``, the day the plans' coverage impact starts (default: now).

    The files are validated one instance after the other; reading the remotes, which is
    mostly waiting, runs in parallel. Once all are validated, the files and each desired
    state are released as the plans are made."""
    validated = validate_each(workspace, names)

    def work(name: str) -> Plan:
        request = PlanRequest(
            workspace,
            name,
            targets=targets,
            refresh=refresh,
            week=week,
            validated=valid(validated.pop(name)),
        )
        if keep is None:
            return plan(request)
        session = open_instance(workspace, name)
        try:
            made = plan(request, session=session)
        except BaseException:
            session.close()
            raise
        keep[name] = session
        return made

    return for_each_instance(names, work, parallelism=instances_at_once)


@dataclass(frozen=True)
class FleetApply:
    """What a fleet apply did: each instance's plan or the error that stopped it, in the
    order asked for, and the apply of each instance that had something to write."""

    planned: list[InstanceResult[Plan]]
    applied: dict[str, InstanceResult[ApplyReport]]

    @property
    def failed(self) -> bool:
        """Some instance could not be planned, or its apply did not finish."""
        return any(not result.ok for result in self.planned) or any(
            result.value is None or not result.value.ok for result in self.applied.values()
        )


def apply_fleet(
    workspace: Workspace,
    names: Sequence[str],
    *,
    targets: Sequence[str] = (),
    allow_delete: bool = False,
    force: bool = False,
    parallelism: int = 4,
    instances_at_once: int = FLEET_PARALLELISM,
    show: Callable[[InstanceResult[Plan]], None],
    confirm: Confirm | None,
    watch: WatchFactory,
    report: Callable[[FleetApply], None],
    break_glass: str | None = None,
) -> FleetApply:
    """Plan every instance, refuse before anything changes, confirm once, apply each.

    Each plan, or the error that stopped it, is given to ``show`` in ``names`` order. If the
    plan of any instance that has something to write is refused (:func:`check_allowed`),
    nothing is applied anywhere. ``confirm`` (None: approved already) is asked once, for
    every instance with something to write; then each is applied on its own, a few at once,
    with ``parallelism`` changes at once within each and ``instances_at_once`` instances
    planned and applied at once. ``report`` is given the outcome before a signal received
    meanwhile ends the run."""
    sessions: dict[str, Session] = {}
    try:
        planned = plan_fleet(
            workspace, names, targets=targets, keep=sessions, instances_at_once=instances_at_once
        )
        for result in planned:
            show(result)
        plans = {result.instance: result.value for result in planned if result.value is not None}
        ready = [name for name, plan in plans.items() if plan.writes]
        refusals = []
        for name in ready:
            try:
                check_allowed(
                    plans[name],
                    allow_delete=allow_delete,
                    force=force,
                    policy=workspace.project.policy_of(name),
                )
            except RefusedError as exc:
                refusals.append(f"{name}: {exc}")
        if refusals:
            raise RefusedError("nothing was applied; " + "; ".join(refusals))
        if ready and confirm is not None:
            confirm(ready)

        def work(name: str) -> ApplyReport:
            request = ApplyRequest(
                workspace,
                name,
                planned=plans[name],
                allow_delete=allow_delete,
                force=force,
                parallelism=parallelism,
                break_glass=break_glass,
                watch=watch,
                label=name,
            )
            applied = apply(request, session=sessions[name])
            assert applied.report is not None  # the plan writes
            return applied.report

        # The instances are applied on worker threads: from here a signal asks each to stop
        # and finish what it started, and the outcome is reported before the run ends.
        with interrupts.guarded() as stop:
            stop.hold()
            applied = {
                result.instance: result
                for result in for_each_instance(ready, work, parallelism=instances_at_once)
            }
            outcome = FleetApply(planned, applied)
            report(outcome)
    finally:
        for session in sessions.values():
            session.close()
    return outcome
