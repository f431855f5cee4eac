"""Run one piece of work per instance of a fleet, a bounded number at once.

Each instance is handled on its own: its own adapter, its own credentials, its own errors.
One instance failing (an unreachable API, invalid files for that instance) is recorded
against that instance and never stops the others; the caller turns the results into the
worst exit code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from gladcfg.errors import GladcfgError

if TYPE_CHECKING:
    from gladcfg.adapter import Adapter
    from gladcfg.config import ValidationReport, Workspace
    from gladcfg.plan.model import Plan

T = TypeVar("T")

FLEET_PARALLELISM = 4


@dataclass(frozen=True)
class InstanceResult(Generic[T]):
    """What the work gave for one instance: a value, or the error that stopped it."""

    instance: str
    value: T | None = None
    error: GladcfgError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def for_each_instance(
    names: Sequence[str],
    work: Callable[[str], T],
    *,
    parallelism: int = FLEET_PARALLELISM,
) -> list[InstanceResult[T]]:
    """``work(name)`` for every instance, at most ``parallelism`` at once, in ``names`` order.

    A :class:`GladcfgError` is that instance's result; anything else is a bug and propagates.
    """

    def guarded(name: str) -> InstanceResult[T]:
        try:
            return InstanceResult(name, value=work(name))
        except GladcfgError as exc:
            return InstanceResult(name, error=exc)

    if len(names) <= 1 or parallelism <= 1:
        return [guarded(name) for name in names]
    with ThreadPoolExecutor(max_workers=min(parallelism, len(names))) as pool:
        return list(pool.map(guarded, names))


def plan_fleet(
    workspace: Workspace, names: Sequence[str], *, targets: Sequence[str] = ()
) -> list[InstanceResult[tuple[Plan, Adapter]]]:
    """Plan every instance in ``names``; the caller closes the adapters it gets back.

    The files are rendered and validated one instance after the other (that work is all
    CPU); reading the remotes, which is mostly waiting, runs in parallel.
    """
    from gladcfg.config import load_desired
    from gladcfg.engine import make_plan

    validated: dict[str, ValidationReport | GladcfgError] = {}
    for name in names:
        try:
            validated[name] = load_desired(workspace, name)
        except GladcfgError as exc:
            validated[name] = exc

    def work(name: str) -> tuple[Plan, Adapter]:
        report = validated[name]
        if isinstance(report, GladcfgError):
            raise report
        return make_plan(workspace, name, targets=targets, report=report)

    return for_each_instance(names, work)
