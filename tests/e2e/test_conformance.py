"""Every request the gladly adapter sends and every response the sandbox gives, across the
flows a user runs, judged by Gladly's published API (gladcfg/spec/gladly-openapi.json).

The exchanges are recorded at the httpx client the adapter makes (its event hooks), over
real sockets to the strict sandbox, then each is checked by :mod:`gladcfg.spec.contract`:
one outside the document fails the test, naming the operation and the field.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gladcfg.adapter.gladly import adapter as gladly_adapter
from gladcfg.sandbox import BackgroundServer
from gladcfg.spec.contract import Exchange, contract
from tests.conftest import RunCli

TOKEN = "tok-conformance-91c2"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "acme"
INSTANCE = "sandbox"


class Recorder:
    """What went over the wire, one :class:`Exchange` per request."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []

    def hook(self, response: httpx.Response) -> None:
        response.read()
        request = response.request
        self.exchanges.append(
            Exchange(
                method=request.method,
                path=request.url.path,
                query=request.url.query.decode(),
                request_headers=dict(request.headers),
                request_body=request.content,
                status=response.status_code,
                response_headers=dict(response.headers),
                response_body=response.content,
            )
        )

    def operations(self) -> set[str]:
        judge = contract()
        return {op for e in self.exchanges if (op := judge.operation(e.method, e.path))}

    def violations(self) -> list[str]:
        judge = contract()
        found: list[str] = []
        for exchange in self.exchanges:
            for violation in judge.request(exchange):
                found.append(f"request {violation}")
            # A request refused for breaking the contract would be reported above; its
            # response is the sandbox's and is judged like any other.
            for violation in judge.response(exchange):
                found.append(f"response {violation}")
        return found


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    recording = Recorder()
    made = gladly_adapter.http_client

    def recorded(*args: Any, **kwargs: Any) -> httpx.Client:
        client = made(*args, **kwargs)
        client.event_hooks["response"].append(recording.hook)
        return client

    monkeypatch.setattr(gladly_adapter, "http_client", recorded)
    return recording


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[BackgroundServer]:
    monkeypatch.setenv("GLADLY_SANDBOX_TOKEN", TOKEN)
    with BackgroundServer(tmp_path / "sandbox.json", token=TOKEN, requests_per_second=1000) as up:
        # Every Gladly organisation has its primary business hours, which no one can delete.
        primary = {"name": "Default hours", "officeHours": {"timezone": "America/New_York"}}
        made = httpx.post(f"{up.url}/api/v1/business-hours", json=primary, auth=("x", TOKEN))
        assert made.status_code == 201 and made.json()["primary"] is True
        yield up


def acme(tmp_path: Path, url: str) -> Path:
    """examples/acme, its sandbox instance pointed at ``url`` and allowed its speed."""
    root = tmp_path / "acme"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".gladcfg"))
    project = root / "gladcfg.yaml"
    text = project.read_text(encoding="utf-8")
    text = text.replace("base_url: http://127.0.0.1:8787", f"base_url: {url}")
    text = text.replace(
        "rate_limit: {requests_per_second: 10, budget_percent: 50}",
        "rate_limit: {requests_per_second: 1000, budget_percent: 100}",
    )
    assert url in text and "requests_per_second: 1000" in text
    project.write_text(text, encoding="utf-8")
    return root


