"""gladcfg fmt on real projects: the scaffold is canonical, a messy file is found by --check
and fixed by fmt, and nothing a file means changes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from gladcfg.config import Workspace
from gladcfg.yamlio.loader import load
from tests.conftest import BASE_RESOURCES, MakeProject, RunCli

ACME = Path(__file__).resolve().parents[2] / "examples" / "acme"

MESSY = """\
teams:
    tier2:   # the first line
        instances: [staging, prod]
        description: Tier 1   \n\
    # billing specialists
    billing:
        description: Billing
        renamed_from: money


"""


def rendered(root: Path) -> dict[tuple[str, str], object]:
    """Every instance's rendering of every resource file, loaded."""
    workspace = Workspace.open(root)
    return {
        (name, rel): load(workspace.rendered(rel, workspace.context(name))).data
        for name in workspace.select()
        for rel in workspace.files
    }


def test_an_init_project_is_already_formatted(tmp_path: Path, run_cli: RunCli) -> None:
    assert run_cli("init", tmp_path / "new").exit_code == 0
    checked = run_cli("-C", tmp_path / "new", "fmt", "--check")
    assert (checked.exit_code, checked.output) == (0, "")


def test_check_lists_a_messy_file_and_fmt_fixes_it(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES, "config/messy.yaml": MESSY})
    messy = root / "config/messy.yaml"
    messy.chmod(0o640)
    validated = run_cli("-C", root, "validate")
    planned = run_cli("-C", root, "plan", "-i", "staging")
    assert (validated.exit_code, planned.exit_code) == (0, 0), validated.output + planned.output
    before = rendered(root)

    checked = run_cli("-C", root, "fmt", "--check")
    assert (checked.exit_code, checked.stdout) == (1, "would reformat config/messy.yaml\n")
    assert messy.read_text() == MESSY

    fixed = run_cli("-C", root, "fmt")
    assert (fixed.exit_code, fixed.stdout) == (0, "formatted config/messy.yaml\n")
    assert messy.read_text() == (
        "teams:\n"
        "  tier2:     # the first line\n"
        "    instances: [staging, prod]\n"
        "    description: Tier 1\n"
        "  # billing specialists\n"
        "  billing:\n"
        "    renamed_from: money\n"
        "    description: Billing\n"
    )
    assert messy.stat().st_mode & 0o777 == 0o640
    assert rendered(root) == before
    assert run_cli("-C", root, "validate").output == validated.output
    assert run_cli("-C", root, "plan", "-i", "staging").output == planned.output
    again = run_cli("-C", root, "fmt", "--check")
    assert (again.exit_code, again.output) == (0, "")
    assert run_cli("-C", root, "fmt").output == ""  # nothing to write: nothing written


def test_acme_keeps_validating_and_rendering_the_same(tmp_path: Path, run_cli: RunCli) -> None:
    root = tmp_path / "acme"
    shutil.copytree(ACME, root, ignore=shutil.ignore_patterns(".gladcfg"))
    before = rendered(root)
    result = run_cli("-C", root, "fmt")
    assert result.exit_code == 0, result.output
    assert "not formatted" not in result.stderr
    assert rendered(root) == before
    valid = run_cli("-C", root, "validate", "--all")
    assert valid.exit_code == 0, valid.output


def test_paths_limit_what_is_formatted(make_project: MakeProject, run_cli: RunCli) -> None:
    root = make_project({"config/a.yaml": MESSY, "config/sub/b.yaml": MESSY})
    only = run_cli("-C", root, "fmt", "--check", "config/sub")
    assert (only.exit_code, only.stdout) == (1, "would reformat config/sub/b.yaml\n")
    one = run_cli("-C", root, "fmt", "config/a.yaml", root / "config/a.yaml")
    assert one.stdout == "formatted config/a.yaml\n"
    everything = run_cli("-C", root, "fmt", "--check", ".")
    assert everything.stdout == "would reformat config/sub/b.yaml\n"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("..", "is outside the project folder"),
        ("/etc/passwd", "is outside the project folder"),
        ("gladcfg.yaml", "is not a resource file"),
        ("missing.yaml", "no such file or folder"),
        ("docs", "holds no resource file"),
    ],
)
def test_a_path_that_is_not_a_resource_file_is_an_error(
    make_project: MakeProject, run_cli: RunCli, path: str, message: str
) -> None:
    root = make_project({"config/a.yaml": MESSY, "docs/notes.txt": "hi\n"})
    result = run_cli("-C", root, "fmt", path)
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output
    assert (root / "config/a.yaml").read_text() == MESSY


def test_symlinks_never_lead_out_of_the_project(
    make_project: MakeProject, run_cli: RunCli, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.yaml").write_text(MESSY)
    root = make_project({"config/a.yaml": "teams: {}\n"})
    (root / "linked").symlink_to(outside, target_is_directory=True)
    result = run_cli("-C", root, "fmt", "linked/x.yaml")
    assert result.exit_code == 1 and "outside the project" in result.stderr
    (root / "config/same.yaml").symlink_to(root / "config/a.yaml")
    (root / "config/a.yaml").write_text(MESSY)
    twice = run_cli("-C", root, "fmt", "--check")
    assert twice.stdout == "would reformat config/a.yaml\n"  # one file, listed once
    assert run_cli("-C", root, "fmt").exit_code == 0
    assert (root / "config/same.yaml").is_symlink()
    assert (outside / "x.yaml").read_text() == MESSY
    os.unlink(root / "linked")


def test_a_file_fmt_cannot_read_as_yaml_is_reported_and_left(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    template = "{% if true %}\nteams: {}\n{% endif %}\n"
    root = make_project({"config/a.yaml": template, "config/b.yaml": MESSY})
    (root / "config/c.yaml").write_bytes(b"teams: \xff\n")
    result = run_cli("-C", root, "fmt")
    assert result.exit_code == 0
    assert "not formatted: config/a.yaml: not YAML as written (line 1)" in result.stderr
    assert "not formatted: config/c.yaml: is not UTF-8 text" in result.stderr
    assert result.stdout == "formatted config/b.yaml\n"
    assert (root / "config/a.yaml").read_text() == template
