"""``gladcfg coverage``: a week grid of which inboxes and languages are open, and the gaps."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import click

from gladcfg.cli.context import AppContext
from gladcfg.cli.options import instance_options, selected_instances, var_option, week_option


@click.command()
@instance_options
@click.option(
    "--format", "format_", type=click.Choice(["text", "json", "markdown"]), default="text"
)
@week_option("Any day of the week to show (default: this week). Holidays count.")
@click.option(
    "--timezone", "timezone", default="UTC", show_default=True, help="Show the grid in this zone."
)
@var_option
@click.pass_obj
def coverage(
    app: AppContext,
    instance: tuple[str, ...],
    all_: bool,
    format_: str,
    week: dt.datetime | None,
    timezone: str,
    variables: dict[str, Any],
) -> int:
    """Show, hour by hour over a week, which inboxes and languages are open, and list the
    gaps: hours when no inbox serving a language is open (within policy.coverage, if set),
    and sms or chat entry points whose customers get no after-hours reply.

    A gap is one language without an open inbox over one stretch of the hours
    policy.coverage promises (without it, of the hours some inbox is open), for as long as
    that lasts: a stretch that leaves three languages unanswered is three gaps.

    Computed from the files; the instance is never contacted.
    """
    from gladcfg.config import Workspace, load_desired
    from gladcfg.config.routing import Routing
    from gladcfg.hours.coverage import compute, to_document
    from gladcfg.model.types import check_time_zone
    from gladcfg.render.coverage import render_coverage_markdown, render_coverage_text

    try:
        check_time_zone(timezone)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--timezone") from None
    workspace = Workspace.open(app.root, variables)
    names = selected_instances(workspace, instance, all_, require_choice=True)
    day = (week or dt.datetime.now(dt.UTC)).date()
    reports = []
    for name in names:
        state = Routing.of(load_desired(workspace, name).states[name])
        target = workspace.project.policy_of(name).coverage
        reports.append(compute(state, target, day=day, timezone=timezone))
    if format_ == "json":
        documents = [to_document(r) for r in reports]
        click.echo(json.dumps(documents[0] if len(documents) == 1 else documents, indent=2))
        return 0
    render = render_coverage_markdown if format_ == "markdown" else render_coverage_text
    click.echo("\n".join(render(r) for r in reports), nl=False, color=app.use_color)
    return 0
