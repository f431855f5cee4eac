"""Webhooks over the gladly adapter, against the sandbox: the secrets reach Gladly and
nothing else, a plan compares them by presence, every change converges, a webhook Gladly
disabled is enabled again, and the rollback of an apply gives the instance back, saying
which secrets only a person can restore."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gladcfg.sandbox import BackgroundServer
from gladcfg.spec.contract import Exchange, contract
from tests.cli import test_rollback_webhooks as scenario
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
    events: [CONVERSATION/CREATED, CONVERSATION/CLOSED]
    credentials_env: {username_env: HOOK_USER, password_env: HOOK_PASSWORD}
    headers_env: {X-Key: HOOK_KEY}
"""
AUTH = ("ops@acme.example", TOKEN)


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


def stored(server: BackgroundServer) -> dict[str, dict[str, Any]]:
    """The sandbox's webhooks, as Gladly would keep them (secrets included)."""
    hooks: dict[str, dict[str, Any]] = json.loads(STATE[0].read_text())["webhooks"]
    return {hook["name"]: hook for hook in hooks.values()}


def by_hand(server: BackgroundServer, name: str, **fields: Any) -> None:
    """Change a webhook as Gladly's admin UI (or Gladly itself) would: a field given as None
    is removed."""
    sandbox = server.sandbox
    (hook,) = [h for h in sandbox.state["webhooks"].values() if h["name"] == name]
    for key, value in fields.items():
        if value is None:
            hook.pop(key, None)
        else:
            hook[key] = value
    sandbox.save()


def test_a_webhook_is_created_updated_and_deleted_with_its_secrets_sent_and_never_shown(
    server: BackgroundServer, make_project: MakeProject, run_cli: RunCli, tmp_path: Path
) -> None:
    root = make_project({"config/hooks.yaml": HOOK}, project_yaml=project_yaml(server.url, 500))
    outputs = [run_cli("-C", root, "apply", "-i", "sandbox", "--auto-approve")]
    assert outputs[-1].exit_code == 0, outputs[-1].output
    hook = stored(server)["events"]
    assert hook["credentials"] == {"username": "svc-U5ER-31f", "password": "pa55-S3CRET-9a2"}
    assert hook["headers"] == {"X-Key": "k3y-S3CRET-77"} and hook["enabled"] is True
    listed = httpx.get(f"{server.url}/api/v1/webhooks", auth=AUTH).json()
    assert listed[0]["hasCredentials"] is True and listed[0]["headerKeys"] == ["X-Key"]
    outputs.append(run_cli("-C", root, "plan", "-i", "sandbox", "--detailed-exitcode"))
    assert outputs[-1].exit_code == 0, outputs[-1].output
    # No credentials, another event: Gladly's API cannot remove credentials, so the whole
    # update is a manual change; nothing is sent, and the plan says what to do by hand.
    (root / "config/hooks.yaml").write_text(
        HOOK.replace("CONVERSATION/CLOSED", "CUSTOMER/MERGED").replace(
            "    credentials_env: {username_env: HOOK_USER, password_env: HOOK_PASSWORD}\n", ""
        )
    )
    outputs.append(run_cli("-C", root, "plan", "-i", "sandbox", "--out", tmp_path / "p.json"))
    (change,) = json.loads((tmp_path / "p.json").read_text())["changes"]
    assert (change["action"], change["manual_action"]) == ("manual", "update")
    outputs.append(run_cli("-C", root, "apply", tmp_path / "p.json"))
    assert outputs[-1].exit_code == 0, outputs[-1].output
    assert stored(server)["events"] == hook
    by_hand(server, "events", credentials=None)
    outputs.append(run_cli("-C", root, "apply", "-i", "sandbox", "--auto-approve"))
    assert outputs[-1].exit_code == 0, outputs[-1].output
    hook = stored(server)["events"]
    assert "credentials" not in hook and hook["headers"] == {"X-Key": "k3y-S3CRET-77"}
    assert sorted(hook["events"]) == ["CONVERSATION/CREATED", "CUSTOMER/MERGED"]
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


