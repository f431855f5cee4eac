"""Nothing declared is ignored without the plan saying so: declared fields an adapter does not
read are named in ``not_managed`` (``settings.languages``), and a field an adapter can set but
not clear (``unsettable``) is cleared by hand, as a manual change, never by a write."""

from __future__ import annotations

from typing import Any

import pytest

from gladcfg.adapter.base import Access, Capabilities, RemoteObject, RemoteState
from gladcfg.adapter.mock.config import MockInstance
from gladcfg.model.plan import Action, Change, Plan
from gladcfg.plan.diff import field_diff
from gladcfg.plan.planner import plan_instance
from gladcfg.plan.specs import DesiredSpecs
from gladcfg.plan.verify import (
    change_problems,
    load_problems,
    plan_problems,
    project_problems,
    remote_problems,
)

CONFIG = MockInstance.model_validate({})
SETTINGS = {
    "default_language": "en-US",
    "languages": ["en-US", "es-US"],
    "timezone": "America/New_York",
    "retention": {"conversations_days": 730},
    "sso": {"enabled": True},
}
# What the gladly adapter says of itself, as data.
GLADLY = Capabilities(
    "gladly",
    {
        "settings": Access.READ_ONLY,
        "inboxes": Access.READ_ONLY,
        "topics": Access.WRITE,
        "webhooks": Access.WRITE,
    },
    {"settings": frozenset({"timezone"}), "inboxes": frozenset()},
    {"topics": frozenset({"parent"}), "webhooks": frozenset({"credentials_env"})},
)


def desired(specs: dict[str, dict[str, dict[str, Any]]], **renamed: dict[str, str]) -> DesiredSpecs:
    return DesiredSpecs("staging", specs, dict(renamed), frozenset())


def remote(specs: dict[str, dict[str, dict[str, Any]]]) -> RemoteState:
    return RemoteState(
        identity="test",
        objects={
            kind: {name: RemoteObject(f"id-{name}", name, spec) for name, spec in objects.items()}
            for kind, objects in specs.items()
        },
    )


def test_declared_fields_the_adapter_does_not_read_are_not_managed_field_by_field() -> None:
    plan = plan_instance(
        desired(
            {
                "settings": {"settings": SETTINGS},
                "inboxes": {"support": {"teams": ["tier1"], "sla": {"email": "24h"}}},
                "entry_points": {"mail": {"channel": "email"}},
            }
        ),
        remote({"settings": {"settings": {"timezone": "America/New_York"}}}),
        GLADLY,
        CONFIG,
    )
    assert plan.not_managed == (
        "settings.default_language",
        "settings.languages",
        "settings.retention",
        "settings.sso",
        "inboxes.sla",
        "inboxes.teams",
        "entry_points",
    )
    # The settings the API shows are the same: unchanged, yet never silently so.
    assert plan.unchanged == 1
    assert [(c.address, c.manual_action) for c in plan.changes] == [
        ("inboxes.support", Action.CREATE)
    ]
    assert plan_problems(plan) == []


def test_a_difference_the_adapter_reads_but_cannot_write_stays_manual_with_its_value() -> None:
    plan = plan_instance(
        desired({"settings": {"settings": {**SETTINGS, "timezone": "America/Chicago"}}}),
        remote({"settings": {"settings": {"timezone": "America/New_York"}}}),
        GLADLY,
        CONFIG,
    )
    (change,) = plan.changes
    assert (change.action, change.manual_action) == (Action.MANUAL, Action.UPDATE)
    assert [(d.path, d.before, d.after) for d in change.diff] == [
        ("timezone", "America/New_York", "America/Chicago")
    ]


def test_an_adapter_that_reads_every_field_leaves_nothing_unmanaged() -> None:
    mock = Capabilities("mock", dict.fromkeys(("settings", "inboxes"), Access.READ_ONLY))
    plan = plan_instance(
        desired({"settings": {"settings": SETTINGS}, "inboxes": {"a": {"teams": []}}}),
        remote({"settings": {"settings": SETTINGS}, "inboxes": {"a": {"teams": []}}}),
        mock,
        CONFIG,
    )
    assert plan.not_managed == () and plan.changes == ()


