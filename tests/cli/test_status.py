"""gladcfg status: a health record per instance, in text and in JSON that matches its schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from tests.cli.test_fleet import FLEET
from tests.conftest import BASE_RESOURCES, MakeProject, RunCli

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "schemas/status.schema.json").read_text()
)


def test_status_healthy_drift_and_error(make_project: MakeProject, run_cli: RunCli) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES}, project_yaml=FLEET)
    assert run_cli("-C", root, "apply", "--all", "--auto-approve").exit_code == 0
    healthy = run_cli("-C", root, "status", "--format", "json")
    assert healthy.exit_code == 0, healthy.output
    document = json.loads(healthy.stdout)
    jsonschema.validate(document, SCHEMA)
    assert [r["status"] for r in document["instances"]] == ["healthy"] * 3
    assert document["instances"][0]["drift"]["addresses"] == []
    # Drift on one instance: someone edited it in the admin UI.
    for edit in (
        ("edit", "teams.tier1", "description=edited by hand"),
        ("set", "teams.vip", "--json", "{}"),
    ):
        assert run_cli("-C", root, "state", edit[0], "-i", "prod-us", *edit[1:]).exit_code == 0
    drift = run_cli("-C", root, "status")
    assert drift.exit_code == 2
    assert "prod-us: drift\n  drift: teams.tier1\n  unmanaged: teams.vip\n" in drift.stdout
    assert "staging: healthy" in drift.stdout
    # A broken instance is an error, and the worst status wins.
    (root / ".gladcfg/state/prod-eu.db").write_text("[]")
    broken = run_cli("-C", root, "status", "--format", "json")
    assert broken.exit_code == 1
    document = json.loads(broken.stdout)
    jsonschema.validate(document, SCHEMA)
    by_name = {r["instance"]: r for r in document["instances"]}
    assert by_name["prod-eu"]["status"] == "error" and "mock store" in by_name["prod-eu"]["error"]
    assert by_name["prod-us"]["drift"]["update"] == 1 and by_name["prod-us"]["unmanaged"] == [
        "teams.vip"
    ]
    one = json.loads(run_cli("-C", root, "status", "-i", "staging", "--format", "json").stdout)
    assert [r["instance"] for r in one["instances"]] == ["staging"]


def test_status_reports_warnings_gaps_and_invalid_files(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    policy = "policy:\n  coverage: {weekly: {mon-sun: ['00:00-24:00']}}\n"
    sms = (
        "entry_points:\n  text:\n    channel: sms\n    address: '+14155550100'\n"
        "    inbox: support\n"
    )
    root = make_project(
        {"config/base.yaml": BASE_RESOURCES, "config/sms.yaml": sms}, project_yaml=FLEET + policy
    )
    result = run_cli("-C", root, "status", "-i", "staging", "--format", "json")
    document = json.loads(result.stdout)
    jsonschema.validate(document, SCHEMA)
    (record,) = document["instances"]
    assert record["status"] == "drift" and record["drift"]["create"] == 9
    assert any("entry_points.text" in w for w in record["warnings"])
    assert record["silent_after_hours"] == [
        {"entry_point": "text", "channel": "sms", "inbox": "support"}
    ]
    # Open 08-20 New York on weekdays only, against a promise of around the clock.
    assert len(record["coverage_gaps"]) == 6  # each weekday night, and the weekend
    text = run_cli("-C", root, "status", "-i", "staging")
    assert "coverage gaps this week:" in text.stdout and "no after-hours reply: text" in text.stdout
    (root / "config/sms.yaml").write_text(sms.replace("inbox: support", "inbox: suport"))
    invalid = run_cli("-C", root, "status", "-i", "staging", "--format", "json")
    assert invalid.exit_code == 1
    (record,) = json.loads(invalid.stdout)["instances"]
    assert "unknown inbox 'suport' (did you mean 'support'?)" in record["error"]
