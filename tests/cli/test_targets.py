"""``--target``: a pattern that matches nothing is an error, never a quiet "no changes"; a
targeted plan says how many changes it leaves out, and says the instance matches the
configuration only when it does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_plan_apply import project
from tests.conftest import MakeProject, RunCli


@pytest.fixture
def root(make_project: MakeProject) -> Path:
    return project(make_project)


@pytest.mark.parametrize("pattern", ["topicz.*", "", "teams.[z-a", "teams.tier9", "topics.*"])
@pytest.mark.parametrize("command", ["plan", "apply"])
def test_a_target_that_matches_nothing_is_an_error(
    root: Path, run_cli: RunCli, pattern: str, command: str
) -> None:
    args = ["--auto-approve"] if command == "apply" else []
    result = run_cli("-C", root, command, *args, "--target", pattern)
    assert result.exit_code == 1, result.output
    assert f"--target '{pattern}' matches nothing in staging" in result.stderr
    assert "nearest: " in result.stderr
    assert "No changes" not in result.output and "Traceback" not in result.output
    assert not (root / ".gladcfg/state/staging.db").exists() or command == "plan"


def test_the_nearest_addresses_are_those_like_the_pattern(root: Path, run_cli: RunCli) -> None:
    result = run_cli("-C", root, "plan", "--target", "teams.tire1")
    assert "(nearest: teams.tier1" in result.stderr, result.stderr
    several = run_cli("-C", root, "plan", "--target", "teams.*", "--target", "inboxs.*")
    assert several.exit_code == 1
    assert "'inboxs.*' matches nothing" in several.stderr and "teams.*" not in several.stderr


def test_a_target_matching_an_object_only_the_instance_holds_is_valid(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = project(make_project, "prune: true", {"config/extra.yaml": "teams:\n  old: {}\n"})
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    (root / "config/extra.yaml").unlink()
    result = run_cli("-C", root, "plan", "--target", "teams.old")
    assert result.exit_code == 0, result.output
    assert "- teams.old" in result.stdout


def test_a_targeted_plan_with_nothing_in_its_targets_says_what_it_leaves_out(
    root: Path, run_cli: RunCli
) -> None:
    assert run_cli("-C", root, "apply", "--auto-approve", "--target", "teams.*").exit_code == 0
    result = run_cli("-C", root, "plan", "--target", "teams.*", "--detailed-exitcode")
    assert result.exit_code == 0, result.output
    assert "matches the configuration" not in result.stdout
    assert "No changes in the targets." in result.stdout
    assert "staging needs 7 more change(s) outside the targets" in result.stdout
    data = json.loads(run_cli("-C", root, "plan", "--target", "teams.*", "--format", "json").stdout)
    assert data["changes"] == [] and data["untargeted"] == 7


def test_a_targeted_plan_with_changes_counts_the_rest(root: Path, run_cli: RunCli) -> None:
    result = run_cli("-C", root, "plan", "--target", "teams.*")
    assert result.exit_code == 0, result.output
    assert "+ teams.tier1" in result.stdout
    assert "Not shown: staging needs 7 more change(s) outside the targets" in result.stdout
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    matched = run_cli("-C", root, "plan", "--target", "teams.*")
    assert "No changes. staging matches the configuration" in matched.stdout, matched.stdout


def test_an_untargeted_count_without_targets_is_an_edited_plan(root: Path, run_cli: RunCli) -> None:
    assert run_cli("-C", root, "plan", "--out", root / "plan.json").exit_code == 0
    data = json.loads((root / "plan.json").read_text())
    data["untargeted"] = 3
    (root / "edited.json").write_text(json.dumps(data))
    shown = run_cli("-C", root, "show", root / "edited.json")
    assert shown.exit_code == 1
    assert "untargeted: 3 change(s) outside targets" in shown.stderr