def test_clearing_a_field_the_adapter_cannot_clear_is_a_manual_change() -> None:
    plan = plan_instance(
        desired(
            {
                "topics": {
                    "refund": {"disabled": False},  # un-parented
                    "moved": {"disabled": False, "parent": "billing"},  # re-parented
                    "first": {"disabled": True},  # renamed, and un-parented
                },
                "webhooks": {
                    "events": {"url": "https://h.example/x", "events": ["CONVERSATION/CLOSED"]}
                },
            },
            topics={"first": "old"},
        ),
        remote(
            {
                "topics": {
                    "billing": {"disabled": False},
                    "refund": {"disabled": False, "parent": "billing"},
                    "moved": {"disabled": False, "parent": "refund"},
                    "old": {"disabled": False, "parent": "billing"},
                },
                "webhooks": {
                    "events": {
                        "url": "https://h.example/x",
                        "events": ["CONVERSATION/CLOSED"],
                        "credentials_env": ["password_env", "username_env"],
                    }
                },
            }
        ),
        GLADLY,
        CONFIG,
    )
    actions = {c.address: (c.action, c.manual_action) for c in plan.changes}
    assert actions == {
        "topics.first": (Action.MANUAL, Action.RENAME),
        "topics.moved": (Action.UPDATE, None),
        "topics.refund": (Action.MANUAL, Action.UPDATE),
        "webhooks.events": (Action.MANUAL, Action.UPDATE),
    }
    assert [c.address for c in plan.writes] == ["topics.moved"]
    assert plan_problems(plan) == []
    reasons = project_problems(plan, CONFIG, GLADLY.access, unsettable=GLADLY.unsettable)
    assert not [r for r in reasons if r.startswith("changes[")]


def test_without_the_capability_clearing_is_an_ordinary_update() -> None:
    capabilities = Capabilities("mock", {"topics": Access.WRITE})
    plan = plan_instance(
        desired({"topics": {"refund": {"disabled": False}}}),
        remote({"topics": {"refund": {"disabled": False, "parent": "billing"}}}),
        capabilities,
        CONFIG,
    )
    assert [(c.action, c.manual_action) for c in plan.changes] == [(Action.UPDATE, None)]


def unparent(action: Action, manual_action: Action | None = None) -> Plan:
    before, after = {"disabled": False, "parent": "billing"}, {"disabled": False}
    change = Change.of(
        "topics",
        "refund",
        action,
        before=before,
        after=after,
        diff=field_diff(before, after),
        remote_id="id-refund",
        manual_action=manual_action,
    )
    return Plan.of("staging", "mock", "sha256:" + "0" * 64, (change,), 0, gladcfg_version="x")


def problems(plan: Plan, unsettable: dict[str, frozenset[str]] | None) -> list[str]:
    reasons = project_problems(plan, CONFIG, {"topics": Access.WRITE}, unsettable=unsettable)
    return [r for r in reasons if r.startswith("changes[")]


def test_a_saved_manual_clearing_is_accepted_and_one_forged_to_an_update_is_refused() -> None:
    unsettable = {"topics": frozenset({"parent"})}
    manual = unparent(Action.MANUAL, Action.UPDATE)
    assert plan_problems(manual) == [] and problems(manual, unsettable) == []
    assert problems(manual, None) == []  # adapter's data not given: never sent anyway
    forged = unparent(Action.UPDATE)
    assert problems(forged, unsettable) == [
        "changes[0] (topics.refund): an update that clears parent, which mock cannot clear: "
        "only a manual change"
    ]
    # A manual change of a writable kind that clears nothing the adapter cannot clear.
    assert problems(manual, {}) == [
        "changes[0] (topics.refund): a manual change, but mock writes topics"
    ]


@pytest.mark.parametrize(
    ("entries", "reason"),
    [
        (("settings.languages", "entry_points"), None),
        (("settings.langauges",), "not_managed: 'langauges' is not a field of settings"),
        (("settings.instances",), "not_managed: 'instances' is not a field of settings"),
        (("widgets.colour",), "not_managed: kind 'widgets' does not exist"),
        (("entry_points", "settings.languages"), "not_managed: not in gladcfg's order"),
        (("settings.sso", "settings.sso"), "not_managed: not in gladcfg's order"),
    ],
)
def test_a_saved_plans_not_managed_names_kinds_and_their_fields(
    entries: tuple[str, ...], reason: str | None
) -> None:
    plan = Plan.of("staging", "gladly", "sha256:" + "0" * 64, (), 0, not_managed=entries)
    found = plan_problems(plan)
    if reason is None:
        assert found == []
    else:
        assert len(found) == 1 and found[0].startswith(reason), found


def test_field_entries_of_a_kind_the_adapter_hides_are_refused() -> None:
    plan = Plan.of(
        "staging", "mock", "sha256:" + "0" * 64, (), 0, not_managed=("settings.languages",)
    )
    config = MockInstance.model_validate({"hidden": ["settings"]})
    assert any(
        r.startswith("not_managed: mock reads no settings")
        for r in project_problems(plan, config, {"settings": Access.HIDDEN})
    )
    assert not any(
        r.startswith("not_managed")
        for r in project_problems(plan, config, {"settings": Access.READ_ONLY})
    )


