"""``gladcfg apply``: make instances match the files, or apply a saved plan exactly."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from gladcfg.cli.context import AppContext
from gladcfg.cli.options import instance_options, selected_instances, target_option
from gladcfg.errors import ApplyFailedError, RefusedError

if TYPE_CHECKING:
    from gladcfg.adapter import Adapter
    from gladcfg.config import Workspace
    from gladcfg.engine import ApplyReport
    from gladcfg.engine.fleet import InstanceResult
    from gladcfg.plan.model import Plan
    from gladcfg.render.fleet import FleetRow


@click.command()
@click.argument("planfile", required=False, type=click.Path(dir_okay=False, path_type=Path))
@instance_options
@click.option("--auto-approve", is_flag=True, help="Do not ask for confirmation.")
@click.option("--allow-delete", is_flag=True, help="Allow a plan that deletes objects.")
@click.option("--force", is_flag=True, help="Apply even past the safety thresholds.")
@click.option(
    "--parallelism",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Independent changes applied at once (per instance).",
)
@click.option(
    "--rollback-out",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Save a plan that undoes what this apply changes (apply it like any saved plan).",
)
@target_option
@click.pass_obj
def apply(
    app: AppContext,
    planfile: Path | None,
    instance: tuple[str, ...],
    all_: bool,
    auto_approve: bool,
    allow_delete: bool,
    force: bool,
    parallelism: int,
    rollback_out: Path | None,
    targets: tuple[str, ...],
) -> int:
    """Apply a fresh plan (shown, then confirmed), or exactly the saved PLANFILE.

    A saved plan was reviewed already: it applies without a prompt, but only if the
    instance is still as it was when the plan was made. With several instances (repeated
    -i, or --all) every plan is shown, one confirmation covers them all, and each instance
    is applied on its own with its own credentials.
    """
    from gladcfg.config import Workspace
    from gladcfg.engine import check_allowed, connect, load_saved_plan, make_plan

    workspace = Workspace.open(app.root)
    options = _Options(app, allow_delete, force, parallelism, rollback_out)
    if rollback_out is not None:
        from gladcfg.cli.options import project_inputs
        from gladcfg.fileio import check_writable

        inputs = project_inputs(workspace)
        if planfile is not None:
            inputs[planfile] = "the plan being applied"
        check_writable(rollback_out, "the rollback plan", inputs)
    if planfile is not None:
        if targets:
            raise click.UsageError("a saved plan applies whole; make a plan with --target instead")
        if all_ or len(instance) > 1:
            raise click.UsageError("a saved plan is for one instance; leave out --all and -i")
        plan = load_saved_plan(workspace, planfile, instance=instance[0] if instance else None)
        check_allowed(plan, allow_delete=allow_delete, force=force)
        adapter = connect(workspace, plan.instance)
        try:
            return _finish(options, plan, adapter)
        finally:
            adapter.close()
    names = selected_instances(workspace, instance, all_, require_choice=True)
    if len(names) > 1 and rollback_out is not None:
        raise click.UsageError("--rollback-out records one instance's apply; choose it with -i")
    if len(names) > 1:
        return _apply_fleet(options, workspace, names, targets, auto_approve)
    plan, adapter = make_plan(workspace, names[0], targets=targets, release=True)
    try:
        _echo_plan(plan, app.use_color)
        if not plan.writes:
            return 0
        check_allowed(plan, allow_delete=allow_delete, force=force)
        if not auto_approve:
            _confirm(plan.instance)
        return _finish(options, plan, adapter)
    finally:
        adapter.close()


@dataclass(frozen=True)
class _Options:
    app: AppContext
    allow_delete: bool
    force: bool
    parallelism: int
    rollback_out: Path | None = None


def _echo_plan(plan: Plan, color: bool | None) -> None:
    """The plan's text view, printed as it is made: never all of it in memory at once."""
    from gladcfg.render.text import text_chunks

    for chunk in text_chunks(plan):
        click.echo(chunk, nl=False, color=color)


def _finish(options: _Options, plan: Plan, adapter: Adapter) -> int:
    """Apply one instance's plan and report; an incomplete apply is an error."""
    report = _run(options, plan, adapter)
    if report is not None and not report.ok:
        raise ApplyFailedError(
            f"apply to {plan.instance} did not finish: run plan to see what is left, "
            "and apply again"
        )
    return 0


