"""``gladcfg apply --all`` (or ``--wave NAME``) with a rollout: the waves applied one after
the other, each shown, confirmed, applied and verified, and a line per wave at the end."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from gladcfg.config import Workspace
    from gladcfg.engine.fleet import FleetApply, InstanceResult
    from gladcfg.engine.rollout import WaveRun
    from gladcfg.engine.run import Confirm, WatchFactory
    from gladcfg.model.plan import Plan
    from gladcfg.model.schedule import Wave


def rollout_waves(workspace: Workspace) -> list[tuple[Wave, list[str]]] | None:
    """The rollout's waves, each with its instances; None without a rollout."""
    from gladcfg.model.schedule import waves_of

    rollout = workspace.project.rollout
    return None if rollout is None else waves_of(rollout, list(workspace.project.instances))


def wave_heading(position: int, total: int, wave: Wave, names: Sequence[str]) -> str:
    at_once = f", {wave.parallel} at once" if wave.parallel > 1 else ""
    return f"Wave {position} of {total}, {wave.name}: {', '.join(names)}{at_once}"


def wave_headings(waves: list[tuple[Wave, list[str]]], format_: str) -> dict[str, str]:
    """The heading of each wave of a fleet plan, by the wave's first instance."""
    headings = {}
    for position, (wave, names) in enumerate(waves, 1):
        if names:
            text = wave_heading(position, len(waves), wave, names)
            headings[names[0]] = f"## {text}" if format_ == "markdown" else _bold(text)
    return headings


def render_waves(waves: list[tuple[Wave, list[str]]], format_: str) -> str:
    """After a fleet plan's table: the order apply --all applies the instances in."""
    lines = [
        f"{position}. {wave_heading(position, len(waves), wave, names).partition(', ')[2]}"
        for position, (wave, names) in enumerate(waves, 1)
    ]
    title = f"Rollout: {len(waves)} waves, applied in this order by apply --all"
    if format_ == "markdown":
        return "\n".join(["", f"**{title}**", "", *lines]) + "\n"
    return "\n".join(["", _bold(title), *(f"  {line}" for line in lines)]) + "\n"


def _bold(text: str) -> str:
    return click.style(text, bold=True)


def apply_waves(
    workspace: Workspace,
    waves: list[tuple[Wave, list[str]]],
    *,
    targets: Sequence[str],
    allow_delete: bool,
    force: bool,
    parallelism: int,
    confirm: Confirm | None,
    watch: WatchFactory,
    color: bool | None,
    break_glass: str | None = None,
) -> int:
    """Apply ``waves`` in order; 1 when one failed (the rest are then not started)."""
    from gladcfg.engine.rollout import apply_rollout
    from gladcfg.render.fleet import render_rollout_text

    assert workspace.project.rollout is not None
    positions = {wave.name: index for index, wave in enumerate(workspace.project.rollout, 1)}
    echo = _WaveEcho(color, positions, len(positions))
    rollout = apply_rollout(
        workspace,
        waves,
        targets=targets,
        allow_delete=allow_delete,
        force=force,
        parallelism=parallelism,
        begin=echo.begin,
        show=echo.show,
        confirm=None if confirm is None else partial(_confirm_wave, confirm),
        watch=watch,
        report_apply=echo.applied,
        report=echo.verified,
        break_glass=break_glass,
    )
    click.echo()
    click.echo(render_rollout_text(rollout), nl=False, color=color)
    return 1 if rollout.failed else 0


def _confirm_wave(confirm: Confirm, wave: Wave, instances: Sequence[str]) -> None:
    """Each wave is confirmed on its own, once its plans are shown (see gladcfg.engine.rollout)."""
    confirm(instances)


class _WaveEcho:
    """What a rollout prints as it goes: each wave's heading, its plans, its apply, its check."""

    def __init__(self, color: bool | None, positions: dict[str, int], total: int) -> None:
        self.color = color
        self.positions = positions
        self.total = total

    def begin(self, index: int, wave: Wave, names: list[str]) -> None:
        if index:
            click.echo()
        heading = wave_heading(self.positions[wave.name], self.total, wave, names)
        click.echo(_bold(heading), color=self.color)

    def show(self, result: InstanceResult[Plan]) -> None:
        from gladcfg.cli.output import echo_planned

        click.echo()
        echo_planned(result.instance, self.color, result)

    def applied(self, wave: Wave, fleet: FleetApply) -> None:
        from gladcfg.cli.output import count, echo_fleet

        if fleet.applied or fleet.failed:
            title = f"Wave {wave.name}: {count(len(fleet.planned), 'instance')}"
            echo_fleet(self.color, fleet, title)

    def verified(self, run: WaveRun) -> None:
        if run.refused is not None:
            _echo_error(f"wave {run.wave.name} not applied: {run.refused}", self.color)
        for name, why in run.unverified.items():
            _echo_error(f"wave {run.wave.name}: {name} not verified: {why}", self.color)
        if not run.failed:
            if run.applied:
                click.echo(
                    f"Wave {run.wave.name} verified: a fresh plan of "
                    f"{', '.join(run.applied)} has nothing to write.",
                    color=self.color,
                )
            else:
                click.echo(f"Wave {run.wave.name}: nothing to apply.", color=self.color)


def _echo_error(message: str, color: bool | None) -> None:
    from gladcfg.cli.output import shown_lines

    error = click.style("error", fg="red", bold=True)
    click.echo(f"{error}: {shown_lines(message)}", err=True, color=color)
