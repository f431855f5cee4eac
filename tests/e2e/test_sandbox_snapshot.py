"""Plans that skip re-reading answers (``--refresh=false``), and renamed answers found again,
against the sandbox over real sockets: what a plan takes from the snapshot it says, and what
changed on the instance since is caught by apply."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gladcfg.adapter.gladly.kinds.answers import answer_id
from gladcfg.sandbox import BackgroundServer
from tests.conftest import MakeProject, RunCli
from tests.e2e.test_sandbox import project_yaml as sandbox_project

TOKEN = "tok-snapshot-5f1e0a"

ANSWERS = """\
audiences:
  acme: {}
answers:
  closed:
    audiences: [acme]
    content:
      en-US:
        messaging: "We are closed."
        email: {subject: Closed, body: "We are closed."}
  refunds:
    content:
      en-US: {public: {title: Refunds, body: Within 30 days.}}
"""


def project_yaml(url: str) -> str:
    return sandbox_project(url, rate=100, budget=100)


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[BackgroundServer]:
    monkeypatch.setenv("GLADCFG_SANDBOX_TOKEN", TOKEN)
    monkeypatch.setenv("GLADCFG_CACHE_DIR", str(tmp_path / "cache"))
    with BackgroundServer(tmp_path / "sandbox.json", token=TOKEN, requests_per_second=200) as up:
        httpx.post(f"{up.url}/_admin/audiences", json={"name": "acme"})
        yield up


def answer_requests(server: BackgroundServer) -> int:
    """How many requests the sandbox has answered on answers so far."""
    return sum(1 for r in server.sandbox.log if r["path"].startswith("/api/v1/answers"))


def put_content(server: BackgroundServer, name: str, body: str) -> None:
    """An edit made in Gladly's admin UI: the messaging reply of answer ``name``."""
    path = f"/api/v1/answers/{answer_id(name)}/languages/en-us/type/messaging"
    response = httpx.put(f"{server.url}{path}", json={"bodyHtml": body}, auth=("x", TOKEN))
    assert response.status_code == 200, response.text


def test_a_plan_without_refresh_reads_no_answer_again_and_says_how_old_they_are(
    server: BackgroundServer, make_project: MakeProject, run_cli: RunCli
) -> None:
    root = make_project({"config/a.yaml": ANSWERS}, project_yaml=project_yaml(server.url))
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    # What apply wrote is read again once: the snapshot holds what Gladly answers, never
    # what gladcfg sent.
    written = run_cli("-C", root, "plan", "--refresh=false", "--format", "json")
    assert "snapshot" not in json.loads(written.stdout)
    before = answer_requests(server)
    fast = run_cli("-C", root, "plan", "--refresh=false", "--detailed-exitcode")
    assert fast.exit_code == 0, fast.output
    assert answer_requests(server) == before  # not one answer read again
    assert "Snapshot: 2 object(s) not read again (--refresh=false)" in fast.stdout
    markdown = run_cli("-C", root, "plan", "--refresh=false", "--format", "markdown")
    assert "> 🕓 2 object(s) not read again" in markdown.stdout
    document = json.loads(run_cli("-C", root, "plan", "--refresh=false", "--format", "json").stdout)
    assert document["snapshot"]["objects"] == 2
    full = run_cli("-C", root, "plan", "--format", "json")
    assert "snapshot" not in json.loads(full.stdout)
    assert answer_requests(server) > before
    status = run_cli("-C", root, "status", "--refresh=false", "--format", "json")
    assert json.loads(status.stdout)["instances"][0]["snapshot"]["objects"] == 2


def test_a_declared_pair_the_snapshot_never_asked_for_is_read(
    server: BackgroundServer, make_project: MakeProject, run_cli: RunCli
) -> None:
    root = make_project({"config/a.yaml": ANSWERS}, project_yaml=project_yaml(server.url))
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    assert run_cli("-C", root, "plan").exit_code == 0
    more = ANSWERS.replace(
        "      en-US: {public: {title: Refunds, body: Within 30 days.}}",
        "      en-US: {public: {title: Refunds, body: Within 30 days.}, messaging: Refunds.}",
    )
    (root / "config/a.yaml").write_text(more)
    fast = run_cli("-C", root, "plan", "--refresh=false", "--format", "json")
    document = json.loads(fast.stdout)
    assert document["snapshot"]["objects"] == 1  # closed; refunds was read again
    assert [c["address"] for c in document["changes"]] == ["answers.refunds"]


