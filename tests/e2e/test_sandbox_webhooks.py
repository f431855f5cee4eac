"""Webhooks over the gladly adapter, against the sandbox: the secrets reach Gladly and
nothing else, a plan compares them by presence, and every change converges."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gladcfg.sandbox import BackgroundServer
from tests.conftest import MakeProject, RunCli
from tests.e2e.test_sandbox import TOKEN, project_yaml

SECRETS = {
    "HOOK_USER": "svc-U5ER-31f",
    "HOOK_PASSWORD": "pa55-S3CRET-9a2",
    "HOOK_KEY": "k3y-S3CRET-77",
}
HOOK = """\
webhooks:
  events:
    url: https://hooks.example.com/gladly
    events: [CONVERSATION_ITEM/CREATED, CONVERSATION/CLOSED]
    credentials_env: {username_env: HOOK_USER, password_env: HOOK_PASSWORD}
    headers_env: {X-Key: HOOK_KEY}
"""


STATE: list[Path] = []


@pytest.fixture
def server(tmp_path: Path) -> Iterator[BackgroundServer]:
    STATE[:] = [tmp_path / "sandbox.json"]
    with BackgroundServer(STATE[0], token=TOKEN) as running:
        yield running


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GLADCFG_SANDBOX_TOKEN", TOKEN)
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)


def stored(server: BackgroundServer) -> dict[str, dict[str, object]]:
    """The sandbox's webhooks, as Gladly would keep them (secrets included)."""
    hooks: dict[str, dict[str, object]] = json.loads(STATE[0].read_text())["webhooks"]
    return {hook["name"]: hook for hook in hooks.values()}  # type: ignore[index]


def test_a_webhook_is_created_updated_and_deleted_with_its_secrets_sent_and_never_shown(
    server: BackgroundServer, make_project: MakeProject, run_cli: RunCli, tmp_path: Path
) -> None:
    root = make_project({"config/hooks.yaml": HOOK}, project_yaml=project_yaml(server.url, 500))
    outputs = [run_cli("-C", root, "apply", "-i", "sandbox", "--auto-approve")]
    assert outputs[-1].exit_code == 0, outputs[-1].output
    hook = stored(server)["events"]
    assert hook["credentials"] == {"username": "svc-U5ER-31f", "password": "pa55-S3CRET-9a2"}
    assert hook["headers"] == {"X-Key": "k3y-S3CRET-77"}
    listed = httpx.get(f"{server.url}/api/v1/webhooks", auth=("ops@acme.example", TOKEN)).json()
    assert listed[0]["hasCredentials"] is True and listed[0]["headerKeys"] == ["X-Key"]
    outputs.append(run_cli("-C", root, "plan", "-i", "sandbox", "--detailed-exitcode"))
    assert outputs[-1].exit_code == 0, outputs[-1].output
    # No credentials, another event: one update, sent whole; then nothing left to do.
    (root / "config/hooks.yaml").write_text(
        HOOK.replace("CONVERSATION/CLOSED", "CUSTOMER/MERGED").replace(
            "    credentials_env: {username_env: HOOK_USER, password_env: HOOK_PASSWORD}\n", ""
        )
    )
    outputs.append(run_cli("-C", root, "plan", "-i", "sandbox", "--out", tmp_path / "p.json"))
    outputs.append(run_cli("-C", root, "apply", tmp_path / "p.json"))
    assert outputs[-1].exit_code == 0, outputs[-1].output
    hook = stored(server)["events"]
    assert hook["credentials"] is None and hook["headers"] == {"X-Key": "k3y-S3CRET-77"}
    assert sorted(hook["events"]) == ["CONVERSATION_ITEM/CREATED", "CUSTOMER/MERGED"]  # type: ignore[arg-type]
    outputs.append(run_cli("-C", root, "plan", "-i", "sandbox", "--detailed-exitcode"))
    assert outputs[-1].exit_code == 0, outputs[-1].output
    (root / "config/hooks.yaml").write_text("{}\n")
    (root / "gladcfg.yaml").write_text(
        project_yaml(server.url, 500).replace("adapter: gladly", "adapter: gladly\n    prune: true")
    )
    outputs.append(
        run_cli("-C", root, "apply", "-i", "sandbox", "--auto-approve", "--allow-delete", "--force")
    )
    assert outputs[-1].exit_code == 0, outputs[-1].output
    assert stored(server) == {}
    shown = "".join(r.output for r in outputs) + (tmp_path / "p.json").read_text()
    for value in SECRETS.values():
        assert value not in shown
