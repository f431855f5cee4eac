"""Another apply writing the instance while this one runs, forced deterministically: the
other writer acts right after this apply re-read the instance under its lock (so the plan's
fingerprint still matches) and before its first write, or between the plan and that
re-read (a fresh plan then applies with ``recheck``). A change the other already made is
done, not failed; a different object in the way is a conflict that says what differs; and
the rollback of this apply never undoes what the other made."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gladcfg.adapter.base import RemoteObject
from gladcfg.adapter.mock.adapter import MockAdapter
from gladcfg.adapter.mock.config import MockInstance
from gladcfg.config import Workspace
from gladcfg.engine.rollback import rollback_plan
from gladcfg.engine.session import Session, open_instance
from gladcfg.engine.writes import ApplyReport, Status, send_changes
from gladcfg.errors import RefusedError
from gladcfg.model.plan import Action, Change, Plan
from tests.conftest import BASE_RESOURCES, MakeProject

PROJECT = """\
version: 1
resources: ["config/**/*.yaml"]
instances:
  staging:
    vars: {{support_email: support@staging.acme.example}}
    prune: true
    {faults}
"""
# Emulated 429s make the mock's writes go on worker threads; none: one by one.
FAULTS = {"one-by-one": "", "threads": "faults: {rate_limit_every: 1000000}"}


@pytest.fixture(params=sorted(FAULTS))
def root(request: pytest.FixtureRequest, make_project: MakeProject) -> Path:
    project = PROJECT.format(faults=FAULTS[request.param])
    return make_project({"config/base.yaml": BASE_RESOURCES}, project_yaml=project)


def other_apply(root: Path) -> None:
    """Another apply of the project's files, from plan to end."""
    with open_instance(Workspace.open(root), "staging") as session:
        assert session.apply(session.plan()).ok


def other_writer(root: Path) -> MockAdapter:
    """Another process writing the instance's store (an admin, a script)."""
    with open_instance(Workspace.open(root), "staging") as session:
        adapter = session.connect()
    assert isinstance(adapter, MockAdapter)
    return adapter


def apply_with(
    root: Path,
    meanwhile: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
    *,
    rollback: bool = False,
) -> tuple[Plan, ApplyReport]:
    """Plan, then apply with ``meanwhile`` run right after the apply's re-read."""
    with open_instance(Workspace.open(root), "staging") as session:
        plan = session.plan()
        after_reread(session, meanwhile, monkeypatch)
        return plan, session.apply(plan, rollback=rollback)


def apply_changed(
    root: Path, meanwhile: Callable[[], None], *, rollback: bool = False
) -> tuple[Plan, ApplyReport]:
    """Plan, let ``meanwhile`` write, then apply the fresh plan to the instance as re-read
    now, which is no longer as planned (``recheck``); with ``rollback``, the report carries
    the plan that undoes it."""
    with open_instance(Workspace.open(root), "staging") as session:
        plan = session.plan()
        meanwhile()
        adapter = session.connect()
        remote = adapter.read()
        assert remote.fingerprint() != plan.fingerprint
        report = send_changes(adapter, plan.changes, remote, recheck=True)
        if rollback:
            undo = rollback_plan(plan, report, remote, adapter.read(), adapter.access)
            report = ApplyReport(report.outcomes, rollback=undo)
        return plan, report


def after_reread(session: Session, meanwhile: Callable[[], None], monkeypatch: Any) -> None:
    adapter = session.connect()
    read = adapter.read
    reads: list[None] = []

    def reading(*args: Any, **kwargs: Any) -> Any:
        state = read(*args, **kwargs)
        if not reads:  # the apply's re-read, under the lock: the fingerprint matches
            meanwhile()
        reads.append(None)
        return state

    monkeypatch.setattr(adapter, "read", reading)


def plan_again(root: Path) -> Plan:
    with open_instance(Workspace.open(root), "staging") as session:
        return session.plan()


def outcomes(report: ApplyReport) -> dict[str, tuple[Status, str, bool]]:
    return {o.change.address: (o.status, o.reason, o.already) for o in report.outcomes}


