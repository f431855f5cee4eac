"""An instance holding the same values in another spelling is not drift: both sides are
compared in one canonical form per field."""

from __future__ import annotations

import json

from tests.cli.test_plan_apply import project
from tests.cli.test_pull import FILE, edit
from tests.conftest import MakeProject, RunCli

HOURS = FILE.replace(
    '      mon-fri: ["08:00-20:00"]  # weekdays',
    '      mon: ["08:00-20:00"]\n      tue-fri: ["08:00-20:00"]',
).replace("    description: Main queue\n", "    description: Main queue\n    sla: {email: 24h}\n")


def test_the_same_values_spelled_otherwise_on_the_instance_are_not_drift(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = project(make_project, files={"config/base.yaml": HOURS})
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    edit(root, "inboxes", "support", teams=["tier1", "billing"], sla={"email": "1d"})
    edit(
        root,
        "business_hours",
        "support",
        weekly={"mon-fri": ["08:00-20:00"]},  # one range for five days
        holidays=[{"date": "2026-12-25", "name": "Christmas Day"}],  # no "hours": closed
    )
    plan = run_cli("-C", root, "plan", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output
    # A real difference still shows, in the canonical form, field by field.
    edit(root, "business_hours", "support", weekly={"mon-thu": ["08:00-20:00"]})
    changed = run_cli("-C", root, "plan", "--format", "json")
    (change,) = json.loads(changed.stdout)["changes"]
    assert [d["path"] for d in change["diff"]] == ["weekly.fri"]


def test_hours_with_a_single_digit_hour_on_the_instance_are_the_files_hours(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    """An instance (a store, an API) may hold 8:00-20:00, which files may not: it is read
    as 08:00-20:00, so it is no drift; a real difference still shows as one."""
    root = project(make_project, files={"config/base.yaml": FILE})
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    edit(
        root,
        "business_hours",
        "support",
        weekly={"mon-fri": ["8:00-20:00"]},
        holidays=[{"date": "2026-12-25", "name": "Christmas Day", "hours": []}],
    )
    plan = run_cli("-C", root, "plan", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output
    edit(root, "business_hours", "support", weekly={"mon-fri": ["9:00-20:00"]})
    changed = run_cli("-C", root, "plan", "--format", "json")
    (change,) = json.loads(changed.stdout)["changes"]
    assert change["action"] == "update"
    assert [(d["path"], d["before"], d["after"]) for d in change["diff"]] == [
        (f"weekly.{day}", ["09:00-20:00"], ["08:00-20:00"])
        for day in ("fri", "mon", "thu", "tue", "wed")
    ]


def test_a_single_digit_hour_in_a_file_is_an_error_that_gives_the_value_to_write(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    text = FILE.replace('mon-fri: ["08:00-20:00"]', 'mon-fri: ["8:00-20:00", "21:00-9:30"]')
    text = text.replace(
        "{date: 2026-12-25, name: Christmas Day}", "{date: 2026-12-25, hours: ['7:5-9:00']}"
    )
    root = project(make_project, files={"config/base.yaml": text})
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert (
        "config/base.yaml:17:17: error: business_hours.support.weekly.mon-fri[0]: '8:00-20:00' "
        "is not a time range; write HH:MM-HH:MM (did you mean '08:00-20:00'?)"
    ) in result.stderr
    # No suggestion where the value padded would still be wrong.
    assert (
        "weekly.mon-fri[1]: '21:00-9:30' is not a time range; write HH:MM-HH:MM, e.g. 08:00-17:30\n"
    ) in result.stderr
    assert "holidays[0].hours[0]: '7:5-9:00' is not a time range; write HH:MM-HH:MM, e.g." in (
        result.stderr
    )
