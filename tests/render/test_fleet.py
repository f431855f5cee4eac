"""The fleet table's columns: each plan action's count and each apply status's, named as
the plan model and the apply report name them."""

from __future__ import annotations

from gladcfg.engine.writes import ApplyReport, Outcome, Status
from gladcfg.model.plan import Action, Change
from gladcfg.render.fleet import ACTIONS, APPLY_COLUMNS, FleetRow


def test_the_columns_are_the_actions_and_the_statuses() -> None:
    assert tuple(action.value for action in Action) == ACTIONS
    assert tuple(status.value for status in Status) == APPLY_COLUMNS


def test_an_apply_row_counts_each_status() -> None:
    change = Change.of("teams", "a", Action.CREATE, after={})
    report = ApplyReport(
        (
            Outcome(change, Status.APPLIED),
            Outcome(change, Status.APPLIED),
            Outcome(change, Status.SKIPPED, "depends"),
        )
    )
    row = FleetRow.of_apply("prod", report)
    assert row.counts == {"applied": 2, "failed": 0, "skipped": 1}
    assert row.failed and row.result == "incomplete"
