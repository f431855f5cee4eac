"""A staged rollout end to end with the gladly adapter: the sandbox's wave fails (its API
is unreachable), the rollout stops there with the last wave never read, and running the
same command again, the API back, resumes: the first wave is skipped, the rest applied."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from gladcfg.sandbox import BackgroundServer
from tests.conftest import MakeProject, RunCli

TOKEN = "tok-ROLLOUT-9e2a"
HOURS = """\
business_hours:
  support:
    timezone: America/New_York
    weekly: {mon-fri: ["08:00-20:00"]}
"""


def project_yaml(url: str) -> str:
    return f"""\
version: 1
rollout:
  - {{name: canary, instances: [staging]}}
  - {{name: gladly, instances: [sandbox]}}
  - {{name: rest, instances: ["*"]}}
instances:
  staging: {{}}
  sandbox:
    adapter: gladly
    base_url: {url}
    user: ops@acme.example
    token_env: GLADCFG_SANDBOX_TOKEN
    rate_limit: {{requests_per_second: 1000, budget_percent: 100}}
  prod: {{}}
"""


def rollout_summary(output: str) -> list[str]:
    return output[output.index("Rollout: ") :].splitlines()


def test_a_rollout_whose_second_wave_fails_stops_there_and_resumes(
    make_project: MakeProject, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GLADCFG_SANDBOX_TOKEN", TOKEN)
    state = tmp_path / "sandbox.json"
    with BackgroundServer(state, token=TOKEN) as gone:
        unreachable = gone.url  # a port nothing listens on once the server stops
    root = make_project({"config/hours.yaml": HOURS}, project_yaml=project_yaml(unreachable))
    failed = run_cli("-C", root, "apply", "--all", "--auto-approve")
    assert failed.exit_code == 1, failed.output
    assert "Traceback" not in failed.output
    lines = rollout_summary(failed.stdout)
    assert lines[:2] == [
        "Rollout: stopped at wave gladly",
        "  canary  verified     staging: applied",
    ]
    assert lines[2].startswith("  gladly  failed       sandbox: failed")
    assert lines[3:6] == [
        "  rest    not started  prod",
        "Applied: staging.",
        "Failed: sandbox.",
    ]
    assert not (root / ".gladcfg/state/prod.db").exists()  # the last wave was never read

    with BackgroundServer(state, token=TOKEN) as server:
        (root / "gladcfg.yaml").write_text(project_yaml(server.url), encoding="utf-8")
        resumed = run_cli("-C", root, "apply", "--all", "--auto-approve")
        assert resumed.exit_code == 0, resumed.output
        assert "[staging] applied" not in resumed.stdout
        assert rollout_summary(resumed.stdout) == [
            "Rollout: 3 waves done",
            "  canary  up to date  staging: up to date",
            "  gladly  verified    sandbox: applied",
            "  rest    verified    prod: applied",
        ]
        token = ("ops@acme.example", TOKEN)
        (hours,) = httpx.get(f"{server.url}/api/v1/business-hours", auth=token).json()
        assert hours["name"] == "support"
        again = run_cli("-C", root, "plan", "--all", "--detailed-exitcode")
        assert again.exit_code == 0, again.output
