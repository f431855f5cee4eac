"""Staged rollouts through the real CLI: ``apply --all`` wave by wave, ``apply --wave``,
``plan --all`` showing the waves, and the checks of ``rollout:`` in gladcfg.yaml."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import BASE_RESOURCES, PROJECT_YAML, MakeProject, RunCli, stored

FLEET = PROJECT_YAML.replace("  prod:\n", "  prod-us:\n") + (
    "  prod-eu:\n    vars: {support_email: support@eu.acme.example}\n"
    "  prod-ap:\n    vars: {support_email: support@ap.acme.example}\n"
)
ROLLOUT = """\
rollout:
  - {name: canary, instances: [staging]}
  - {name: first, instances: [prod-us]}
  - {name: rest, instances: ["prod-*"], parallel: 2}
"""
HEADINGS = [
    "Wave 1 of 3, canary: staging",
    "Wave 2 of 3, first: prod-us",
    "Wave 3 of 3, rest: prod-eu, prod-ap, 2 at once",
]
FAULTY = "  prod-us:\n    faults: {fail_every: 1}\n"


def project(make_project: MakeProject, yaml: str = FLEET + ROLLOUT) -> Path:
    return make_project({"config/base.yaml": BASE_RESOURCES}, project_yaml=yaml)


def declared(root: Path, instance: str) -> set[str]:
    objects = stored(root, instance)["objects"]
    return {f"{kind}.{name}" for kind, by_name in objects.items() for name in by_name}


def summary(output: str) -> list[str]:
    return output[output.index("Rollout: ") :].splitlines()


def test_apply_all_applies_the_waves_in_order_each_verified(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = project(make_project)
    result = run_cli("-C", root, "apply", "--all", "--auto-approve")
    assert result.exit_code == 0, result.output
    out = result.stdout
    starts = [out.index(heading) for heading in HEADINGS]
    assert starts == sorted(starts)
    # Every instance is applied inside its own wave, and verified before the next starts.
    for instance, wave in [("staging", 0), ("prod-us", 1), ("prod-eu", 2), ("prod-ap", 2)]:
        first_write = out.index(f"[{instance}] applied")
        assert starts[wave] < first_write
        assert wave == 2 or first_write < starts[wave + 1]
    verified = [
        "Wave canary verified: a fresh plan of staging has nothing to write.",
        "Wave first verified: a fresh plan of prod-us has nothing to write.",
        "Wave rest verified: a fresh plan of prod-eu, prod-ap has nothing to write.",
    ]
    places = [out.index(line) for line in verified]
    assert starts[0] < places[0] < starts[1] < places[1] < starts[2] < places[2]
    assert summary(out) == [
        "Rollout: 3 waves done",
        "  canary  verified  staging: applied",
        "  first   verified  prod-us: applied",
        "  rest    verified  prod-eu: applied; prod-ap: applied",
    ]
    assert all("teams.tier1" in declared(root, name) for name in ("staging", "prod-ap"))


def test_a_failing_wave_stops_the_rollout_and_running_again_resumes(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = project(make_project, (FLEET + ROLLOUT).replace("  prod-us:\n", FAULTY))
    failed = run_cli("-C", root, "apply", "--all", "--auto-approve")
    assert failed.exit_code == 1
    assert HEADINGS[2] not in failed.stdout and "plan for prod-eu" not in failed.stdout
    assert summary(failed.stdout) == [
        "Rollout: stopped at wave first",
        "  canary  verified     staging: applied",
        "  first   failed       prod-us: failed: apply incomplete",
        "  rest    not started  prod-eu, prod-ap",
        "Applied: staging.",
        "Failed: prod-us.",
        "Not started: rest (prod-eu, prod-ap).",
        "Run the same command again to resume: up-to-date instances are skipped.",
    ]
    assert declared(root, "prod-us") == set()
    # The third wave was never read, let alone written.
    assert not (root / ".gladcfg/state/prod-eu.db").exists()

    (root / "gladcfg.yaml").write_text((FLEET + ROLLOUT), encoding="utf-8")
    resumed = run_cli("-C", root, "apply", "--all", "--auto-approve")
    assert resumed.exit_code == 0, resumed.output
    assert "[staging] applied" not in resumed.stdout
    assert "Wave canary: nothing to apply." in resumed.stdout
    assert summary(resumed.stdout) == [
        "Rollout: 3 waves done",
        "  canary  up to date  staging: up to date",
        "  first   verified    prod-us: applied",
        "  rest    verified    prod-eu: applied; prod-ap: applied",
    ]
    # Converged: nothing to write, so nothing is asked even without a terminal.
    again = run_cli("-C", root, "apply", "--all")
    assert again.exit_code == 0, again.output
    assert "Apply these changes" not in again.output


def test_each_wave_is_confirmed_on_its_own_after_its_plans(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(make_project)
    monkeypatch.setattr("gladcfg.cli.apply.is_terminal", lambda: True)
    from gladcfg.cli.main import main
    from tests.conftest import _Main

    result = CliRunner().invoke(
        _Main(main), ["-C", str(root), "--no-color", "apply", "--all"], input="yes\nno\n"
    )
    assert result.exit_code == 1
    prompts = [line for line in result.stdout.splitlines() if "Apply these changes" in line]
    assert [p.partition("?")[0] for p in prompts] == [
        "Apply these changes to staging",
        "Apply these changes to prod-us",
    ]
    # The second question comes after the first wave is applied and its second plan shown.
    assert result.stdout.index("Wave canary verified") < result.stdout.index("plan for prod-us")
    assert "error: wave first not applied: apply cancelled; nothing was changed" in result.stderr
    assert summary(result.stdout)[:4] == [
        "Rollout: stopped at wave first",
        "  canary  verified     staging: applied",
        "  first   refused      prod-us: not applied",
        "  rest    not started  prod-eu, prod-ap",
    ]
    assert declared(root, "prod-us") == set()


def test_apply_wave_applies_only_that_wave(make_project: MakeProject, run_cli: RunCli) -> None:
    root = project(make_project)
    result = run_cli("-C", root, "apply", "--wave", "first", "--auto-approve")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(HEADINGS[1] + "\n")
    assert summary(result.stdout) == ["Rollout: 1 wave done", "  first  verified  prod-us: applied"]
    assert "teams.tier1" in declared(root, "prod-us")
    assert not (root / ".gladcfg/state/staging.db").exists()


def test_apply_wave_usage(make_project: MakeProject, run_cli: RunCli) -> None:
    root = project(make_project)
    with_instance = run_cli("-C", root, "apply", "--wave", "first", "-i", "prod-us")
    assert with_instance.exit_code == 1
    assert with_instance.stderr.endswith(
        "Error: --wave applies a wave of the rollout: leave out -i and PLANFILE\n"
    )
    unknown = run_cli("-C", root, "apply", "--wave", "frist")
    assert unknown.exit_code == 1
    assert unknown.stderr.endswith(
        "Error: Invalid value for '--wave': unknown wave 'frist' (did you mean 'first'?); "
        "the rollout in gladcfg.yaml has: canary, first, rest\n"
    )
    plain = project(make_project, FLEET)
    none = run_cli("-C", plain, "apply", "--wave", "first")
    assert none.exit_code == 1
    assert none.stderr.endswith(
        "Error: Invalid value for '--wave': gladcfg.yaml declares no rollout\n"
    )


def test_without_a_rollout_apply_all_is_a_plain_fleet_apply(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = project(make_project, FLEET)
    result = run_cli("-C", root, "apply", "--all", "--auto-approve")
    assert result.exit_code == 0, result.output
    assert "Wave " not in result.stdout and "Rollout:" not in result.stdout
    assert "Fleet apply: 4 instances" in result.stdout


def test_plan_all_shows_the_waves(make_project: MakeProject, run_cli: RunCli) -> None:
    # Declared out of the waves' order: the plan follows the waves.
    yaml = FLEET.replace(
        "  staging:\n    vars: {support_email: support@staging.acme.example}\n", ""
    )
    yaml += "  staging:\n    vars: {support_email: support@staging.acme.example}\n" + ROLLOUT
    root = project(make_project, yaml)
    result = run_cli("-C", root, "plan", "--all")
    assert result.exit_code == 0, result.output
    out = result.stdout
    starts = [out.index(heading + "\n\ngladcfg plan for") for heading in HEADINGS]
    assert starts == sorted(starts)
    assert out.index("plan for staging") < out.index("plan for prod-us")
    table = out[out.index("Fleet plan: 4 instances") :].splitlines()
    assert [line.split()[0] for line in table[2:6]] == ["staging", "prod-us", "prod-eu", "prod-ap"]
    assert out.endswith(
        "\nRollout: 3 waves, applied in this order by apply --all\n"
        "  1. canary: staging\n"
        "  2. first: prod-us\n"
        "  3. rest: prod-eu, prod-ap, 2 at once\n"
    )
    documents = json.loads(run_cli("-C", root, "plan", "--all", "--format", "json").stdout)
    assert [(d["instance"], d["wave"]) for d in documents] == [
        ("staging", "canary"),
        ("prod-us", "first"),
        ("prod-eu", "rest"),
        ("prod-ap", "rest"),
    ]
    # A plan of chosen instances is not a rollout: no waves shown.
    chosen = run_cli("-C", root, "plan", "-i", "staging", "-i", "prod-us")
    assert "Wave " not in chosen.stdout and "Rollout:" not in chosen.stdout


def test_rollout_errors_name_the_file_line_and_field(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    rollout = """\
rollout:
  - {name: canary, instances: [staging]}
  - {name: canary, instances: [prod-uss]}
  - {name: rest, instances: ["prod-e*"]}
"""
    root = project(make_project, FLEET + rollout)
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines == [
        "gladcfg.yaml:13:1: error: rollout: instances 'prod-us', 'prod-ap' are in no wave; "
        "add them to a wave, or end the rollout with a wave of instances: ['*']",
        "gladcfg.yaml:15:12: error: rollout[1].name: a wave named 'canary' comes earlier "
        "(line 14); each wave has its own name",
        "gladcfg.yaml:15:32: error: rollout[1].instances[0]: 'prod-uss' matches no instance "
        "(did you mean 'prod-us'?)",
        "invalid: 3 errors",
    ]
    # apply refuses the project the same way, before anything is read.
    assert run_cli("-C", root, "apply", "--all", "--auto-approve").stderr == result.stderr


def test_a_last_wave_of_star_takes_every_instance_left(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    rollout = (
        'rollout:\n  - {name: canary, instances: [staging]}\n  - {name: rest, instances: ["*"]}\n'
    )
    root = project(make_project, FLEET + rollout)
    assert run_cli("-C", root, "validate").exit_code == 0
    result = run_cli("-C", root, "plan", "--all")
    assert "  2. rest: prod-us, prod-eu, prod-ap\n" in result.stdout
