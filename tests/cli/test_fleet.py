"""Fleets: several instances per run, each on its own, the worst exit code wins."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import BASE_RESOURCES, PROJECT_YAML, MakeProject, RunCli, store_document, stored

FLEET = PROJECT_YAML.replace("  prod:\n", "  prod-us:\n") + (
    "  prod-eu:\n    vars: {support_email: support@eu.acme.example}\n"
)
NAMES = ("staging", "prod-us", "prod-eu")


def fleet(make_project: MakeProject) -> Path:
    return make_project({"config/base.yaml": BASE_RESOURCES}, project_yaml=FLEET)


def stores(root: Path) -> dict[str, dict[str, object]]:
    return {name: stored(root, name) for name in NAMES}


def test_plan_all_reports_each_instance_and_the_worst_exit_code(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = fleet(make_project)
    assert run_cli("-C", root, "apply", "-i", "staging", "--auto-approve").exit_code == 0
    plan = run_cli("-C", root, "plan", "--all", "--detailed-exitcode")
    assert plan.exit_code == 2, plan.output
    table = plan.stdout[plan.stdout.index("Fleet plan: 3 instances") :].splitlines()
    assert table[1].split() == [
        "instance",
        "create",
        "update",
        "rename",
        "delete",
        "manual",
        "unmanaged",
        "warnings",
        "result",
    ]
    assert table[2].split() == ["staging", "0", "0", "0", "0", "0", "0", "0", "no", "changes"]
    assert table[3].split() == ["prod-us", "8", "0", "0", "0", "0", "0", "0", "changes"]
    # Without --detailed-exitcode a fleet with changes is a success.
    assert run_cli("-C", root, "plan", "--all").exit_code == 0
    # One instance that cannot be read makes the run an error; the others are still planned.
    (root / ".gladcfg/state/prod-eu.db").write_text("torn")
    broken = run_cli("-C", root, "plan", "--all", "--detailed-exitcode")
    assert broken.exit_code == 1
    assert "prod-eu:\nerror: the mock store" in broken.stderr
    assert "plan for staging" in broken.stdout and "plan for prod-us" in broken.stdout
    assert "error: the mock store" in broken.stdout.splitlines()[-1]


def test_fleet_plan_as_json_and_markdown(make_project: MakeProject, run_cli: RunCli) -> None:
    yaml = FLEET.replace("support@eu.acme.example", "not-an-address")
    root = make_project({"config/base.yaml": BASE_RESOURCES}, project_yaml=yaml)
    documents = json.loads(run_cli("-C", root, "plan", "--all", "--format", "json").stdout)
    assert [d["instance"] for d in documents] == list(NAMES)
    assert documents[0]["summary"]["create"] == 8
    assert documents[2]["error"] == "1 error(s) in the project files"
    (problem,) = documents[2]["problems"]
    assert "entry_points.support-email.address" in problem and "error" not in documents[1]
    markdown = run_cli("-C", root, "plan", "-i", "staging", "-i", "prod-eu", "--format", "markdown")
    assert markdown.exit_code == 1
    assert "| `staging` | 8 | 0 | 0 | 0 | 0 | 0 | 0 | changes |" in markdown.stdout
    assert "| `prod-eu` | – | – | – | – | – | – | – | error:" in markdown.stdout


def test_applying_one_instance_leaves_the_others_byte_identical(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = fleet(make_project)
    assert run_cli("-C", root, "apply", "--all", "--auto-approve").exit_code == 0
    before = stores(root)
    base = (root / "config/base.yaml").read_text()
    (root / "config/base.yaml").write_text(base.replace("Tier 1", "Front line"))
    applied = run_cli("-C", root, "apply", "-i", "prod-us", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    after = stores(root)
    assert after["prod-us"] != before["prod-us"]
    assert after["staging"] == before["staging"] and after["prod-eu"] == before["prod-eu"]


def test_fleet_apply_confirms_once_and_reports_per_instance(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = fleet(make_project)
    refused = run_cli("-C", root, "apply", "--all")
    assert refused.exit_code == 1 and "no terminal" in refused.stderr
    assert not (root / ".gladcfg/state").exists()
    applied = run_cli("-C", root, "apply", "-i", "staging", "-i", "prod-eu", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "[prod-eu] applied" in applied.stdout
    table = applied.stdout[applied.stdout.index("Fleet apply: 2 instances") :].splitlines()
    assert table[2].split() == ["staging", "8", "0", "0", "applied"]
    again = run_cli("-C", root, "apply", "--all", "--auto-approve")
    assert row(again.stdout, "staging") == ["staging", "0", "0", "0", "nothing", "to", "apply"]
    assert row(again.stdout, "prod-us") == ["prod-us", "8", "0", "0", "applied"]


def test_a_refusal_on_one_instance_applies_nothing_anywhere(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = fleet(make_project)
    assert run_cli("-C", root, "apply", "-i", "prod-eu", "--auto-approve").exit_code == 0
    data = stored(root, "prod-eu")
    data["objects"]["teams"]["legacy"] = {"id": "x-1", "spec": {"description": None}}
    store_document(root, data, "prod-eu")
    yaml = (root / "gladcfg.yaml").read_text()
    (root / "gladcfg.yaml").write_text(yaml + "    prune: true\n")
    before = stores_or_none(root)
    result = run_cli("-C", root, "apply", "--all", "--auto-approve")
    assert result.exit_code == 1
    assert "nothing was applied; prod-eu: the plan deletes 1 object(s) (teams.legacy)" in (
        result.stderr
    )
    assert stores_or_none(root) == before
    assert not (root / ".gladcfg/state/staging.db").exists()


def test_failures_in_one_instance_do_not_stop_the_others(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    yaml = FLEET.replace("  prod-eu:\n", "  prod-eu:\n    faults: {fail_every: 1}\n")
    root = make_project({"config/base.yaml": BASE_RESOURCES}, project_yaml=yaml)
    result = run_cli("-C", root, "apply", "--all", "--auto-approve")
    assert result.exit_code == 1
    assert row(result.stdout, "prod-eu")[-1] == "incomplete"
    assert row(result.stdout, "staging") == ["staging", "8", "0", "0", "applied"]
    assert run_cli("-C", root, "plan", "-i", "prod-us", "--detailed-exitcode").exit_code == 0


def test_saved_plans_are_for_one_instance(make_project: MakeProject, run_cli: RunCli) -> None:
    root = fleet(make_project)
    run_cli("-C", root, "plan", "-i", "staging", "--out", root / "p.json")
    for extra in (("--all",), ("-i", "staging", "-i", "prod-us")):
        result = run_cli("-C", root, "apply", root / "p.json", *extra)
        assert result.exit_code == 1 and "a saved plan is for one instance" in result.stderr


def stores_or_none(root: Path) -> dict[str, dict[str, object] | None]:
    state = root / ".gladcfg/state"
    return {name: stored(root, name) if (state / f"{name}.db").exists() else None for name in NAMES}


def row(stdout: str, instance: str) -> list[str]:
    """The fleet table's row for ``instance``, split into cells."""
    table = stdout[stdout.index("Fleet") :].splitlines()
    (line,) = (line for line in table if line.startswith(f"{instance} "))
    return line.split()


def test_validate_all_has_a_row_per_instance(make_project: MakeProject, run_cli: RunCli) -> None:
    root = fleet(make_project)
    (root / "config/eu.yaml").write_text("teams:\n  eu: {instances: [prod-eu], nope: 1}\n")
    result = run_cli("-C", root, "validate", "--all")
    assert result.exit_code == 1
    assert row(result.stdout, "prod-eu") == ["prod-eu", "9", "1", "0", "invalid"]
    assert row(result.stdout, "staging") == ["staging", "8", "1", "0", "invalid"]