def test_a_change_made_after_the_snapshot_is_caught_by_apply(
    server: BackgroundServer, make_project: MakeProject, run_cli: RunCli
) -> None:
    root = make_project({"config/a.yaml": ANSWERS}, project_yaml=project_yaml(server.url))
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    assert run_cli("-C", root, "plan").exit_code == 0  # the snapshot: as applied
    put_content(server, "closed", "Edited in the admin UI.")
    (root / "config/a.yaml").write_text(ANSWERS.replace("Within 30 days.", "Within 60 days."))
    planfile = root / "plan.json"
    fast = run_cli("-C", root, "plan", "--refresh=false", "--out", planfile, "--format", "json")
    assert [c["address"] for c in json.loads(fast.stdout)["changes"]] == ["answers.refunds"]
    writes = sum(1 for r in server.sandbox.log if r["method"] != "GET")
    refused = run_cli("-C", root, "apply", planfile)
    assert refused.exit_code == 1, refused.output
    assert "it changed since this plan was made" in refused.stderr
    assert sum(1 for r in server.sandbox.log if r["method"] != "GET") == writes
    # A full plan shows the edit the snapshot had not seen.
    full = run_cli("-C", root, "plan", "--format", "json")
    changed = {c["address"] for c in json.loads(full.stdout)["changes"]}
    assert changed == {"answers.closed", "answers.refunds"}


def test_a_corrupt_or_foreign_snapshot_is_no_snapshot(
    server: BackgroundServer, make_project: MakeProject, run_cli: RunCli, tmp_path: Path
) -> None:
    root = make_project({"config/a.yaml": ANSWERS}, project_yaml=project_yaml(server.url))
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    (snapshot,) = (tmp_path / "cache/snapshots").iterdir()
    document = json.loads(snapshot.read_text())
    document["identity"] = "gladly:elsewhere"
    snapshot.write_text(json.dumps(document))
    foreign = run_cli("-C", root, "plan", "--refresh=false", "--format", "json")
    assert "snapshot" not in json.loads(foreign.stdout)
    snapshot.write_text('{"format": 1, "identity": ')
    corrupt = run_cli("-C", root, "plan", "--refresh=false", "--format", "json")
    assert corrupt.exit_code == 0, corrupt.output
    assert "snapshot" not in json.loads(corrupt.stdout)


RENAMED = ANSWERS.replace("  refunds:\n", "  refund-policy:\n    renamed_from: refunds\n")
DONE = ANSWERS.replace("  refunds:\n", "  refund-policy:\n")


def test_a_renamed_answer_is_found_once_renamed_from_is_gone(
    server: BackgroundServer, make_project: MakeProject, run_cli: RunCli
) -> None:
    root = make_project({"config/a.yaml": ANSWERS}, project_yaml=project_yaml(server.url))
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    (root / "config/a.yaml").write_text(RENAMED)
    renamed = run_cli("-C", root, "apply", "--auto-approve")
    assert renamed.exit_code == 0, renamed.output
    assert "answers.refunds → answers.refund-policy" in renamed.stdout
    (root / "config/a.yaml").write_text(DONE)
    after = run_cli("-C", root, "plan", "--detailed-exitcode")
    assert after.exit_code == 0, after.output


