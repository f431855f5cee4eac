"""Apply a fleet wave by wave (``rollout:`` in ``gladcfg.yaml``, SPEC §10).

Each wave is a fleet apply of its instances (:func:`~gladcfg.engine.fleet.apply_fleet`:
planned, refused before anything changes, confirmed, applied, ``parallel`` instances at
once), then verified: every instance it applied is planned again, and that plan must have
nothing to write. The first wave that fails, in its apply or its verification, stops the
rollout; the waves after it are not started. Running it again resumes: a wave whose
instances all plan empty writes nothing and asks nothing, so the rollout moves through the
waves done already to the one that stopped it.

Each wave is confirmed on its own, after its plan is shown: a later wave's plan is only
made once the waves before it are applied and verified, so there is nothing to approve for
it sooner (the way Octopus gates each environment of a promotion).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from gladcfg.engine.fleet import FleetApply, InstanceResult, apply_fleet, plan_fleet
from gladcfg.errors import RefusedError
from gladcfg.hours.impact import gap_text

if TYPE_CHECKING:
    from gladcfg.config import Workspace
    from gladcfg.engine.run import WatchFactory
    from gladcfg.model.plan import Plan
    from gladcfg.model.schedule import Wave

ConfirmWave = Callable[["Wave", Sequence[str]], None]


@dataclass(frozen=True)
class WaveRun:
    """One wave of a rollout: its instances, and what became of them. ``fleet`` is None
    for a wave not started, or refused before it changed anything (``refused`` says why);
    ``unverified`` holds each instance applied whose verification failed, and why."""

    wave: Wave
    instances: list[str]
    fleet: FleetApply | None = None
    refused: str | None = None
    unverified: dict[str, str] = field(default_factory=dict)

    @property
    def started(self) -> bool:
        return self.fleet is not None or self.refused is not None

    @property
    def failed(self) -> bool:
        if self.refused is not None or self.unverified:
            return True
        return self.fleet is not None and self.fleet.failed

    @property
    def applied(self) -> list[str]:
        """The instances this wave wrote to, to the end."""
        if self.fleet is None:
            return []
        return [
            name
            for name, result in self.fleet.applied.items()
            if result.value is not None and result.value.ok
        ]


@dataclass(frozen=True)
class RolloutApply:
    """Every wave of the rollout, in order: those done, the one that failed, the rest."""

    waves: list[WaveRun]

    @property
    def failed(self) -> bool:
        return any(run.failed for run in self.waves)

    @property
    def stopped_at(self) -> WaveRun | None:
        return next((run for run in self.waves if run.failed), None)


def opened_coverage_gaps(applied: Plan, fresh: Plan) -> list[str]:
    """The second verification of a wave, "no new coverage gap": the gaps ``applied`` (the
    plan the wave applied to one instance) opened in the coming 7 days, from its coverage
    impact (:mod:`gladcfg.hours.impact`), as lines to show. ``fresh``, the instance's plan after
    the apply, has been verified empty already."""
    impact = applied.coverage_impact
    return [] if impact is None else [gap_text(gap, impact.timezone) for gap in impact.gaps_opened]


def verify_wave(
    workspace: Workspace,
    applied: dict[str, Plan],
    *,
    targets: Sequence[str] = (),
    instances_at_once: int,
) -> dict[str, str]:
    """Why each instance of ``applied`` (its name → the plan applied to it) is not as its
    files say now: a fresh plan of it fails, still has changes to write, or shows that the
    apply opened a coverage gap. Empty when the wave is verified."""
    problems: dict[str, str] = {}
    names = list(applied)
    for result in plan_fleet(
        workspace, names, targets=targets, instances_at_once=instances_at_once
    ):
        why = _unverified(result, applied[result.instance])
        if why:
            problems[result.instance] = why
    return problems


def _unverified(result: InstanceResult[Plan], applied: Plan) -> str | None:
    if result.value is None:
        first = str(result.error or "").splitlines()[:1]
        return f"could not be planned again: {first[0] if first else 'error'}"
    fresh = result.value
    if fresh.writes:
        shown = ", ".join(change.address for change in fresh.writes[:3])
        more = f" and {len(fresh.writes) - 3} more" if len(fresh.writes) > 3 else ""
        return f"a fresh plan still has {len(fresh.writes)} change(s) to write: {shown}{more}"
    gaps = opened_coverage_gaps(applied, fresh)
    if gaps:
        return "the apply opened coverage gaps: " + "; ".join(gaps)
    return None


def apply_rollout(
    workspace: Workspace,
    waves: Sequence[tuple[Wave, list[str]]],
    *,
    targets: Sequence[str] = (),
    allow_delete: bool = False,
    force: bool = False,
    parallelism: int = 4,
    begin: Callable[[int, Wave, list[str]], None],
    show: Callable[[InstanceResult[Plan]], None],
    confirm: ConfirmWave | None,
    watch: WatchFactory,
    report_apply: Callable[[Wave, FleetApply], None],
    report: Callable[[WaveRun], None],
    break_glass: str | None = None,
) -> RolloutApply:
    """Apply ``waves`` (each with its instances) in order, each verified before the next
    starts; stop at the first that fails.

    ``begin`` is told each wave as it starts (its index among ``waves``), ``show`` each
    plan, ``confirm`` (None: approved already) asked once per wave that has something to
    write. ``report_apply`` is given each wave's fleet apply as it ends (before a signal
    received meanwhile ends the run), and ``report`` each wave's outcome once it is verified
    (or refused). A wave with no instance is passed over."""
    runs: list[WaveRun] = []
    for index, (wave, names) in enumerate(waves):
        if any(run.failed for run in runs):
            runs.append(WaveRun(wave, names))
            continue
        if not names:
            runs.append(WaveRun(wave, names, fleet=FleetApply([], {})))
            continue
        begin(index, wave, names)
        run = _apply_wave(
            workspace,
            wave,
            names,
            targets=targets,
            allow_delete=allow_delete,
            force=force,
            parallelism=parallelism,
            show=show,
            confirm=None if confirm is None else partial(confirm, wave),
            watch=watch,
            report=partial(report_apply, wave),
            break_glass=break_glass,
        )
        report(run)
        runs.append(run)
    return RolloutApply(runs)


def _apply_wave(
    workspace: Workspace,
    wave: Wave,
    names: list[str],
    *,
    targets: Sequence[str],
    allow_delete: bool,
    force: bool,
    parallelism: int,
    show: Callable[[InstanceResult[Plan]], None],
    confirm: Callable[[Sequence[str]], None] | None,
    watch: WatchFactory,
    report: Callable[[FleetApply], None],
    break_glass: str | None,
) -> WaveRun:
    try:
        fleet = apply_fleet(
            workspace,
            names,
            targets=targets,
            allow_delete=allow_delete,
            force=force,
            parallelism=parallelism,
            instances_at_once=wave.parallel,
            show=show,
            confirm=confirm,
            watch=watch,
            report=report,
            break_glass=break_glass,
        )
    except RefusedError as exc:  # refused or not confirmed: nothing of this wave changed
        return WaveRun(wave, names, refused=str(exc))
    if fleet.failed:
        return WaveRun(wave, names, fleet=fleet)
    plans = {r.instance: r.value for r in fleet.planned if r.value is not None}
    applied = {name: plans[name] for name in fleet.applied}
    unverified = verify_wave(workspace, applied, targets=targets, instances_at_once=wave.parallel)
    return WaveRun(wave, names, fleet=fleet, unverified=unverified)