def plan_json(run_cli: RunCli, root: Path, *extra: str) -> dict[str, Any]:
    result = run_cli("-C", root, "plan", "-i", INSTANCE, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    plan: dict[str, Any] = json.loads(result.stdout)
    return plan


def make_what_the_api_cannot(server: BackgroundServer, plan: dict[str, Any]) -> None:
    """What an admin makes in Gladly's UI: the audiences, teams and inboxes the plan lists
    as manual creates, and the organisation's languages."""
    admin = {"audiences": "audiences", "teams": "teams", "inboxes": "inboxes"}
    for change in plan["changes"]:
        if change["action"] == "manual" and change["kind"] in admin:
            body = {"name": change["name"]}
            response = httpx.post(f"{server.url}/_admin/{admin[change['kind']]}", json=body)
            assert response.status_code == 201, response.text


def test_examples_acme_round_trip_is_what_gladly_publishes(
    tmp_path: Path, server: BackgroundServer, recorder: Recorder, run_cli: RunCli
) -> None:
    root = acme(tmp_path, server.url)
    httpx.post(
        f"{server.url}/_admin/settings",
        json={"languages": ["en-US", "es-US", "fr-CA"], "timezone": "America/New_York"},
    )
    make_what_the_api_cannot(server, plan_json(run_cli, root))

    planned = plan_json(run_cli, root)
    assert planned["summary"]["manual"] == 0, planned["changes"]
    assert planned["summary"]["create"] > 0
    rollback = tmp_path / "rollback.json"
    applied = run_cli(
        "-C", root, "apply", "-i", INSTANCE, "--auto-approve", "--rollback-out", rollback
    )
    assert applied.exit_code == 0, applied.output
    again = plan_json(run_cli, root)
    assert again["changes"] == [], again["changes"]

    undone = run_cli("-C", root, "apply", "--rollback", "--allow-delete", "--force", rollback)
    assert undone.exit_code == 0, undone.output
    after_rollback = plan_json(run_cli, root)
    # Back where it started: the same objects to make again, but for topics, which Gladly
    # never deletes: the rollback disabled them, and enabling them again is an update (the
    # one declared disabled is as declared).
    assert {c["address"] for c in after_rollback["changes"]} == {
        c["address"] for c in planned["changes"]
    } - {"topics.legacy-promo"}
    assert {c["action"] for c in after_rollback["changes"] if c["kind"] == "topics"} == {"update"}

    assert recorder.violations() == []
    assert {
        "POST /api/v1/answers",
        "PUT /api/v1/answers/{answerId}/languages/{language}/type/{type}",
        "DELETE /api/v1/answers/{answerId}",
        "POST /api/v1/topics",
        "PATCH /api/v1/topics/{topicId}",
        "POST /api/v1/business-hours",
        "DELETE /api/v1/business-hours/{businessHoursId}",
        "POST /api/v1/webhooks",
        "DELETE /api/v1/webhooks/{webhookId}",
    } <= recorder.operations()


FIRST = """\
audiences:
  acme: {}
topics:
  billing: {}
  shipping: {}
  billing-refund: {parent: billing}
answers:
  closed:
    description: Sent when we are closed
    audiences: [acme]
    content:
      en-US:
        messaging: "We are closed & back at 8am."
        email: {subject: Closed, body: "We are closed.\\nBack at 8am."}
        public: {title: Hours, body: "Open 8am to 8pm."}
        reference: {body: "Internal: escalate to tier 2."}
      fr-CA:
        messaging: "Nous sommes fermés."
  refunds:
    content:
      en-US: {public: {title: Refunds, body: Within 30 days.}}
  old-faq:
    content:
      en-US: {messaging: "Ask us."}
business_hours:
  support:
    timezone: America/New_York
    weekly: {mon-fri: ["08:00-20:00"], sat: ["00:00-24:00"]}
    holidays:
      - {date: 2026-12-25, name: Christmas Day}
      - {date: 2026-12-24, name: Christmas Eve, hours: ["08:00-12:00"]}
      - {date: 2026-03-08, name: Clocks go forward}
  europe:
    timezone: Europe/Dublin
    weekly: {mon-fri: ["09:00-17:00"]}
webhooks:
  events:
    url: https://hooks.acme.example/gladly
    events: [CONVERSATION/CLOSED, CUSTOMER/MERGED]
    credentials_env: {username_env: HOOK_USER, password_env: HOOK_PASSWORD}
    headers_env: {X-Key: HOOK_KEY}
  plain:
    url: https://hooks.acme.example/plain
    events: [TASK/CREATED]
"""

SECOND = """\
audiences:
  acme: {}
topics:
  billing: {}
  shipping: {}
  refunds-and-returns: {parent: shipping, renamed_from: billing-refund}
answers:
  closed:
    description: Sent outside opening hours
    content:
      en-US:
        messaging: "We are closed; back at 9am."
        public: {title: Hours, body: "Open 9am to 8pm."}
        reference: {body: "Internal: escalate to tier 2."}
      fr-CA:
        messaging: "Nous sommes fermés."
        email: {subject: Fermé, body: "Nous sommes fermés."}
  refund-policy:
    renamed_from: refunds
    content:
      en-US: {public: {title: Refunds, body: Within 60 days.}}
business_hours:
  support:
    timezone: America/New_York
    weekly: {mon-fri: ["09:00-20:00"], sat: ["10:00-14:00"]}
    holidays:
      - {date: 2026-12-25, name: Christmas Day}
      - {date: 2026-12-31, name: New Year's Eve, hours: ["09:00-15:00"]}
webhooks:
  events:
    url: https://hooks.acme.example/gladly/v2
    events: [CONVERSATION/CLOSED, CONVERSATION/CREATED]
    credentials_env: {username_env: HOOK_USER, password_env: HOOK_PASSWORD}
    headers_env: {X-Key: HOOK_KEY}
"""


# With prune, the primary business hours no file declares stays a manual delete.
LEFT_BY_HAND = [("manual", "business_hours.Default hours")]


def pending(run_cli: RunCli, root: Path, *extra: str) -> list[tuple[str, str]]:
    return [(c["action"], c["address"]) for c in plan_json(run_cli, root, *extra)["changes"]]


def test_updates_renames_deletes_export_pull_and_snapshots_are_what_gladly_publishes(
    tmp_path: Path,
    *,
    server: BackgroundServer,
    recorder: Recorder,
    run_cli: RunCli,
    make_project: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in {
        "HOOK_USER": "hook-user",
        "HOOK_PASSWORD": "p-S3CRET",
        "HOOK_KEY": "hook-key",
    }.items():
        monkeypatch.setenv(name, value)
    httpx.post(f"{server.url}/_admin/settings", json={"languages": ["en-US", "fr-CA"]})
    httpx.post(f"{server.url}/_admin/audiences", json={"name": "acme"})
    project = f"""\
version: 1
instances:
  {INSTANCE}:
    adapter: gladly
    base_url: {server.url}
    user: ops@acme.example
    token_env: GLADLY_SANDBOX_TOKEN
    prune: true
    safety: {{min_existing: 1000}}
    rate_limit: {{requests_per_second: 1000, budget_percent: 100}}
"""
    root = make_project({"config/all.yaml": FIRST}, project_yaml=project)
    first = run_cli("-C", root, "apply", "-i", INSTANCE, "--auto-approve")
    assert first.exit_code == 0, first.output
    assert pending(run_cli, root) == LEFT_BY_HAND

    (root / "config" / "all.yaml").write_text(SECOND, encoding="utf-8")
    second = plan_json(run_cli, root)
    actions = {(c["kind"], c["name"]): c["action"] for c in second["changes"]}
    assert actions[("answers", "refund-policy")] == "rename"
    # Gladly has no answer list: an answer no file declares any more cannot be found (the
    # rollback below deletes the one this test made).
    assert ("answers", "old-faq") not in actions
    assert actions[("business_hours", "europe")] == "delete"
    assert actions[("webhooks", "plain")] == "delete"
    # prune: the primary business hours no file declares cannot be deleted: a manual step.
    assert actions[("business_hours", "Default hours")] == "manual"
    assert any("primary" in w for w in second["warnings"])
    saved = tmp_path / "second.json"
    assert run_cli("-C", root, "plan", "-i", INSTANCE, "--out", saved).exit_code == 0
    rollback = tmp_path / "rollback.json"
    applied = run_cli("-C", root, "apply", "--allow-delete", "--rollback-out", rollback, saved)
    assert applied.exit_code == 0, applied.output
    assert pending(run_cli, root) == LEFT_BY_HAND
    assert pending(run_cli, root, "--refresh=false") == LEFT_BY_HAND

    exported = tmp_path / "exported"
    assert run_cli("-C", root, "export", "-i", INSTANCE, "--out", exported).exit_code == 0
    pulled = run_cli("-C", root, "pull", "-i", INSTANCE, "--dry-run")
    assert pulled.exit_code == 0, pulled.output

    undone = run_cli("-C", root, "apply", "--rollback", "--allow-delete", "--force", rollback)
    assert undone.exit_code == 0, undone.output
    (root / "config" / "all.yaml").write_text(FIRST, encoding="utf-8")
    assert pending(run_cli, root) == LEFT_BY_HAND

    assert recorder.violations() == []
    assert {
        "PATCH /api/v1/answers/{answerId}",
        "DELETE /api/v1/answers/{answerId}/languages/{language}/type/{type}",
        "PUT /api/v1/business-hours/{businessHoursId}",
        "PATCH /api/v1/webhooks/{webhookId}",
        "GET /api/v1/answers/{answerId}/languages/{language}/type/{type}",
    } <= recorder.operations()
