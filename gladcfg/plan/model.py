"""The plan: plain immutable data (as Terraform's ``internal/plans``). Computing it lives in
:mod:`gladcfg.plan.planner`; showing it in :mod:`gladcfg.render`."""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from gladcfg.model.project import Safety as SafetyConfig
from gladcfg.model.resources import address_of


class Action(enum.Enum):
    CREATE = "create"
    UPDATE = "update"
    RENAME = "rename"
    DELETE = "delete"
    MANUAL = "manual"  # a difference the adapter can read but not write: done in the admin UI


@dataclass(frozen=True)
class FieldDiff:
    """One changed field; ``path`` is dotted with ``[i]`` for list items."""

    path: str
    before: Any = None
    after: Any = None


@dataclass(frozen=True)
class Change:
    kind: str
    name: str
    action: Action
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    diff: tuple[FieldDiff, ...] = ()
    renamed_from: str | None = None
    remote_id: str | None = None
    # For a MANUAL change, what the admin has to do: create, update, rename or delete.
    manual_action: Action | None = None

    @property
    def address(self) -> str:
        return address_of(self.kind, self.name)

    @property
    def effective_action(self) -> Action:
        """What happens to the object, whoever carries it out."""
        return (
            self.manual_action
            if self.action is Action.MANUAL and self.manual_action
            else self.action
        )


@dataclass(frozen=True)
class Safety:
    """The octoDNS-style check of how much of the instance a plan would change."""

    existing: int
    updates: int
    deletes: int
    violations: tuple[str, ...] = ()
    # The instance's thresholds the figures were judged by (gladcfg.yaml's ``safety``).
    limits: SafetyConfig = field(default_factory=SafetyConfig)

    @property
    def ok(self) -> bool:
        return not self.violations


@dataclass(frozen=True)
class Plan:
    instance: str
    adapter: str
    fingerprint: str
    changes: tuple[Change, ...]
    unchanged: int
    unmanaged: tuple[str, ...] = ()
    not_managed: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    safety: Safety = field(default_factory=lambda: Safety(0, 0, 0))
    targets: tuple[str, ...] = ()
    created_at: str = ""
    gladcfg_version: str = ""
    # The instance's ``ignore`` globs when the plan was made: which objects it left out.
    ignore: tuple[str, ...] = ()
    # The read hints the plan was made with (adapters that read by name), so applying a
    # saved plan re-reads exactly what was planned.
    reads: dict[str, Any] | None = None

    def summary(self) -> dict[str, int]:
        counts = Counter(change.action for change in self.changes)
        summary = {action.value: counts.get(action, 0) for action in Action}
        summary["unchanged"] = self.unchanged
        return summary

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    @property
    def deletes(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.action is Action.DELETE)

    @property
    def writes(self) -> tuple[Change, ...]:
        """The changes apply sends: everything but the manual checklist."""
        return tuple(c for c in self.changes if c.action is not Action.MANUAL)
