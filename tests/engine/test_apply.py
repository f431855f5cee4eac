"""How an apply sends a plan's changes: on which threads, in what order when one fails, and
with how much of the project still held in memory."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from gladcfg.adapter.mock.adapter import MockAdapter
from gladcfg.adapter.mock.config import MockInstance
from gladcfg.config import Workspace, load_desired
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


def test_a_stop_leaves_the_changes_not_started_out_of_the_report(tmp_path: Path) -> None:
    adapter = mock(tmp_path)

    class StopAfterThree:
        def __init__(self) -> None:
            self.seen = 0

        def hold(self) -> None:
            pass

        @property
        def requested(self) -> bool:
            return self.seen >= 3

    stop = StopAfterThree()

    def count(_: object) -> None:
        stop.seen += 1

    report = send_changes(adapter, teams(10), adapter.read(), listener=count, stop=stop)
    assert report.interrupted and not report.ok
    assert [o.change.name for o in report.outcomes] == ["t0", "t1", "t2"]
    assert set(adapter.read().of("teams")) == {"t0", "t1", "t2"}


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
