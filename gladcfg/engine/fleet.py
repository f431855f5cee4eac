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
from typing import TYPE_CHECKING, Generic, TypeAlias, TypeVar

from gladcfg.errors import GladcfgError

if TYPE_CHECKING:
    from gladcfg.adapter import Adapter
    from gladcfg.config import ValidationReport, Workspace
    from gladcfg.plan.model import Plan

    Validated: TypeAlias = ValidationReport | GladcfgError

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


def validate_each(workspace: Workspace, names: Sequence[str]) -> dict[str, Validated]:
    """Each instance's validation, or the error that stopped it, one after the other: the
    work is all CPU, and the workspace's caches are shared by every instance."""
    from gladcfg.config import load_desired

    validated: dict[str, Validated] = {}
    for name in names:
        try:
            validated[name] = load_desired(workspace, name)
        except GladcfgError as exc:
            validated[name] = exc
    return validated


def valid(report: Validated) -> ValidationReport:
    """The report, or its error raised (inside a fleet's work, it becomes that instance's)."""
    if isinstance(report, GladcfgError):
        raise report
    return report


def plan_fleet(
    workspace: Workspace, names: Sequence[str], *, targets: Sequence[str] = ()
) -> list[InstanceResult[tuple[Plan, Adapter]]]:
    """Plan every instance in ``names``; the caller closes the adapters it gets back.

    The files are validated one instance after the other; reading the remotes, which is
    mostly waiting, runs in parallel. Once all are validated, the files and each desired
    state are released as the plans are made (``release`` of :func:`~gladcfg.engine.make_plan`).
    """
    from gladcfg.engine import make_plan

    validated = validate_each(workspace, names)

    def work(name: str) -> tuple[Plan, Adapter]:
        report = valid(validated.pop(name))
        return make_plan(workspace, name, targets=targets, report=report, release=True)

    return for_each_instance(names, work)
