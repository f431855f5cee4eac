"""The checks of a saved plan on their own: what each rule accepts and what it refuses."""

from __future__ import annotations

from gladcfg.adapter.base import Access, RemoteObject, RemoteState
from gladcfg.adapter.mock.config import MockInstance
from gladcfg.model.plan import Action, Change, Plan
from gladcfg.plan.diff import field_diff
from gladcfg.plan.verify import (
    change_problems,
    plan_problems,
    project_problems,
    refuse,
    remote_problems,
)

HOURS = {"timezone": "UTC", "weekly": {"mon": ["09:00-17:00"]}, "holidays": []}


def update(before: dict[str, object], after: dict[str, object], kind: str = "teams") -> Change:
    diff = field_diff(before, after)
    return Change.of(kind, "a", Action.UPDATE, before=before, after=after, diff=diff, remote_id="1")


def test_values_compare_as_json_not_as_python() -> None:
    """``1 == True`` in Python; a diff showing ``true`` must not stand for an ``after`` of 1."""
    change = update({"disabled": False}, {"disabled": True}, kind="topics")
    assert change_problems(change) == []
    lying = Change.of(
        "topics",
        "a",
        Action.UPDATE,
        before=change.before,
        after={"disabled": 1},
        diff=change.diff,
        remote_id="1",
    )
    # Compared in their canonical forms the diff holds; the after itself is refused.
    assert change_problems(lying) == ["after is not as the topics model reads it (at disabled)"]


def test_an_after_must_be_in_the_form_files_produce() -> None:
    assert change_problems(update({}, HOURS, "business_hours")) == []
    ranged = {**HOURS, "weekly": {"mon-fri": ["09:00-17:00"]}}
    assert "after is not as the business_hours model reads it (at weekly)" in change_problems(
        update({}, ranged, "business_hours")
    )
    assert "after is not as the inboxes model reads it (at teams)" in change_problems(
        update({}, {"teams": ["b", "a"]}, "inboxes")
    )
    broken = update({}, {**HOURS, "timezone": "Mars/Base"}, "business_hours")
    assert [p.split(":")[0] for p in change_problems(broken)] == ["after.timezone"]


def test_a_manual_change_may_show_fewer_fields_but_no_unknown_ones() -> None:
    partial = Change.of(
        "settings",
        "settings",
        Action.MANUAL,
        before={"timezone": "UTC"},
        after={"timezone": "Europe/Paris"},
        diff=field_diff({"timezone": "UTC"}, {"timezone": "Europe/Paris"}),
        remote_id="org",
        manual_action=Action.UPDATE,
    )
    assert change_problems(partial) == []
    extra = Change.of(
        "settings",
        "settings",
        Action.MANUAL,
        after={"timezone": "UTC", "evil": 1},
        manual_action=Action.CREATE,
    )
    assert change_problems(extra) == ["after.evil: Extra inputs are not permitted"]


def test_changes_that_change_nothing_are_not_plans_gladcfg_makes() -> None:
    same = {"description": "x"}
    assert change_problems(update(same, same)) == ["an update that changes nothing"]
    rename = Change.of(
        "teams", "a", Action.RENAME, before=same, after=same, renamed_from="a", remote_id="1"
    )
    assert change_problems(rename) == ["renames nothing"]
    moved = Change.of(
        "teams", "b", Action.RENAME, before=same, after=same, renamed_from="a", remote_id="1"
    )
    assert change_problems(moved) == []


def test_a_rename_of_the_settings_singleton_is_refused() -> None:
    spec = {"default_language": "en-US", "languages": ["en-US"], "timezone": "UTC"}
    change = Change.of(
        "settings",
        "settings",
        Action.RENAME,
        before=spec,
        after=spec,
        renamed_from="x",
        remote_id="1",
    )
    assert change_problems(change) == ["renames nothing"]


def test_a_long_list_of_reasons_is_cut_short() -> None:
    plan = Plan.of(
        "staging",
        "mock",
        "sha256:" + "0" * 64,
        tuple(Change.of("widgets", f"w{i}", Action.CREATE, after={}) for i in range(12)),
        0,
    )
    reasons = plan_problems(plan)
    assert len(reasons) == 12
    message = str(refuse(reasons, "plan.json"))
    assert message.startswith("plan.json: this plan file was modified or belongs elsewhere")
    assert message.count("\n  - ") == 11 and message.endswith("and 2 more")


def test_a_plan_checked_against_an_instance() -> None:
    team = RemoteObject("1", "a", {"description": "x"})
    remote = RemoteState(identity="i", objects={"teams": {"a": team}})
    access = {"teams": Access.WRITE}
    change = update({"description": "x"}, {"description": "y"})
    plan = Plan.of("staging", "mock", "sha256:" + "0" * 64, (change,), 0)
    assert remote_problems(plan, remote, access) == [
        "safety: the instance has 1 managed objects; the plan says 0"
    ]
    config = MockInstance()
    assert project_problems(plan, config, access)[0].startswith("made by gladcfg ?")
