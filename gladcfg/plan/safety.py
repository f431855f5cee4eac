"""Refuse plans that would change too much of an instance at once (octoDNS's
``Plan.raise_if_unsafe``), unless the user forces them.

The figures are a function of the instance's limits, how many managed objects the remote
holds and the plan's changes, so a saved plan's figures can be derived again and compared
(:mod:`gladcfg.plan.verify`): a plan edited to drop its violations is found out.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping

from gladcfg.adapter.base import Access, RemoteState, access_of
from gladcfg.model.kinds import address_of
from gladcfg.model.plan import Action, Change, SafetyReport
from gladcfg.model.project import SafetyLimits


def check_safety(
    config: SafetyLimits,
    remote: RemoteState,
    access: Mapping[str, Access],
    ignore: Iterable[str],
    changes: Iterable[Change],
) -> SafetyReport:
    return assess(config, count_existing(remote, access, ignore), changes)


def count_existing(remote: RemoteState, access: Mapping[str, Access], ignore: Iterable[str]) -> int:
    """The managed objects the instance holds: those of writable kinds, less the ignored."""
    ignored = list(ignore)
    return sum(
        1
        for kind, obj in remote
        if access_of(access, kind) is Access.WRITE
        and not any(fnmatch.fnmatchcase(address_of(kind, obj.name), g) for g in ignored)
    )


def assess(config: SafetyLimits, existing: int, changes: Iterable[Change]) -> SafetyReport:
    """The safety figures of ``changes`` to an instance holding ``existing`` managed objects."""
    updates = deletes = 0
    for change in changes:
        if change.action in (Action.UPDATE, Action.RENAME):
            updates += 1
        elif change.action is Action.DELETE:
            deletes += 1
    violations = []
    if existing >= config.min_existing and existing:
        for count, limit, verb in (
            (updates, config.max_update_percent, "update"),
            (deletes, config.max_delete_percent, "delete"),
        ):
            percent = 100 * count / existing
            if percent > limit:
                violations.append(
                    f"would {verb} {count} of {existing} managed objects ({percent:.0f}%), "
                    f"more than max_{verb}_percent ({limit:g}%)"
                )
    return SafetyReport.of(existing, updates, deletes, tuple(violations), limits=config)
