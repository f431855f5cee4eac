"""How findings and errors look on a terminal: ``file:line:col: error: address: message``,
the shape editors and CI annotators already understand."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

import click

from gladcfg.errors import ConfigError, GladcfgError, Problem, under_instance
from gladcfg.names import escaped

if TYPE_CHECKING:
    from gladcfg.engine.fleet import FleetApply, InstanceResult
    from gladcfg.engine.writes import ApplyReport
    from gladcfg.model.plan import Plan
    from gladcfg.render.fleet import FleetRow


def format_problem(problem: Problem, all_instances: Collection[str] = ()) -> str:
    where = problem.location()
    severity = problem.severity.value
    styled = click.style(severity, fg="red" if problem.is_error else "yellow", bold=True)
    parts = [f"{where}: " if where else "", f"{styled}: "]
    if problem.address:
        parts.append(click.style(shown_lines(problem.address), bold=True) + ": ")
    parts.append(shown_lines(problem.message))
    if problem.instances and set(problem.instances) != set(all_instances):
        parts.append(click.style(f" [{', '.join(problem.instances)}]", dim=True))
    return "".join(parts)


def echo_problems(
    problems: Sequence[Problem], all_instances: Collection[str] = (), *, color: bool | None = None
) -> None:
    for problem in problems:
        click.echo(format_problem(problem, all_instances), err=True, color=color)


def count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def report_error(exc: GladcfgError, *, color: bool | None = None) -> None:
    if isinstance(exc, ConfigError):
        instances = {name for p in exc.problems for name in p.instances}
        echo_problems(exc.problems, instances, color=color)
        errors = sum(1 for p in exc.problems if p.is_error)
        warnings = len(exc.problems) - errors
        summary = count(errors, "error") + (f", {count(warnings, 'warning')}" if warnings else "")
        click.echo(click.style(f"invalid: {summary}", fg="red", bold=True), err=True, color=color)
        return
    _echo_error(str(exc), color)


def _echo_error(message: str, color: bool | None) -> None:
    error = click.style("error", fg="red", bold=True)
    click.echo(f"{error}: {shown_lines(message)}", err=True, color=color)


def shown_lines(text: str) -> str:
    """``text`` with what would not show as itself escaped, line by line: a message quotes
    paths and values the user gave, which may hold bytes that are not UTF-8 or a bidi
    override that reverses the line in a terminal."""
    if text.isascii() and text.isprintable():
        return text
    return "\n".join(escaped(line) for line in text.split("\n"))


def echo_instance_error(instance: str, error: GladcfgError | None, *, color: bool | None) -> None:
    """One instance of a fleet failed: say which, then the error as usual."""
    click.echo(click.style(f"{shown_lines(instance)}:", bold=True), err=True, color=color)
    if isinstance(error, ConfigError):
        report_error(error, color=color)
    elif error is not None:
        _echo_error(under_instance(instance, error), color)


def fleet_summary(results: Sequence[InstanceResult[Plan]], format_: str) -> str:
    """The per-instance table after a fleet plan; each result holds a plan."""
    from gladcfg.render.fleet import (
        PLAN_COLUMNS,
        FleetRow,
        render_fleet_markdown,
        render_fleet_text,
    )

    rows = [
        FleetRow.of_plan(r.value) if r.value is not None else FleetRow.of_error(r.instance, r.error)
        for r in results
    ]
    title = f"Fleet plan: {count(len(rows), 'instance')}"
    render = render_fleet_markdown if format_ == "markdown" else render_fleet_text
    return render(title, rows, PLAN_COLUMNS)


def error_document(instance: str, error: GladcfgError | None) -> dict[str, Any]:
    """A fleet member that failed, for JSON output: the error and, for invalid files,
    every problem as ``file:line:col: severity: address: message``."""
    document: dict[str, Any] = {"instance": instance, "error": under_instance(instance, error)}
    if isinstance(error, ConfigError):
        document["problems"] = [click.unstyle(format_problem(p)) for p in error.problems]
    return document


def error_text(instance: str, error: GladcfgError | None) -> str:
    """A fleet member that failed, as one text: the error, then each problem indented."""
    document = error_document(instance, error)
    problems = document.get("problems", [])
    text: str = document["error"] + "".join(f"\n  {p}" for p in problems)
    return text


def echo_plan(plan: Plan, color: bool | None) -> None:
    """The plan's text view, printed as it is made: never all of it in memory at once."""
    from gladcfg.render.text import text_chunks

    for chunk in text_chunks(plan):
        click.echo(chunk, nl=False, color=color)


def echo_planned(first: str, color: bool | None, result: InstanceResult[Plan]) -> None:
    """One instance of a fleet: its plan, or the error that stopped it."""
    if result.instance != first:
        click.echo()
    if result.value is not None:
        echo_plan(result.value, color)
    else:
        echo_instance_error(result.instance, result.error, color=color)


def echo_fleet(color: bool | None, fleet: FleetApply, title: str | None = None) -> None:
    """After a fleet apply: the errors that stopped instances, then a row per instance."""
    from gladcfg.render.fleet import APPLY_COLUMNS, render_fleet_text

    for outcome in fleet.applied.values():
        if outcome.error is not None:
            echo_instance_error(outcome.instance, outcome.error, color=color)
    rows = [_fleet_row(result, fleet.applied.get(result.instance)) for result in fleet.planned]
    click.echo()
    click.echo(
        render_fleet_text(title or f"Fleet apply: {len(rows)} instances", rows, APPLY_COLUMNS),
        nl=False,
        color=color,
    )


def _fleet_row(
    planned: InstanceResult[Plan], applied: InstanceResult[ApplyReport] | None
) -> FleetRow:
    from gladcfg.render.fleet import APPLY_COLUMNS, FleetRow

    error = planned.error or (applied.error if applied else None)
    if error is not None:
        return FleetRow.of_error(planned.instance, error)
    if applied is None or applied.value is None:
        return FleetRow(planned.instance, dict.fromkeys(APPLY_COLUMNS, 0), "nothing to apply")
    return FleetRow.of_apply(planned.instance, applied.value)