def test_what_the_instance_refuses_to_delete_is_a_manual_delete_saying_why() -> None:
    """Gladly's primary business hours cannot be deleted: under prune, an undeclared primary
    is a manual delete with the step to take first, never a write that Gladly refuses."""
    hours = {"timezone": "UTC", "weekly": {}, "holidays": []}
    capabilities = Capabilities("gladly", {"business_hours": Access.WRITE})
    state = RemoteState(
        identity="test",
        objects={
            "business_hours": {
                "default": RemoteObject(
                    "h-1", "default", hours, undeletable="make another primary"
                ),
                "old": RemoteObject("h-2", "old", hours),
            }
        },
    )
    pruning = MockInstance.model_validate({"prune": True})
    plan = plan_instance(desired({}), state, capabilities, pruning)
    assert [(c.address, c.action, c.manual_action) for c in plan.changes] == [
        ("business_hours.default", Action.MANUAL, Action.DELETE),
        ("business_hours.old", Action.DELETE, None),
    ]
    assert "business_hours.default: make another primary" in plan.warnings
    config = MockInstance.model_validate({"prune": True, "adapter": "mock"})
    access = {"business_hours": Access.WRITE}
    assert not [p for p in project_problems(plan, config, access) if "default" in p]


def test_a_manual_delete_of_what_the_instance_deletes_is_refused() -> None:
    """Saved-plan checks: a delete disguised as manual passes only for a kind whose adapter
    refuses some deletes, and only if the re-read instance shows the object is one."""
    hours = {"timezone": "UTC", "weekly": {}, "holidays": []}
    disguised = Change.of(
        "business_hours", "old", Action.MANUAL, before=hours, manual_action=Action.DELETE
    )
    plan = Plan.of("staging", "mock", "sha256:x", (disguised,), 0)
    access = {"business_hours": Access.WRITE}
    mock = MockInstance.model_validate({})
    assert any(
        "a manual change, but mock writes business_hours" in p
        for p in project_problems(plan, mock, access, unsettable={}, undeletable=frozenset())
    )
    assert not [
        p
        for p in project_problems(
            plan, mock, access, unsettable={}, undeletable=frozenset({"business_hours"})
        )
        if "manual" in p
    ]
    deletable = RemoteState(
        identity="x", objects={"business_hours": {"old": RemoteObject("h-2", "old", hours)}}
    )
    primary = RemoteState(
        identity="x",
        objects={"business_hours": {"old": RemoteObject("h-2", "old", hours, undeletable="no")}},
    )
    assert any("deletes it when asked" in p for p in remote_problems(plan, deletable, access))
    assert not any("deletes it when asked" in p for p in remote_problems(plan, primary, access))


def removed_topic(capabilities: Capabilities) -> Plan:
    return plan_instance(
        desired({"topics": {}}),
        remote({"topics": {"old": {"disabled": False}}}),
        capabilities,
        MockInstance.model_validate({"prune": True}),
    )


def test_a_delete_the_adapter_makes_by_disabling_says_so_and_a_forged_one_is_refused() -> None:
    writes = {"topics": Access.WRITE}
    disabling = removed_topic(Capabilities("gladly", writes, disables=frozenset({"topics"})))
    (change,) = disabling.changes
    assert (change.action, change.disables, disabling.summary.disable) == (Action.DELETE, True, 1)
    deleting = removed_topic(Capabilities("mock", writes))
    assert [c.disables for c in deleting.changes] == [False] and deleting.summary.disable == 0

    def problems(plan: Plan, disables: frozenset[str]) -> list[str]:
        reasons = project_problems(plan, CONFIG, writes, disables=disables)
        return [r for r in reasons if r.startswith("changes[")]

    assert problems(disabling, frozenset({"topics"})) == []
    assert problems(deleting, frozenset()) == []
    # Each one read as a plan for the other adapter: the display would lie.
    assert problems(disabling, frozenset()) == [
        "changes[0] (topics.old): says the delete only disables, but mock deletes topics"
    ]
    assert problems(deleting, frozenset({"topics"})) == [
        "changes[0] (topics.old): says the delete deletes, but mock only disables topics"
    ]
    # Only a delete can be one; a summary that miscounts them is an edited file.
    (forged,) = unparent(Action.UPDATE).changes
    forged = forged.model_copy(update={"disables": True})
    assert "only a delete the instance makes can be made by disabling" in change_problems(forged)
    edited = disabling.model_copy(
        update={"summary": disabling.summary.model_copy(update={"disable": 0})}
    )
    assert "summary: 0 to disable, but the changes hold 1" in load_problems(edited)
