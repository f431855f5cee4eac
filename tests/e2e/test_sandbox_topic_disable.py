"""Gladly never deletes a topic; it disables it. A plan says so wherever it is shown (text,
markdown, JSON, the summary), the apply disables the topic on the sandbox, and the next plan
is empty: the disabled topic is on the instance still, out of gladcfg's view."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from gladcfg.sandbox import BackgroundServer
from tests.conftest import MakeProject, RunCli
from tests.e2e.test_sandbox import project_yaml

TOKEN = "tok-UNMISTAKABLE-8d41c9"  # tests.e2e.test_sandbox's
TOPICS = "topics:\n  billing: {}\n  shipping: {}\n"


def test_a_removed_topic_is_planned_and_applied_as_the_disable_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_project: MakeProject, run_cli: RunCli
) -> None:
    monkeypatch.setenv("GLADCFG_SANDBOX_TOKEN", TOKEN)
    with BackgroundServer(tmp_path / "sandbox.json", token=TOKEN) as server:
        removed_topic_disabled(server, make_project, run_cli)


def removed_topic_disabled(
    server: BackgroundServer, make_project: MakeProject, run_cli: RunCli
) -> None:
    project = project_yaml(server.url, rate=1000, budget=100) + "    prune: true\n"
    root = make_project({"config/topics.yaml": TOPICS}, project_yaml=project)
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    (root / "config/topics.yaml").write_text("topics:\n  billing: {}\n")

    text = run_cli("-C", root, "plan")
    assert text.exit_code == 0, text.output
    assert "  ⊘ topics.shipping  (disabled, not deleted: it stays on the instance, disabled)" in (
        text.stdout
    )
    assert "- topics.shipping" not in text.stdout
    assert "1 to delete (1 by disabling)" in text.stdout
    markdown = run_cli("-C", root, "plan", "--format", "markdown")
    assert "| 🚫 | disable | `topics.shipping` |" in markdown.stdout
    saved = root / "plan.json"
    planned = run_cli("-C", root, "plan", "--format", "json", "--out", saved)
    (change,) = json.loads(saved.read_text())["changes"]
    assert (change["action"], change["disables"]) == ("delete", True)
    assert json.loads(saved.read_text())["summary"]["disable"] == 1
    assert planned.exit_code == 0, planned.output

    refused = run_cli("-C", root, "apply", saved)
    assert refused.exit_code == 1
    assert "the plan disables 1 object(s) (topics.shipping); pass --allow-delete" in (
        refused.stderr
    )
    report = root / "applied.json"
    applied = run_cli("-C", root, "apply", saved, "--allow-delete", "--report-out", report)
    assert applied.exit_code == 0, applied.output
    assert "applied  ⊘ topics.shipping" in applied.stdout
    (outcome,) = json.loads(report.read_text())["instances"][0]["changes"]
    assert (outcome["action"], outcome["disables"], outcome["status"]) == (
        "delete",
        True,
        "applied",
    )
    # Still on the instance, disabled; never a DELETE request.
    topics = httpx.get(f"{server.url}/api/v1/topics", auth=("ops@acme.example", TOKEN)).json()
    assert {t["name"]: t["disabled"] for t in topics} == {"billing": False, "shipping": True}
    assert not [r for r in server.sandbox.log if r["method"] == "DELETE"]
    again = run_cli("-C", root, "plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
