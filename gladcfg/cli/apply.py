"""``gladcfg apply``: make the instance match the files, or apply a saved plan exactly."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gladcfg.cli.context import AppContext
from gladcfg.cli.options import selected_instances, target_option
from gladcfg.errors import ApplyFailedError, RefusedError


@click.command()
@click.argument("planfile", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("-i", "--instance", metavar="NAME", help="Instance to apply to.")
@click.option("--auto-approve", is_flag=True, help="Do not ask for confirmation.")
@click.option("--allow-delete", is_flag=True, help="Allow a plan that deletes objects.")
@click.option("--force", is_flag=True, help="Apply even past the safety thresholds.")
@click.option(
    "--parallelism",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Independent changes applied at once.",
)
@target_option
@click.pass_obj
def apply(
    app: AppContext,
    planfile: Path | None,
    instance: str | None,
    auto_approve: bool,
    allow_delete: bool,
    force: bool,
    parallelism: int,
    targets: tuple[str, ...],
) -> int:
    """Apply a fresh plan (shown, then confirmed), or exactly the saved PLANFILE.

    A saved plan was reviewed already: it applies without a prompt, but only if the
    instance is still as it was when the plan was made.
    """
    from gladcfg.cli.progress import Progress
    from gladcfg.config import Workspace
    from gladcfg.engine import apply_plan, check_allowed, connect, make_plan
    from gladcfg.plan.document import read_plan_file
    from gladcfg.render import render_text

    workspace = Workspace.open(app.root)
    if planfile is not None:
        if targets:
            raise click.UsageError("a saved plan applies whole; make a plan with --target instead")
        plan = read_plan_file(planfile)
        if instance is not None and instance != plan.instance:
            raise RefusedError(f"{planfile} is a plan for {plan.instance}, not {instance}")
        workspace.select([plan.instance])
        check_allowed(plan, allow_delete=allow_delete, force=force)
        adapter = connect(workspace, plan.instance)
    else:
        (name,) = selected_instances(
            workspace, (instance,) if instance else (), False, require_choice=True
        )
        plan, adapter = make_plan(workspace, name, targets=targets)
    try:
        if planfile is None:
            click.echo(render_text(plan), nl=False, color=app.use_color)
            if not plan.writes:
                return 0
            check_allowed(plan, allow_delete=allow_delete, force=force)
            if not auto_approve:
                _confirm(plan.instance)
        if not plan.writes:
            click.echo(f"Nothing to apply to {plan.instance}.")
            return 0
        progress = Progress(len(plan.writes), color=app.use_color)
        with progress:
            report = apply_plan(adapter, plan, parallelism=parallelism, listener=progress.update)
        progress.report(report, plan)
    finally:
        adapter.close()
    if not report.ok:
        raise ApplyFailedError(
            f"apply to {plan.instance} did not finish: run plan to see what is left, "
            "and apply again"
        )
    return 0


def is_terminal() -> bool:
    return sys.stdin.isatty()


def _confirm(instance: str) -> None:
    if not is_terminal():
        raise RefusedError(
            "apply needs confirmation and there is no terminal to ask on; pass --auto-approve, "
            "or apply a saved plan (gladcfg plan --out FILE, then gladcfg apply FILE)"
        )
    answer = click.prompt(
        f"Apply these changes to {instance}? Only 'yes' is accepted", default="", show_default=False
    )
    if answer.strip() != "yes":
        raise RefusedError("apply cancelled; nothing was changed")
