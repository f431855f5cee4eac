"""The public API, pinned: what the engine and the plan model export is a promise to the
scripts built on them, so a name added or removed is a decision this test makes visible
(``gladcfg``'s own names are pinned in tests/cli/test_main.py). And the API works alone: a
project planned, applied and planned again with the engine's two entry points and nothing
else."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

import gladcfg
import gladcfg.engine
import gladcfg.model.plan
from gladcfg.config import Workspace
from gladcfg.engine import ApplyRequest, PlanRequest, apply, plan
from gladcfg.engine.session import open_instance
from gladcfg.errors import ConfigError, RefusedError
from gladcfg.model.plan import Action, Plan
from tests.clock import set_clock
from tests.conftest import BASE_RESOURCES, PROJECT_YAML, MakeProject

PUBLIC = {
    "gladcfg.engine": [
        "Applied",
        "ApplyReport",
        "ApplyRequest",
        "InstanceResult",
        "Outcome",
        "PlanRequest",
        "RemoteRead",
        "Status",
        "Watch",
        "apply",
        "load_saved_plan",
        "plan",
        "read_remote",
    ],
    "gladcfg.model.plan": [
        "Action",
        "Change",
        "CoverageImpact",
        "FieldDiff",
        "GapChange",
        "InboxImpact",
        "LanguageImpact",
        "Plan",
        "RoutedEntryPoint",
        "SafetyReport",
        "Snapshot",
        "Summary",
        "not_managed_order",
    ],
}
MODULES = {
    "gladcfg": gladcfg,
    "gladcfg.engine": gladcfg.engine,
    "gladcfg.model.plan": gladcfg.model.plan,
}


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_the_public_names_are_pinned_and_each_resolves(name: str) -> None:
    module = MODULES[name]
    assert module.__all__ == PUBLIC[name]
    for exported in module.__all__:
        assert getattr(module, exported) is not None, f"{name}.{exported}"


def test_the_engine_has_two_entry_points_each_taking_one_request() -> None:
    for entry, request in ((plan, PlanRequest), (apply, ApplyRequest)):
        parameters = inspect.signature(entry).parameters
        assert list(parameters) == ["request", "session"]
        assert parameters["request"].annotation in (request.__name__, request)
        assert parameters["session"].kind is inspect.Parameter.KEYWORD_ONLY


def test_importing_the_package_loads_nothing_heavy() -> None:
    probe = (
        "import sys, gladcfg; print(sorted(m for m in ('pydantic', 'jinja2') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "[]"


def test_plan_apply_and_plan_again_through_the_public_api_alone(
    make_project: MakeProject,
) -> None:
    root: Path = make_project({"config/base.yaml": BASE_RESOURCES})
    workspace = gladcfg.Workspace.open(root)
    first = plan(PlanRequest(workspace, "staging"))
    assert isinstance(first, Plan) and first.writes
    assert {change.action for change in first.writes} == {Action.CREATE}

    shown: list[Plan] = []
    asked: list[list[str]] = []
    applied = apply(
        ApplyRequest(
            gladcfg.Workspace.open(root),
            "staging",
            show=shown.append,
            confirm=lambda instances: asked.append(list(instances)),
        )
    ).finished()
    assert applied.report is not None and applied.report.ok
    assert len(applied.report.outcomes) == len(first.writes)
    assert shown == [applied.plan] and asked == [["staging"]]
    assert not plan(PlanRequest(gladcfg.Workspace.open(root), "staging")).has_changes
    # The other instance is untouched: the request named one.
    assert plan(PlanRequest(gladcfg.Workspace.open(root), "prod")).writes


def test_an_apply_request_is_refused_what_it_does_not_allow(make_project: MakeProject) -> None:
    legacy = BASE_RESOURCES.replace("teams:\n", "teams:\n  legacy: {description: Old}\n")
    root = make_project({"config/base.yaml": legacy})
    apply(ApplyRequest(gladcfg.Workspace.open(root), "staging")).finished()
    (root / "config/base.yaml").write_text(BASE_RESOURCES)
    project = root / "gladcfg.yaml"
    project.write_text(project.read_text().replace("  staging:\n", "  staging:\n    prune: true\n"))
    with pytest.raises(RefusedError, match=r"deletes 1 object\(s\) \(teams.legacy\)"):
        apply(ApplyRequest(gladcfg.Workspace.open(root), "staging"))
    allowed = ApplyRequest(gladcfg.Workspace.open(root), "staging", allow_delete=True)
    assert apply(allowed).finished().plan.deletes


def test_a_plan_applied_on_a_session_of_its_own_still_meets_the_freezes(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze = (
        "    freeze:\n      - {name: Black Friday, from: '2026-11-27T00:00', "
        "to: '2026-11-30T23:59', timezone: America/New_York}\n"
    )
    yaml = PROJECT_YAML.replace("  staging:\n", "  staging:\n" + freeze)
    root = make_project({"config/base.yaml": BASE_RESOURCES}, project_yaml=yaml)
    set_clock(monkeypatch, datetime(2026, 11, 28, 12, tzinfo=UTC))
    made = plan(PlanRequest(Workspace.open(root), "staging"))
    assert made.writes and any("would be refused" in warning for warning in made.warnings)
    request = ApplyRequest(Workspace.open(root), "staging", planned=made)
    with pytest.raises(RefusedError, match="staging is frozen until"):
        apply(request)
    assert not (root / ".gladcfg/state/staging.db").exists()
    applied = apply(replace(request, break_glass="an outage needs the new hours")).finished()
    assert applied.report is not None and applied.report.break_glass is not None


@pytest.mark.parametrize("package", [gladcfg, gladcfg.engine], ids=lambda p: p.__name__)
def test_no_public_name_is_also_a_module_of_the_package(package: ModuleType) -> None:
    """Importing a module ``x`` of a package sets the package's attribute ``x`` to it, so a
    public name that is also a module's would be that module once the module is imported."""
    folder = Path(package.__file__ or "").parent
    modules = {path.stem for path in folder.glob("*.py")} | {
        path.parent.name for path in folder.glob("*/__init__.py")
    }
    assert "run" in modules or "errors" in modules  # the folder is the package's
    assert not modules & set(package.__all__)


