"""Saved plans over the gladly adapter: updates read back by id and checked against the
instance, and a plan for one instance refused by its twin on the same organisation."""

from __future__ import annotations

import json

import httpx

from gladcfg.sandbox import BackgroundServer
from tests.conftest import MakeProject, RunCli
from tests.e2e.test_sandbox import RESOURCES, project_yaml, server, token

__all__ = ["server", "token"]


def test_a_saved_plan_of_updates_applies_and_a_twin_refuses_it(
    server: BackgroundServer, make_project: MakeProject, run_cli: RunCli
) -> None:
    root = make_project({"config/all.yaml": RESOURCES}, project_yaml=project_yaml(server.url))
    httpx.post(f"{server.url}/_admin/teams", json={"name": "tier1", "description": "Tier 1"})
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    changed = (
        RESOURCES.replace("back at 8am.", "back at 9am.")
        .replace('["08:00-20:00"]', '["09:00-17:00"]')
        .replace("billing-refund: {parent: billing}", "billing-refund: {parent: shipping}")
        # A team the files add: Gladly's API makes no teams, so it is a manual change.
        .replace("  tier1: {description: Tier 1}", "  tier1: {description: Tier 1}\n  tier2: {}")
    )
    (root / "config/all.yaml").write_text(changed)
    assert run_cli("-C", root, "plan", "--out", root / "plan.json").exit_code == 0
    saved = json.loads((root / "plan.json").read_text())
    assert sorted((c["address"], c["action"]) for c in saved["changes"]) == [
        ("answers.closed", "update"),
        ("business_hours.support", "update"),
        ("teams.tier2", "manual"),
        ("topics.billing-refund", "update"),
    ]
    twin = root / "twin.json"
    twin.write_text(json.dumps({**saved, "instance": "twin"}))
    # The same organisation under another spelling of its host: gladcfg.yaml would refuse
    # two instances spelled alike; the plan file must be refused all the same.
    same_server = server.url.replace("127.0.0.1", "localhost")
    (root / "gladcfg.yaml").write_text(
        project_yaml(server.url)
        + project_yaml(same_server).split("instances:\n")[1].replace("sandbox:", "twin:")
    )
    assert run_cli("-C", root, "show", twin).exit_code == 0
    refused = run_cli("-C", root, "apply", twin)
    assert refused.exit_code == 1 and "belongs elsewhere" in refused.stderr, refused.output
    assert run_cli("-C", root, "show", root / "plan.json").exit_code == 0
    applied = run_cli("-C", root, "apply", root / "plan.json")
    assert applied.exit_code == 0, applied.output
    after = run_cli("-C", root, "plan", "-i", "sandbox", "--format", "json")
    left = json.loads(after.stdout)["changes"]
    assert [(c["address"], c["action"]) for c in left] == [("teams.tier2", "manual")]
