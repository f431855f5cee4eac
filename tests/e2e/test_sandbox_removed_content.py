"""A language × type removed from an answer's files is removed from Gladly, against the
sandbox over real sockets. Gladly lists no contents, so a read asks also for the pairs
earlier reads found or writes left; a saved plan records them, and its apply asks for the
same pairs on any machine, snapshot or none."""

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

TOKEN = "tok-removed-7c2d41"
BOTH = """\
answers:
  closed:
    content:
      en-US:
        public: {title: Closed, body: We are closed.}
        email: {subject: Closed, body: We are closed until 8am.}
"""
PUBLIC_ONLY = """\
answers:
  closed:
    content:
      en-US:
        public: {title: Closed, body: We are closed.}
"""
EMAIL = {"subject": "Closed", "body": "We are closed until 8am."}
REMOVED = [{"path": "content.en-US.email", "before": EMAIL, "after": None}]


def project_yaml(url: str, safety: str = "") -> str:
    return sandbox_project(url, rate=100, budget=100) + safety


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[BackgroundServer]:
    monkeypatch.setenv("GLADCFG_SANDBOX_TOKEN", TOKEN)
    monkeypatch.setenv("GLADCFG_CACHE_DIR", str(tmp_path / "cache"))
    with BackgroundServer(tmp_path / "sandbox.json", token=TOKEN, requests_per_second=200) as up:
        yield up


def contents(server: BackgroundServer, name: str = "closed") -> list[str]:
    """The language/type pairs the sandbox holds of answer ``name``."""
    return sorted(server.sandbox.state["answers"][answer_id(name)]["contents"])


