"""Each instance's health record (``gladcfg status``): drift (what a plan would change),
unmanaged objects, validation warnings and this week's coverage gaps. A check that fails is
that instance's record, never the end of the run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from gladcfg.config.routing import Routing
from gladcfg.engine.fleet import for_each_instance, valid, validate_each
from gladcfg.engine.session import open_instance
from gladcfg.errors import GladcfgError
from gladcfg.hours.coverage import compute, gap_records, week_start
from gladcfg.model.status import Drift, FreezeStatus, InstanceStatus, StatusDocument

if TYPE_CHECKING:
    from gladcfg.config import ValidationReport, Workspace
    from gladcfg.hours.coverage import Coverage
    from gladcfg.hours.freezes import Schedule
    from gladcfg.model.plan import Plan

# The text of a failed check: which instance, and the error that stopped it.
Explain = Callable[[str, GladcfgError | None], str]


def check_status(
    workspace: Workspace,
    names: Sequence[str],
    *,
    now: dt.datetime,
    explain: Explain,
    refresh: bool = True,
) -> StatusDocument:
    """Every instance in ``names`` checked at ``now`` (UTC): the files are validated one
    instance after the other, and the instances are read a few at once. ``explain`` words
    the error of an instance whose check failed."""
    validated = validate_each(workspace, names)
    records = for_each_instance(
        names,
        lambda name: instance_status(
            workspace, name, valid(validated[name]), now.date(), refresh=refresh
        ),
    )
    return StatusDocument(
        checked_at=now.isoformat(timespec="seconds"),
        week_start=week_start(now.date(), ZoneInfo("UTC")).isoformat(),
        instances=[
            record.value
            if record.value is not None
            else InstanceStatus(
                instance=record.instance,
                status="error",
                error=explain(record.instance, record.error),
            )
            for record in records
        ],
    )


def instance_status(
    workspace: Workspace,
    name: str,
    report: ValidationReport,
    today: dt.date,
    *,
    refresh: bool = True,
) -> InstanceStatus:
    """One instance's record, from its validation (``report``) and a plan made now."""
    with open_instance(workspace, name) as session:
        plan = session.plan(report=report, refresh=refresh)
    state = Routing.of(report.states[name])
    coverage = compute(state, workspace.project.policy_of(name).coverage, day=today)
    return status_record(name, plan, coverage, session.freezes)


def status_record(
    name: str, plan: Plan, coverage: Coverage, freezes: Schedule | None = None
) -> InstanceStatus:
    """The record of an instance whose plan, week of coverage (in UTC) and freezes are
    made: the one place a plan becomes drift, a coverage week gaps, and a schedule of
    freezes the next window open for changes (``status``, ``report``)."""
    summary = plan.summary
    drift = Drift(
        create=summary.create,
        update=summary.update,
        rename=summary.rename,
        delete=summary.delete,
        manual=summary.manual,
        addresses=[change.address for change in plan.changes],
    )
    return InstanceStatus(
        instance=name,
        adapter=plan.adapter,
        status="drift" if plan.has_changes else "healthy",
        drift=drift,
        unmanaged=list(plan.unmanaged),
        not_managed=list(plan.not_managed),
        warnings=list(plan.warnings),
        coverage_gaps=gap_records(coverage),
        silent_after_hours=coverage.silent,
        snapshot=plan.snapshot,
        **_freeze_fields(freezes),
    )


def _freeze_fields(schedule: Schedule | None) -> dict[str, Any]:
    if schedule is None:
        return {}
    at = schedule.since
    freezes: dict[str, FreezeStatus] = {}
    for stretch in schedule.upcoming(at):
        end = None if stretch.end >= schedule.horizon else _iso(stretch.end)
        freezes.setdefault(
            stretch.freeze,
            FreezeStatus(
                name=stretch.freeze,
                what=stretch.what,
                in_force=stretch.start <= at,
                start=_iso(max(stretch.start, at)),
                end=end,
            ),
        )
    opens = schedule.open_at(at)
    return {
        "freezes": list(freezes.values()),
        "open_for_changes": None if opens is None else _iso(opens),
    }


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")
