"""An apply that meets a store it cannot save, or a bug: clean lines, nothing lost or
half-saved, and -v has the detail."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gladcfg.adapter.mock.adapter import MockAdapter
from tests.cli.test_plan_apply import project
from tests.conftest import PROJECT_YAML, Disk, MakeProject, RunCli, stored

BIG = "x" * 6000  # a team that needs new pages in the database: a full disk refuses it
TEAMS_PROJECT = {
    "config/teams.yaml": "teams:\n" + "".join(f"  t{i}: {{description: {BIG}}}\n" for i in range(8))
}


def test_a_full_disk_fails_changes_cleanly_and_plan_shows_exactly_them(
    make_project: MakeProject, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, disk: Disk
) -> None:
    root = make_project(TEAMS_PROJECT, project_yaml=PROJECT_YAML)
    create = MockAdapter.create
    created: list[str] = []

    def fills_up(self: MockAdapter, kind: str, name: str, spec: dict[str, Any]) -> Any:
        obj = create(self, kind, name, spec)
        created.append(name)
        if len(created) == 3:
            disk.fill()
        return obj

    monkeypatch.setattr(MockAdapter, "create", fills_up)
    result = run_cli("-C", root, "apply", "-i", "staging", "--auto-approve", "--parallelism", "1")
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert "the disk is full; nothing changed" in result.output
    assert "Apply to staging: 3 applied, 5 failed," in result.stdout
    disk.free()
    saved = {f"teams.{name}" for name in stored(root)["objects"]["teams"]}
    assert saved == {f"teams.{name}" for name in created}  # reported applied = stored
    plan = run_cli("-C", root, "plan", "-i", "staging", "--format", "json")
    left = json.loads(plan.stdout)["changes"]
    assert len(left) == 5 and saved.isdisjoint(c["address"] for c in left)
    assert run_cli("-C", root, "apply", "-i", "staging", "--auto-approve").exit_code == 0


def test_an_unexpected_error_is_one_short_line_and_its_traceback_is_logged_at_v(
    make_project: MakeProject, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(make_project)
    create = MockAdapter.create

    def buggy(self: MockAdapter, kind: str, name: str, spec: dict[str, Any]) -> Any:
        if kind == "teams":
            raise RuntimeError("a bug in the adapter")
        return create(self, kind, name, spec)

    monkeypatch.setattr(MockAdapter, "create", buggy)
    quiet = run_cli("-C", root, "apply", "--auto-approve")
    assert quiet.exit_code == 1
    assert "failed   + teams.tier1: internal error: RuntimeError: a bug in the adapter" in (
        quiet.stdout
    )
    assert "Traceback" not in quiet.output
    assert run_cli("-C", root, "plan", "--detailed-exitcode").exit_code == 2
    verbose = run_cli("-C", root, "-v", "apply", "--auto-approve")
    assert "teams.tier1: unexpected error" in verbose.stderr
    assert "Traceback (most recent call last)" in verbose.stderr
    assert 'in buggy\n    raise RuntimeError("a bug in the adapter")' in verbose.stderr


@pytest.mark.parametrize("fault", ["fill", "lock"], ids=["disk-full", "read-only"])
def test_a_store_that_refuses_every_write_changes_nothing_and_has_nothing_to_undo(
    make_project: MakeProject, run_cli: RunCli, disk: Disk, fault: str
) -> None:
    root = make_project(TEAMS_PROJECT, project_yaml=PROJECT_YAML)
    apply = ("apply", "-i", "staging", "--auto-approve")
    assert run_cli("-C", root, *apply, "--target", "teams.t0").exit_code == 0
    before = stored(root)
    getattr(disk, fault)()
    result = run_cli("-C", root, *apply, "--rollback-out", root / "undo.json")
    assert result.exit_code == 1, result.output
    assert "Apply to staging: 0 applied," in result.stdout
    assert f"cannot write the mock store {root / '.gladcfg/state/staging.db'}" in result.stdout
    assert "internal error" not in result.output and "Traceback" not in result.output
    disk.free()
    assert stored(root) == before
    assert json.loads((root / "undo.json").read_text())["changes"] == []  # nothing to undo
