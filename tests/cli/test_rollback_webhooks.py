"""apply --rollback-out of an apply that creates, updates and deletes webhooks, with and
without their secrets: the rollback plan passes the plan-file checks, and applying it gives
the instance back. On the mock, which keeps the names of the variables holding the secrets,
entirely; over Gladly's API, which shows only that a secret is set, see
tests/e2e/test_sandbox_webhooks.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_rollback import contents
from tests.conftest import MakeProject, RunCli

SECRETS = {
    "HOOK_USER": "svc-R0LLBACK-user",
    "HOOK_PASSWORD": "pa55-R0LLBACK-S3CRET",
    "HOOK_KEY": "k3y-R0LLBACK-S3CRET",
    "HOOK_TEAM": "t3am-R0LLBACK-S3CRET",
}
SETTINGS = """\
settings: {default_language: en-US, languages: [en-US], timezone: America/New_York}
"""
CREDENTIALS = "    credentials_env: {username_env: HOOK_USER, password_env: HOOK_PASSWORD}\n"
BEFORE = (
    SETTINGS
    + """\
webhooks:
  orders:
    url: https://hooks.example.com/orders
    events: [CONVERSATION/CLOSED]
"""
    + CREDENTIALS
    + """\
    headers_env: {X-Key: HOOK_KEY}
  audit:
    url: https://hooks.example.com/audit
    events: [CUSTOMER/MERGED]
"""
    + CREDENTIALS
    + """\
  metrics:
    url: https://hooks.example.com/metrics
    events: [CONTACT/ENDED]
    headers_env: {X-Key: HOOK_KEY, X-Team: HOOK_TEAM}
  plain:
    url: https://hooks.example.com/plain
    events: [TASK/CREATED]
  paused:
    url: https://hooks.example.com/paused
    events: [TASK/CLOSED]
    enabled: false
"""
)
# orders and paused change, plain gains secrets, audit and metrics go (pruned), two come.
AFTER = (
    SETTINGS
    + """\
webhooks:
  orders:
    url: https://hooks.example.com/orders/v2
    events: [CONVERSATION/CLOSED, CONVERSATION/CREATED]
"""
    + CREDENTIALS
    + """\
    headers_env: {X-Key: HOOK_KEY}
  plain:
    url: https://hooks.example.com/plain
    events: [TASK/CREATED]
"""
    + CREDENTIALS
    + """\
    headers_env: {X-Key: HOOK_KEY}
  paused:
    url: https://hooks.example.com/paused
    events: [TASK/CLOSED]
  fresh:
    url: https://hooks.example.com/fresh
    events: [EXPORT_JOB/COMPLETED]
"""
    + CREDENTIALS
    + """\
    headers_env: {X-Key: HOOK_KEY}
  bare:
    url: https://hooks.example.com/bare
    events: [EXPORT_JOB/FAILED]
"""
)
UNDO = [
    ("webhooks.audit", "create"),
    ("webhooks.bare", "delete"),
    ("webhooks.fresh", "delete"),
    ("webhooks.metrics", "create"),
    ("webhooks.orders", "update"),
    ("webhooks.paused", "update"),
    ("webhooks.plain", "update"),
]
PROJECT = """\
version: 1
resources: ["config/**/*.yaml"]
instances:
  staging: {prune: true}
"""


@pytest.fixture(autouse=True)
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)


def undone(rollback: Path) -> list[tuple[str, str]]:
    return sorted((c["address"], c["action"]) for c in json.loads(rollback.read_text())["changes"])


def test_a_rollback_of_webhook_changes_gives_the_mock_instance_back_entirely(
    make_project: MakeProject, run_cli: RunCli, tmp_path: Path
) -> None:
    root = make_project({"config/hooks.yaml": BEFORE}, project_yaml=PROJECT)
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    before = contents(root)
    (root / "config/hooks.yaml").write_text(AFTER)
    rollback = tmp_path / "rollback.json"
    applied = run_cli(
        "-C", root, "apply", "--auto-approve", "--allow-delete", "--rollback-out", rollback
    )
    assert applied.exit_code == 0, applied.output
    assert undone(rollback) == UNDO
    # The mock shows which variables hold each secret: nothing is left to do by hand.
    assert json.loads(rollback.read_text())["warnings"] == ["rollback of an apply to staging"]
    undo = run_cli("-C", root, "apply", "--rollback", rollback, "--allow-delete")
    assert undo.exit_code == 0, undo.output
    assert contents(root) == before
    (root / "config/hooks.yaml").write_text(BEFORE)
    again = run_cli("-C", root, "plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    shown = applied.output + undo.output + again.output + rollback.read_text()
    assert not [value for value in SECRETS.values() if value in shown]
