"""Webhooks: secrets come from the environment at apply time, never appear in files, plans,
saved plans or output, and are compared only by whether they are set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gladcfg.adapter.base import Access, RemoteObject, RemoteState
from gladcfg.edit.export import export_state
from tests.conftest import MakeProject, RunCli, stored

PROJECT = """\
version: 1
resources: ["config/**/*.yaml"]
instances:
  staging: {}
"""
HOOK = """\
webhooks:
  events:
    url: https://hooks.example.com/gladly
    events: [CONVERSATION/CLOSED, CONVERSATION/CREATED]
    credentials_env: {username_env: HOOK_USER, password_env: HOOK_PASSWORD}
    headers_env: {X-Key: HOOK_KEY}
"""
SECRETS = {"HOOK_USER": "svc-user", "HOOK_PASSWORD": "pa55-w0rd-S3cret", "HOOK_KEY": "k3y-S3cret"}


@pytest.fixture
def secrets(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    return SECRETS


def hook_project(make_project: MakeProject, text: str = HOOK) -> Path:
    return make_project({"config/hooks.yaml": text}, project_yaml=PROJECT)


def test_a_webhook_applies_with_its_secrets_and_no_value_is_ever_shown(
    make_project: MakeProject, run_cli: RunCli, secrets: dict[str, str], tmp_path: Path
) -> None:
    root = hook_project(make_project)
    outputs = [
        run_cli("-C", root, "plan", "-i", "staging", "--format", fmt)
        for fmt in ("text", "json", "markdown")
    ]
    saved = run_cli("-C", root, "plan", "-i", "staging", "--out", tmp_path / "plan.json")
    applied = run_cli("-C", root, "apply", tmp_path / "plan.json")
    assert applied.exit_code == 0, applied.output
    shown = run_cli("-C", root, "state", "show", "-i", "staging", "--format", "json")
    again = run_cli("-C", root, "plan", "-i", "staging", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    texts = [r.output for r in (*outputs, saved, applied, shown, again)]
    texts.append((tmp_path / "plan.json").read_text())
    texts.append(json.dumps(stored(root)))
    for text in texts:
        for value in secrets.values():
            assert value not in text
    assert "HOOK_PASSWORD" in outputs[0].output  # where the secret comes from is shown
    spec = stored(root)["objects"]["webhooks"]["events"]["spec"]
    assert spec["headers_env"] == {"X-Key": "HOOK_KEY"}


def test_a_secret_that_is_not_set_fails_its_change_and_names_the_variable(
    make_project: MakeProject, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = hook_project(make_project)
    monkeypatch.setenv("HOOK_USER", "svc-user")
    monkeypatch.setenv("HOOK_PASSWORD", "pa55-w0rd-S3cret")
    monkeypatch.delenv("HOOK_KEY", raising=False)
    result = run_cli("-C", root, "apply", "-i", "staging", "--auto-approve")
    assert result.exit_code == 1
    assert "the environment variable HOOK_KEY (headers_env.X-Key) is not set" in result.output
    assert "webhooks.events: the environment variable HOOK_KEY" in result.output
    assert "webhooks.events: webhooks.events" not in result.output  # the address said once
    assert "Traceback" not in result.output and "pa55-w0rd-S3cret" not in result.output
    assert "webhooks" not in stored(root)["objects"]


def test_secrets_are_compared_by_presence_only(
    make_project: MakeProject, run_cli: RunCli, secrets: dict[str, str], tmp_path: Path
) -> None:
    root = hook_project(make_project)
    assert run_cli("-C", root, "apply", "-i", "staging", "--auto-approve").exit_code == 0
    # Another variable holding the secret: not a change an instance could show.
    moved = HOOK.replace("X-Key: HOOK_KEY", "X-Key: HOOK_PASSWORD")
    (root / "config/hooks.yaml").write_text(moved)
    assert run_cli("-C", root, "plan", "-i", "staging", "--detailed-exitcode").exit_code == 0
    # A header more, and no credentials: both show, as names only.
    changed = HOOK.replace("X-Key: HOOK_KEY", "X-Key: HOOK_KEY, X-Other: HOOK_KEY").replace(
        "    credentials_env: {username_env: HOOK_USER, password_env: HOOK_PASSWORD}\n", ""
    )
    (root / "config/hooks.yaml").write_text(changed)
    plan = run_cli(
        "-C", root, "plan", "-i", "staging", "--format", "json", "--out", tmp_path / "p.json"
    )
    assert plan.exit_code == 0, plan.output
    (change,) = json.loads(plan.stdout)["changes"]
    assert {d["path"]: (d["before"], d["after"]) for d in change["diff"]} == {
        "credentials_env": (["password_env", "username_env"], None),
        "headers_env": (["X-Key"], ["X-Key", "X-Other"]),
    }
    applied = run_cli("-C", root, "apply", tmp_path / "p.json")  # the saved plan checks out
    assert applied.exit_code == 0, applied.output
    assert run_cli("-C", root, "plan", "-i", "staging", "--detailed-exitcode").exit_code == 0


def test_export_names_the_variables_or_says_the_instance_shows_only_which_are_set() -> None:
    declared = {
        "url": "https://hooks.example.com/gladly",
        "events": ["CONVERSATION/CLOSED"],
        "headers_env": {"X-Key": "HOOK_KEY"},
    }
    shown = {
        **declared,
        "headers_env": ["X-Key"],
        "credentials_env": ["password_env", "username_env"],
    }
    remote = RemoteState(identity="test")
    remote.objects["webhooks"] = {
        "a": RemoteObject("1", "a", declared),
        "b": RemoteObject("2", "b", shown),
    }
    result = export_state(remote, {"webhooks": Access.WRITE}, instance="staging")
    text = result.files["webhooks.yaml"]
    assert "X-Key: HOOK_KEY" in text and "credentials_env" not in text
    (note,) = result.skipped
    assert note.startswith("webhooks.b: credentials_env, headers_env not written")
