"""``--var KEY=VALUE``: a var gladcfg.yaml declares, set for one run over every instance's
own, typed as YAML types a scalar, shown in the plan's header, recorded in a saved plan and
used again when that plan is applied; a var nobody declared, or a value that is no scalar,
is refused before anything is read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import MakeProject, RunCli, stored

PROJECT = """\
version: 1
vars: {brand: Acme, tiers: 1, vip: false}
instances:
  staging: {vars: {brand: Acme Staging}}
  prod: {}
"""
TEAMS = """\
teams:
  tier1: {description: "{{ brand }} tier {{ tiers + 1 }}"}
{% if vip %}
  vip: {description: "{{ brand }} VIP"}
{% endif %}
"""


@pytest.fixture
def root(make_project: MakeProject) -> Path:
    return make_project({"config/teams.yaml": TEAMS}, project_yaml=PROJECT)


def planned(run_cli: RunCli, root: Path, *args: str | Path) -> dict[str, object]:
    result = run_cli("-C", root, "plan", "-i", "staging", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    plan: dict[str, object] = json.loads(result.stdout)
    return plan


def afters(plan: dict[str, object]) -> dict[str, object]:
    changes = plan["changes"]
    assert isinstance(changes, list)
    return {c["address"]: c["after"]["description"] for c in changes}


def test_a_var_given_wins_over_the_instances_own_typed_as_yaml_types_it(
    root: Path, run_cli: RunCli
) -> None:
    assert afters(planned(run_cli, root)) == {"teams.tier1": "Acme Staging tier 2"}
    given = planned(run_cli, root, "--var", "brand=Globex", "--var", "tiers=2", "--var", "vip=true")
    assert afters(given) == {"teams.tier1": "Globex tier 3", "teams.vip": "Globex VIP"}
    assert given["vars"] == {"brand": "Globex", "tiers": 2, "vip": True}
    # Repeated, the last one counts; quoted, a number is text.
    text = planned(run_cli, root, "--var", "brand=X", "--var", 'brand="3"')
    assert text["vars"] == {"brand": "3"}
    shown = run_cli(
        "-C", root, "plan", "-i", "staging", "--var", "brand=Globex", "--var", "tiers=2"
    )
    assert 'vars (--var): brand="Globex", tiers=2\n' in shown.stdout
    markdown = run_cli(
        "-C", root, "plan", "-i", "staging", "--format", "markdown", "--var", "brand=Globex"
    )
    assert '> 🔧 vars given with `--var`: brand="Globex"' in markdown.stdout
    assert "vars" not in planned(run_cli, root)  # none given: none recorded
    valid = run_cli("-C", root, "validate", "--var", "tiers=2")
    assert valid.exit_code == 0, valid.output


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("brnad=Globex", "--var brnad: gladcfg.yaml declares no var 'brnad' (did you mean"),
        ("brand", "'brand': expected KEY=VALUE"),
        ("=Globex", "expected KEY=VALUE"),
        ("brand=[1, 2]", "brand: a YAML list where a scalar goes"),
        ("brand={a: 1}", "brand: a YAML mapping where a scalar goes"),
        ("brand=[", "brand: invalid YAML"),
        ("brand=a\u202eb", "contains U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("instance=prod", "'instance' is the instance's own name"),
    ],
)
def test_a_var_that_is_not_declared_or_not_a_scalar_is_refused_before_any_read(
    root: Path, run_cli: RunCli, given: str, message: str
) -> None:
    for command in ("plan", "apply", "validate", "status"):
        result = run_cli("-C", root, command, "-i", "staging", "--var", given)
        assert result.exit_code == 1, (command, result.output)
        assert message in result.stderr, (command, result.stderr)
        assert "Traceback" not in result.output
    assert not (root / ".gladcfg").exists()


def test_a_saved_plan_is_applied_with_the_vars_it_was_made_with(
    root: Path, run_cli: RunCli
) -> None:
    saved = root / "plan.json"
    made = run_cli("-C", root, "plan", "-i", "prod", "--var", "brand=Globex", "--out", saved)
    assert made.exit_code == 0, made.output
    again = run_cli("-C", root, "apply", saved, "--var", "brand=Globex")
    assert again.exit_code == 1 and "leave out --var" in again.stderr
    # Without its vars, the files make another plan: refused as not what was reviewed.
    document = json.loads(saved.read_text())
    edited = root / "edited.json"
    edited.write_text(json.dumps({k: v for k, v in document.items() if k != "vars"}))
    refused = run_cli("-C", root, "apply", edited)
    assert refused.exit_code == 1 and "do not make this plan" in refused.stderr
    assert not (root / ".gladcfg/state/prod.db").exists()
    applied = run_cli("-C", root, "apply", saved)
    assert applied.exit_code == 0, applied.output
    teams = stored(root, "prod")["objects"]["teams"]
    assert teams["tier1"]["spec"] == {"description": "Globex tier 2"}
    after = run_cli(
        "-C", root, "plan", "-i", "prod", "--var", "brand=Globex", "--detailed-exitcode"
    )
    assert after.exit_code == 0, after.output


def test_a_var_before_the_command_is_a_global_option_the_commands_own_wins_over(
    root: Path, run_cli: RunCli
) -> None:
    result = run_cli(
        "--var", "brand=Globex", "-C", root, "plan", "-i", "staging", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert plan["vars"] == {"brand": "Globex"}
    assert afters(plan)["teams.tier1"] == "Globex tier 2"
    both = run_cli(
        "--var", "brand=Globex", "--var", "tiers=2", "-C", root,
        "plan", "-i", "staging", "--format", "json", "--var", "brand=Initech",
    )  # fmt: skip
    assert both.exit_code == 0, both.output
    assert json.loads(both.stdout)["vars"] == {"brand": "Initech", "tiers": 2}
    assert run_cli("--var", "nope=1", "-C", root, "validate").exit_code == 1


@pytest.mark.parametrize("command", [["schema", "--out", "schemas"], ["state", "show"]])
def test_a_var_before_a_command_that_renders_no_files_is_refused(
    root: Path, run_cli: RunCli, command: list[str]
) -> None:
    result = run_cli("--var", "brand=Globex", "-C", root, *command)
    assert result.exit_code == 1
    assert f"{command[0]} renders no files: --var sets nothing" in result.stderr
    assert not (root / "schemas").exists()