def _run(
    options: _Options, plan: Plan, adapter: Adapter, *, label: str | None = None
) -> ApplyReport | None:
    """Apply and report; stopped by a signal once writing, it still reports, saves the
    rollback plan, and then lets the signal end the run (see :mod:`gladcfg.interrupts`)."""
    from gladcfg import interrupts
    from gladcfg.cli.progress import Progress
    from gladcfg.engine import apply_plan

    if not plan.writes:
        click.echo(f"Nothing to apply to {plan.instance}.")
        return None
    interactive = False if label else None
    progress = Progress(
        len(plan.writes), color=options.app.use_color, interactive=interactive, label=label
    )
    with interrupts.guarded() as stop:
        with progress:
            report = apply_plan(
                adapter,
                plan,
                parallelism=options.parallelism,
                listener=progress.update,
                rollback=options.rollback_out is not None,
                stop=stop,
            )
        progress.report(report, plan)
        if options.rollback_out is not None and report.rollback is not None:
            _save_rollback(options.rollback_out, report.rollback)
        if report.error is not None:
            raise report.error
    return report


def _save_rollback(path: Path, rollback: Plan) -> None:
    from gladcfg.fileio import save
    from gladcfg.plan.document import dumps

    save(path, dumps(rollback), "the rollback plan")
    flag = " --allow-delete" if rollback.deletes else ""
    click.echo(
        f"Saved the rollback plan ({len(rollback.changes)} change(s)) to {path}. "
        f"Undo this apply with: gladcfg apply {path}{flag}",
        err=True,
    )


def _apply_fleet(
    options: _Options,
    workspace: Workspace,
    names: list[str],
    targets: tuple[str, ...],
    auto_approve: bool,
) -> int:
    """Plan every instance, refuse before anything changes, confirm once, apply each."""
    from gladcfg import interrupts
    from gladcfg.cli.output import echo_instance_error
    from gladcfg.engine import check_allowed
    from gladcfg.engine.fleet import for_each_instance, plan_fleet
    from gladcfg.render.fleet import APPLY_COLUMNS, render_fleet_text

    color = options.app.use_color
    results = plan_fleet(workspace, names, targets=targets)
    planned = {r.instance: r.value for r in results if r.value is not None}
    try:
        for index, result in enumerate(results):
            if index:
                click.echo()
            if result.value is not None:
                _echo_plan(result.value[0], color)
            else:
                echo_instance_error(result.instance, result.error, color=color)
        ready = [name for name, (plan, _) in planned.items() if plan.writes]
        refusals = []
        for name in ready:
            try:
                check_allowed(
                    planned[name][0], allow_delete=options.allow_delete, force=options.force
                )
            except RefusedError as exc:
                refusals.append(f"{name}: {exc}")
        if refusals:
            raise RefusedError("nothing was applied; " + "; ".join(refusals))
        if ready and not auto_approve:
            _confirm(", ".join(ready))

        def work(name: str) -> ApplyReport | None:
            plan, adapter = planned[name]
            return _run(options, plan, adapter, label=name)

        # The instances are applied on worker threads: from here a signal asks each to stop
        # and finish what it started, and the table below is printed before the run ends.
        with interrupts.guarded() as stop:
            stop.hold()
            applied = {r.instance: r for r in for_each_instance(ready, work)}
            for outcome in applied.values():
                if outcome.error is not None:
                    echo_instance_error(outcome.instance, outcome.error, color=color)
            rows = [_fleet_row(result, applied.get(result.instance)) for result in results]
            click.echo()
            click.echo(
                render_fleet_text(f"Fleet apply: {len(rows)} instances", rows, APPLY_COLUMNS),
                nl=False,
                color=color,
            )
    finally:
        for _, adapter in planned.values():
            adapter.close()
    return 1 if any(row.failed for row in rows) else 0


def _fleet_row(
    planned: InstanceResult[tuple[Plan, Adapter]],
    applied: InstanceResult[ApplyReport | None] | None,
) -> FleetRow:
    from gladcfg.render.fleet import APPLY_COLUMNS, FleetRow

    error = planned.error or (applied.error if applied else None)
    if error is not None:
        return FleetRow.of_error(planned.instance, error)
    if applied is None or applied.value is None:
        return FleetRow(planned.instance, dict.fromkeys(APPLY_COLUMNS, 0), "nothing to apply")
    return FleetRow.of_apply(planned.instance, applied.value)


def is_terminal() -> bool:
    return sys.stdin.isatty()


def _confirm(instances: str) -> None:
    if not is_terminal():
        raise RefusedError(
            "apply needs confirmation and there is no terminal to ask on; pass --auto-approve, "
            "or apply a saved plan (gladcfg plan --out FILE, then gladcfg apply FILE)"
        )
    answer = click.prompt(
        f"Apply these changes to {instances}? Only 'yes' is accepted",
        default="",
        show_default=False,
    )
    if answer.strip() != "yes":
        raise RefusedError("apply cancelled; nothing was changed")