def test_the_example_in_the_design_page_runs(
    make_project: MakeProject, capsys: pytest.CaptureFixture[str]
) -> None:
    page = (Path(__file__).parent.parent / "docs/design.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"```python\n(.*?)```", page, flags=re.S)
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    exec(example.replace('"path/to/project"', repr(str(root))), {})
    assert "create=" in capsys.readouterr().out
    assert not plan(PlanRequest(Workspace.open(root), "staging")).has_changes


def test_a_plan_is_applied_only_to_the_instance_it_was_made_for(
    make_project: MakeProject,
) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    made = plan(PlanRequest(Workspace.open(root), "staging"))
    with pytest.raises(RefusedError, match="made for staging, not prod; nothing was applied"):
        apply(ApplyRequest(Workspace.open(root), "prod", planned=made))
    assert not (root / ".gladcfg/state/prod.db").exists()
    # Naming no instance, it goes to its own.
    applied = apply(ApplyRequest(Workspace.open(root), planned=made)).finished()
    assert applied.plan.instance == "staging" and applied.report is not None
    with pytest.raises(ValueError, match="the session is staging's, not prod's"):
        apply(
            ApplyRequest(Workspace.open(root), "prod"),
            session=open_instance(Workspace.open(root), "staging"),
        )


def test_a_session_whose_freezes_could_not_be_found_still_meets_them(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding open-hours freezes validates the files: while they are invalid the apply
    fails, and once they are fixed the same session still finds the freeze."""
    freeze = "    freeze:\n      - {name: live hours, during_open_hours: ['inboxes.*']}\n"
    yaml = PROJECT_YAML.replace("  staging:\n", "  staging:\n" + freeze)
    root = make_project({"config/base.yaml": BASE_RESOURCES}, project_yaml=yaml)
    set_clock(monkeypatch, datetime(2026, 11, 24, 15, tzinfo=UTC))  # a Tuesday, 10:00 in NY
    made = plan(PlanRequest(Workspace.open(root), "staging"))
    base = root / "config/base.yaml"
    base.write_text(BASE_RESOURCES.replace("inbox: support", "inbox: nowhere"))
    workspace = Workspace.open(root)
    with open_instance(workspace, "staging") as session:
        with pytest.raises(ConfigError):
            apply(ApplyRequest(workspace, "staging", planned=made), session=session)
        base.write_text(BASE_RESOURCES)
        workspace.release()  # read the files anew
        with pytest.raises(RefusedError, match="staging is frozen"):
            apply(ApplyRequest(workspace, "staging", planned=made), session=session)
    assert not (root / ".gladcfg/state/staging.db").exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"saved": Path("p.json"), "targets": ("teams.a",)},
            "applies whole and as it is: no targets",
        ),
        ({"saved": Path("p.json"), "confirm": print}, "no confirm"),
        ({"instance": "staging", "undo": True}, "undo applies a saved rollback plan"),
        ({}, "an apply of the files names its instance"),
    ],
)
def test_a_request_no_apply_can_carry_out_is_a_value_error(
    make_project: MakeProject, fields: dict[str, object], message: str
) -> None:
    workspace = Workspace.open(make_project({"config/base.yaml": BASE_RESOURCES}))
    with pytest.raises(ValueError, match=message):
        ApplyRequest(workspace, **fields)  # type: ignore[arg-type]
