"""What coverage reads of an instance is the same whether it is read from the files'
models or from the specs a plan compared (a plan's coverage impact reads the specs, the
coverage command the models), and inboxes share their week only when their hours are the
same."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from gladcfg.config import Workspace, load_desired
from gladcfg.config.routing import Route, Routing, Served
from gladcfg.hours.coverage import compute
from gladcfg.hours.impact import files_state
from gladcfg.model.types import hours_by_day
from gladcfg.plan.specs import DesiredSpecs
from tests.conftest import BASE_RESOURCES, PROJECT_YAML, MakeProject

REPO = Path(__file__).resolve().parents[2]


def _both(root: Path, instance: str) -> tuple[Routing, Routing]:
    """What coverage reads of ``instance``'s files, from their models and from their specs;
    business hours as the weeks they keep (specs spell ``mon-fri`` out day by day)."""
    state = load_desired(Workspace.open(root), instance).states[instance]
    return _days(Routing.of(state)), _days(files_state(DesiredSpecs.of(state)))


def _days(routing: Routing) -> Routing:
    hours = {
        name: schedule.model_copy(update={"weekly": hours_by_day(schedule.weekly)})
        for name, schedule in routing.hours.items()
    }
    return replace(routing, hours=hours)


@pytest.mark.parametrize("instance", ["staging", "prod-us", "prod-eu"])
def test_the_example_reads_the_same_from_its_models_and_its_specs(instance: str) -> None:
    from_models, from_specs = _both(REPO / "examples/acme", instance)
    assert from_specs == from_models
    assert from_models.inboxes and from_models.entry_points and from_models.replies


def test_a_large_generated_project_reads_the_same_both_ways(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from generate import generate  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(REPO / "bench"))
    generate(tmp_path, 600)
    from_models, from_specs = _both(tmp_path, "bench")
    assert from_specs == from_models
    assert len(from_models.entry_points) > 50


def test_defaults_left_out_of_a_spec_read_as_the_model_has_them(make_project: MakeProject) -> None:
    resources = BASE_RESOURCES.replace(
        "  support: {teams: [tier1], business_hours: support}",
        "  support: {teams: [tier1], business_hours: support}\n  bare: {}",
    ) + (
        "  off:\n"
        "    entry_points: [support-email]\n"
        "    when: always\n"
        "    answer: closed\n"
        "    enabled: false\n"
    )
    root = make_project({"config/base.yaml": resources}, project_yaml=PROJECT_YAML)
    from_models, from_specs = _both(root, "staging")
    assert from_specs == from_models
    assert from_models.inboxes["bare"] == Served(None, None, frozenset())
    assert from_models.inboxes["support"] == Served("support", None, frozenset({"tier1"}))
    assert from_models.entry_points["support-email"] == Route("email", "support")
    assert from_models.replies == {"closed": {"support-email"}, "off": set()}


HOURS = """\
business_hours:
  plain: {timezone: America/New_York, weekly: {mon-fri: ["08:00-20:00"]}}
  named:
    timezone: America/New_York
    weekly: {mon-fri: ["08:00-20:00"]}
    holidays: [{date: 2026-03-02, name: One name}]
  renamed:
    timezone: America/New_York
    weekly: {mon-fri: ["08:00-20:00"]}
    holidays: [{date: 2026-03-02, name: Another name}]
  short:
    timezone: America/New_York
    weekly: {mon-fri: ["08:00-20:00"]}
    holidays: [{date: 2026-03-02, name: One name, hours: ["10:00-12:00"]}]
  later:
    timezone: America/New_York
    weekly: {mon-fri: ["08:00-20:00"]}
    holidays: [{date: 2026-03-03, name: One name}]
  dublin: {timezone: Europe/Dublin, weekly: {mon-fri: ["08:00-20:00"]}}
inboxes:
"""


def test_inboxes_share_a_week_only_when_their_hours_are_the_same(
    make_project: MakeProject,
) -> None:
    names = ["plain", "named", "renamed", "short", "later", "dublin"]
    inboxes = "".join(
        f"  {name}: {{teams: [tier1], business_hours: {name}}}\n"
        f"  {name}-too: {{teams: [tier1], business_hours: {name}}}\n"
        for name in names
    )
    resources = BASE_RESOURCES.replace(
        "business_hours:\n  support:\n    timezone: America/New_York\n"
        '    weekly: {mon-fri: ["08:00-20:00"]}\n'
        "inboxes:\n  support: {teams: [tier1], business_hours: support}\n",
        HOURS + inboxes,
    ).replace("inbox: support", "inbox: plain")
    root = make_project({"config/base.yaml": resources}, project_yaml=PROJECT_YAML)
    state = load_desired(Workspace.open(root), "staging").states["staging"]
    week = compute(Routing.of(state), None, day=dt.date(2026, 3, 2)).inboxes
    for name in names:  # the same hours: one list
        assert week[f"{name}-too"] is week[name]
    # Holidays' names do not change when an inbox is open; their days and hours do.
    assert week["renamed"] is week["named"]
    distinct = ["plain", "named", "short", "later", "dublin"]
    assert len({tuple(week[name]) for name in distinct}) == len(distinct)
    monday = (8 * 60 + 5 * 60, 20 * 60 + 5 * 60)  # 08:00-20:00 New York, in UTC
    assert week["plain"][0] == monday
    assert week["named"][0] != monday  # closed on its holiday
