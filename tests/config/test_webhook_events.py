"""A webhook subscribes only to events Gladly's published API lists: validate refuses any
other name where it is written, and says which real event is close."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gladcfg.spec import webhook_events
from tests.conftest import MakeProject, RunCli

PROJECT = """\
version: 1
resources: ["config/**/*.yaml"]
instances:
  staging: {}
"""
SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "resources.schema.json"
DEPRECATED = "CUSTOMER_PROFILE/MERGED (deprecated)"
SUBSCRIBABLE = [event for event in webhook_events() if event != DEPRECATED]


def hooks(*events: str) -> str:
    listed = "\n".join(f"      - {json.dumps(event)}" for event in events)
    return f"webhooks:\n  feed:\n    url: https://hooks.example.com/gladly\n    events:\n{listed}\n"


def errors_of(make_project: MakeProject, run_cli: RunCli, *events: str) -> list[str]:
    root = make_project({"config/hooks.yaml": hooks(*events)}, project_yaml=PROJECT)
    result = run_cli("-C", root, "validate", "--all")
    assert "Traceback" not in result.output
    return [line for line in result.stderr.splitlines() if ": error: " in line]


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (
            "CONVERSATION_ITEM/CREATED",
            "'CONVERSATION_ITEM/CREATED' is not a webhook event of Gladly's API "
            "(did you mean 'CONVERSATION/CREATED'?)",
        ),
        (
            "conversation/closed",
            "'conversation/closed' is not a webhook event of Gladly's API "
            "(did you mean 'CONVERSATION/CLOSED'?)",
        ),
        (
            "CUSTOMER_PROFILE/MERGED (deprecated)",
            "'CUSTOMER_PROFILE/MERGED (deprecated)' is deprecated in Gladly's API; "
            "CUSTOMER/MERGED replaces it (did you mean 'CUSTOMER/MERGED'?)",
        ),
        (
            "CUSTOMER_PROFILE/MERGED",
            "'CUSTOMER_PROFILE/MERGED' is deprecated in Gladly's API; "
            "CUSTOMER/MERGED replaces it (did you mean 'CUSTOMER/MERGED'?)",
        ),
    ],
    ids=["typo", "lower-case", "deprecated-as-listed", "deprecated"],
)
def test_an_event_gladly_does_not_list_is_an_error_where_it_is_written(
    make_project: MakeProject, run_cli: RunCli, event: str, message: str
) -> None:
    found = errors_of(make_project, run_cli, "CONVERSATION/CLOSED", event)
    assert found == [f"config/hooks.yaml:6:9: error: webhooks.feed.events[1]: {message}"]


def test_a_name_like_no_event_says_how_events_are_named(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    (line,) = errors_of(make_project, run_cli, "order shipped")
    assert line.endswith(
        "webhooks.feed.events[0]: 'order shipped' is not a webhook event of Gladly's API; "
        "events are named as Gladly's API lists them, e.g. CONVERSATION/CLOSED"
    )


def test_every_error_of_a_run_is_reported(make_project: MakeProject, run_cli: RunCli) -> None:
    found = errors_of(make_project, run_cli, "TASK/CLOSD", "CONVERSATION/CLOSED", "TASK/OPENED")
    assert [line.split(": error: ")[1].split(":")[0] for line in found] == [
        "webhooks.feed.events[0]",
        "webhooks.feed.events[2]",
    ]


def test_every_event_the_api_lists_is_accepted_but_the_deprecated_one(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    assert [event for event in webhook_events() if "deprecated" in event] == [DEPRECATED]
    root = make_project({"config/hooks.yaml": hooks(*SUBSCRIBABLE)}, project_yaml=PROJECT)
    result = run_cli("-C", root, "validate", "--all", "--strict")
    assert result.exit_code == 0, result.output


def test_the_published_schema_lists_the_events_for_editors() -> None:
    schema = json.loads(SCHEMA.read_text())
    events = schema["$defs"]["Webhook"]["properties"]["events"]["items"]
    assert events["enum"] == SUBSCRIBABLE
