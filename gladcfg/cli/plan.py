"""``gladcfg plan`` and ``gladcfg show``: what would change, in text, markdown or JSON."""

from __future__ import annotations

import json
from pathlib import Path

import click

from gladcfg.cli.context import AppContext
from gladcfg.cli.options import instance_options, selected_instances, target_option

FORMAT = click.Choice(["text", "markdown", "json"])


@click.command()
@instance_options
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Save the plan (JSON) to apply it later.",
)
@click.option("--format", "format_", type=FORMAT, default="text", show_default=True)
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 2 when there are changes, 0 when there are none.",
)
@target_option
@click.pass_obj
def plan(
    app: AppContext,
    instance: tuple[str, ...],
    all_: bool,
    out: Path | None,
    format_: str,
    detailed_exitcode: bool,
    targets: tuple[str, ...],
) -> int:
    """Read the instance, compare it with the files, and show what apply would change."""
    from gladcfg.config import Workspace
    from gladcfg.engine import make_plan
    from gladcfg.plan.document import dumps, to_document
    from gladcfg.render import RENDERERS

    workspace = Workspace.open(app.root)
    names = selected_instances(workspace, instance, all_, require_choice=True)
    if out is not None and len(names) > 1:
        raise click.UsageError("--out saves one instance's plan; choose it with -i NAME")
    plans = []
    for name in names:
        made, adapter = make_plan(workspace, name, targets=targets)
        adapter.close()
        plans.append(made)
    if format_ == "json" and len(plans) > 1:
        click.echo(json.dumps([to_document(p) for p in plans], indent=2, ensure_ascii=False))
    else:
        for index, each in enumerate(plans):
            if index:
                click.echo()
            click.echo(RENDERERS[format_](each), nl=False, color=app.use_color)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(dumps(plans[0]), encoding="utf-8")
        click.echo(
            f"\nSaved the plan to {out}. Apply exactly this plan with: gladcfg apply {out}",
            err=True,
        )
    changed = any(p.has_changes for p in plans)
    return 2 if detailed_exitcode and changed else 0


@click.command()
@click.argument("planfile", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "format_", type=FORMAT, default="text", show_default=True)
@click.pass_obj
def show(app: AppContext, planfile: Path, format_: str) -> int:
    """Show a saved plan."""
    from gladcfg.plan.document import read_plan_file
    from gladcfg.render import RENDERERS

    saved = read_plan_file(planfile)
    click.echo(RENDERERS[format_](saved), nl=False, color=app.use_color)
    return 0
