"""A change's ``before`` follows only renames the plan makes: a targeted plan brings the
renames its changes already read through, and an ignored new name is no rename at all."""

from __future__ import annotations

import json

from tests.cli.test_plan_apply import MOCK_PROJECT, project, store
from tests.conftest import BASE_RESOURCES, MakeProject, RunCli

RENAMED = BASE_RESOURCES.replace(
    "  tier1: {description: Tier 1}", "  first-line: {renamed_from: tier1, description: Tier 1}"
)


def test_a_targeted_change_brings_the_rename_its_before_follows(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = project(make_project)
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    (root / "config/base.yaml").write_text(RENAMED.replace("teams: [tier1], ", ""))
    planned = run_cli(
        "-C", root, "plan", "--target", "inboxes.*", "--out", root / "plan.json", "--format", "json"
    )
    changes = {c["address"]: c for c in json.loads(planned.stdout)["changes"]}
    assert set(changes) == {"inboxes.support", "teams.first-line"}
    assert changes["inboxes.support"]["before"]["teams"] == ["first-line"]
    applied = run_cli("-C", root, "apply", root / "plan.json")
    assert applied.exit_code == 0, applied.output
    assert set(store(root)["objects"]["teams"]) == {"first-line"}


def test_a_rename_to_an_ignored_name_is_not_followed(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = project(make_project)
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    (root / "gladcfg.yaml").write_text(MOCK_PROJECT % "ignore: [teams.first-line]")
    (root / "config/base.yaml").write_text(RENAMED.replace("teams: [tier1]", "teams: [first-line]"))
    planned = run_cli("-C", root, "plan", "--format", "json")
    (change,) = json.loads(planned.stdout)["changes"]
    assert change["address"] == "inboxes.support"
    assert change["diff"] == [{"path": "teams", "before": ["tier1"], "after": ["first-line"]}]
