"""A plan's coverage impact, end to end: the real ``gladcfg`` in a subprocess (its clock set
by a ``sitecustomize`` on the test's path, tests/clock.py) against the sandbox, which
answers as Gladly does. "Before" is what the sandbox holds, read back through the API:
shortening the hours there loses the evening and opens gaps in the promised hours, and
with ``coverage_impact: refuse`` apply writes nothing until forced."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from gladcfg.sandbox import BackgroundServer
from tests.clock import clock_path
from tests.conftest import MakeProject

TOKEN = "tok-IMPACT-93b1"
HOURS = """\
settings: {default_language: en-US, languages: [en-US], timezone: America/New_York}
business_hours:
  support:
    timezone: America/New_York
    weekly: {mon-fri: ["08:00-20:00"]}
inboxes:
  support: {business_hours: support}
"""
# Monday 30 November 2026, 12:00 UTC.
MONDAY = datetime(2026, 11, 30, 12, tzinfo=UTC)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[BackgroundServer]:
    with BackgroundServer(tmp_path / "sandbox.json", token=TOKEN) as running:
        yield running


def gladcfg(root: Path, hook: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GLADCFG_SANDBOX_TOKEN": TOKEN}
    env["PYTHONPATH"] = os.pathsep.join([clock_path(hook, MONDAY), env.get("PYTHONPATH", "")])
    command = [sys.executable, "-m", "gladcfg", "-C", str(root), *args]
    return subprocess.run(
        command, check=False, env=env, capture_output=True, text=True, timeout=120
    )


def test_shorter_hours_on_the_sandbox_show_their_impact_and_are_refused_until_forced(
    server: BackgroundServer, make_project: MakeProject, tmp_path: Path
) -> None:
    project = f"""\
version: 1
policy:
  coverage: {{timezone: America/New_York, weekly: {{mon-fri: ["08:00-20:00"]}}}}
  coverage_impact: refuse
instances:
  sandbox:
    adapter: gladly
    base_url: {server.url}
    user: ops@acme.example
    token_env: GLADCFG_SANDBOX_TOKEN
    rate_limit: {{requests_per_second: 1000, budget_percent: 100}}
"""
    httpx.post(f"{server.url}/_admin/inboxes", json={"name": "support"})
    root = make_project({"config/hours.yaml": HOURS}, project_yaml=project)
    hook = tmp_path / "clock"
    first = gladcfg(root, hook, "apply", "--auto-approve")
    assert first.returncode == 0, first.stdout + first.stderr
    (root / "config/hours.yaml").write_text(HOURS.replace("08:00-20:00", "08:00-17:00"))
    planned = gladcfg(root, hook, "plan", "--format", "json")
    assert planned.returncode == 0, planned.stderr
    plan = json.loads(planned.stdout)
    assert [c["address"] for c in plan["changes"]] == ["business_hours.support"]
    impact = plan["coverage_impact"]
    assert impact["languages"] == [{"language": "en-US", "gained_minutes": 0, "lost_minutes": 900}]
    assert impact["inboxes"] == [{"inbox": "support", "gained_minutes": 0, "lost_minutes": 900}]
    assert [(g["start"], g["minutes"]) for g in impact["gaps_opened"]][:2] == [
        ("2026-11-30T22:00+00:00", 180),
        ("2026-12-01T22:00+00:00", 180),
    ]
    assert len(impact["gaps_opened"]) == 5
    token = ("ops@acme.example", TOKEN)
    before = httpx.get(f"{server.url}/api/v1/business-hours", auth=token).json()
    refused = gladcfg(root, hook, "apply", "--auto-approve")
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "the plan opens 5 coverage gap(s)" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert httpx.get(f"{server.url}/api/v1/business-hours", auth=token).json() == before
    forced = gladcfg(root, hook, "apply", "--auto-approve", "--force")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert httpx.get(f"{server.url}/api/v1/business-hours", auth=token).json() != before
    again = json.loads(gladcfg(root, hook, "plan", "--format", "json").stdout)
    assert again["changes"] == [] and "coverage_impact" not in again