def test_a_webhook_gladly_disabled_plans_an_update_that_enables_it(
    server: BackgroundServer, make_project: MakeProject, run_cli: RunCli
) -> None:
    paused = "  paused:\n    url: https://hooks.example.com/p\n    events: [TASK/CLOSED]\n"
    files = {"config/hooks.yaml": HOOK + paused + "    enabled: false\n"}
    root = make_project(files, project_yaml=project_yaml(server.url, 500))
    assert run_cli("-C", root, "apply", "-i", "sandbox", "--auto-approve").exit_code == 0
    assert stored(server)["paused"]["enabled"] is False  # declared so, and created so
    # Its deliveries kept failing: Gladly disabled it.
    by_hand(server, "events", enabled=False, disabledAtDueToRetryLimit="2026-02-01T03:04:05Z")
    plan = run_cli("-v", "-C", root, "plan", "-i", "sandbox", "--format", "json")
    (change,) = json.loads(plan.stdout)["changes"]
    assert change["address"] == "webhooks.events" and change["action"] == "update"
    assert change["diff"] == [{"path": "enabled", "before": False, "after": True}]
    assert "webhooks.events: Gladly disabled it at 2026-02-01T03:04:05Z" in plan.stderr
    assert run_cli("-C", root, "apply", "-i", "sandbox", "--auto-approve").exit_code == 0
    hook = stored(server)["events"]
    assert hook["enabled"] is True and "disabledAtDueToRetryLimit" not in hook
    again = run_cli("-C", root, "plan", "-i", "sandbox", "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def answered(response: httpx.Response) -> list[str]:
    """What Gladly's published API says is wrong with ``response`` (nothing: [])."""
    request = response.request
    exchange = Exchange(
        method=request.method,
        path=request.url.path,
        request_headers=dict(request.headers),
        request_body=request.content,
        status=response.status_code,
        response_headers=dict(response.headers),
        response_body=response.content,
    )
    return [str(v) for v in contract().response(exchange)]


def has_null(value: Any) -> bool:
    if isinstance(value, dict):
        return any(has_null(v) for v in value.values())
    if isinstance(value, list):
        return any(has_null(v) for v in value)
    return value is None


def test_the_sandbox_keeps_enabled_as_gladly_does_and_answers_in_its_shape(
    server: BackgroundServer,
) -> None:
    api = httpx.Client(base_url=f"{server.url}/api/v1", auth=AUTH)
    hook = {"name": "feed", "url": "https://hooks.example.com", "events": ["TASK/CREATED"]}
    location = api.post("/webhooks", json=hook).headers["location"]
    path = location.removeprefix("/api/v1")
    shown = api.get(path)
    assert shown.json()["enabled"] is False  # not sent: the API's default
    assert api.patch(path, json={"enabled": True}).status_code == 204
    by_hand(server, "feed", enabled=False, disabledAtDueToRetryLimit="2026-02-01T03:04:05Z")
    disabled = api.get(path)
    assert disabled.json()["disabledAtDueToRetryLimit"] == "2026-02-01T03:04:05Z"
    assert api.patch(path, json={"url": "https://hooks.example.com/2"}).status_code == 204
    assert api.get(path).json()["enabled"] is False  # a PATCH changes only what it sends
    assert api.patch(path, json={"enabled": True}).status_code == 204
    enabled = api.get(path)
    assert enabled.json()["enabled"] is True and "disabledAtDueToRetryLimit" not in enabled.json()
    listed = api.get("/webhooks")
    for response in (shown, disabled, enabled, listed):
        assert answered(response) == [] and not has_null(response.json())
        for body in response.json() if isinstance(response.json(), list) else [response.json()]:
            assert not {"credentials", "headers"} & set(body)
    api.close()


def test_a_rollback_gives_the_webhooks_back_and_names_each_secret_to_restore_by_hand(
    server: BackgroundServer,
    make_project: MakeProject,
    run_cli: RunCli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in scenario.SECRETS.items():
        monkeypatch.setenv(name, value)
    project = project_yaml(server.url, 500).replace(
        "adapter: gladly", "adapter: gladly\n    prune: true"
    )
    root = make_project({"config/hooks.yaml": scenario.BEFORE}, project_yaml=project)
    assert run_cli("-C", root, "apply", "-i", "sandbox", "--auto-approve").exit_code == 0
    before = stored(server)
    (root / "config/hooks.yaml").write_text(scenario.AFTER)
    rollback = tmp_path / "rollback.json"
    applied = run_cli(
        "-C", root, "apply", "-i", "sandbox", "--auto-approve", "--allow-delete",
        "--rollback-out", rollback,
    )  # fmt: skip
    assert applied.exit_code == 0, applied.output
    assert scenario.undone(rollback) == scenario.UNDO
    # plain loses the header the apply gave it, and keeps the credentials: the API cannot
    # remove them.
    changes = {c["address"]: c for c in json.loads(rollback.read_text())["changes"]}
    assert [d["path"] for d in changes["webhooks.plain"]["diff"]] == ["headers_env"]
    warnings = json.loads(rollback.read_text())["warnings"]
    assert warnings == [
        "rollback of an apply to sandbox",
        "webhooks.plain: credentials_env, which the apply set, stays set: the instance's API "
        "cannot clear it; clear it by hand in the admin UI",
        "webhooks.audit: restored without credentials_env (password_env, username_env): the "
        "instance never shows a secret, and no file of this apply names the environment "
        "variable that holds it; set it by hand in the admin UI, or declare it again and apply",
        "webhooks.metrics: restored without headers_env (X-Key, X-Team): the instance never "
        "shows a secret, and no file of this apply names the environment variable that holds "
        "it; set it by hand in the admin UI, or declare it again and apply",
    ]
    undo = run_cli("-C", root, "apply", "--rollback", rollback, "--allow-delete")
    assert undo.exit_code == 0, undo.output
    (root / "config/hooks.yaml").write_text(scenario.BEFORE)
    left = run_cli("-C", root, "plan", "-i", "sandbox", "--format", "json")
    assert left.exit_code == 0, left.output
    assert {
        (c["address"], c["action"], tuple(d["path"] for d in c["diff"]))
        for c in json.loads(left.stdout)["changes"]
    } == {
        ("webhooks.audit", "update", ("credentials_env",)),
        ("webhooks.metrics", "update", ("headers_env",)),
        ("webhooks.plain", "manual", ("credentials_env",)),
    }
    # What the warnings say is left: done by hand, then by the files that declared them.
    by_hand(server, "plain", credentials=None)
    finish = run_cli("-C", root, "apply", "-i", "sandbox", "--auto-approve")
    assert finish.exit_code == 0, finish.output
    again = run_cli("-C", root, "plan", "-i", "sandbox", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    kept = ("url", "events", "enabled", "credentials", "headers")
    assert {n: {k: h.get(k) for k in kept} for n, h in stored(server).items()} == {
        n: {k: h.get(k) for k in kept} for n, h in before.items()
    }
    shown = "".join(r.output for r in (applied, undo, left, finish, again))
    assert not [v for v in scenario.SECRETS.values() if v in shown + rollback.read_text()]
