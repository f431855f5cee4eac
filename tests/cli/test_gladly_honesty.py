"""Against the gladly adapter (Gladly's API mocked with respx, the real CLI): what the API
cannot read or write is never silently ignored. Declared fields it does not show are named
as not managed in every view of the plan and in ``status``; a parent or credentials it
cannot clear are a manual change, never sent, and the next plan after doing it by hand is
empty."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
import respx

from tests.adapter.gladly.conftest import BASE, GLADLY_PROJECT, lists
from tests.conftest import MakeProject, RunCli

SETTINGS = """\
settings:
  default_language: en-US
  languages: [en-US, es-US]
  timezone: America/New_York
  retention: {conversations_days: 730}
  sso: {enabled: true, idp_metadata_url: https://idp.acme.example/saml/metadata}
"""
TOPICS = """\
topics:
  billing: {}
  refund: {}
"""
HOOK = {
    "id": "wh-1",
    "name": "events",
    "url": "https://hooks.example.com/gladly",
    "events": ["CONVERSATION/CLOSED"],
    "hasCredentials": True,
    "headerKeys": [],
    "enabled": True,
}
WEBHOOK = """\
webhooks:
  events:
    url: https://hooks.example.com/gladly
    events: [CONVERSATION/CLOSED]
"""
NOT_MANAGED = [
    "settings.default_language",
    "settings.languages",
    "settings.retention",
    "settings.sso",
]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[respx.MockRouter]:
    monkeypatch.setenv("GLADCFG_TEST_TOKEN", "tok-test")
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


def writes(api: respx.MockRouter) -> list[str]:
    return [
        f"{call.request.method} {call.request.url.path}"
        for call in api.calls
        if call.request.method != "GET"
    ]


def test_settings_the_api_does_not_show_are_not_managed_in_every_view(
    api: respx.MockRouter, make_project: MakeProject, run_cli: RunCli, tmp_path: Path
) -> None:
    lists(api)
    root = make_project({"config/all.yaml": SETTINGS}, project_yaml=GLADLY_PROJECT)
    plan = run_cli("-C", root, "plan", "--format", "json")
    assert plan.exit_code == 0, plan.output
    document = json.loads(plan.stdout)
    jsonschema.validate(document, json.loads((ROOT / "schemas/plan.schema.json").read_text()))
    # The time zone the API shows is as declared; the rest it cannot see, and says so.
    assert document["changes"] == [] and document["not_managed"] == NOT_MANAGED
    listed = ", ".join(NOT_MANAGED)
    text = run_cli("-C", root, "plan").stdout
    assert f"Not managed by the gladly adapter (validated only): {listed}" in text
    markdown = run_cli("-C", root, "plan", "--format", "markdown").stdout
    assert f"**Not managed** by the gladly adapter (validated only): {listed}" in markdown
    status = run_cli("-C", root, "status")
    assert f"  not managed (validated only): {listed}\n" in status.stdout
    record = json.loads(run_cli("-C", root, "status", "--format", "json").stdout)
    jsonschema.validate(record, json.loads((ROOT / "schemas/status.schema.json").read_text()))
    assert record["instances"][0]["not_managed"] == NOT_MANAGED
    report = run_cli("-C", root, "report", "--out", tmp_path / "report.html")
    assert report.exit_code == 0, report.output
    assert listed in (tmp_path / "report.html").read_text()
    # A saved plan keeps them, and checks out.
    assert run_cli("-C", root, "plan", "--out", tmp_path / "plan.json").exit_code == 0
    shown = run_cli("-C", root, "show", tmp_path / "plan.json", "--format", "json")
    assert shown.exit_code == 0 and json.loads(shown.stdout)["not_managed"] == NOT_MANAGED
    assert run_cli("-C", root, "apply", tmp_path / "plan.json").exit_code == 0
    assert writes(api) == []


def test_a_time_zone_the_api_cannot_write_is_a_manual_change_with_its_value(
    api: respx.MockRouter, make_project: MakeProject, run_cli: RunCli
) -> None:
    lists(api)
    chicago = SETTINGS.replace("America/New_York", "America/Chicago")
    root = make_project({"config/all.yaml": chicago}, project_yaml=GLADLY_PROJECT)
    text = run_cli("-C", root, "plan").stdout
    assert (
        "  ! settings  (manual: change it in the admin UI)\n"
        '      set timezone to "America/Chicago" (now: "America/New_York")\n'
    ) in text
    markdown = run_cli("-C", root, "plan", "--format", "markdown").stdout
    assert (
        '- [ ] update `settings`: set `timezone` to `"America/Chicago"` '
        '(now: `"America/New_York"`)\n'
    ) in markdown


def test_un_parenting_a_topic_is_a_manual_change_and_sends_nothing(
    api: respx.MockRouter, make_project: MakeProject, run_cli: RunCli, tmp_path: Path
) -> None:
    lists(api)
    root = make_project({"config/all.yaml": TOPICS}, project_yaml=GLADLY_PROJECT)
    planned = run_cli("-C", root, "plan", "--format", "json", "--out", tmp_path / "plan.json")
    assert planned.exit_code == 0, planned.output
    (change,) = json.loads(planned.stdout)["changes"]
    assert (change["address"], change["action"], change["manual_action"]) == (
        "topics.refund",
        "manual",
        "update",
    )
    assert change["diff"] == [{"path": "parent", "before": "billing", "after": None}]
    text = run_cli("-C", root, "plan").stdout
    assert "  ! topics.refund  (manual: change it in the admin UI)\n" in text
    assert '      remove parent (now: "billing")\n' in text
    markdown = run_cli("-C", root, "plan", "--format", "markdown").stdout
    assert '- [ ] update `topics.refund`: remove `parent` (now: `"billing"`)' in markdown
    # Neither a fresh apply nor the saved plan sends anything for it.
    applied = run_cli("-C", root, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert run_cli("-C", root, "apply", tmp_path / "plan.json").exit_code == 0
    assert writes(api) == []
    # Done by hand in Gladly's admin UI: the next plan has nothing left.
    lists(
        api,
        **{
            "/topics": [
                {"id": "top-1", "name": "billing", "disabled": False},
                {"id": "top-2", "name": "refund", "disabled": False},
            ]
        },
    )
    again = run_cli("-C", root, "plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def test_removing_webhook_credentials_is_a_manual_change_and_sends_nothing(
    api: respx.MockRouter, make_project: MakeProject, run_cli: RunCli
) -> None:
    lists(api, **{"/webhooks": [HOOK]})
    root = make_project({"config/all.yaml": WEBHOOK}, project_yaml=GLADLY_PROJECT)
    planned = run_cli("-C", root, "plan", "--format", "json")
    (change,) = json.loads(planned.stdout)["changes"]
    assert (change["address"], change["action"], change["manual_action"]) == (
        "webhooks.events",
        "manual",
        "update",
    )
    markdown = run_cli("-C", root, "plan", "--format", "markdown").stdout
    assert "- [ ] update `webhooks.events`: remove `credentials_env` (now: " in markdown
    applied = run_cli("-C", root, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert writes(api) == []
    lists(api, **{"/webhooks": [{**HOOK, "hasCredentials": False}]})
    assert run_cli("-C", root, "plan", "--detailed-exitcode").exit_code == 0
