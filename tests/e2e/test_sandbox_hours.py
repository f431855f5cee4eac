"""Business hours against the sandbox, which answers as Gladly publishes: it refuses spans
and blocks that end before they start (no schema can say so), keeps instants in UTC with
milliseconds, and the gladly adapter's holidays and end of day plan unchanged after apply,
after export and after a pull of what an admin changed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gladcfg.sandbox import BackgroundServer
from tests.conftest import MakeProject, RunCli
from tests.e2e.test_sandbox import project_yaml

TOKEN = "tok-HOURS-7c1d"
API = "/api/v1"
ZONE = {"timezone": "America/New_York"}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[BackgroundServer]:
    with BackgroundServer(tmp_path / "sandbox.json", token=TOKEN) as running:
        yield running


@pytest.fixture
def client(server: BackgroundServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, auth=("ops@acme.example", TOKEN)) as http:
        yield http


def nulls(value: Any, where: str = "") -> list[str]:
    if value is None:
        return [where]
    if isinstance(value, dict):
        return [n for key, item in value.items() for n in nulls(item, f"{where}.{key}")]
    if isinstance(value, list):
        return [n for index, item in enumerate(value) for n in nulls(item, f"{where}[{index}]")]
    return []


def span(start: str, stop: str, **more: Any) -> dict[str, Any]:
    return {"name": "Closed", "start": start, "stop": stop, **more}


@pytest.mark.parametrize(
    ("office", "attr"),
    [
        (
            {"exceptions": [span("2026-11-26T05:00:00Z", "2026-11-26T05:00:00Z")]},
            "officeHours.exceptions[0].stop",
        ),
        (
            {"exceptions": [span("2026-11-27T00:00:00-05:00", "2026-11-26T00:00:00-05:00")]},
            "officeHours.exceptions[0].stop",
        ),
        ({"monday": [{"start": "17:00", "stop": "09:00"}]}, "officeHours.monday[0].stop"),
        (
            {"friday": [{"start": "09:00", "stop": "12:00"}, {"start": "13:00", "stop": "13:00"}]},
            "officeHours.friday[1].stop",
        ),
        (
            {
                "exceptions": [
                    span(
                        "2026-11-26T05:00:00Z",
                        "2026-11-27T05:00:00Z",
                        scheduleBlocks=[{"start": "12:00", "stop": "9:00"}],
                    )
                ]
            },
            "officeHours.exceptions[0].scheduleBlocks[0].stop",
        ),
    ],
)
def test_what_ends_before_it_starts_is_refused_naming_the_field(
    client: httpx.Client, office: dict[str, Any], attr: str
) -> None:
    created = client.post(f"{API}/business-hours", json={"name": "main", "officeHours": ZONE})
    refused = client.post(
        f"{API}/business-hours", json={"name": "eu", "officeHours": {**ZONE, **office}}
    )
    assert refused.status_code == 400
    assert refused.json() == {
        "errors": [{"attr": attr, "code": "invalid", "detail": "stop must be after start"}]
    }
    url = f"{API}/business-hours/{created.json()['id']}"
    put = client.put(url, json={"name": "main", "version": 1, "officeHours": {**ZONE, **office}})
    assert put.status_code == 400 and put.json() == refused.json()
    assert client.get(url).json()["version"] == 1  # nothing changed


def test_an_unknown_time_zone_is_refused(client: httpx.Client) -> None:
    refused = client.post(
        f"{API}/business-hours", json={"name": "eu", "officeHours": {"timezone": "Mars/Olympus"}}
    )
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["attr"] == "officeHours.timezone"


def test_the_primary_cannot_be_deleted_as_gladly_says(client: httpx.Client) -> None:
    primary = client.post(f"{API}/business-hours", json={"name": "main", "officeHours": ZONE})
    refused = client.delete(f"{API}/business-hours/{primary.json()['id']}")
    assert refused.status_code == 400
    assert refused.json() == {
        "errors": [{"code": "invalid", "detail": "cannot delete primary business hours"}]
    }


def test_instants_are_answered_in_utc_with_milliseconds_and_no_nulls(
    client: httpx.Client,
) -> None:
    office = {
        **ZONE,
        "thursday": [{"start": "00:00", "stop": "23:59"}],
        "exceptions": [span("2026-11-26T00:00:00-05:00", "2026-11-27T00:00:00-05:00")],
    }
    created = client.post(f"{API}/business-hours", json={"name": "main", "officeHours": office})
    assert created.status_code == 201, created.text
    listed = client.get(f"{API}/business-hours").json()
    (exception,) = listed[0]["officeHours"]["exceptions"]
    assert (exception["start"], exception["stop"]) == (
        "2026-11-26T05:00:00.000Z",
        "2026-11-27T05:00:00.000Z",
    )
    assert nulls(created.json()) == [] and nulls(listed) == []


HOURS = """\
business_hours:
  support:
    timezone: America/New_York
    weekly: {mon-fri: ["00:00-24:00"], sat: ["10:00-14:00"]}
    holidays:
      - {date: "2026-03-08", name: Spring forward}
      - {date: "2026-11-01"}
      - {date: "2026-11-26", name: Thanksgiving, hours: ["09:00-12:00", "18:00-24:00"]}
      - {date: "2026-12-31", name: New Year's Eve, hours: ["08:00-16:00"]}
"""


def test_holidays_and_the_end_of_the_day_plan_unchanged_after_apply_export_and_pull(
    server: BackgroundServer,
    client: httpx.Client,
    make_project: MakeProject,
    run_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GLADCFG_SANDBOX_TOKEN", TOKEN)
    project = project_yaml(server.url, rate=1000, budget=100)
    root = make_project({"config/hours.yaml": HOURS}, project_yaml=project)
    applied = run_cli("-C", root, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    again = run_cli("-C", root, "plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    # Adopted by export, the instance plans unchanged, too.
    adopted = root.parent / "adopted"
    exported = run_cli("-C", root, "export", "-i", "sandbox", "--out", adopted / "config")
    assert exported.exit_code == 0, exported.output
    (adopted / "gladcfg.yaml").write_text(project)
    replanned = run_cli("-C", adopted, "plan", "--detailed-exitcode")
    assert replanned.exit_code == 0, replanned.output
    # An admin closes at noon on Christmas Eve (a Thursday), as a span of part of a day.
    (hours,) = client.get(f"{API}/business-hours").json()
    office = hours["officeHours"]
    eve = span("2026-12-24T17:00:00Z", "2026-12-25T05:00:00Z")
    office["exceptions"].append({**eve, "name": "Christmas Eve"})
    url = f"{API}/business-hours/{hours['id']}"
    put = client.put(
        url, json={"name": "support", "version": hours["version"], "officeHours": office}
    )
    assert put.status_code == 200, put.text
    pulled = run_cli("-C", root, "pull", "-i", "sandbox")
    assert pulled.exit_code == 0, pulled.output
    text = (root / "config" / "hours.yaml").read_text()
    assert "Christmas Eve" in text and "00:00-12:00" in text
    assert run_cli("-C", root, "plan", "--detailed-exitcode").exit_code == 0