def test_elsewhere_a_renamed_answer_is_adopted_by_the_id_gladly_gives(
    server: BackgroundServer,
    make_project: MakeProject,
    run_cli: RunCli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = make_project({"config/a.yaml": ANSWERS}, project_yaml=project_yaml(server.url))
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    (root / "config/a.yaml").write_text(RENAMED)
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    # Another machine (a CI runner) with no snapshot, and a changed body.
    monkeypatch.setenv("GLADCFG_CACHE_DIR", str(tmp_path / "another-cache"))
    (root / "config/a.yaml").write_text(DONE.replace("Within 30 days.", "Within 45 days."))
    planned = run_cli("-C", root, "plan")
    assert "+ answers.refund-policy" in planned.stdout  # nothing tells it apart beforehand
    applied = run_cli("-C", root, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "it is now the declared one" in applied.stderr
    answers = server.sandbox.state["answers"]
    assert sorted(a["name"] for a in answers.values()) == ["closed", "refund-policy"]
    (kept,) = (a for a in answers.values() if a["name"] == "refund-policy")
    assert kept["id"] == answer_id("refunds")
    assert "Within 45 days." in kept["contents"]["en-us/public"]["bodyHtml"]
    again = run_cli("-C", root, "plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def test_the_rollback_of_an_adoption_restores_the_answer_it_took_over(
    server: BackgroundServer, make_project: MakeProject, run_cli: RunCli, tmp_path: Path
) -> None:
    # An answer made in the admin UI (an id Gladly chose) before the files declared it.
    made = httpx.post(
        f"{server.url}/api/v1/answers",
        json={"name": "refunds", "description": "From the admin UI."},
        auth=("x", TOKEN),
    )
    assert made.status_code == 200, made.text
    ui_id = made.json()["id"]
    path = f"/api/v1/answers/{ui_id}/languages/en-us/type/public"
    body = {"bodyHtml": "Within 14 days.", "title": "Refunds"}
    assert httpx.put(f"{server.url}{path}", json=body, auth=("x", TOKEN)).status_code == 200
    root = make_project({"config/a.yaml": ANSWERS}, project_yaml=project_yaml(server.url))
    undo = tmp_path / "undo.json"
    applied = run_cli("-C", root, "apply", "--auto-approve", "--rollback-out", undo)
    assert applied.exit_code == 0, applied.output
    assert "it is now the declared one" in applied.stderr
    answers = server.sandbox.state["answers"]
    assert "Within 30 days." in answers[ui_id]["contents"]["en-us/public"]["bodyHtml"]
    # Undoing the apply restores the answer it took over; it never deletes it.
    rollback = json.loads(undo.read_text())
    actions = {c["address"]: c["action"] for c in rollback["changes"]}
    assert actions == {"answers.closed": "delete", "answers.refunds": "update"}
    undone = run_cli("-C", root, "apply", "--rollback", undo, "--auto-approve", "--allow-delete")
    assert undone.exit_code == 0, undone.output
    answers = server.sandbox.state["answers"]
    assert [a["name"] for a in answers.values()] == ["refunds"]
    assert answers[ui_id]["description"] == "From the admin UI."
    assert "Within 14 days." in answers[ui_id]["contents"]["en-us/public"]["bodyHtml"]


def test_an_answer_renamed_in_the_admin_ui_is_named_when_its_old_name_is_declared(
    server: BackgroundServer, make_project: MakeProject, run_cli: RunCli
) -> None:
    root = make_project({"config/a.yaml": ANSWERS}, project_yaml=project_yaml(server.url))
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    renamed = httpx.patch(
        f"{server.url}/api/v1/answers/{answer_id('refunds')}",
        json={"name": "refunds (old)"},
        auth=("x", TOKEN),
    )
    assert renamed.status_code == 204
    applied = run_cli("-C", root, "apply", "--auto-approve")
    assert applied.exit_code == 1, applied.output
    assert "did not say" not in applied.stdout
    assert f"the answer {answer_id('refunds')} is named 'refunds (old)'" in applied.stdout
    assert "made under this name and renamed since" in applied.stdout
    assert sorted(a["name"] for a in server.sandbox.state["answers"].values()) == [
        "closed",
        "refunds (old)",
    ]


def test_an_adopted_answer_loses_the_description_the_files_do_not_declare(
    server: BackgroundServer, make_project: MakeProject, run_cli: RunCli
) -> None:
    made = httpx.post(
        f"{server.url}/api/v1/answers",
        json={"name": "refunds", "description": "From the admin UI."},
        auth=("x", TOKEN),
    )
    assert made.status_code == 200, made.text
    root = make_project({"config/a.yaml": ANSWERS}, project_yaml=project_yaml(server.url))
    applied = run_cli("-C", root, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert not server.sandbox.state["answers"][made.json()["id"]].get("description")
    again = run_cli("-C", root, "plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
