"""``apply --report-out FILE`` through the real CLI on the mock: the JSON apply report of
every instance written to, each change's outcome, written however the apply ends (a failed
change, a refusal, a fleet, a rollout) and valid against schemas/apply-report.schema.json;
never in place of a project file or the rollback plan."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from gladcfg.adapter.mock.adapter import MockAdapter
from tests.conftest import BASE_RESOURCES, PROJECT_YAML, MakeProject, RunCli

SCHEMA = json.loads(
    (Path(__file__).parents[2] / "schemas/apply-report.schema.json").read_text(encoding="utf-8")
)
WEBHOOK = (
    "webhooks:\n  events:\n    url: https://hooks.acme.example/gladly\n"
    "    events: [CONVERSATION/CLOSED]\n    headers_env: {X-Key: APPLY_REPORT_HOOK_KEY}\n"
)


def report(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(document, SCHEMA)
    return document


def test_an_apply_reports_each_change_and_nothing_to_apply_reports_no_instance(
    make_project: MakeProject, run_cli: RunCli, tmp_path: Path
) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    out = tmp_path / "report.json"
    result = run_cli("-C", root, "apply", "-i", "staging", "--auto-approve", "--report-out", out)
    assert result.exit_code == 0, result.output
    document = report(out)
    assert document["ok"] is True and "error" not in document
    (instance,) = document["instances"]
    assert {k: v for k, v in instance.items() if k != "changes"} == {
        "instance": "staging",
        "ok": True,
        "interrupted": False,
        "applied": 8,
        "failed": 0,
        "skipped": 0,
        "not_started": 0,
    }
    assert sorted(c["address"] for c in instance["changes"])[:2] == [
        "answers.closed",
        "audiences.acme",
    ]
    assert {(c["action"], c["status"]) for c in instance["changes"]} == {("create", "applied")}
    again = run_cli("-C", root, "apply", "-i", "staging", "--auto-approve", "--report-out", out)
    assert again.exit_code == 0, again.output
    assert report(out)["instances"] == [] and report(out)["ok"] is True


def test_a_failed_change_and_the_ones_it_held_back_are_reported(
    make_project: MakeProject, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("APPLY_REPORT_HOOK_KEY", raising=False)
    root = make_project({"config/base.yaml": BASE_RESOURCES + WEBHOOK})
    out = tmp_path / "report.json"
    result = run_cli("-C", root, "apply", "-i", "staging", "--auto-approve", "--report-out", out)
    assert result.exit_code == 1
    document = report(out)
    assert document["ok"] is False
    assert document["error"] == (
        "apply to staging did not finish: run plan to see what is left, and apply again"
    )
    (instance,) = document["instances"]
    assert (instance["ok"], instance["applied"], instance["failed"]) == (False, 8, 1)
    (failed,) = [c for c in instance["changes"] if c["status"] == "failed"]
    assert failed["address"] == "webhooks.events"
    assert "APPLY_REPORT_HOOK_KEY" in failed["reason"] and "is not set" in failed["reason"]


def test_a_refused_apply_writes_the_report_with_its_error_and_no_instance(
    make_project: MakeProject, run_cli: RunCli, tmp_path: Path
) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    out = tmp_path / "report.json"
    result = run_cli("-C", root, "apply", "-i", "staging", "--report-out", out)  # no terminal
    assert result.exit_code == 1
    document = report(out)
    assert document["ok"] is False and document["instances"] == []
    assert document["error"].startswith("apply needs confirmation and there is no terminal")


def test_a_fleet_and_a_rollout_report_every_instance(
    make_project: MakeProject, run_cli: RunCli, tmp_path: Path
) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    out = tmp_path / "report.json"
    result = run_cli("-C", root, "apply", "--all", "--auto-approve", "--report-out", out)
    assert result.exit_code == 0, result.output
    assert sorted(i["instance"] for i in report(out)["instances"]) == ["prod", "staging"]
    rollout = (
        "rollout:\n  - {name: canary, instances: [staging]}\n  - {name: rest, instances: ['*']}\n"
    )
    (root / "gladcfg.yaml").write_text(PROJECT_YAML + rollout)
    (root / "config/base.yaml").write_text(BASE_RESOURCES.replace('"Closed"', '"Shut"'))
    result = run_cli("-C", root, "apply", "--all", "--auto-approve", "--report-out", out)
    assert result.exit_code == 0, result.output
    instances = report(out)["instances"]
    assert [i["instance"] for i in instances] == ["staging", "prod"]  # wave by wave
    update = {"address": "answers.closed", "action": "update", "status": "applied"}
    assert all(i["changes"] == [{**update, "already": False, "disables": False}] for i in instances)


@pytest.mark.parametrize(
    ("target", "what"),
    [("gladcfg.yaml", "gladcfg.yaml"), ("config/base.yaml", "config/base.yaml")],
)
def test_the_report_never_takes_the_place_of_a_project_file(
    make_project: MakeProject, run_cli: RunCli, target: str, what: str
) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    before = (root / target).read_text()
    result = run_cli(
        "-C", root, "apply", "-i", "staging", "--auto-approve", "--report-out", root / target
    )
    assert result.exit_code == 1 and "the apply report" in result.stderr, result.output
    assert (root / target).read_text() == before
    assert not (root / ".gladcfg/state/staging.db").exists()  # nothing was applied


def test_the_report_and_the_rollback_plan_are_two_files(
    make_project: MakeProject, run_cli: RunCli, tmp_path: Path
) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    same = tmp_path / "out.json"
    result = run_cli(
        "-C", root, "apply", "-i", "staging", "--auto-approve",
        "--rollback-out", same, "--report-out", same,
    )  # fmt: skip
    assert result.exit_code == 1 and "the rollback plan" in result.stderr, result.output
    assert not same.exists()


def test_a_signal_mid_apply_still_writes_the_report_of_what_was_applied(
    make_project: MakeProject, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    create = MockAdapter.create
    calls = []

    def create_then_signal(self: MockAdapter, kind: str, name: str, spec: dict[str, Any]) -> Any:
        calls.append(name)
        if len(calls) == 3:  # sent while this write is in flight: it finishes, no more start
            os.kill(os.getpid(), signal.SIGTERM)
        return create(self, kind, name, spec)

    monkeypatch.setattr(MockAdapter, "create", create_then_signal)
    out = tmp_path / "report.json"
    result = run_cli(
        "-C", root, "apply", "-i", "staging", "--auto-approve", "--parallelism", "1",
        "--report-out", out,
    )  # fmt: skip
    assert result.exit_code == 143, result.output
    document = report(out)
    assert document["ok"] is False and document["error"] == "stopped before it finished"
    (instance,) = document["instances"]
    assert instance["interrupted"] is True
    assert (instance["applied"], instance["not_started"]) == (3, 5)
