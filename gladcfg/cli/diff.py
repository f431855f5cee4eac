"""``gladcfg diff A B``: what differs between two instances."""

from __future__ import annotations

from typing import Any

import click

from gladcfg.cli.context import AppContext
from gladcfg.cli.options import var_option


@click.command()
@click.argument("left", metavar="A")
@click.argument("right", metavar="B")
@click.option("--remote", is_flag=True, help="Compare the live instances, not the rendered files.")
@click.option(
    "--format",
    "format_",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
)
@click.option("--detailed-exitcode", is_flag=True, help="Exit 2 when they differ.")
@var_option
@click.pass_obj
def diff(
    app: AppContext,
    left: str,
    right: str,
    remote: bool,
    format_: str,
    detailed_exitcode: bool,
    variables: dict[str, Any],
) -> int:
    """Show, per resource and field, what differs between instances A and B."""
    from gladcfg.config import Workspace
    from gladcfg.engine import compare
    from gladcfg.render.compare import COMPARISON_RENDERERS

    workspace = Workspace.open(app.root, variables)
    names = workspace.select([left, right])
    specs = [compare.instance_specs(workspace, name, remote=remote) for name in names]
    result = compare.compare(
        left, specs[0], right, specs[-1], source="remote" if remote else "config"
    )
    click.echo(COMPARISON_RENDERERS[format_](result), nl=False, color=app.use_color)
    return 2 if detailed_exitcode and result.differences else 0
