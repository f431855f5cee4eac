"""The fleet summary: one row per instance, after the instances' own plans or reports; and
a rollout's: a line per wave."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from gladcfg.text import cell, code

if TYPE_CHECKING:  # validate's table needs neither (start-up)
    from gladcfg.engine.rollout import RolloutApply, WaveRun
    from gladcfg.engine.writes import ApplyReport
    from gladcfg.model.plan import Plan

# The columns of a fleet's plans (each plan action's count, tests/render pin them to
# Action's values) and of its applies (each outcome status's).
ACTIONS = ("create", "update", "rename", "delete", "manual")
PLAN_COLUMNS = (*ACTIONS, "unmanaged", "warnings")
APPLY_COLUMNS = ("applied", "failed", "skipped")


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
        counts = {action: summary[action] for action in ACTIONS}
        counts["unmanaged"] = len(plan.unmanaged)
        counts["warnings"] = len(plan.warnings)
        unsafe = "; unsafe" if plan.safety.violations else ""
        return cls(
            plan.instance, counts, ("changes" if plan.has_changes else "no changes") + unsafe
        )

    @classmethod
    def of_apply(cls, instance: str, report: ApplyReport) -> FleetRow:
        counts = dict.fromkeys(APPLY_COLUMNS, 0)
        for outcome in report.outcomes:
            counts[outcome.status.value] += 1
        return cls(instance, counts, "applied" if report.ok else "incomplete", not report.ok)

    @classmethod
    def of_error(cls, instance: str, error: Exception | None) -> FleetRow:
        text = str(error or "")
        first = text.splitlines()[0] if text else type(error).__name__
        return cls(instance, {}, f"error: {first}", failed=True)


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


def wave_states(run: WaveRun) -> dict[str, str]:
    """Each instance of a wave, by what became of it: applied, up to date, failed (and how),
    not verified, not started."""
    if run.fleet is None:
        state = "not applied" if run.refused is not None else "not started"
        return dict.fromkeys(run.instances, state)
    states = {}
    for planned in run.fleet.planned:
        applied = run.fleet.applied.get(planned.instance)
        if planned.error is not None:
            states[planned.instance] = "failed: not planned"
        elif applied is None:
            states[planned.instance] = "up to date"
        elif applied.value is None or not applied.value.ok:
            states[planned.instance] = "failed: apply incomplete"
        elif planned.instance in run.unverified:
            states[planned.instance] = "applied, not verified"
        else:
            states[planned.instance] = "applied"
    return states


def _wave_state(run: WaveRun) -> str:
    if run.refused is not None:
        return "refused"
    if not run.started:
        return "not started"
    if run.failed:
        return "failed"
    return "verified" if run.applied else "up to date"


def render_rollout_text(rollout: RolloutApply) -> str:
    """After a rollout: a line per wave (what it did to each of its instances), then what
    was applied, what failed and the waves not started."""
    names = [run.wave.name for run in rollout.waves]
    width = max(len(name) for name in names)
    states = [_wave_state(run) for run in rollout.waves]
    state_width = max(len(state) for state in states)
    stopped = rollout.stopped_at
    title = (
        f"Rollout: stopped at wave {stopped.wave.name}"
        if stopped is not None
        else f"Rollout: {len(rollout.waves)} wave{'s' if len(rollout.waves) > 1 else ''} done"
    )
    lines = [click.style(title, bold=True)]
    for run, state in zip(rollout.waves, states, strict=True):
        if run.started and run.instances:
            detail = "; ".join(f"{name}: {s}" for name, s in wave_states(run).items())
        else:
            detail = ", ".join(run.instances) or "no instance"
        text = f"  {run.wave.name.ljust(width)}  {state.ljust(state_width)}  {detail}"
        lines.append(click.style(text, fg="red") if run.failed else text)
    if stopped is not None:
        applied = [name for run in rollout.waves for name in run.applied]
        failed = [
            name
            for run in rollout.waves
            for name, state in wave_states(run).items()
            if state.startswith(("failed", "applied, not verified", "not applied"))
        ]
        waiting = [
            f"{run.wave.name} ({', '.join(run.instances)})"
            for run in rollout.waves
            if not run.started and run.instances
        ]
        lines.append(f"Applied: {', '.join(applied) or 'nothing'}.")
        lines.append(f"Failed: {', '.join(failed)}.")
        lines.append(f"Not started: {', '.join(waiting) or 'no wave'}.")
        lines.append("Run the same command again to resume: up-to-date instances are skipped.")
    return "\n".join(lines) + "\n"
