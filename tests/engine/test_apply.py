"""How an apply sends a plan's changes: on which threads, in what order when one fails, and
with how much of the project still held in memory."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from gladcfg.adapter.mock import store as store_module
from gladcfg.adapter.mock.adapter import MockAdapter
from gladcfg.adapter.mock.config import MockInstance
from gladcfg.config import Workspace, load_desired
from gladcfg.engine import writes
from gladcfg.engine.session import open_instance
from gladcfg.engine.writes import Status, send_changes
from gladcfg.model.plan import Action, Change
from gladcfg.plan.specs import DesiredSpecs
from tests.conftest import BASE_RESOURCES, MakeProject

# Emulated waits (a 429's back-off) make the mock's writes worth overlapping; nothing does not.
CONCURRENT = {"rate_limit_every": 1_000_000}


def mock(folder: Path, **faults: Any) -> MockAdapter:
    config = MockInstance.model_validate({"faults": faults} if faults else {})
    return MockAdapter("test", config, folder)


def threads_used(adapter: MockAdapter, monkeypatch: pytest.MonkeyPatch) -> set[str]:
    used: set[str] = set()
    create = adapter.create

    def recording(kind: str, name: str, spec: dict[str, Any]) -> Any:
        used.add(threading.current_thread().name)
        return create(kind, name, spec)

    monkeypatch.setattr(adapter, "create", recording)
    return used


def teams(count: int) -> list[Change]:
    return [
        Change.of("teams", f"t{i}", Action.CREATE, after={"description": f"team {i}"})
        for i in range(count)
    ]


def test_writes_that_wait_on_nothing_go_one_by_one_on_the_calling_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    adapter = mock(tmp_path)
    assert adapter.concurrent_writes is False
    used = threads_used(adapter, monkeypatch)
    report = send_changes(adapter, teams(20), adapter.read(), parallelism=8)
    assert report.ok and len(report.outcomes) == 20
    assert used == {threading.current_thread().name}
    assert set(adapter.read().of("teams")) == {f"t{i}" for i in range(20)}


def test_writes_that_wait_go_on_up_to_parallelism_worker_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    adapter = mock(tmp_path, latency_ms=5)
    assert adapter.concurrent_writes is True
    used = threads_used(adapter, monkeypatch)
    report = send_changes(adapter, teams(20), adapter.read(), parallelism=4)
    assert report.ok and len(report.outcomes) == 20
    assert threading.current_thread().name not in used
    assert 1 < len(used) <= 4


@pytest.mark.parametrize("faults", [{}, CONCURRENT], ids=["one-by-one", "threads"])
def test_a_failure_skips_a_long_chain_of_dependents_each_named_once(
    tmp_path: Path, faults: dict[str, Any]
) -> None:
    """Topic t0 fails; t1 (parent t0) … t2999 (parent t2998) are skipped, each for the
    change it waited for, however deep the chain (no recursion to run out of)."""
    adapter = mock(tmp_path, fail_every=1, **faults)
    chain = [Change.of("topics", "t0", Action.CREATE, after={"disabled": False})]
    chain += [
        Change.of("topics", f"t{i}", Action.CREATE, after={"parent": f"t{i - 1}"})
        for i in range(1, 3000)
    ]
    unrelated = teams(1)  # fails on its own (every write fails), independently
    report = send_changes(adapter, [*reversed(chain), *unrelated], adapter.read())
    by_address = {o.change.address: o for o in report.outcomes}
    assert len(report.outcomes) == 3001 and len(by_address) == 3001
    assert by_address["topics.t0"].status is Status.FAILED
    assert by_address["teams.t0"].status is Status.FAILED
    for i in range(1, 3000):
        outcome = by_address[f"topics.t{i}"]
        assert outcome.status is Status.SKIPPED
        waited = "failed" if i == 1 else "skipped"
        assert outcome.reason == f"depends on topics.t{i - 1}, which {waited}"
    assert adapter.read().of("topics") == {}


class StopAfter:
    """A stop asked for once ``writes`` writes have been sent: a signal mid-apply."""

    def __init__(self, adapter: MockAdapter, writes: int, monkeypatch: pytest.MonkeyPatch):
        self.sent = 0
        create = adapter.create

        def counting(kind: str, name: str, spec: dict[str, Any]) -> Any:
            self.sent += 1
            return create(kind, name, spec)

        monkeypatch.setattr(adapter, "create", counting)
        self._writes = writes

    def hold(self) -> None:
        pass

    @property
    def requested(self) -> bool:
        return self.sent >= self._writes


def test_a_stop_leaves_the_changes_not_started_out_of_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    adapter = mock(tmp_path)
    stop = StopAfter(adapter, 3, monkeypatch)
    reported: list[str] = []
    report = send_changes(
        adapter,
        teams(10),
        adapter.read(),
        listener=lambda o: reported.append(o.change.name),
        stop=stop,
    )
    assert report.interrupted and not report.ok
    assert [o.change.name for o in report.outcomes] == ["t0", "t1", "t2"] == reported
    assert stop.sent == 3
    assert set(adapter.read().of("teams")) == {"t0", "t1", "t2"}


def test_writes_are_kept_in_batches_and_each_reported_only_once_its_batch_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change reported applied is kept: when the listener hears of a change, another
    connection to the store already sees it, and the batch's others with it."""
    monkeypatch.setattr(writes, "BATCH", 4)
    adapter = mock(tmp_path)
    other = mock(tmp_path)  # another process's view of the same store
    seen: list[tuple[str, set[str]]] = []
    commits: list[int] = []
    batch = adapter.batch

    def counted() -> Any:
        commits.append(len(seen))
        return batch()

    monkeypatch.setattr(adapter, "batch", counted)
    report = send_changes(
        adapter,
        teams(10),
        adapter.read(),
        listener=lambda o: seen.append((o.change.name, set(other.read().of("teams")))),
    )
    assert report.ok and len(report.outcomes) == 10
    assert commits == [0, 4, 8]  # 4 + 4 + 2 writes, one transaction each
    for position, (name, stored) in enumerate(seen):
        assert name in stored
        assert len(stored) == min(10, (position // 4 + 1) * 4)  # its whole batch, no more


def test_a_write_refused_inside_a_batch_fails_alone_and_its_batch_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    adapter = mock(tmp_path)
    changes = teams(3)
    changes.insert(1, Change.of("topics", "orphan", Action.CREATE, after={"parent": "nowhere"}))
    report = send_changes(adapter, changes, adapter.read())
    by_name = {o.change.name: o for o in report.outcomes}
    assert by_name["orphan"].status is Status.FAILED
    assert "topics.nowhere does not exist" in by_name["orphan"].reason
    assert {by_name[f"t{i}"].status for i in range(3)} == {Status.APPLIED}
    assert set(adapter.read().of("teams")) == {"t0", "t1", "t2"}
    assert adapter.read().of("topics") == {}


def test_a_batch_the_store_cannot_keep_is_sent_again_write_by_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database fails the third write of a batch (a full disk): none of the batch is
    kept, so each of its changes is sent again on its own, and only the one the store
    still refuses fails; after a batch's worth so, the apply goes on in batches."""
    monkeypatch.setattr(writes, "BATCH", 4)
    adapter = mock(tmp_path)
    store = adapter._opened()
    insert = store_module._insert
    calls: list[str] = []

    def full_once(db: Any, kind: str, name: str, *args: Any, **kwargs: Any) -> None:
        calls.append(name)
        if name == "t2" and calls.count("t2") == 1:
            raise sqlite3.OperationalError("database or disk is full")
        insert(db, kind, name, *args, **kwargs)

    monkeypatch.setattr(store_module, "_insert", full_once)
    batches: list[int] = []
    batch = store.batch

    def counted() -> Any:
        batches.append(len(calls))
        return batch()

    monkeypatch.setattr(store, "batch", counted)
    reported: list[str] = []
    report = send_changes(
        adapter, teams(14), adapter.read(), listener=lambda o: reported.append(o.change.name)
    )
    assert report.ok, [o.reason for o in report.outcomes if o.status is not Status.APPLIED]
    assert reported == [f"t{i}" for i in range(14)]
    # t0..t3 in a batch, lost at t2 (t3 not even tried); t0..t3 alone, each its own
    # transaction; then batches again: t4..t7, t8..t11, t12..t13.
    assert calls[:3] == ["t0", "t1", "t2"]
    assert calls[3:] == [f"t{i}" for i in range(14)]
    assert batches == [0, 7, 11, 15]
    assert set(adapter.read().of("teams")) == {f"t{i}" for i in range(14)}


def test_draining_a_desired_state_hands_over_each_resource_once_and_empties_it(
    make_project: MakeProject,
) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    state = load_desired(Workspace.open(root), "staging").states["staging"]
    kept = [(item.kind, item.name) for item in state.each()]
    assert kept[0] == ("settings", "settings") and len(kept) == len(state)
    specs = DesiredSpecs.of(state)  # not drained: the state is as it was
    assert len(state) == len(kept)
    drained = DesiredSpecs.of(state, drain=True)
    assert drained == specs
    assert [(item.kind, item.name) for item in state.each()] == [("settings", "settings")]


def test_a_plan_that_releases_the_files_is_the_plan_that_keeps_them(
    make_project: MakeProject,
) -> None:
    """``Session.plan(release=True)`` (what apply uses) plans exactly what a plan that keeps
    the files and the desired state plans, and the apply that follows converges."""
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    workspace = Workspace.open(root)
    with open_instance(workspace, "staging") as session:
        kept = session.plan()
    with open_instance(workspace, "staging") as session:
        released = session.plan(release=True)
        assert released.changes == kept.changes and len(released.changes) > 5
        assert session.apply(released).ok
    with open_instance(workspace, "staging") as session:
        again = session.plan()  # the files are read anew
    assert again.changes == ()


def test_the_read_hints_name_every_declared_resource_and_the_old_name_of_each_rename(
    make_project: MakeProject,
) -> None:
    """An adapter that reads by name (Gladly's answers) must also find a renamed object
    under the name it has until the rename is applied."""
    renamed = BASE_RESOURCES.replace(
        "  closed:\n    audiences", "  shut:\n    renamed_from: closed\n    audiences"
    ).replace("answer: closed", "answer: shut")
    root = make_project({"config/base.yaml": renamed})
    state = load_desired(Workspace.open(root), "staging").states["staging"]
    hints = DesiredSpecs.of(state).read_hints()
    assert set(hints["answers"]) == {"shut", "closed"}
    assert hints["answers"]["closed"] == hints["answers"]["shut"]
    assert set(hints["teams"]) == {"tier1"} and "settings" in hints["settings"]