def planned(run_cli: RunCli, root: Path, *args: str | Path) -> dict[str, object]:
    result = run_cli("-C", root, "plan", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    document: dict[str, object] = json.loads(result.stdout)
    return document


def test_a_pair_removed_from_the_files_is_planned_applied_and_gone(
    server: BackgroundServer, make_project: MakeProject, run_cli: RunCli
) -> None:
    root = make_project({"config/a.yaml": BOTH}, project_yaml=project_yaml(server.url))
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    assert contents(server) == ["en-us/email", "en-us/public"]
    (root / "config/a.yaml").write_text(PUBLIC_ONLY)  # no plan in between: apply's write knows
    document = planned(run_cli, root)
    (change,) = document["changes"]  # type: ignore[misc]
    assert (change["address"], change["action"], change["diff"]) == (
        "answers.closed",
        "update",
        REMOVED,
    )
    assert document["reads"] == {
        "answers": {
            "closed": {
                "audiences": [],
                "content": {"en-US": {"public": {"title": "Closed", "body": "We are closed."}}},
                "also_read": [["en-US", "email"]],
            }
        }
    }
    text = run_cli("-C", root, "plan")
    assert "answers.closed" in text.stdout and "content.en-US.email" in text.stdout
    applied = run_cli("-C", root, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert contents(server) == ["en-us/public"]
    again = run_cli("-C", root, "plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert "also_read" not in json.dumps(planned(run_cli, root).get("reads"))


def test_a_saved_plan_removing_a_pair_applies_on_a_machine_without_the_snapshot(
    server: BackgroundServer,
    make_project: MakeProject,
    run_cli: RunCli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = make_project({"config/a.yaml": BOTH}, project_yaml=project_yaml(server.url))
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    (root / "config/a.yaml").write_text(PUBLIC_ONLY)
    planfile = root / "plan.json"
    assert run_cli("-C", root, "plan", "--out", planfile).exit_code == 0
    assert json.loads(planfile.read_text())["reads"]["answers"]["closed"]["also_read"] == [
        ["en-US", "email"]
    ]
    # A CI runner: the same files and the saved plan, and no snapshot at all.
    elsewhere = tmp_path / "elsewhere-cache"
    elsewhere.mkdir()
    monkeypatch.setenv("GLADCFG_CACHE_DIR", str(elsewhere))
    # What the plan recorded is what makes its reads the same here: without it, the pair
    # would not be asked for, and the instance would not be as the plan found it.
    document = json.loads(planfile.read_text())
    del document["reads"]["answers"]["closed"]["also_read"]
    (root / "unrecorded.json").write_text(json.dumps(document))
    refused = run_cli("-C", root, "apply", root / "unrecorded.json")
    assert refused.exit_code == 1 and "no longer matches" in refused.stderr, refused.output
    applied = run_cli("-C", root, "apply", planfile)
    assert applied.exit_code == 0, applied.output
    assert contents(server) == ["en-us/public"]
    assert run_cli("-C", root, "plan", "--detailed-exitcode").exit_code == 0


def test_without_refresh_the_snapshot_knows_the_pair_and_reads_nothing(
    server: BackgroundServer, make_project: MakeProject, run_cli: RunCli
) -> None:
    root = make_project({"config/a.yaml": BOTH}, project_yaml=project_yaml(server.url))
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    assert run_cli("-C", root, "plan").exit_code == 0  # the snapshot sees both pairs
    (root / "config/a.yaml").write_text(PUBLIC_ONLY)
    before = len(server.sandbox.log)
    document = planned(run_cli, root, "--refresh=false")
    assert not [r for r in server.sandbox.log[before:] if "/answers" in r["path"]]
    assert document["snapshot"]["objects"] == 1  # type: ignore[index]
    (change,) = document["changes"]  # type: ignore[misc]
    assert change["diff"] == REMOVED
    planfile = root / "plan.json"
    assert run_cli("-C", root, "plan", "--refresh=false", "--out", planfile).exit_code == 0
    applied = run_cli("-C", root, "apply", planfile)  # reads everything again: it holds
    assert applied.exit_code == 0, applied.output
    assert contents(server) == ["en-us/public"]


def test_a_pair_deleted_in_gladly_meanwhile_is_no_change(
    server: BackgroundServer, make_project: MakeProject, run_cli: RunCli
) -> None:
    root = make_project({"config/a.yaml": BOTH}, project_yaml=project_yaml(server.url))
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    path = f"/api/v1/answers/{answer_id('closed')}/languages/en-us/type/email"
    assert httpx.delete(f"{server.url}{path}", auth=("x", TOKEN)).status_code == 204
    (root / "config/a.yaml").write_text(PUBLIC_ONLY)
    assert run_cli("-C", root, "plan", "--detailed-exitcode").exit_code == 0
    # Asked for once, found absent: no longer asked for.
    assert "also_read" not in json.dumps(planned(run_cli, root).get("reads"))


SAFETY = "    safety: {min_existing: 1, max_update_percent: 50}\n"
THREE = "answers:\n" + "".join(
    f"  {name}:\n    content:\n      en-US:\n"
    f"        public: {{title: {name}, body: {name}.}}\n"
    f"        email: {{subject: {name}, body: {name}.}}\n"
    for name in ("closed", "refunds", "shipping")
)


def test_removals_across_many_answers_are_updates_the_safety_limits_count(
    server: BackgroundServer, make_project: MakeProject, run_cli: RunCli
) -> None:
    root = make_project({"config/a.yaml": THREE}, project_yaml=project_yaml(server.url, SAFETY))
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    stripped = "".join(line for line in THREE.splitlines(True) if "email:" not in line)
    (root / "config/a.yaml").write_text(stripped)
    document = planned(run_cli, root)
    assert document["summary"]["update"] == 3 and document["summary"]["delete"] == 0  # type: ignore[index]
    refused = run_cli("-C", root, "apply", "--auto-approve")
    assert refused.exit_code == 1
    assert "would update 3 of 3 managed objects" in refused.stderr
    assert all("en-us/email" in contents(server, n) for n in ("closed", "refunds", "shipping"))
    forced = run_cli("-C", root, "apply", "--auto-approve", "--force")  # no --allow-delete
    assert forced.exit_code == 0, forced.output
    assert contents(server, "refunds") == ["en-us/public"]


def test_a_saved_plan_asking_for_what_is_not_a_pair_is_refused(
    server: BackgroundServer, make_project: MakeProject, run_cli: RunCli
) -> None:
    root = make_project({"config/a.yaml": BOTH}, project_yaml=project_yaml(server.url))
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    (root / "config/a.yaml").write_text(PUBLIC_ONLY)
    planfile = root / "plan.json"
    assert run_cli("-C", root, "plan", "--out", planfile).exit_code == 0
    document = json.loads(planfile.read_text())
    document["reads"]["answers"]["closed"]["also_read"] = [["en-US", "../../../webhooks"]]
    planfile.write_text(json.dumps(document))
    before = len(server.sandbox.log)
    refused = run_cli("-C", root, "apply", planfile)
    assert refused.exit_code == 1, refused.output
    assert "reads.answers.closed.also_read: ['en-US', '../../../webhooks'] is not" in (
        refused.stderr
    )
    assert not [r for r in server.sandbox.log[before:] if "/type/" in r["path"]]  # asked nothing
    assert contents(server) == ["en-us/email", "en-us/public"]
