"""What differs between two instances: their rendered configuration, or their live states.

How a team checks, before promoting, that prod will end up like staging except where vars
differ. Resources are compared by address with the plan's own equality and field diff.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gladcfg.adapter.base import Access, RemoteState, access_of
from gladcfg.config import Workspace, load_desired
from gladcfg.engine.session import read_remote
from gladcfg.model.kinds import KINDS, address_of
from gladcfg.model.plan import FieldDiff
from gladcfg.plan.diff import field_diff
from gladcfg.plan.specs import DesiredSpecs

Specs = dict[str, dict[str, Any]]  # address → canonical spec, in kind order


@dataclass(frozen=True)
class Difference:
    address: str
    only_in: str | None  # the instance that has it, when the other has not
    diff: tuple[FieldDiff, ...] = ()


@dataclass(frozen=True)
class Comparison:
    left: str
    right: str
    source: str  # "config" or "remote"
    differences: tuple[Difference, ...]
    identical: int


def instance_specs(workspace: Workspace, name: str, *, remote: bool) -> Specs:
    """What ``name`` holds, by address: as its files render it, or (``remote``) as the
    instance is. The files are validated either way: the instance is read by the names they
    declare when its adapter cannot list some kind."""
    state = load_desired(workspace, name).states[name]
    if not remote:
        return DesiredSpecs.of(state).by_address()
    found = read_remote(workspace, name, lambda: state)
    return remote_specs(found.state, found.capabilities.access)


def remote_specs(state: RemoteState, access: Mapping[str, Access]) -> Specs:
    return {
        address_of(kind, obj.name): obj.spec
        for kind, obj in state
        if access_of(access, kind) is not Access.HIDDEN
    }


def compare(left: str, a: Specs, right: str, b: Specs, *, source: str) -> Comparison:
    differences = []
    identical = 0
    for address in sorted(a.keys() | b.keys(), key=_order):
        if address not in b:
            differences.append(Difference(address, left))
        elif address not in a:
            differences.append(Difference(address, right))
        elif a[address] == b[address]:
            identical += 1
        else:
            differences.append(Difference(address, None, field_diff(a[address], b[address])))
    return Comparison(left, right, source, tuple(differences), identical)


def _order(address: str) -> tuple[int, str]:
    kind = address.partition(".")[0]
    return (KINDS.index(kind) if kind in KINDS else len(KINDS), address)
