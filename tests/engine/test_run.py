"""Applying as a run does it, one instance or a fleet: shown, refused before anything
changes, confirmed once, followed, reported; every session closed at the end."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gladcfg.config import Workspace
from gladcfg.engine import ApplyRequest, apply
from gladcfg.engine.fleet import FleetApply, apply_fleet, plan_fleet
from gladcfg.engine.status import check_status
from gladcfg.engine.writes import ApplyReport, Outcome
from gladcfg.errors import ApplyFailedError, GladcfgError, RefusedError
from gladcfg.model.plan import Plan
from gladcfg.plan.document import dumps
from tests.conftest import BASE_RESOURCES, PROJECT_YAML, MakeProject, store_document, stored

FLEET = PROJECT_YAML.replace("  prod:\n", "  prod-us:\n") + (
    "  prod-eu:\n    vars: {support_email: support@eu.acme.example}\n"
)
NAMES = ["staging", "prod-us", "prod-eu"]


class Watched:
    """A watch that records what it was shown, for one instance's apply."""

    def __init__(self, plan: Plan, label: str | None) -> None:
        self.plan, self.label = plan, label
        self.outcomes: list[Outcome] = []
        self.reported: ApplyReport | None = None

    def __enter__(self) -> Watched:
        return self

    def __exit__(self, *_: object) -> None:
        pass

    def update(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)

    def report(self, report: ApplyReport, plan: Plan) -> None:
        self.reported = report


class Run:
    """Everything a run showed and asked."""

    def __init__(self) -> None:
        self.shown: list[Any] = []
        self.asked: list[list[str]] = []
        self.watched: list[Watched] = []
        self.reports: list[FleetApply] = []
        self.rollbacks: list[Plan] = []

    def confirm(self, instances: Any) -> None:
        self.asked.append(list(instances))

    def watch(self, plan: Plan, label: str | None) -> Watched:
        self.watched.append(Watched(plan, label))
        return self.watched[-1]

    def fleet(self, workspace: Workspace, **options: Any) -> FleetApply:
        options.setdefault("confirm", self.confirm)
        return apply_fleet(
            workspace,
            NAMES,
            show=self.shown.append,
            watch=self.watch,
            report=self.reports.append,
            **options,
        )

    def one(self, workspace: Workspace, name: str = "staging", **options: Any) -> Any:
        request = ApplyRequest(
            workspace,
            name,
            show=self.shown.append,
            confirm=self.confirm,
            watch=self.watch,
            rollback=self.rollbacks.append,
            **options,
        )
        return apply(request).finished()


def fleet(make_project: MakeProject, yaml: str = FLEET) -> Workspace:
    return Workspace.open(make_project({"config/base.yaml": BASE_RESOURCES}, project_yaml=yaml))


def with_a_team_to_delete(workspace: Workspace, instance: str) -> Workspace:
    """``instance`` applied, then holding a team the files do not declare, with prune on."""
    Run().one(workspace, instance)
    data = stored(workspace.root, instance)
    data["objects"]["teams"]["legacy"] = {"id": "x-1", "spec": {"description": None}}
    store_document(workspace.root, data, instance)
    yaml = (workspace.root / "gladcfg.yaml").read_text()
    yaml = yaml.replace(f"  {instance}:\n", f"  {instance}:\n    prune: true\n")
    (workspace.root / "gladcfg.yaml").write_text(yaml)
    return Workspace.open(workspace.root)


def test_one_instance_is_shown_confirmed_applied_and_its_rollback_handed_over(
    make_project: MakeProject, closed: list[str]
) -> None:
    workspace = fleet(make_project)
    run = Run()
    applied = run.one(workspace, parallelism=2)
    assert run.shown == [applied.plan] and run.asked == [["staging"]]
    assert applied.report is not None and applied.report.ok
    (watched,) = run.watched
    assert watched.label is None and len(watched.outcomes) == len(applied.plan.writes) == 8
    (rollback,) = run.rollbacks
    assert len(rollback.deletes) == 8
    assert closed == ["staging"]
    again = Run()
    nothing = again.one(workspace)
    assert nothing.report is None and again.asked == [] and again.watched == []


def test_one_instance_refused_is_never_asked_about(
    make_project: MakeProject, closed: list[str]
) -> None:
    workspace = with_a_team_to_delete(fleet(make_project), "staging")
    before = stored(workspace.root)
    run = Run()
    with pytest.raises(RefusedError, match=r"deletes 1 object\(s\) \(teams.legacy\)"):
        run.one(workspace)
    assert len(run.shown) == 1 and run.asked == [] and stored(workspace.root) == before
    assert run.one(workspace, allow_delete=True).report.ok
    assert closed.count("staging") == 3


