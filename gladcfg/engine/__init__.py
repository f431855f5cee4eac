"""Plan and apply one instance: the files → desired state → remote → plan → apply flow.

The CLI calls these; they hold the rules that make applying safe: refusals happen before
anything changes, and the remote is re-read under the instance's lock and compared with
the plan's fingerprint, so a plan is only ever applied to the state it was made from.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from gladcfg.adapter import Adapter, capabilities_of, open_adapter
from gladcfg.config import ValidationReport, Workspace, load_desired
from gladcfg.engine.apply import (
    ApplyReport,
    Listener,
    Outcome,
    Status,
    StopRequest,
    apply_changes,
)
from gladcfg.errors import GladcfgError, Problem, RefusedError
from gladcfg.plan.desired import DesiredSpecs
from gladcfg.plan.model import Action, Plan
from gladcfg.plan.planner import matches, plan_instance
from gladcfg.plan.verify import refuse, remote_problems

log = logging.getLogger(__name__)


def connect(workspace: Workspace, instance: str) -> Adapter:
    return open_adapter(instance, workspace.instance(instance), workspace.root)


def make_plan(
    workspace: Workspace,
    instance: str,
    *,
    targets: Sequence[str] = (),
    report: ValidationReport | None = None,
    release: bool = False,
) -> tuple[Plan, Adapter]:
    """Validate ``instance``'s files (never touching the remote if they are invalid),
    read the remote, and plan. The caller closes the adapter it gets back.

    ``report`` is the instance's validation, when the caller made it already. With
    ``release`` the caller needs neither the files nor the desired state once planned:
    the workspace forgets the files, and the desired state is emptied as it is turned into
    specs, so the memory they took is the plan's to use (a large apply needs it)."""
    if report is None:
        report = load_desired(workspace, instance)
    warnings = [_warning(p) for p in report.warnings]
    if release:
        workspace.release()
    desired = DesiredSpecs.of(report.states[instance], drain=release)
    adapter = connect(workspace, instance)
    hints = desired.read_hints() if adapter.reads_by_name else None
    try:
        remote = adapter.read(hints)
    except BaseException:
        adapter.close()
        raise
    log.info("%s: read the instance in %d request(s)", instance, remote.requests)
    plan = plan_instance(
        desired,
        remote,
        capabilities_of(adapter),
        workspace.instance(instance),
        targets=tuple(targets),
        warnings=warnings,
        reads=hints,
    )
    return plan, adapter


def load_saved_plan(
    workspace: Workspace | None, path: Path, *, instance: str | None = None
) -> Plan:
    """The plan saved in ``path``, once it is found unedited (:mod:`gladcfg.plan.verify`)
    and, with a ``workspace``, made for one of its instances (``instance``, when given)
    as the project stands. Refuses deletes of what ``protect`` covers."""
    from gladcfg.adapter import access_for
    from gladcfg.plan.document import read_plan_file
    from gladcfg.plan.verify import project_problems, refuse

    plan = read_plan_file(path)
    if workspace is None:
        return plan
    if instance is not None and instance != plan.instance:
        raise RefusedError(f"{path} is a plan for {plan.instance}, not {instance}")
    if plan.instance not in workspace.project.instances:
        raise refuse(
            [f"made for {plan.instance}, an instance gladcfg.yaml does not declare"], str(path)
        )
    config = workspace.instance(plan.instance)
    reasons = project_problems(plan, config, access_for(plan.instance, config))
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


def check_allowed(plan: Plan, *, allow_delete: bool, force: bool) -> None:
    """Refuse, before anything changes, what the user has not explicitly allowed."""
    if plan.deletes and not allow_delete:
        names = ", ".join(c.address for c in plan.deletes[:5])
        more = f" and {len(plan.deletes) - 5} more" if len(plan.deletes) > 5 else ""
        raise RefusedError(
            f"the plan deletes {len(plan.deletes)} object(s) ({names}{more}); "
            "pass --allow-delete to apply it"
        )
    if plan.safety.violations and not force:
        raise RefusedError(
            "; ".join(plan.safety.violations) + " (safety thresholds in gladcfg.yaml); "
            "pass --force to apply it anyway"
        )


def apply_plan(
    adapter: Adapter,
    plan: Plan,
    *,
    parallelism: int = 4,
    listener: Listener | None = None,
    rollback: bool = False,
    stop: StopRequest | None = None,
) -> ApplyReport:
    """Apply exactly ``plan``, under the instance's lock, if the remote is as it was read.

    With ``rollback``, the instance is read again before the lock is released and the
    report carries the plan that undoes what was applied (see :mod:`.rollback`), however
    the apply ended. Until the first write, a stop (``stop``) is the caller's to raise;
    from then on the apply finishes what it started, persists, and reports."""
    report: ApplyReport | None = None
    try:
        with adapter.locked():
            remote = adapter.read(plan.read_hints)
            if remote.fingerprint() != plan.fingerprint:
                raise RefusedError(
                    f"{plan.instance} is not as this plan found it (fingerprint "
                    f"{plan.fingerprint[:15]}… no longer matches): it changed since this plan "
                    "was made, or this plan file was modified or belongs elsewhere; run plan "
                    "again"
                )
            reasons = remote_problems(plan, remote, adapter.access)
            if reasons:
                raise refuse(reasons)
            if stop is not None:
                stop.hold()
            report = apply_changes(
                adapter,
                plan.changes,
                remote,
                parallelism=parallelism,
                listener=listener,
                stop=stop,
            )
            if rollback:
                from gladcfg.engine.rollback import rollback_plan

                after = adapter.read(plan.read_hints)
                report = replace(
                    report, rollback=rollback_plan(plan, report, remote, after, adapter.access)
                )
    except GladcfgError as exc:
        if report is None:
            raise
        # Changes were made: the report must still be given, with what went wrong after.
        report = replace(report, error=exc)
    return report


def _warning(problem: Problem) -> str:
    where = problem.location()
    prefix = f"{where}: " if where else ""
    address = f"{problem.address}: " if problem.address else ""
    return f"{prefix}{address}{problem.message}"


__all__ = [
    "ApplyReport",
    "Outcome",
    "Status",
    "StopRequest",
    "apply_plan",
    "check_allowed",
    "connect",
    "load_saved_plan",
    "make_plan",
]
