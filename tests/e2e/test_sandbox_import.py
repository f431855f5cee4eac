"""gladcfg import against the sandbox: objects the files forgot, adopted one by one from
Gladly into a file, and the next plan finds nothing to do."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from gladcfg import yamlio
from gladcfg.sandbox import BackgroundServer
from tests.conftest import MakeProject, RunCli
from tests.e2e.test_sandbox import RESOURCES, TOKEN, project_yaml


def test_objects_the_files_forgot_are_imported_and_plan_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_project: MakeProject, run_cli: RunCli
) -> None:
    monkeypatch.setenv("GLADCFG_SANDBOX_TOKEN", TOKEN)
    with BackgroundServer(tmp_path / "sandbox.json", token=TOKEN) as server:
        # What Gladly's API cannot create, made as an admin would, in the admin UI.
        for kind, name in (("audiences", "acme"), ("inboxes", "support"), ("teams", "tier1")):
            body = {"name": name, "description": "Tier 1"} if kind == "teams" else {"name": name}
            httpx.post(f"{server.url}/_admin/{kind}", json=body)
        project = project_yaml(server.url, rate=1000, budget=100)
        root = make_project({"config/all.yaml": RESOURCES}, project_yaml=project)
        applied = run_cli("-C", root, "apply", "--auto-approve")
        assert applied.exit_code == 0, applied.output
        # The files keep the answers and their audience; the rest is forgotten (entry points
        # and rules Gladly's API does not show: they cannot be imported from it).
        document = yamlio.load(RESOURCES).data
        kept = {kind: document[kind] for kind in ("answers", "audiences")}
        (root / "config/all.yaml").write_text(yamlio.dump(kept))
        forgotten = run_cli("-C", root, "plan")
        assert "teams.tier1" in forgotten.stdout and "topics.billing-refund" in forgotten.stdout

        imported = run_cli(
            "-C", root, "import", "teams.*", "topics.*", "business_hours.support",
            "inboxes.support", "--out", "config/adopted.yaml",
        )  # fmt: skip
        assert imported.exit_code == 0, imported.output
        assert "Imported 6 object(s) from sandbox; wrote config/adopted.yaml" in imported.stdout
        adopted = yamlio.load((root / "config/adopted.yaml").read_text()).data
        assert adopted["topics"]["billing-refund"] == {"parent": "billing"}
        assert "instances" not in adopted["teams"]["tier1"]  # the project's only instance
        again = run_cli("-C", root, "plan", "--detailed-exitcode")
        assert again.exit_code == 0, again.output
        planned = run_cli("-C", root, "plan", "--format", "json")
        # Settings Gladly shows only in part (no languages): export and import both skip them.
        assert json.loads(planned.stdout)["unmanaged"] == ["settings"]

        # Gladly lists no answers: one no file names cannot be found to import.
        (root / "config/all.yaml").write_text(yamlio.dump({"audiences": kept["audiences"]}))
        args = ("-C", root, "import", "answers.refunds", "--out", "config/answers.yaml")
        unlisted = run_cli(*args)
        assert unlisted.exit_code == 1
        assert "'answers.refunds' matches nothing on sandbox" in unlisted.stderr
        assert "the instance's API lists no answers: only those the files name are ever read" in (
            unlisted.stderr
        )
