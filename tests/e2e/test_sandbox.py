"""The gladly adapter end to end, over real sockets, against the local sandbox."""

from __future__ import annotations

import collections
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gladcfg.sandbox import BackgroundServer
from tests.conftest import MakeProject, RunCli

TOKEN = "tok-UNMISTAKABLE-8d41c9"

RESOURCES = """\
audiences:
  acme: {}
teams:
  tier1: {description: Tier 1}
topics:
  billing: {}
  billing-refund: {parent: billing}
  shipping: {}
answers:
  closed:
    audiences: [acme]
    content:
      en-US:
        messaging: "We are closed & back at 8am."
        email: {subject: Closed, body: "We are closed.\\nBack at 8am."}
  refunds:
    content:
      en-US: {public: {title: Refunds, body: Within 30 days.}}
business_hours:
  support:
    timezone: America/New_York
    weekly: {mon-fri: ["08:00-20:00"]}
    holidays: [{date: 2026-12-25, name: Christmas Day}]
entry_points:
  web: {channel: chat, address: app-1, inbox: support}
inboxes:
  support: {business_hours: support}
auto_reply_rules:
  closed: {entry_points: [web], when: outside_business_hours, answer: closed}
"""


def project_yaml(url: str, rate: int = 10, budget: int = 50) -> str:
    return f"""\
version: 1
instances:
  sandbox:
    adapter: gladly
    base_url: {url}
    user: ops@acme.example
    token_env: GLADCFG_SANDBOX_TOKEN
    rate_limit: {{requests_per_second: {rate}, budget_percent: {budget}}}
"""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[BackgroundServer]:
    with BackgroundServer(tmp_path / "sandbox.json", token=TOKEN) as running:
        httpx.post(f"{running.url}/_admin/audiences", json={"name": "acme"})
        httpx.post(f"{running.url}/_admin/inboxes", json={"name": "support"})
        yield running


@pytest.fixture(autouse=True)
def token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GLADCFG_SANDBOX_TOKEN", TOKEN)


def test_plan_apply_plan_with_a_manual_team(
    server: BackgroundServer, make_project: MakeProject, run_cli: RunCli
) -> None:
    root = make_project({"config/all.yaml": RESOURCES}, project_yaml=project_yaml(server.url))
    first = run_cli("-C", root, "-v", "plan", "--detailed-exitcode", "--out", root / "plan.json")
    assert first.exit_code == 2, first.output
    assert "! teams.tier1  (manual: create it in the admin UI)" in first.stdout
    assert "+ answers.closed" in first.stdout and "+ topics.billing-refund" in first.stdout
    assert (
        "Not managed by the gladly adapter (validated only): teams.description, "
        "inboxes.business_hours, inboxes.teams, entry_points, auto_reply_rules\n"
    ) in first.stdout
    applied = run_cli("-C", root, "-v", "apply", root / "plan.json")
    assert applied.exit_code == 0, applied.output
    assert "Apply to sandbox: 6 applied, 0 failed, 0 skipped." in applied.stdout
    sent = [(r["method"], r["path"]) for r in server.sandbox.log]
    assert not any(path.startswith("/api/v1/teams") and method != "GET" for method, path in sent)
    again = run_cli("-C", root, "plan", "--format", "json", "--detailed-exitcode")
    assert again.exit_code == 2
    left = json.loads(again.stdout)["changes"]
    assert [(c["address"], c["action"]) for c in left] == [("teams.tier1", "manual")]
    httpx.post(f"{server.url}/_admin/teams", json={"name": "tier1", "description": "Tier 1"})
    done = run_cli("-C", root, "plan", "--detailed-exitcode")
    assert done.exit_code == 0, done.output
    for output in (
        first.output,
        applied.output,
        again.output,
        done.output,
        (root / "plan.json").read_text(),
    ):
        assert TOKEN not in output
    # Adopt the instance: export it, and plan the exported files against it.
    adopted = root.parent / "adopted"
    exported = run_cli("-C", root, "export", "-i", "sandbox", "--out", adopted / "config")
    assert exported.exit_code == 0, exported.output
    assert "skipped settings: the instance does not show default_language, languages" in (
        exported.stderr
    )
    (adopted / "gladcfg.yaml").write_text(project_yaml(server.url))
    assert sorted(p.name for p in (adopted / "config").iterdir()) == [
        "answers.yaml",
        "audiences.yaml",
        "business_hours.yaml",
        "inboxes.yaml",
        "teams.yaml",
        "topics.yaml",
    ]
    replanned = run_cli("-C", adopted, "plan", "--detailed-exitcode")
    assert replanned.exit_code == 0, replanned.output


def test_429s_converge_within_the_budget(
    tmp_path: Path, make_project: MakeProject, run_cli: RunCli
) -> None:
    # With the reads, 36 requests: every fifth is refused, and the pace falls to its floor.
    topics = "topics:\n" + "".join(f"  t{i}: {{}}\n" for i in range(15))
    with BackgroundServer(
        tmp_path / "s.json", token=TOKEN, faults="429_every=5", requests_per_second=20
    ) as server:
        root = make_project(
            {"config/t.yaml": topics}, project_yaml=project_yaml(server.url, rate=20)
        )
        result = run_cli("-C", root, "apply", "--auto-approve", "--parallelism", "16")
        assert result.exit_code == 0, result.output
        log = list(server.sandbox.log)  # this apply's requests: its limiter's budget
        assert run_cli("-C", root, "plan", "--detailed-exitcode").exit_code == 0
    assert sum(1 for r in log if r["status"] == 429) >= 5
    per_second = collections.Counter(int(r["t"]) for r in log)
    assert max(per_second.values()) <= 10  # 50 % of 20 per second


def test_bad_token_and_server_errors_never_show_the_token(
    tmp_path: Path, make_project: MakeProject, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    with BackgroundServer(tmp_path / "s.json", token="another-token") as server:
        root = make_project(
            {"config/t.yaml": "topics: {a: {}}\n"}, project_yaml=project_yaml(server.url)
        )
        refused = run_cli("-C", root, "-v", "plan")
    assert refused.exit_code == 1
    assert "HTTP 401" in refused.stderr and "$GLADCFG_SANDBOX_TOKEN" in refused.stderr
    with BackgroundServer(tmp_path / "s2.json", faults="500_every=1") as server:
        root = make_project(
            {"config/t.yaml": "topics: {a: {}}\n"}, project_yaml=project_yaml(server.url)
        )
        failed = run_cli("-C", root, "-v", "plan")
    assert failed.exit_code == 1 and "HTTP 500" in failed.stderr
    for output in (refused.output, failed.output):
        assert TOKEN not in output and "another-token" not in output


def test_sandbox_command_refuses_bad_faults(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("sandbox", "serve", "--state", tmp_path / "s.json", "--faults", "explode=1")
    assert result.exit_code == 1 and "unknown fault 'explode'" in result.stderr
