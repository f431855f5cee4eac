"""The check of ``freeze:`` that needs an instance's files: every inbox glob of an
open-hours freeze matches some inbox of the instance. A glob that matches none is a typo
that would leave the instance unfrozen while its agents are answering."""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from gladcfg.config.workspace import PROJECT_FILE
from gladcfg.errors import Problem
from gladcfg.model.schedule import OpenHoursFreeze
from gladcfg.names import shown, suggest

if TYPE_CHECKING:
    from gladcfg.config.desired import DesiredState
    from gladcfg.config.workspace import Workspace


def freeze_problems(workspace: Workspace, state: DesiredState) -> list[Problem]:
    """An error for each open-hours glob of the instance's freezes that matches no inbox
    its files declare, at the glob in gladcfg.yaml."""
    instance = state.instance
    project = workspace.project
    inboxes = [f"inboxes.{name}" for name in state.declared("inboxes")]
    own = project.instances[instance].freeze
    problems = []
    for freeze in project.freezes_of(instance):
        if not isinstance(freeze, OpenHoursFreeze):
            continue
        if any(freeze is mine for mine in own):
            where: tuple[str | int, ...] = ("instances", instance, "freeze", _index(own, freeze))
        else:
            where = ("freeze", _index(project.freeze, freeze))
        for index, glob in enumerate(freeze.during_open_hours):
            if any(fnmatchcase(inbox, glob) for inbox in inboxes):
                continue
            message = (
                f"freeze {shown(freeze.name)}: {shown(glob)} matches no inbox"
                f"{suggest(glob, inboxes)}"
            )
            path = (*where, "during_open_hours", index)
            source = workspace.source
            if source is None:
                problems.append(Problem(message, PROJECT_FILE, instances=(instance,)))
            else:
                problems.append(source.problem(message, path, instance=instance))
    return problems


def _index(freezes: Sequence[object], freeze: object) -> int:
    return next(index for index, item in enumerate(freezes) if item is freeze)
