"""The checks of ``rollout:`` in ``gladcfg.yaml``: every instance in exactly one wave (the
first that matches it), every glob matching some instance, every wave named once.

A rollout that leaves an instance out would never change it; a glob that matches nothing is
a typo that would leave its instances to a later wave, or to none.
"""

from __future__ import annotations

from collections.abc import Sequence

from gladcfg.config.problems import Source
from gladcfg.errors import Problem, Severity
from gladcfg.model.schedule import Wave, assign_waves
from gladcfg.names import shown, suggest


def rollout_problems(
    source: Source, rollout: Sequence[Wave], instances: Sequence[str]
) -> list[Problem]:
    """Every problem of ``rollout`` for the instances ``gladcfg.yaml`` declares (valid or
    not: an instance in error is still one a wave must take)."""
    assignment = assign_waves(rollout, instances)
    problems = []
    for index, earlier in assignment.repeated:
        line, _ = source.position(("rollout", earlier, "name"))
        problems.append(
            source.problem(
                f"a wave named {shown(rollout[index].name)} comes earlier (line {line}); "
                "each wave has its own name",
                ("rollout", index, "name"),
            )
        )
    for index, glob_index in assignment.unmatched:
        glob = rollout[index].instances[glob_index]
        problems.append(
            source.problem(
                f"{shown(glob)} matches no instance{suggest(glob, instances)}",
                ("rollout", index, "instances", glob_index),
            )
        )
    matched = {index for index, _ in assignment.unmatched}
    for index, (wave, members) in enumerate(assignment.waves):
        if not members and index not in matched:
            problems.append(
                source.problem(
                    f"wave {shown(wave.name)} has no instance: an earlier wave takes every "
                    "instance it matches",
                    ("rollout", index, "instances"),
                    severity=Severity.WARNING,
                )
            )
    if assignment.unplaced:
        names = ", ".join(shown(name) for name in assignment.unplaced)
        one = len(assignment.unplaced) == 1
        which, are, them = ("instance", "is", "it") if one else ("instances", "are", "them")
        problems.append(
            source.problem(
                f"{which} {names} {are} in no wave; add {them} to a wave, or end the "
                "rollout with a wave of instances: ['*']",
                ("rollout",),
                key=True,
            )
        )
    return problems
