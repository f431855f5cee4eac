"""The rollback plan of an apply over an instance that shows secrets only as set (Gladly's
webhooks): every change it holds is one the plan-file checks accept, it restores what can
be restored, and its warnings name each thing left to do by hand."""

from __future__ import annotations

from typing import Any

from gladcfg.adapter.base import Access, RemoteObject, RemoteState
from gladcfg.engine.rollback import rollback_plan
from gladcfg.engine.writes import ApplyReport, Outcome, Status
from gladcfg.model.kinds import comparable
from gladcfg.model.plan import Action, Change, Plan
from gladcfg.plan.diff import field_diff
from gladcfg.plan.verify import load_problems

URL = "https://hooks.example.com/a"
# As the gladly adapter reads a webhook: which secrets are set, never where they come from.
SHOWN: dict[str, Any] = {
    "url": URL,
    "events": ["CONVERSATION/CLOSED"],
    "enabled": True,
    "credentials_env": ["password_env", "username_env"],
    "headers_env": ["X-Key", "X-Old"],
}
DECLARED: dict[str, Any] = {
    "url": URL + "/v2",
    "events": ["CONVERSATION/CLOSED"],
    "enabled": True,
    "credentials_env": {"username_env": "HOOK_USER", "password_env": "HOOK_PASSWORD"},
    "headers_env": {"X-Key": "HOOK_KEY"},
}
ACCESS = {"webhooks": Access.WRITE}
UNSETTABLE = {"webhooks": frozenset({"credentials_env"})}


def state(**specs: dict[str, Any]) -> RemoteState:
    remote = RemoteState(identity="test")
    remote.objects["webhooks"] = {
        name: RemoteObject(f"wh-{name}", name, spec) for name, spec in specs.items()
    }
    return remote


def update(name: str, before: dict[str, Any], after: dict[str, Any]) -> Change:
    shown = comparable("webhooks", before), comparable("webhooks", after)
    return Change.of(
        "webhooks",
        name,
        Action.UPDATE,
        before=before,
        after=after,
        diff=field_diff(*shown),
        remote_id=f"wh-{name}",
    )


def undo(changes: list[Change], before: RemoteState, after: RemoteState, **options: Any) -> Plan:
    plan = Plan.of("prod", "gladly", before.fingerprint(), tuple(changes), 0)
    report = ApplyReport(tuple(Outcome(change, Status.APPLIED) for change in changes))
    rollback = rollback_plan(plan, report, before, after, ACCESS, **options)
    assert load_problems(rollback) == []  # as applying the saved plan checks it
    return rollback


def test_an_update_is_undone_with_its_secrets_named_as_the_apply_named_them() -> None:
    now = {**SHOWN, "url": URL + "/v2", "headers_env": ["X-Key"]}
    rollback = undo([update("a", SHOWN, DECLARED)], state(a=SHOWN), state(a=now))
    (change,) = rollback.changes
    assert change.after == {
        "url": URL,
        "events": ["CONVERSATION/CLOSED"],
        "enabled": True,
        "credentials_env": {"username_env": "HOOK_USER", "password_env": "HOOK_PASSWORD"},
        "headers_env": {"X-Key": "HOOK_KEY"},
    }
    # The header the apply removed: no file of the apply names where its value is.
    assert rollback.warnings[1:] == (
        "webhooks.a: restored without headers_env (X-Old): the instance never shows a "
        "secret, and no file of this apply names the environment variable that holds it; "
        "set it by hand in the admin UI, or declare it again and apply",
    )


def test_a_deleted_webhook_is_recreated_without_the_secrets_no_file_names() -> None:
    delete = Change.of("webhooks", "a", Action.DELETE, before=SHOWN, remote_id="wh-a")
    rollback = undo([delete], state(a=SHOWN), state())
    (change,) = rollback.changes
    assert change.action is Action.CREATE
    assert change.after == {"url": URL, "events": ["CONVERSATION/CLOSED"], "enabled": True}
    assert [w.split(":")[0] for w in rollback.warnings[1:]] == ["webhooks.a", "webhooks.a"]
    assert "credentials_env (password_env, username_env)" in rollback.warnings[1]
    assert "headers_env (X-Key, X-Old)" in rollback.warnings[2]


def test_credentials_the_apply_set_stay_set_where_the_instance_cannot_clear_them() -> None:
    was = {"url": URL, "events": ["CONVERSATION/CLOSED"], "enabled": True}
    now = {**SHOWN, "url": URL + "/v2", "headers_env": ["X-Key"]}
    changes = [update("a", was, DECLARED)]
    rollback = undo(changes, state(a=was), state(a=now), unsettable=UNSETTABLE)
    (change,) = rollback.changes
    assert (
        change.after is not None
        and change.after["credentials_env"] == (DECLARED["credentials_env"])
    )
    assert [d.path for d in change.diff] == ["headers_env", "url"]
    assert rollback.warnings[1:] == (
        "webhooks.a: credentials_env, which the apply set, stays set: the instance's API "
        "cannot clear it; clear it by hand in the admin UI",
    )
    # Where the instance can clear them, they are cleared.
    (cleared,) = undo(changes, state(a=was), state(a=now)).changes
    assert cleared.after is not None and "credentials_env" not in cleared.after


def test_an_event_no_file_may_name_is_left_out_and_said_so() -> None:
    was = {**SHOWN, "events": ["CONVERSATION/CLOSED", "CUSTOMER_PROFILE/MERGED"]}
    rollback = undo([update("a", was, DECLARED)], state(a=was), state(a={**SHOWN, "url": "x"}))
    (change,) = rollback.changes
    assert change.after is not None and change.after["events"] == ["CONVERSATION/CLOSED"]
    assert (
        "webhooks.a: restored without events CUSTOMER_PROFILE/MERGED, which no file may "
        "declare; restore it by hand in the admin UI"
    ) in rollback.warnings


def test_what_no_file_can_declare_is_not_restored_and_said_so() -> None:
    was = {"url": "ftp://hooks.example.com", "events": ["CONVERSATION/CLOSED"]}
    delete = Change.of("webhooks", "a", Action.DELETE, before=was, remote_id="wh-a")
    rollback = undo([delete], state(a=was), state())
    assert rollback.changes == ()
    assert rollback.warnings[1:] == (
        "webhooks.a: not restored: the instance holds it in a form no file can declare",
    )
