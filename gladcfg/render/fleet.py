"""The fleet summary: one row per instance, after the instances' own plans or reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import click

from gladcfg.engine.apply import ApplyReport, Status
from gladcfg.plan.model import Action, Plan
from gladcfg.render.markdown import cell, code


@dataclass(frozen=True)
class FleetRow:
    """One instance's line: its plan's counts, or the error that stopped it."""

    instance: str
    counts: dict[str, int]
    result: str
    failed: bool = False

    @classmethod
    def of_plan(cls, plan: Plan) -> FleetRow:
        summary = plan.summary.model_dump()
        counts = {action.value: summary[action.value] for action in Action}
        counts["unmanaged"] = len(plan.unmanaged)
        counts["warnings"] = len(plan.warnings)
        unsafe = "; unsafe" if plan.safety.violations else ""
        return cls(
            plan.instance, counts, ("changes" if plan.has_changes else "no changes") + unsafe
        )

    @classmethod
    def of_apply(cls, instance: str, report: ApplyReport) -> FleetRow:
        counts = {status.value: len(report.of(status)) for status in Status}
        return cls(instance, counts, "applied" if report.ok else "incomplete", not report.ok)

    @classmethod
    def of_error(cls, instance: str, error: Exception | None) -> FleetRow:
        text = str(error or "")
        first = text.splitlines()[0] if text else type(error).__name__
        return cls(instance, {}, f"error: {first}", failed=True)


PLAN_COLUMNS = (*(action.value for action in Action), "unmanaged", "warnings")
APPLY_COLUMNS = ("applied", "failed", "skipped")


def render_fleet_text(title: str, rows: Sequence[FleetRow], columns: Sequence[str]) -> str:
    header = ["instance", *columns, "result"]
    table = [[row.instance, *(_count(row, c) for c in columns), row.result] for row in rows]
    widths = [max(len(line[i]) for line in [header, *table]) for i in range(len(header) - 1)]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        numbers = (cell.rjust(width) for cell, width in zip(cells[1:-1], widths[1:], strict=True))
        return "  ".join([first, *numbers, cells[-1]])

    lines = [click.style(title, bold=True), click.style(line(header), dim=True)]
    for row, cells in zip(rows, table, strict=True):
        text = line(cells)
        lines.append(click.style(text, fg="red") if row.failed else text)
    return "\n".join(lines) + "\n"


def render_fleet_markdown(title: str, rows: Sequence[FleetRow], columns: Sequence[str]) -> str:
    lines = [f"### {title}", "", "| instance | " + " | ".join(columns) + " | result |"]
    lines.append("|---|" + "---:|" * len(columns) + "---|")
    for row in rows:
        cells = [code(row.instance), *(_count(row, c) for c in columns), cell(row.result)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _count(row: FleetRow, column: str) -> str:
    return str(row.counts[column]) if column in row.counts else "–"