def test_creates_another_apply_made_meanwhile_are_already_there(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan, report = apply_with(root, lambda: other_apply(root), monkeypatch)
    assert len(plan.changes) == 8
    assert report.ok, report.outcomes
    assert set(outcomes(report).values()) == {
        (Status.APPLIED, "already there: made meanwhile as the files declare it", True)
    }
    assert plan_again(root).changes == ()


def test_a_create_already_made_lets_its_dependents_apply(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = lambda: other_writer(root).create("teams", "tier1", {"description": "Tier 1"})  # noqa: E731
    _, report = apply_with(root, made, monkeypatch)
    assert report.ok, report.outcomes
    found = outcomes(report)
    assert found.pop("teams.tier1")[2] is True
    assert found["inboxes.support"] == (Status.APPLIED, "", False)
    assert not any(already for _, _, already in found.values())
    assert plan_again(root).changes == ()


def test_a_different_object_in_the_way_is_a_conflict_saying_what_differs(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    theirs = {"description": "Tier one, by hand"}
    made = lambda: other_writer(root).create("teams", "tier1", theirs)  # noqa: E731
    _, report = apply_with(root, made, monkeypatch)
    assert not report.ok
    found = outcomes(report)
    assert found["teams.tier1"] == (
        Status.FAILED,
        "teams.tier1 was made on the instance since this plan read it, and not as the "
        "files declare it (it differs in description); nothing was changed: plan again to "
        "see the difference",
        False,
    )
    assert found["inboxes.support"] == (
        Status.SKIPPED,
        "depends on teams.tier1, which failed",
        False,
    )
    left = {c.address: c.action for c in plan_again(root).changes}
    assert left["teams.tier1"] is Action.UPDATE  # the next plan shows the difference


def edited(root: Path, old: str, new: str) -> None:
    path = root / "config/base.yaml"
    path.write_text(path.read_text().replace(old, new))


def test_updates_deletes_and_renames_made_meanwhile_are_done(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other apply updated, deleted and renamed just as this one was about to: the
    same values, so this one's changes are done. An update to other values (a different
    edit) is still refused: it is never overwritten."""
    other_apply(root)
    other_writer(root).create("audiences", "legacy", {})  # pruned by the next apply
    edited(root, "Tier 1", "Tier one")  # an update
    edited(root, "  closed:\n    audiences", "  shut:\n    renamed_from: closed\n    audiences")
    edited(root, "answer: closed", "answer: shut")  # rule follows the rename
    edited(root, "weekly: {mon-fri: [", "weekly: {mon-sat: [")  # an update of other values
    theirs = root.parent / "theirs"
    theirs.mkdir()
    (theirs / "config").mkdir()
    (theirs / "gladcfg.yaml").write_text((root / "gladcfg.yaml").read_text())
    (theirs / "config/base.yaml").write_text(
        (root / "config/base.yaml").read_text().replace("mon-sat", "sat")
    )
    (theirs / ".gladcfg").symlink_to(root / ".gladcfg")  # one instance, two projects

    plan, report = apply_with(root, lambda: other_apply(theirs), monkeypatch)
    assert {(c.address, c.action) for c in plan.changes} == {
        ("teams.tier1", Action.UPDATE),
        ("answers.shut", Action.RENAME),
        ("business_hours.support", Action.UPDATE),
        ("audiences.legacy", Action.DELETE),
    }
    found = outcomes(report)
    assert found["teams.tier1"] == (
        Status.APPLIED,
        "already done: updated meanwhile to what the files declare",
        True,
    )
    assert found["answers.shut"] == (
        Status.APPLIED,
        "already done: renamed meanwhile as the files declare it",
        True,
    )
    assert found["audiences.legacy"] == (Status.APPLIED, "already gone: deleted meanwhile", True)
    status, reason, _ = found["business_hours.support"]
    assert status is Status.FAILED
    assert reason == "business_hours.support changed since this plan was read; plan again"
    weekly = other_writer(root).lookup("business_hours", "support")
    assert weekly is not None and "sat" in weekly.spec["weekly"]  # theirs, kept


def test_the_rollback_leaves_what_another_apply_made(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = other_writer(root)
    made = lambda: writer.create("teams", "tier1", {"description": "Tier 1"})  # noqa: E731
    _, report = apply_with(root, made, monkeypatch, rollback=True)
    assert report.ok and report.rollback is not None
    undo = report.rollback
    assert "teams.tier1" not in {c.address for c in undo.changes}
    assert {c.action for c in undo.changes} == {Action.DELETE}
    assert len(undo.changes) == 7
    with open_instance(Workspace.open(root), "staging") as session:
        assert session.apply(undo).ok
    held = writer.read()
    assert [(kind, obj.name) for kind, obj in held] == [("teams", "tier1")]
    assert isinstance(writer.lookup("teams", "tier1"), RemoteObject)


def test_the_rollback_leaves_an_update_another_apply_made(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other_apply(root)
    edited(root, "Tier 1", "Tier one")
    edited(root, "weekly: {mon-fri:", "weekly: {mon-sat:")
    writer = other_writer(root)

    def same_edit() -> None:
        team = writer.read().of("teams")["tier1"]
        writer.update("teams", team, {"description": "Tier one"})

    _, report = apply_with(root, same_edit, monkeypatch, rollback=True)
    assert report.ok and report.rollback is not None
    ((address, action),) = [(c.address, c.action) for c in report.rollback.changes]
    assert (address, action) == ("business_hours.support", Action.UPDATE)


# -- between the plan and the re-read: a fresh plan applied to what the instance holds now --


def test_a_fresh_plan_finds_everything_another_apply_made_since_done(root: Path) -> None:
    plan, report = apply_changed(root, lambda: other_apply(root))
    assert len(report.outcomes) == len(plan.changes) == 8
    assert report.ok and all(o.already for o in report.outcomes)
    assert plan_again(root).changes == ()


def test_a_fresh_plan_sends_what_is_still_as_planned_and_settles_the_rest(root: Path) -> None:
    def meanwhile() -> None:
        writer = other_writer(root)
        writer.create("teams", "tier1", {"description": "Tier 1"})  # as declared
        writer.create("audiences", "acme", {"description": "theirs"})  # not as declared

    _, report = apply_changed(root, meanwhile)
    found = outcomes(report)
    assert found["teams.tier1"] == (
        Status.APPLIED,
        "already there: made meanwhile as the files declare it",
        True,
    )
    assert found["audiences.acme"][:2] == (
        Status.FAILED,
        "audiences.acme was made on the instance since this plan read it, and not as the "
        "files declare it (it differs in description); nothing was changed: plan again to "
        "see the difference",
    )
    assert found["inboxes.support"] == (Status.APPLIED, "", False)  # sent, and made
    assert found["entry_points.support-email"][0] is Status.SKIPPED  # needs acme as declared
    assert {c.address for c in plan_again(root).changes} == {
        "audiences.acme",
        "entry_points.support-email",
        "answers.closed",
        "auto_reply_rules.closed",
    }


def test_a_fresh_plan_finds_updates_deletes_and_renames_made_since_done(root: Path) -> None:
    """As when they were made after the re-read: the same values are done, others are a
    conflict and never overwritten, and a change nobody else made is sent."""
    other_apply(root)
    other_writer(root).create("audiences", "legacy", {})
    edited(root, "Tier 1", "Tier one")
    edited(root, "  closed:\n    audiences", "  shut:\n    renamed_from: closed\n    audiences")
    edited(root, "answer: closed", "answer: shut")
    theirs = root.parent / "theirs"
    (theirs / "config").mkdir(parents=True)
    (theirs / "gladcfg.yaml").write_text((root / "gladcfg.yaml").read_text())
    (theirs / "config/base.yaml").write_text(
        (root / "config/base.yaml").read_text().replace("mon-fri", "sat")
    )
    (theirs / ".gladcfg").symlink_to(root / ".gladcfg")
    edited(root, "weekly: {mon-fri: [", "weekly: {mon-sat: [")
    edited(root, "support: {teams: [tier1],", "support: {description: Ours, teams: [tier1],")

    _, report = apply_changed(root, lambda: other_apply(theirs))
    found = outcomes(report)
    assert found["teams.tier1"][::2] == (Status.APPLIED, True)
    assert found["answers.shut"][::2] == (Status.APPLIED, True)
    assert found["audiences.legacy"] == (Status.APPLIED, "already gone: deleted meanwhile", True)
    assert found["business_hours.support"] == (
        Status.FAILED,
        "business_hours.support changed since this plan was read; plan again",
        False,
    )
    assert found["inboxes.support"] == (Status.APPLIED, "", False)
    writer = other_writer(root)
    hours, inbox = writer.lookup("business_hours", "support"), writer.lookup("inboxes", "support")
    assert hours is not None and "sat" in hours.spec["weekly"]  # theirs, kept
    assert inbox is not None and inbox.spec["description"] == "Ours"


def test_the_rollback_of_a_fresh_plan_leaves_what_another_apply_made(root: Path) -> None:
    made = lambda: other_writer(root).create("teams", "tier1", {"description": "Tier 1"})  # noqa: E731
    _, report = apply_changed(root, made, rollback=True)
    assert report.ok and report.rollback is not None
    undone = {c.address: c.action for c in report.rollback.changes}
    assert "teams.tier1" not in undone and set(undone.values()) == {Action.DELETE}
    assert len(undone) == 7


def test_a_fresh_plan_never_sends_a_change_of_an_object_changed_since(tmp_path: Path) -> None:
    """Whatever else changed, an object edited (or made again) since the plan read it is
    not updated, renamed or deleted: the edit is kept, and the change says plan again."""
    mine = MockAdapter("staging", MockInstance(), tmp_path)
    for name in ("a", "b", "c"):
        mine.create("teams", name, {"description": "old"})
    planned = mine.read().of("teams")
    changes = [
        Change.of(
            "teams", "a", Action.DELETE, before={"description": "old"}, remote_id=planned["a"].id
        ),
        Change.of(
            "teams",
            "b",
            Action.UPDATE,
            before={"description": "old"},
            after={"description": "new"},
            remote_id=planned["b"].id,
        ),
        Change.of(
            "teams",
            "d",
            Action.RENAME,
            before={"description": "old"},
            after={"description": "old"},
            renamed_from="c",
            remote_id=planned["c"].id,
        ),
    ]
    other = MockAdapter("staging", MockInstance(), tmp_path)
    other.delete("teams", planned["a"])
    other.create("teams", "a", {"description": "made again"})
    other.update("teams", planned["b"], {"description": "theirs"})
    other.update("teams", planned["c"], {"description": "theirs"})
    report = send_changes(mine, changes, mine.read(), recheck=True)
    assert {o.change.address: (o.status, o.reason) for o in report.outcomes} == {
        f"teams.{name}": (
            Status.FAILED,
            f"teams.{name} changed since this plan was read; plan again",
        )
        for name in ("a", "b", "d")
    }
    held = {name: obj.spec["description"] for name, obj in mine.read().of("teams").items()}
    assert held == {"a": "made again", "b": "theirs", "c": "theirs"}


# -- the session: a plan made by this run rechecks; a saved one is refused --


def test_a_session_applies_its_own_plan_after_another_apply_finished(root: Path) -> None:
    """``fresh``: the plan this run made and showed moments ago, applied after another
    apply of the same files changed the instance: every change is found done."""
    with open_instance(Workspace.open(root), "staging") as session:
        plan = session.plan()
        other_apply(root)
        report = session.apply(plan, fresh=True)
    assert report.ok and len(report.outcomes) == len(plan.changes) == 8
    assert all(o.already for o in report.outcomes)


def test_a_session_refuses_a_plan_it_did_not_make_once_the_instance_changed(
    root: Path,
) -> None:
    """Without ``fresh`` (a saved plan, reviewed as it was), a changed instance refuses the
    whole plan and sends nothing."""
    with open_instance(Workspace.open(root), "staging") as session:
        plan = session.plan()
        other_writer(root).create("teams", "tier1", {"description": "Tier 1"})
        with pytest.raises(RefusedError, match="is not as this plan found it"):
            session.apply(plan)
    assert {c.address for c in plan_again(root).changes} == {
        c.address for c in plan.changes if c.address != "teams.tier1"
    }
