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
