"""``gladcfg validate``: render and check every selected instance, offline."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from gladcfg.cli.context import AppContext
from gladcfg.cli.options import instance_options, selected_instances, var_option

if TYPE_CHECKING:
    from gladcfg.config import ValidationReport


@click.command()
@instance_options
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@var_option
@click.pass_obj
def validate(
    app: AppContext, instance: tuple[str, ...], all_: bool, strict: bool, variables: dict[str, Any]
) -> int:
    """Check the project's files for every selected instance (default: all).

    Reports every problem found, each with file, line, column and address.
    Never contacts a remote instance.
    """
    from gladcfg.cli.output import count, echo_problems
    from gladcfg.config import Workspace
    from gladcfg.config import validate as validate_instances

    workspace = Workspace.open(app.root, variables)
    names = selected_instances(workspace, instance, all_)
    report = validate_instances(workspace, names)
    echo_problems(report.problems, names, color=app.use_color)
    if len(names) > 1:
        click.echo(_fleet_table(report, names), nl=False, color=app.use_color)
    failed = bool(report.errors) or (strict and bool(report.warnings))
    if failed:
        what = count(len(report.errors), "error")
        if report.warnings:
            what += f", {count(len(report.warnings), 'warning')}"
            if strict:
                what += " (--strict: warnings are errors)"
        click.echo(
            click.style(f"invalid: {what}", fg="red", bold=True), err=True, color=app.use_color
        )
        return 1
    sizes = ", ".join(f"{name} ({count(len(report.states[name]), 'resource')})" for name in names)
    note = f" with {count(len(report.warnings), 'warning')}" if report.warnings else ""
    click.echo(
        click.style("valid", fg="green", bold=True) + f"{note}: {sizes}", color=app.use_color
    )
    return 0


def _fleet_table(report: ValidationReport, names: list[str]) -> str:
    """Per instance: resources, errors and warnings (a problem without instances is the
    project's own, so every instance's)."""
    from gladcfg.render.fleet import FleetRow, render_fleet_text

    rows = []
    for name in names:
        mine = [p for p in report.problems if not p.instances or name in p.instances]
        errors = sum(1 for p in mine if p.is_error)
        counts = {
            "resources": len(report.states[name]),
            "errors": errors,
            "warnings": len(mine) - errors,
        }
        rows.append(FleetRow(name, counts, "invalid" if errors else "valid", bool(errors)))
    columns = ("resources", "errors", "warnings")
    return render_fleet_text(f"Fleet: {len(names)} instances", rows, columns)
