"""Apply progress: one line per change, kept above a bar on a terminal (only the lines in
logs and CI)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import TracebackType
from typing import Any

import click

from gladcfg.cli.context import is_terminal
from gladcfg.engine.writes import ApplyReport, Outcome, Status
from gladcfg.model.plan import Action, Plan
from gladcfg.render.text import symbol_of

_STYLE = {Status.APPLIED: "green", Status.FAILED: "red", Status.SKIPPED: "yellow"}


class Progress:
    def __init__(
        self,
        total: int,
        *,
        color: bool | None,
        interactive: bool | None = None,
        label: str | None = None,
        keep: Callable[[ApplyReport, Plan], None] | None = None,
    ) -> None:
        self._total = total
        self._keep = keep
        self._prefix = f"[{label}] " if label else ""
        self._color = color
        self._bar: Any = None
        self._task: Any = None
        if interactive is None:
            interactive = is_terminal(sys.stdout) and color is not False
        self._interactive = interactive

    def __enter__(self) -> Progress:
        if self._interactive:
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
            from rich.progress import Progress as Bar

            self._bar = Bar(
                TextColumn("applying"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.description}"),
                transient=True,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task("", total=self._total)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.__exit__(kind, error, tb)

    def update(self, outcome: Outcome) -> None:
        if self._bar is None:
            click.echo(self._line(outcome), color=self._color)
            return
        from rich.text import Text

        # Printed through the bar's console, a line stays above the bar as it moves on.
        self._bar.console.print(Text.from_ansi(self._line(outcome)))
        self._bar.update(self._task, advance=1, description=outcome.change.address)

    def _line(self, outcome: Outcome) -> str:
        symbol, _ = symbol_of(outcome.change)
        status = click.style(f"{outcome.status.value:<8}", fg=_STYLE[outcome.status])
        address = outcome.change.address
        # A reason that names the object already (raised where no line names it) says it once.
        reason = (outcome.reason or "").removeprefix(f"{address}: ")
        reason = f": {reason}" if reason else ""
        return f"{self._prefix}{status} {symbol} {address}{reason}"

    def report(self, report: ApplyReport, plan: Plan) -> None:
        if self._keep is not None:
            self._keep(report, plan)
        applied, failed, skipped = (report.of(s) for s in Status)
        summary = f"{len(applied)} applied, {len(failed)} failed, {len(skipped)} skipped"
        colour = "green" if report.ok else "red"
        heading = f"Apply to {plan.instance}"
        if report.interrupted:
            heading += " stopped early"
            summary += f", {len(plan.writes) - len(report.outcomes)} not started"
        click.echo(
            click.style(f"\n{heading}: {summary}.", fg=colour, bold=True),
            color=self._color,
        )
        if report.break_glass is not None:
            click.echo(
                click.style("Break-glass: ", fg="yellow", bold=True)
                + report.break_glass.describe(),
                color=self._color,
            )
        if report.interrupted:
            click.echo(
                "Everything applied is saved. Run plan to see what is left, and apply again "
                "to finish.",
                color=self._color,
            )
        manual = [c for c in plan.changes if c.action is Action.MANUAL]
        if manual:
            click.echo(
                f"{len(manual)} manual change(s) remain: make them in the admin UI "
                "(gladcfg plan lists them), then plan again to confirm.",
                color=self._color,
            )
