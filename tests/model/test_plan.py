"""The plan is one set of models: a saved plan loads back as the plan that was saved, and
every view of it (text, markdown, JSON) reads the same from a fresh plan and from its file."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gladcfg.adapter.base import Access, Capabilities, RemoteObject, RemoteState
from gladcfg.adapter.mock.config import MockInstance
from gladcfg.config.problems import Source
from gladcfg.config.workspace import Declared, DesiredState
from gladcfg.errors import PlanFileError
from gladcfg.model.kinds import KIND_MODELS
from gladcfg.model.plan import Action, Change, Plan, SafetyReport
from gladcfg.plan.document import dumps, parse_plan, to_document
from gladcfg.plan.planner import plan_instance
from gladcfg.plan.specs import DesiredSpecs
from gladcfg.render.views import PLAN_RENDERERS

NAMES = ["a", "b", "équipe", "サポート", "support 😀", "Ωmega", "מוקד"]
KINDS = ("teams", "business_hours", "topics", "inboxes")
TEXT = st.text(st.characters(categories=["L", "N", "P", "S", "Zs"]), min_size=1, max_size=12)


@st.composite
def side(draw: st.DrawFn) -> dict[str, dict[str, dict[str, Any]]]:
    """One instance's objects: unicode names and values, nested specs, references."""
    names = st.sets(st.sampled_from(NAMES), max_size=4)
    teams = {n: {"description": draw(TEXT)} for n in draw(names)}
    hours = {
        n: {
            "timezone": draw(st.sampled_from(["UTC", "Europe/Paris"])),
            "weekly": {
                day: [draw(st.sampled_from(["08:00-12:00", "09:00-17:00"]))]
                for day in draw(st.sets(st.sampled_from(["mon", "tue", "sat"]), max_size=2))
            },
        }
        for n in draw(names)
    }
    inboxes = {
        n: {"teams": sorted(draw(st.sets(st.sampled_from(sorted(teams) or ["a"]), max_size=2)))}
        for n in draw(names)
    }
    topics = {n: {"disabled": draw(st.booleans())} for n in draw(names)}
    return {"teams": teams, "business_hours": hours, "inboxes": inboxes, "topics": topics}


def canonical(kind: str, spec: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = KIND_MODELS[kind].model_validate(spec).canonical()
    return result


@st.composite
def planner_output(draw: st.DrawFn) -> Plan:
    """A plan the planner makes: creates, updates with nested diffs, renames (with and
    without updates), deletes, manual changes of read-only kinds, unmanaged objects."""
    desired, remote = draw(side()), draw(side())
    free = sorted(set(remote["teams"]) - set(desired["teams"]))
    resources: dict[str, dict[str, Declared]] = {kind: {} for kind in KIND_MODELS}
    source = Source("generated.yaml", "")
    for kind in KINDS:
        for name, spec in desired[kind].items():
            body = dict(spec)
            if kind == "teams" and name not in remote["teams"] and free and draw(st.booleans()):
                body["renamed_from"] = free.pop()
            model = KIND_MODELS[kind].model_validate(body)
            resources[kind][name] = Declared(kind, name, model, source)
    objects = {
        kind: {
            name: RemoteObject(f"id-{index}", name, canonical(kind, spec))
            for index, (name, spec) in enumerate(remote[kind].items())
        }
        for kind in KINDS
    }
    access = {kind: draw(st.sampled_from([Access.WRITE, Access.READ_ONLY])) for kind in KINDS}
    access["answers"] = Access.HIDDEN
    config = MockInstance.model_validate(
        {"prune": draw(st.booleans()), "safety": {"min_existing": draw(st.integers(0, 3))}}
    )
    return plan_instance(
        DesiredSpecs.of(DesiredState("prod-€", None, resources)),
        RemoteState(identity="prop", objects=objects),
        Capabilities("mock", access),
        config,
        warnings=draw(st.lists(TEXT, max_size=2)),
        reads=draw(st.none() | st.just({"answers": {"a": {"en-US": ["messaging"]}}})),
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=planner_output())
def test_every_view_reads_the_same_after_a_save_and_load(plan: Plan) -> None:
    loaded = parse_plan(dumps(plan), "plan.json")
    assert loaded == plan
    for format_, render in PLAN_RENDERERS.items():
        assert render(loaded) == render(plan), format_


def test_the_json_plan_is_the_models_dump_with_unset_extras_left_out() -> None:
    create = Change.of("teams", "a", Action.CREATE, after={"description": "x"})
    plan = Plan.of("staging", "mock", "sha256:" + "0" * 64, (create,), 3, ignore=("x.*",))
    document = to_document(plan)
    assert list(document) == [
        "format_version",
        "instance",
        "adapter",
        "fingerprint",
        "created_at",
        "gladcfg_version",
        "targets",
        "ignore",
        "summary",
        "changes",
        "unmanaged",
        "not_managed",
        "warnings",
        "safety",
    ]
    assert document["changes"] == [
        {
            "address": "teams.a",
            "kind": "teams",
            "name": "a",
            "action": "create",
            "before": None,
            "after": {"description": "x"},
            "diff": [],
        }
    ]
    assert document["summary"] == {
        "create": 1,
        "update": 0,
        "rename": 0,
        "delete": 0,
        "manual": 0,
        "unchanged": 3,
    }
    assert document["safety"] == {
        "existing": 0,
        "updates": 0,
        "deletes": 0,
        "violations": [],
        "max_update_percent": 30,
        "max_delete_percent": 30,
        "min_existing": 10,
    }
    assert plan.safety == SafetyReport.of(0, 0, 0) and plan.safety.ok


def test_a_manual_change_names_what_to_do_by_hand() -> None:
    manual = Change.of("teams", "a", Action.MANUAL, after={}, manual_action=Action.MANUAL)
    plan = Plan.of("staging", "mock", "sha256:" + "0" * 64, (manual,), 0)
    with pytest.raises(PlanFileError, match=r"changes\.0\.manual_action: Value error"):
        parse_plan(dumps(plan))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=planner_output(), size=st.integers(min_value=1, max_value=7))
def test_the_text_view_printed_in_pieces_is_the_whole_text(plan: Plan, size: int) -> None:
    """apply prints a large plan in pieces of whole lines: together they are the text."""
    from gladcfg.render.text import render_text, text_chunks

    chunks = list(text_chunks(plan, lines_per_chunk=size))
    assert "".join(chunks) == render_text(plan)
    assert all(chunk.endswith("\n") and chunk.count("\n") <= size for chunk in chunks)
    assert render_text(plan) == "\n".join(text_lines_of(plan)) + "\n"


def text_lines_of(plan: Plan) -> list[str]:
    from gladcfg.render.text import text_lines

    return list(text_lines(plan))
