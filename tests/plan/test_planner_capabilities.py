"""The planner acts on what the adapter can do, given as one Capabilities value: writable
kinds change, read-only kinds become manual changes on the fields the instance shows,
hidden kinds are only noted."""

from __future__ import annotations

from pathlib import Path

from gladcfg.adapter.base import Access, Capabilities, RemoteObject, RemoteState, capabilities_of
from gladcfg.adapter.mock.adapter import MockAdapter
from gladcfg.adapter.mock.config import MockInstance
from gladcfg.model.plan import Action
from gladcfg.plan.planner import plan_instance
from gladcfg.plan.specs import DesiredSpecs

CONFIG = MockInstance.model_validate({})


def desired(teams: dict[str, dict[str, object]]) -> DesiredSpecs:
    return DesiredSpecs("staging", {"teams": dict(teams)}, {}, frozenset())


def remote(teams: dict[str, dict[str, object]]) -> RemoteState:
    objects = {name: RemoteObject(f"id-{name}", name, spec) for name, spec in teams.items()}
    return RemoteState(identity="test", objects={"teams": objects})


def test_read_only_kinds_compare_only_the_fields_the_instance_shows() -> None:
    capabilities = Capabilities(
        "gladly", {"teams": Access.READ_ONLY}, {"teams": frozenset({"description"})}
    )
    want = {"same": {"description": "a", "hidden": 1}, "other": {"description": "new"}}
    have = {"same": {"description": "a"}, "other": {"description": "old"}}
    plan = plan_instance(desired(want), remote(have), capabilities, CONFIG)
    (change,) = plan.changes
    assert (change.address, change.action, change.manual_action) == (
        "teams.other",
        Action.MANUAL,
        Action.UPDATE,
    )
    assert plan.adapter == "gladly" and plan.unchanged == 1


def test_kinds_the_capabilities_leave_out_are_hidden() -> None:
    plan = plan_instance(desired({"t": {}}), remote({}), Capabilities("mock"), CONFIG)
    assert plan.changes == () and plan.not_managed == ("teams",)


def test_an_adapter_gives_its_capabilities(tmp_path: Path) -> None:
    config = MockInstance.model_validate({"read_only": ["teams"], "hidden": ["answers"]})
    capabilities = capabilities_of(MockAdapter("staging", config, tmp_path))
    assert capabilities.adapter == "mock"
    assert capabilities.access_of("teams") is Access.READ_ONLY
    assert capabilities.access_of("answers") is Access.HIDDEN
    assert capabilities.access_of("topics") is Access.WRITE
    assert capabilities.readable("teams") is None  # the mock shows every field
