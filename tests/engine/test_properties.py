"""Laws of plan and apply, over random desired and remote states:

* after apply, the next plan is empty;
* no change ever references an object that does not exist at that moment: the mock adapter
  refuses such writes (and deletes of objects still in use) as a real API would, so a clean
  apply report proves it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gladcfg.adapter.base import capabilities_of
from gladcfg.adapter.mock.adapter import MockAdapter
from gladcfg.adapter.mock.config import MockInstance
from gladcfg.config.problems import Source
from gladcfg.config.workspace import Declared, DesiredState
from gladcfg.engine.session import write_plan
from gladcfg.engine.writes import send_changes
from gladcfg.model.kinds import KIND_MODELS
from gladcfg.plan.planner import plan_instance
from gladcfg.plan.specs import DesiredSpecs

NAMES = ["a", "b", "c", "d", "e"]
CONFIG = MockInstance.model_validate({"prune": True, "safety": {"min_existing": 10_000}})


@st.composite
def side(draw: st.DrawFn) -> dict[str, dict[str, dict[str, Any]]]:
    """One consistent instance: every reference points at an object of the same side."""
    words = st.sampled_from(["x", "y"])
    teams = {
        n: {"description": draw(words)} for n in draw(st.sets(st.sampled_from(NAMES), max_size=4))
    }
    hours = {
        n: {
            "timezone": "UTC",
            "weekly": {"mon": [draw(st.sampled_from(["08:00-12:00", "09:00-17:00"]))]},
        }
        for n in draw(st.sets(st.sampled_from(NAMES), max_size=2))
    }
    inboxes = {}
    for name in draw(st.sets(st.sampled_from(NAMES), max_size=3)):
        spec: dict[str, Any] = {
            "teams": sorted(draw(st.sets(st.sampled_from(sorted(teams)), max_size=3)))
            if teams
            else []
        }
        if hours and draw(st.booleans()):
            spec["business_hours"] = draw(st.sampled_from(sorted(hours)))
        inboxes[name] = spec
    topics: dict[str, dict[str, Any]] = {}
    for name in draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=4)):
        spec = {"disabled": draw(st.booleans())}
        if topics and draw(st.booleans()):
            spec["parent"] = draw(st.sampled_from(sorted(topics)))
        topics[name] = spec
    return {"teams": teams, "business_hours": hours, "inboxes": inboxes, "topics": topics}


def desired_state(
    world: dict[str, dict[str, dict[str, Any]]], renames: dict[str, str]
) -> DesiredState:
    source = Source("generated.yaml", "")
    resources: dict[str, dict[str, Declared]] = {kind: {} for kind in KIND_MODELS}
    for kind, by_name in world.items():
        for name, spec in by_name.items():
            body = dict(spec)
            if kind == "teams" and name in renames:
                body["renamed_from"] = renames[name]
            model = KIND_MODELS[kind].model_validate(body)
            resources[kind][name] = Declared(kind, name, model, source)
    return DesiredState("prop", None, resources)


def some_renames(
    desired: dict[str, dict[str, dict[str, Any]]],
    remote: dict[str, dict[str, dict[str, Any]]],
    data: st.DataObject,
) -> dict[str, str]:
    """Some desired teams were renamed from remote teams that are no longer declared."""
    free_old = sorted(set(remote["teams"]) - set(desired["teams"]))
    renames: dict[str, str] = {}
    for new in sorted(set(desired["teams"]) - set(remote["teams"])):
        if free_old and data.draw(st.booleans()):
            renames[new] = free_old.pop()
    return renames


def seeded(folder: Path, remote: dict[str, dict[str, dict[str, Any]]]) -> MockAdapter:
    """A mock instance holding ``remote``."""
    adapter = MockAdapter("prop", CONFIG, folder)
    adapter.seed(
        (kind, name, KIND_MODELS[kind].model_validate(spec).canonical())
        for kind in ("teams", "business_hours", "topics", "inboxes")
        for name, spec in remote[kind].items()
    )
    return adapter


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(desired=side(), remote=side(), data=st.data())
def test_apply_converges_without_dangling_references(
    desired: dict[str, dict[str, dict[str, Any]]],
    remote: dict[str, dict[str, dict[str, Any]]],
    data: st.DataObject,
) -> None:
    renames = some_renames(desired, remote, data)
    state = desired_state(desired, renames)
    with tempfile.TemporaryDirectory() as folder:
        adapter = seeded(Path(folder), remote)
        plan = plan_instance(
            DesiredSpecs.of(state), adapter.read(), capabilities_of(adapter), CONFIG
        )
        with adapter.locked():
            report = send_changes(adapter, plan.changes, adapter.read(), parallelism=3)
        assert report.ok, [(o.change.address, o.status, o.reason) for o in report.outcomes]
        after = plan_instance(
            DesiredSpecs.of(state), adapter.read(), capabilities_of(adapter), CONFIG
        )
        assert after.changes == ()
        for new, old in renames.items():
            assert new in adapter.read().of("teams") and old not in adapter.read().of("teams")


def contents(adapter: MockAdapter) -> dict[str, dict[str, Any]]:
    """The instance by kind and name, without ids (a recreated object gets a new one)."""
    return {
        kind: {name: obj.spec for name, obj in adapter.read().of(kind).items()}
        for kind in KIND_MODELS
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(desired=side(), remote=side(), data=st.data())
def test_the_rollback_plan_restores_the_instance(
    desired: dict[str, dict[str, dict[str, Any]]],
    remote: dict[str, dict[str, dict[str, Any]]],
    data: st.DataObject,
) -> None:
    state = desired_state(desired, some_renames(desired, remote, data))
    with tempfile.TemporaryDirectory() as folder:
        adapter = seeded(Path(folder), remote)
        before = contents(adapter)
        plan = plan_instance(
            DesiredSpecs.of(state), adapter.read(), capabilities_of(adapter), CONFIG
        )
        report = write_plan(adapter, plan, parallelism=3, rollback=True)
        assert report.ok and report.rollback is not None
        undo = write_plan(adapter, report.rollback, parallelism=3)
        assert undo.ok, [(o.change.address, o.status, o.reason) for o in undo.outcomes]
        assert contents(adapter) == before
