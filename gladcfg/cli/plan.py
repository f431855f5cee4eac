"""``gladcfg plan`` and ``gladcfg show``: what would change, in text, markdown or JSON."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gladcfg.cli.context import AppContext
from gladcfg.cli.options import (
    instance_options,
    refresh_option,
    selected_instances,
    target_option,
    var_option,
    week_option,
)
from gladcfg.cli.output import echo_instance_error, error_document, fleet_summary
from gladcfg.cli.rollout import render_waves, rollout_waves, wave_headings

if TYPE_CHECKING:
    from gladcfg.model.plan import Plan

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
@refresh_option
@week_option(
    "Show the coverage impact over the 7 days from this day, 00:00 in the instance's time "
    "zone (default: from now).",
    margin=7,
)
@var_option
@click.pass_obj
def plan(
    app: AppContext,
    instance: tuple[str, ...],
    all_: bool,
    out: Path | None,
    format_: str,
    detailed_exitcode: bool,
    targets: tuple[str, ...],
    refresh: bool,
    week: dt.datetime | None,
    variables: dict[str, Any],
) -> int:
    """Read the instance, compare it with the files, and show what apply would change.

    With several instances (repeated -i, or --all) each is planned on its own, a few at
    once, and a summary table follows; the exit code is the worst of the instances.
    """
    from gladcfg.config import Workspace
    from gladcfg.engine.fleet import plan_fleet
    from gladcfg.plan.document import dumps, to_document
    from gladcfg.text import json_text

    workspace = Workspace.open(app.root, variables)
    names = selected_instances(workspace, instance, all_, require_choice=True)
    waves = rollout_waves(workspace) if all_ else None
    if waves:
        names = [name for _, members in waves for name in members]  # in the waves' order
    if out is not None and len(names) > 1:
        raise click.UsageError("--out saves one instance's plan; choose it with -i NAME")
    if out is not None:
        from gladcfg.cli.options import project_inputs
        from gladcfg.fileio import check_writable

        check_writable(out, "the plan", project_inputs(workspace))
    day = None if week is None else week.date()
    results = plan_fleet(workspace, names, targets=targets, refresh=refresh, week=day)
    if len(results) == 1 and results[0].error is not None:
        raise results[0].error
    plans = [r.value for r in results if r.value is not None]
    if format_ == "json" and len(results) > 1:
        documents = [
            to_document(r.value) if r.value else error_document(r.instance, r.error)
            for r in results
        ]
        if waves:
            wave_of = {name: wave.name for wave, members in waves for name in members}
            documents = [
                {**document, "wave": wave_of[document["instance"]]} for document in documents
            ]
        click.echo(json_text(documents, indent=2))
    else:
        headings = wave_headings(waves, format_) if waves else {}
        for index, result in enumerate(results):
            if index:
                click.echo()
            if result.instance in headings:
                click.echo(headings[result.instance], color=app.use_color)
                click.echo()
            if result.value is not None:
                text = _rendered(result.value, format_, out)
                click.echo(text, nl=False, color=app.use_color)
            else:
                echo_instance_error(result.instance, result.error, color=app.use_color)
        if len(results) > 1:
            click.echo()
            click.echo(fleet_summary(results, format_), nl=False, color=app.use_color)
            if waves:
                click.echo(render_waves(waves, format_), nl=False, color=app.use_color)
    if out is not None:
        from gladcfg.fileio import save

        save(out, dumps(plans[0]), "the plan")
        click.echo(
            f"\nSaved the plan to {out}. Apply exactly this plan with: gladcfg apply {out}",
            err=True,
        )
    if any(r.error is not None for r in results):
        return 1
    changed = any(p.has_changes for p in plans)
    return 2 if detailed_exitcode and changed else 0


@click.command()
@click.argument("planfile", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "format_", type=FORMAT, default="text", show_default=True)
@click.pass_obj
def show(app: AppContext, planfile: Path, format_: str) -> int:
    """Show a saved plan, once it is found to be what apply would send.

    In a project it is also checked against the project, as apply checks it; elsewhere
    only on its own."""
    from gladcfg.config import Workspace
    from gladcfg.config.workspace import PROJECT_FILE
    from gladcfg.engine import load_saved_plan

    workspace = Workspace.open(app.root) if (app.root / PROJECT_FILE).exists() else None
    saved = load_saved_plan(workspace, planfile)
    if workspace is None:
        click.echo(
            f"No {PROJECT_FILE} here: the plan was checked on its own, not against its project.",
            err=True,
        )
    click.echo(_rendered(saved, format_, planfile), nl=False, color=app.use_color)
    return 0


def _rendered(plan: Plan, format_: str, saved_as: Path | None) -> str:
    """``plan`` in ``format_``; the markdown's notes name the file it is saved in."""
    from gladcfg.render.markdown import render_markdown
    from gladcfg.render.views import PLAN_RENDERERS

    if format_ == "markdown":
        return render_markdown(plan, saved_as=None if saved_as is None else str(saved_as))
    return PLAN_RENDERERS[format_](plan)
