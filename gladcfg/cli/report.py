"""``gladcfg report``: one self-contained HTML file of the fleet's health, coverage and
pending plans."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from gladcfg import clock
from gladcfg.cli.context import AppContext
from gladcfg.cli.options import (
    instance_options,
    refresh_option,
    selected_instances,
    var_option,
    week_option,
)


@click.command()
@instance_options
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The HTML file to write.",
)
@week_option("Any day of the week to show coverage for (default: this week). Holidays count.")
@refresh_option
@var_option
@click.pass_obj
def report(
    app: AppContext,
    instance: tuple[str, ...],
    all_: bool,
    out: Path,
    week: dt.datetime | None,
    refresh: bool,
    variables: dict[str, Any],
) -> int:
    """Write one HTML file, readable offline and on paper: a row of health per instance
    (drift, unmanaged, warnings, coverage gaps), each instance's week of coverage in its own
    time zone and in UTC with its gaps and their causes, who covers each language around
    the clock across the fleet, and each instance's pending plan.

    Exit 0 when every instance is healthy, 2 when any has drift, 1 when any check failed.
    """
    from gladcfg.cli.options import project_inputs
    from gladcfg.cli.output import error_text
    from gladcfg.config import Workspace
    from gladcfg.engine.report import build_report
    from gladcfg.fileio import check_writable, save
    from gladcfg.render.html import render_report_html

    workspace = Workspace.open(app.root, variables)
    names = selected_instances(workspace, instance, all_)
    check_writable(out, "the report", project_inputs(workspace))
    now = clock.now()
    day = week.date() if week is not None else now.date()
    fleet = build_report(workspace, names, now=now, day=day, explain=error_text, refresh=refresh)
    save(out, render_report_html(fleet), "the report")
    counts = {
        state: sum(1 for record in fleet.instances if record.status.status == state)
        for state in ("healthy", "drift", "error")
    }
    click.echo(
        f"Wrote the report of {len(fleet.instances)} instance(s) to {out}: "
        + ", ".join(f"{count} {state}" for state, count in counts.items()),
        err=True,
    )
    return fleet.exit_code
