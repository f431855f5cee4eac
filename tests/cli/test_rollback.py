"""apply --rollback-out: a saved plan that undoes exactly what an apply changed."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest

from gladcfg.adapter.mock.adapter import MockAdapter
from gladcfg.model.kinds import address_of
from tests.cli.test_plan_apply import edit_store, project, store
from tests.conftest import BASE_RESOURCES, MakeProject, RunCli

EXTRA = """\
teams:
  legacy: {description: Old}
audiences:
  globex: {description: Globex}
topics:
  billing: {}
"""


def contents(root: Path) -> dict[str, dict[str, Any]]:
    """The store by kind and name, without ids: a recreated object gets a new one."""
    objects = store(root)["objects"]
    return {
        kind: {name: entry["spec"] for name, entry in by_name.items()}
        for kind, by_name in objects.items()
        if by_name
    }


def test_rollback_undoes_every_action_kind(make_project: MakeProject, run_cli: RunCli) -> None:
    root = project(make_project, "prune: true", {"config/extra.yaml": EXTRA})
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    before = contents(root)
    # Create (topic refunds), update (business hours), rename (tier1 → first-line, with an
    # update), delete (team legacy, pruned), and an update that follows the rename (inbox).
    changed = BASE_RESOURCES.replace(
        "  tier1: {description: Tier 1}",
        "  first-line: {renamed_from: tier1, description: Front line}",
    )
    changed = changed.replace("teams: [tier1]", "teams: [first-line]")
    changed = changed.replace('mon-fri: ["08:00-20:00"]', 'mon-fri: ["09:00-17:00"]')
    (root / "config/base.yaml").write_text(changed)
    (root / "config/extra.yaml").write_text(
        EXTRA.replace("  legacy: {description: Old}\n", "  x: {}\n")
        + "  refunds: {parent: billing}\n"
    )
    rollback = root / "rollback.json"
    applied = run_cli(
        "-C", root, "apply", "--auto-approve", "--allow-delete", "--rollback-out", rollback
    )
    assert applied.exit_code == 0, applied.output
    undo = f"Undo this apply with: gladcfg apply --rollback --allow-delete {rollback}"
    assert undo in applied.stderr
    document = json.loads(rollback.read_text())
    assert sorted((c["address"], c["action"]) for c in document["changes"]) == [
        ("business_hours.support", "update"),
        ("teams.legacy", "create"),
        ("teams.tier1", "rename"),
        ("teams.x", "delete"),
        ("topics.refunds", "delete"),
    ]
    assert contents(root) != before
    shown = run_cli("-C", root, "show", rollback)
    assert "→ teams.first-line → teams.tier1" in shown.stdout
    refused = run_cli("-C", root, "apply", "--rollback", rollback)
    assert refused.exit_code == 1 and "--allow-delete" in refused.stderr
    undone = run_cli("-C", root, "apply", "--rollback", rollback, "--allow-delete")
    assert undone.exit_code == 0, undone.output
    assert contents(root) == before


def test_a_rollback_plan_goes_stale_like_any_saved_plan(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = project(make_project)
    rollback = root / "rollback.json"
    applied = run_cli("-C", root, "apply", "--auto-approve", "--rollback-out", rollback)
    assert applied.exit_code == 0, applied.output
    assert len(json.loads(rollback.read_text())["changes"]) == 8
    edit_store(root, "teams", "tier1", description="edited in the admin UI")
    stale = run_cli("-C", root, "apply", "--rollback", rollback, "--allow-delete")
    assert stale.exit_code == 1 and "changed since this plan was made" in stale.stderr


def test_a_partial_apply_rolls_back_what_it_applied(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = project(make_project, "faults: {fail_every: 3}")
    rollback = root / "rollback.json"
    failed = run_cli("-C", root, "apply", "--auto-approve", "--rollback-out", rollback)
    assert failed.exit_code == 1
    undo = json.loads(rollback.read_text())["changes"]
    created = {
        address_of(kind, name)
        for kind, by_name in store(root)["objects"].items()
        for name in by_name
    }
    assert {c["address"] for c in undo} == created and all(c["action"] == "delete" for c in undo)


def test_rollback_out_is_for_one_instance(make_project: MakeProject, run_cli: RunCli) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    result = run_cli("-C", root, "apply", "--all", "--auto-approve", "--rollback-out", "r.json")
    assert result.exit_code == 1 and "--rollback-out records one instance" in result.stderr


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_mid_apply_stops_reports_and_rolls_back_what_was_applied(
    make_project: MakeProject,
    run_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
    signum: int,
    code: int,
) -> None:
    root = project(make_project)
    create = MockAdapter.create
    calls = []

    def create_then_signal(self: MockAdapter, kind: str, name: str, spec: dict[str, Any]) -> Any:
        calls.append(name)
        if len(calls) == 3:  # sent while this write is in flight: it finishes, no more start
            os.kill(os.getpid(), signum)
        return create(self, kind, name, spec)

    monkeypatch.setattr(MockAdapter, "create", create_then_signal)
    rollback = root / "rollback.json"
    result = run_cli(
        "-C", root, "apply", "--auto-approve", "--parallelism", "1", "--rollback-out", rollback
    )
    assert result.exit_code == code, result.output
    assert "Apply to staging stopped early: 3 applied, 0 failed, 0 skipped, 5 not started." in (
        result.stdout
    )
    assert len(calls) == 3
    stored = {address_of(k, n) for k, by_name in store(root)["objects"].items() for n in by_name}
    undo = json.loads(rollback.read_text())["changes"]
    assert {c["address"] for c in undo} == stored and len(stored) == 3
    monkeypatch.setattr(MockAdapter, "create", create)
    assert run_cli("-C", root, "apply", "--rollback", rollback, "--allow-delete").exit_code == 0
    assert contents(root) == {}
