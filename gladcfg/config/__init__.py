"""Files → rendered, validated desired state: find, render, load, validate."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gladcfg.config.checks import check_desired_state
from gladcfg.config.desired import Declared, DesiredState
from gladcfg.config.freezes import freeze_problems
from gladcfg.config.workspace import PROJECT_FILE, Workspace
from gladcfg.errors import ConfigError, Problem, merge_problems


@dataclass(frozen=True)
class ValidationReport:
    """Every instance's desired state, and every finding of the run, merged across instances."""

    states: dict[str, DesiredState]
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


def validate(workspace: Workspace, instances: Iterable[str]) -> ValidationReport:
    """Render and check each instance; never contacts a remote."""
    found: list[Problem] = list(workspace.warnings)
    states = {}
    for name in instances:
        state, problems, invalid = workspace.load(name)
        found.extend(problems)
        found.extend(check_desired_state(state, invalid, workspace.project.policy_of(name)))
        if workspace.project.freezes_of(name):
            found.extend(freeze_problems(workspace, state))
        states[name] = state
    return ValidationReport(states, merge_problems(found))


def load_desired(workspace: Workspace, instance: str, *, strict: bool = False) -> ValidationReport:
    """The desired state of one instance, or a ConfigError when its files are invalid."""
    report = validate(workspace, [instance])
    if report.errors or (strict and report.warnings):
        raise ConfigError(report.problems)
    return report


__all__ = [
    "PROJECT_FILE",
    "Declared",
    "DesiredState",
    "ValidationReport",
    "Workspace",
    "load_desired",
    "validate",
]
