"""A freeze during open hours, end to end: the real ``gladcfg`` in a subprocess (its clock
set by a ``sitecustomize`` on the test's path, tests/clock.py) against the sandbox, which
answers as Gladly does. The freeze follows the inbox's hours and honours its holidays."""

from __future__ import annotations

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

TOKEN = "tok-FREEZE-41d2"
RESOURCES = """\
business_hours:
  support:
    timezone: America/New_York
    weekly: {mon-fri: ["08:00-20:00"]}
    holidays:
      - {date: "2026-11-26", name: Thanksgiving}
"""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[BackgroundServer]:
    with BackgroundServer(tmp_path / "sandbox.json", token=TOKEN) as running:
        yield running


def gladcfg(root: Path, hook: Path, when: datetime, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GLADCFG_SANDBOX_TOKEN": TOKEN}
    env["PYTHONPATH"] = os.pathsep.join(
        [clock_path(hook / when.strftime("%Y%m%d%H%M"), when), env.get("PYTHONPATH", "")]
    )
    command = [sys.executable, "-m", "gladcfg", "-C", str(root), *args]
    return subprocess.run(
        command, check=False, env=env, capture_output=True, text=True, timeout=120
    )


def test_a_freeze_during_open_hours_holds_on_a_working_day_and_not_on_a_holiday(
    server: BackgroundServer, make_project: MakeProject, tmp_path: Path
) -> None:
    project = f"""\
version: 1
instances:
  sandbox:
    adapter: gladly
    base_url: {server.url}
    user: ops@acme.example
    token_env: GLADCFG_SANDBOX_TOKEN
    rate_limit: {{requests_per_second: 1000, budget_percent: 100}}
    freeze:
      - {{name: live hours, during_open_hours: [inboxes.support]}}
"""
    httpx.post(f"{server.url}/_admin/inboxes", json={"name": "support"})
    inbox = "inboxes:\n  support: {business_hours: support}\n"
    root = make_project(
        {"config/hours.yaml": RESOURCES, "config/inbox.yaml": inbox}, project_yaml=project
    )
    hook = tmp_path / "clock"
    # Wednesday 25 November, 10:00 in New York: open until 20:00 EST (01:00 UTC).
    wednesday = datetime(2026, 11, 25, 15, tzinfo=UTC)
    refused = gladcfg(root, hook, wednesday, "apply", "--auto-approve")
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert (
        "sandbox is frozen until 2026-11-26 01:00 UTC: live hours (while inboxes.support is "
        "open). Nothing was applied"
    ) in refused.stderr
    assert "Traceback" not in refused.stderr
    token = ("ops@acme.example", TOKEN)
    assert httpx.get(f"{server.url}/api/v1/business-hours", auth=token).json() == []
    status = gladcfg(root, hook, wednesday, "status")
    assert "frozen until 2026-11-26 01:00 UTC: live hours" in status.stdout, status.stdout
    # Thanksgiving, 10:00 in New York: closed for the holiday, so open for changes.
    thanksgiving = datetime(2026, 11, 26, 15, tzinfo=UTC)
    status = gladcfg(root, hook, thanksgiving, "status")
    assert (
        "open for changes; next freeze: live hours from 2026-11-27 13:00 UTC to "
        "2026-11-28 01:00 UTC"
    ) in status.stdout, status.stdout
    applied = gladcfg(root, hook, thanksgiving, "apply", "--auto-approve")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    (hours,) = httpx.get(f"{server.url}/api/v1/business-hours", auth=token).json()
    assert hours["name"] == "support"