def test_an_apply_that_does_not_finish_is_an_error_once_reported(
    make_project: MakeProject,
) -> None:
    yaml = FLEET.replace("  staging:\n", "  staging:\n    faults: {fail_every: 1}\n")
    run = Run()
    with pytest.raises(ApplyFailedError, match="apply to staging did not finish"):
        run.one(fleet(make_project, yaml))
    (watched,) = run.watched
    assert watched.reported is not None and not watched.reported.ok
    assert len(run.rollbacks) == 1


def test_a_saved_plan_opens_its_instance_even_when_it_writes_nothing(
    make_project: MakeProject, closed: list[str], tmp_path: Path
) -> None:
    workspace = fleet(make_project)
    Run().one(workspace)
    (result,) = plan_fleet(workspace, ["staging"])
    assert result.value is not None and not result.value.writes
    saved = tmp_path / "plan.json"
    saved.write_text(dumps(result.value))
    closed.clear()
    run = Run()
    applied = apply(ApplyRequest(workspace, saved=saved, watch=run.watch)).finished()
    assert applied.report is None and applied.plan == result.value
    assert closed == ["staging"] and run.watched == []


def test_a_fleet_refused_on_one_instance_changes_none_and_asks_nothing(
    make_project: MakeProject, closed: list[str]
) -> None:
    workspace = with_a_team_to_delete(fleet(make_project), "prod-eu")
    before = stored(workspace.root, "prod-eu")
    closed.clear()
    run = Run()
    with pytest.raises(RefusedError, match="nothing was applied; prod-eu: the plan deletes"):
        run.fleet(workspace)
    assert [result.instance for result in run.shown] == NAMES
    assert run.asked == [] and run.watched == [] and run.reports == []
    assert not (workspace.root / ".gladcfg/state/staging.db").exists()
    assert stored(workspace.root, "prod-eu") == before
    assert sorted(closed) == sorted(NAMES)  # every session planned is closed


def test_a_fleet_is_confirmed_once_then_each_instance_applied_on_its_own(
    make_project: MakeProject, closed: list[str]
) -> None:
    workspace = fleet(make_project)
    Run().one(workspace, "staging")  # nothing left to write there
    closed.clear()
    run = Run()
    outcome = run.fleet(workspace, parallelism=2)
    assert run.asked == [["prod-us", "prod-eu"]]
    assert {watched.label for watched in run.watched} == {"prod-us", "prod-eu"}
    assert run.reports == [outcome] and not outcome.failed
    assert [result.instance for result in outcome.planned] == NAMES
    assert sorted(outcome.applied) == ["prod-eu", "prod-us"]
    assert all(result.value is not None and result.value.ok for result in outcome.applied.values())
    assert sorted(closed) == sorted(NAMES)
    assert all(not r.value.has_changes for r in plan_fleet(workspace, NAMES) if r.value)


def test_a_fleet_member_that_cannot_be_planned_fails_the_run_not_the_others(
    make_project: MakeProject,
) -> None:
    workspace = fleet(make_project)
    store = workspace.root / ".gladcfg/state/prod-eu.db"
    store.parent.mkdir(parents=True)
    store.write_text("torn")
    run = Run()
    outcome = run.fleet(workspace)
    (failed,) = (result for result in outcome.planned if not result.ok)
    assert failed.instance == "prod-eu" and "mock store" in str(failed.error)
    assert run.asked == [["staging", "prod-us"]] and outcome.failed
    assert sorted(outcome.applied) == ["prod-us", "staging"]


def test_a_fleet_apply_that_does_not_finish_fails_the_run(make_project: MakeProject) -> None:
    yaml = FLEET.replace("  prod-eu:\n", "  prod-eu:\n    faults: {fail_every: 1}\n")
    run = Run()
    outcome = run.fleet(fleet(make_project, yaml), confirm=None)  # approved already
    assert run.asked == []
    report = outcome.applied["prod-eu"].value
    assert report is not None and not report.ok and outcome.failed
    assert all(outcome.applied[name].value.ok for name in ("staging", "prod-us"))


def test_status_records_each_instance_and_explains_the_ones_that_failed(
    make_project: MakeProject,
) -> None:
    import datetime as dt

    workspace = fleet(make_project)
    Run().one(workspace, "staging")
    (workspace.root / ".gladcfg/state/prod-eu.db").write_text("torn")
    explained: list[tuple[str, GladcfgError | None]] = []

    def explain(name: str, error: GladcfgError | None) -> str:
        explained.append((name, error))
        return f"{name} failed"

    now = dt.datetime(2024, 5, 8, 12, 0, tzinfo=dt.UTC)
    document = check_status(workspace, NAMES, now=now, explain=explain)
    assert document.checked_at == "2024-05-08T12:00:00+00:00"
    assert document.week_start.startswith("2024-05-06T00:00:00")
    staging, prod_us, prod_eu = document.instances
    assert (staging.status, prod_us.status) == ("healthy", "drift")
    assert prod_us.drift is not None and prod_us.drift.create == 8
    assert prod_eu.status == "error" and prod_eu.error == "prod-eu failed"
    assert [name for name, _ in explained] == ["prod-eu"]
