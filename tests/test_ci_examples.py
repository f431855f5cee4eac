"""The GitHub Actions example and the pre-commit hook: well-formed, and every gladcfg
command in them is one the CLI accepts, with options it knows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from gladcfg import yamlio
from gladcfg.cli.main import cli

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((REPO / "examples/ci/.github/workflows").glob("*.yml"))
EXPRESSION = re.compile(r"\$\{\{[^}]*\}\}")


def load(path: Path) -> Any:
    return yamlio.load(path.read_text(encoding="utf-8")).data


def gladcfg_commands(script: str) -> list[list[str]]:
    """Each ``gladcfg …`` command line in a shell script, as argv after ``gladcfg``."""
    script = EXPRESSION.sub("x", script.replace("\\\n", " "))
    commands = []
    for line in script.splitlines():
        words = shlex.split(line.replace('"$PROJECT"', "."), comments=True)
        if words[:1] != ["gladcfg"]:
            continue
        argv = []
        for word in words[1:]:
            if word in (">", ">>", "|", "&&", ";"):
                break
            argv.append(word)
        commands.append(argv)
    return commands


def test_there_are_workflows_for_plan_apply_and_drift() -> None:
    assert {p.name for p in WORKFLOWS} == {
        "gladcfg-plan.yml",
        "gladcfg-apply.yml",
        "gladcfg-apply-instance.yml",
        "gladcfg-drift.yml",
    }


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_are_well_formed(path: Path) -> None:
    workflow = load(path)
    assert set(workflow) >= {"name", "on", "jobs"}, "`on` must stay a string key (YAML 1.2)"
    for name, job in workflow["jobs"].items():
        assert ("runs-on" in job) != ("uses" in job), f"{name}: runs-on or uses, not both"
        if "uses" in job:
            assert (REPO / "examples/ci" / job["uses"]).is_file(), job["uses"]
            continue
        for step in job["steps"]:
            assert ("run" in step) != ("uses" in step), f"{name}: {step}"


def test_applies_never_race_and_are_gated_by_environments() -> None:
    apply = load(REPO / "examples/ci/.github/workflows/gladcfg-apply-instance.yml")
    job = apply["jobs"]["apply"]
    assert job["concurrency"] == {
        "group": "gladcfg-apply-${{ inputs.instance }}",
        "cancel-in-progress": False,
    }
    assert job["environment"] == "${{ inputs.instance }}"
    promote = load(REPO / "examples/ci/.github/workflows/gladcfg-apply.yml")["jobs"]
    assert promote["prod-us"]["needs"] == "staging" and promote["prod-eu"]["needs"] == "staging"
    plan = load(REPO / "examples/ci/.github/workflows/gladcfg-plan.yml")["jobs"]["plan"]
    assert "matrix.instance" in plan["concurrency"]["group"]


def _scripts() -> list[tuple[str, str]]:
    found = []
    for path in WORKFLOWS:
        for job in load(path)["jobs"].values():
            for step in job.get("steps", []):
                if "run" in step:
                    found.append((path.name, step["run"]))
    hooks = load(REPO / ".pre-commit-hooks.yaml")
    found.extend((".pre-commit-hooks.yaml", hook["entry"]) for hook in hooks)
    return found


def test_every_gladcfg_command_is_valid() -> None:
    commands = [(name, argv) for name, script in _scripts() for argv in gladcfg_commands(script)]
    used = {
        argv[next(i for i, a in enumerate(argv) if not a.startswith("-") and a != ".")]
        for _, argv in commands
        if argv
    }
    assert {"validate", "plan", "show", "apply", "status", "pull"} <= used
    runner = CliRunner()
    for name, argv in commands:
        # Options are checked as click parses them; --help then stops before any work.
        result = runner.invoke(cli, [*argv, "--help"])
        assert result.exit_code == 0, f"{name}: gladcfg {' '.join(argv)}: {result.output}"


def test_the_pre_commit_hook() -> None:
    (hook,) = load(REPO / ".pre-commit-hooks.yaml")
    assert hook["id"] == "gladcfg-validate" and hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert re.search(hook["files"], "config/us.yaml") and re.search(hook["files"], "gladcfg.yaml")
