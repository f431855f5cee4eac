"""``gladcfg status``: a health record per instance, for dashboards and scheduled checks."""

from __future__ import annotations

from typing import Any

import click

from gladcfg import clock
from gladcfg.cli.context import AppContext
from gladcfg.cli.options import instance_options, refresh_option, selected_instances, var_option


@click.command()
@instance_options
@click.option("--format", "format_", type=click.Choice(["text", "json"]), default="text")
@refresh_option
@var_option
@click.pass_obj
def status(
    app: AppContext,
    instance: tuple[str, ...],
    all_: bool,
    format_: str,
    refresh: bool,
    variables: dict[str, Any],
) -> int:
    """Check each instance: drift (what a plan would change), unmanaged objects,
    validation warnings and this week's coverage gaps.

    Exit 0 when every instance is healthy, 2 when any has drift, 1 when any check failed.
    """
    from gladcfg.cli.output import error_text
    from gladcfg.config import Workspace
    from gladcfg.engine.status import check_status
    from gladcfg.render.status import render_status_json, render_status_text

    workspace = Workspace.open(app.root, variables)
    names = selected_instances(workspace, instance, all_)
    document = check_status(workspace, names, now=clock.now(), explain=error_text, refresh=refresh)
    render = render_status_json if format_ == "json" else render_status_text
    click.echo(render(document), nl=False, color=app.use_color)
    states = {record.status for record in document.instances}
    return 1 if "error" in states else 2 if "drift" in states else 0
