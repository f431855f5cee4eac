"""``gladcfg status``: a health record per instance, for dashboards and scheduled checks."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

from gladcfg.cli.context import AppContext
from gladcfg.cli.options import instance_options, selected_instances

if TYPE_CHECKING:
    from gladcfg.config import ValidationReport, Workspace
    from gladcfg.errors import GladcfgError
    from gladcfg.model.status import InstanceStatus


@click.command()
@instance_options
@click.option("--format", "format_", type=click.Choice(["text", "json"]), default="text")
@click.pass_obj
def status(app: AppContext, instance: tuple[str, ...], all_: bool, format_: str) -> int:
    """Check each instance: drift (what a plan would change), unmanaged objects,
    validation warnings and this week's coverage gaps.

    Exit 0 when every instance is healthy, 2 when any has drift, 1 when any check failed.
    """
    from zoneinfo import ZoneInfo

    from gladcfg.config import Workspace
    from gladcfg.coverage import week_start
    from gladcfg.engine.fleet import for_each_instance, valid, validate_each
    from gladcfg.model.status import StatusDocument
    from gladcfg.render.status import render_status_json, render_status_text

    workspace = Workspace.open(app.root)
    names = selected_instances(workspace, instance, all_)
    now = dt.datetime.now(dt.UTC)
    validated = validate_each(workspace, names)
    records = for_each_instance(
        names, lambda name: _check(workspace, name, valid(validated[name]), now.date())
    )
    document = StatusDocument(
        checked_at=now.isoformat(timespec="seconds"),
        week_start=week_start(now.date(), ZoneInfo("UTC")).isoformat(),
        instances=[
            r.value if r.value is not None else _failed(r.instance, r.error) for r in records
        ],
    )
    render = render_status_json if format_ == "json" else render_status_text
    click.echo(render(document), nl=False, color=app.use_color)
    states = {record.status for record in document.instances}
    return 1 if "error" in states else 2 if "drift" in states else 0


def _check(
    workspace: Workspace, name: str, report: ValidationReport, today: dt.date
) -> InstanceStatus:
    from gladcfg.coverage import compute, gap_records
    from gladcfg.engine import make_plan
    from gladcfg.model.status import Drift, InstanceStatus

    plan, adapter = make_plan(workspace, name, report=report)
    adapter.close()
    summary = plan.summary
    drift = Drift(
        create=summary.create,
        update=summary.update,
        rename=summary.rename,
        delete=summary.delete,
        manual=summary.manual,
        addresses=[change.address for change in plan.changes],
    )
    coverage = compute(report.states[name], workspace.project.policy_of(name).coverage, day=today)
    return InstanceStatus(
        instance=name,
        adapter=plan.adapter,
        status="drift" if plan.has_changes else "healthy",
        drift=drift,
        unmanaged=list(plan.unmanaged),
        warnings=list(plan.warnings),
        coverage_gaps=gap_records(coverage),
        silent_after_hours=coverage.silent,
    )


def _failed(name: str, error: GladcfgError | None) -> InstanceStatus:
    from gladcfg.cli.output import error_document
    from gladcfg.model.status import InstanceStatus

    document = error_document(name, error)
    problems = document.get("problems", [])
    text = document["error"] + "".join(f"\n  {p}" for p in problems)
    return InstanceStatus(instance=name, status="error", error=text)
