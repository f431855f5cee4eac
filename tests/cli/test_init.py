from __future__ import annotations

from pathlib import Path

from gladcfg.config import Workspace, validate
from tests.conftest import RunCli


def test_init_creates_a_project_that_validates_strictly(tmp_path: Path, run_cli: RunCli) -> None:
    target = tmp_path / "new"
    result = run_cli("init", target)
    assert result.exit_code == 0, result.output
    assert (target / "gladcfg.yaml").is_file()
    assert f"next: gladcfg -C {target} validate --all" in result.stdout
    checked = run_cli("-C", target, "validate", "--all", "--strict")
    assert checked.exit_code == 0, checked.output
    workspace = Workspace.open(target)
    assert list(workspace.project.instances) == ["staging", "prod"]
    report = validate(workspace, workspace.select())
    assert report.problems == []
    # Every kind is shown in the starter project.
    state = report.states["prod"]
    assert state.settings is not None
    assert all(state.declared(kind) for kind in state.resources)


def test_init_refuses_to_overwrite(tmp_path: Path, run_cli: RunCli) -> None:
    target = tmp_path / "new"
    assert run_cli("init", target).exit_code == 0
    (target / "gladcfg.yaml").write_text("# mine\n")
    again = run_cli("init", target)
    assert again.exit_code == 1
    assert "never overwrites" in again.stderr and "gladcfg.yaml" in again.stderr
    assert (target / "gladcfg.yaml").read_text() == "# mine\n"


def test_init_defaults_to_the_project_folder(tmp_path: Path, run_cli: RunCli) -> None:
    result = run_cli("-C", tmp_path, "init")
    assert result.exit_code == 0
    assert "next: gladcfg validate --all" in result.stdout
    assert (tmp_path / "config").is_dir()
