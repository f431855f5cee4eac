"""An instance's session: the adapter is opened when first needed and closed however the
session ends; the remote is read by the declared names when the adapter cannot list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gladcfg.config import DesiredState, Workspace, load_desired
from gladcfg.engine import read_remote
from gladcfg.engine import session as session_module
from gladcfg.engine.session import open_instance
from gladcfg.errors import AdapterError, ConfigError, RefusedError
from gladcfg.plan.specs import DesiredSpecs
from tests.conftest import BASE_RESOURCES, PROJECT_YAML, MakeProject, RunCli

GLADLY_PROD = PROJECT_YAML.replace(
    "  prod:\n",
    "  prod:\n    adapter: gladly\n    base_url: https://acme.gladly.com\n"
    "    user: ops@acme.example\n    token_env: GLADCFG_TEST_UNSET_TOKEN\n",
)


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Makes every mock adapter read by name, as Gladly's does for answers; gives the hints
    each read was asked with."""
    hints: list[Any] = []
    real = session_module.open_adapter

    def by_name(*args: Any) -> Any:
        adapter = real(*args)
        read = adapter.read

        def recording(wanted: Any = None, *, refresh: bool = True) -> Any:
            hints.append(wanted)
            return read(wanted, refresh=refresh)

        monkeypatch.setattr(adapter, "reads_by_name", True)
        monkeypatch.setattr(adapter, "read", recording)
        return adapter

    monkeypatch.setattr(session_module, "open_adapter", by_name)
    return hints


def project(make_project: MakeProject) -> Workspace:
    return Workspace.open(make_project({"config/base.yaml": BASE_RESOURCES}))


def test_the_adapter_is_closed_when_reading_the_instance_fails(
    make_project: MakeProject, closed: list[str]
) -> None:
    workspace = project(make_project)
    store = workspace.root / ".gladcfg/state/staging.db"
    store.parent.mkdir(parents=True)
    store.write_text("torn")
    with pytest.raises(AdapterError, match="mock store"), open_instance(workspace, "staging") as s:
        s.plan()
    assert closed == ["staging"]


def test_the_adapter_is_closed_when_planning_fails_after_the_read(
    make_project: MakeProject, closed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("a bug in the planner")

    monkeypatch.setattr(session_module, "plan_instance", broken)
    with pytest.raises(RuntimeError), open_instance(project(make_project), "staging") as session:
        session.plan()
    assert closed == ["staging"]


def test_the_adapter_is_closed_when_applying_is_refused(
    make_project: MakeProject, closed: list[str]
) -> None:
    workspace = project(make_project)
    with open_instance(workspace, "staging") as session:
        stale = session.plan()
        assert session.apply(session.plan()).ok  # the instance changes after `stale` was made
    assert closed == ["staging"]
    with (
        pytest.raises(RefusedError, match="not as this plan found it"),
        open_instance(workspace, "staging") as session,
    ):
        session.apply(stale)
    assert closed == ["staging", "staging"]


def test_invalid_files_are_reported_before_the_adapter_is_opened(
    make_project: MakeProject,
) -> None:
    """The gladly instance has no token: opening its adapter would fail, but the files are
    checked first, and they are invalid."""
    root = make_project(
        {"config/base.yaml": BASE_RESOURCES, "config/bad.yaml": "teams:\n  x: {nope: 1}\n"},
        project_yaml=GLADLY_PROD,
    )
    with pytest.raises(ConfigError), open_instance(Workspace.open(root), "prod") as session:
        session.plan()


def test_a_session_never_used_opens_nothing(make_project: MakeProject, closed: list[str]) -> None:
    with open_instance(project(make_project), "staging"):
        pass
    assert closed == []


def test_read_remote_asks_an_adapter_that_reads_by_name_for_the_declared_names(
    make_project: MakeProject, asked: list[Any], closed: list[str]
) -> None:
    resources = BASE_RESOURCES.replace(
        "  tier1: {description: Tier 1}\n",
        "  tier1: {description: Tier 1}\n  tier2: {renamed_from: second}\n",
    )
    workspace = Workspace.open(make_project({"config/base.yaml": resources}))
    state = load_desired(workspace, "staging").states["staging"]
    found = read_remote(workspace, "staging", lambda: state)
    assert asked == [DesiredSpecs.of(state).read_hints()] and found.hints == asked[0]
    assert set(asked[0]["teams"]) == {"tier1", "tier2", "second"}  # the old name too
    assert found.capabilities.adapter == "mock" and closed == ["staging"]


def test_read_remote_needs_no_names_from_an_adapter_that_lists_everything(
    make_project: MakeProject, closed: list[str]
) -> None:
    def never() -> DesiredState:
        raise AssertionError("the files are not needed to list an instance")

    found = read_remote(project(make_project), "staging", never)
    assert found.hints is None and found.state.of("teams") == {}
    assert closed == ["staging"]


def test_export_reads_the_names_of_valid_files_and_diff_refuses_invalid_ones(
    make_project: MakeProject, run_cli: RunCli, asked: list[Any], tmp_path: Path
) -> None:
    """Export asks by the names the files declare, invalid files or not (they only mean
    fewer names); diff compares validated files only, even against the live instances."""
    root = make_project(
        {"config/base.yaml": BASE_RESOURCES, "config/bad.yaml": "teams:\n  x: {nope: 1}\n"}
    )
    exported = run_cli("-C", root, "export", "-i", "staging", "--out", tmp_path / "out")
    assert exported.exit_code == 0, exported.output
    (hints,) = asked
    assert "tier1" in hints["teams"] and "closed" in hints["answers"]
    diff = run_cli("-C", root, "diff", "staging", "prod", "--remote")
    assert diff.exit_code == 1 and "nope" in diff.stderr
    assert len(asked) == 1
