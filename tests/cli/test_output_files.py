"""--out and --rollback-out: a path that cannot be written is refused before anything is read
or changed; a write that fails anyway is a clean error; a symlink is written through."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from tests.cli.test_plan_apply import project as make
from tests.conftest import MakeProject, RunCli


def project(make_project: MakeProject) -> Path:
    root = make(make_project)
    (root / "link").symlink_to("config")
    return root


@pytest.fixture(autouse=True)
def in_a_folder_of_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "project").mkdir()
    monkeypatch.chdir(tmp_path / "project")


# Relative paths are the project's (each test runs from a folder of its own).
UNWRITABLE = {
    "under-a-file": ("gladcfg.yaml/plan.json", "is a file, not a folder"),
    "deeper-under-a-file": ("gladcfg.yaml/a/b/plan.json", "is a file, not a folder"),
    "a-folder": ("config", "'config' is a directory"),
    "a-symlink-to-a-folder": ("link", "'link' is a directory"),
    "a-device": ("/dev/null", "it is not a regular file"),
    "a-pseudo-file-system": ("/sys/gladcfg-plan.json", "Permission denied"),
}


@pytest.mark.parametrize("case", UNWRITABLE, ids=list(UNWRITABLE))
def test_an_unwritable_rollback_out_is_refused_before_any_change(
    make_project: MakeProject, run_cli: RunCli, case: str
) -> None:
    root = project(make_project)
    path, reason = UNWRITABLE[case]
    result = run_cli("-C", root, "apply", "--auto-approve", "--rollback-out", path)
    assert result.exit_code == 1, result.output
    assert reason in result.stderr and path in result.stderr
    assert "internal error" not in result.output
    assert not (root / ".gladcfg/state/staging.db").exists()
    assert "Traceback" not in result.output


@pytest.mark.parametrize("case", UNWRITABLE, ids=list(UNWRITABLE))
def test_an_unwritable_plan_out_is_refused_before_the_instance_is_read(
    make_project: MakeProject, run_cli: RunCli, case: str
) -> None:
    root = project(make_project)
    path, reason = UNWRITABLE[case]
    result = run_cli("-C", root, "plan", "--out", path)
    assert result.exit_code == 1, result.output
    assert reason in result.stderr and path in result.stderr
    assert "gladcfg plan for" not in result.stdout  # refused first


def test_a_read_only_folder_is_refused(
    make_project: MakeProject, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As root, chmod stops nothing: a read-only file system is what refuses new files."""
    root = project(make_project)
    (root / "out/new").mkdir(parents=True)
    real_mkstemp = __import__("tempfile").mkstemp

    def read_only(*args: object, dir: str | Path, **kwargs: object) -> tuple[int, str]:
        if Path(dir).name in ("out", "new"):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        return real_mkstemp(*args, dir=dir, **kwargs)  # type: ignore[no-any-return]

    monkeypatch.setattr("tempfile.mkstemp", read_only)
    for path in ("out/rollback.json", "out/new/deeper/rollback.json"):
        result = run_cli("-C", root, "apply", "--auto-approve", "--rollback-out", path)
        assert result.exit_code == 1, result.output
        assert f"cannot write the rollback plan to {path}: " in result.stderr
        assert "Read-only file system" in result.stderr
    assert not (root / ".gladcfg/state/staging.db").exists()


def test_a_disk_full_when_saving_the_rollback_is_a_clean_error(
    make_project: MakeProject, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(make_project)
    import gladcfg.fileio

    real = gladcfg.fileio.write_atomically

    def full(path: Path, text: str, **kwargs: bool) -> os.stat_result:
        if path.name == "rollback.json":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(path, text, **kwargs)

    monkeypatch.setattr(gladcfg.fileio, "write_atomically", full)
    result = run_cli("-C", root, "apply", "--auto-approve", "--rollback-out", "rollback.json")
    assert result.exit_code == 1, result.output
    assert "Apply to staging: 8 applied" in result.stdout
    assert (
        "error: cannot write the rollback plan to rollback.json: No space left on device"
        in result.stderr
    )
    assert "internal error" not in result.output


def test_symlinked_outputs_are_written_through(make_project: MakeProject, run_cli: RunCli) -> None:
    root = project(make_project)
    (root / "plans").mkdir()
    (root / "plan.json").symlink_to("plans/latest.json")  # dangling until the first plan
    (root / "rollback.json").symlink_to("plans/rollback.json")
    assert run_cli("-C", root, "plan", "--out", "plan.json").exit_code == 0
    assert (root / "plan.json").is_symlink()
    assert json.loads((root / "plans/latest.json").read_text())["instance"] == "staging"
    applied = run_cli("-C", root, "apply", "plan.json", "--rollback-out", "rollback.json")
    assert applied.exit_code == 0, applied.output
    assert (root / "rollback.json").is_symlink()
    assert len(json.loads((root / "plans/rollback.json").read_text())["changes"]) == 8


INPUTS = {
    "the-store": (".gladcfg/state/staging.db", "the store of the mock instance staging"),
    "the-store-by-a-symlink": ("store-link.json", "the store of the mock instance staging"),
    "the-store-log": (".gladcfg/state/staging.db-wal", "the store of the mock instance staging"),
    "the-project-file": ("gladcfg.yaml", "the project's gladcfg.yaml"),
    "a-resource-file": ("config/base.yaml", "the resource file config/base.yaml"),
    "a-resource-file-by-its-folder-link": ("link/base.yaml", "the resource file config"),
}


@pytest.mark.parametrize("case", INPUTS, ids=list(INPUTS))
def test_an_output_file_never_replaces_what_the_project_reads(
    make_project: MakeProject, run_cli: RunCli, case: str
) -> None:
    """A plan saved over a mock store would wipe that instance; over a file, the config."""
    root = project(make_project)
    assert run_cli("apply", "--auto-approve").exit_code == 0
    (root / "store-link.json").symlink_to(".gladcfg/state/staging.db")
    (root / "config/base.yaml").write_text(
        (root / "config/base.yaml").read_text().replace("Tier 1", "Front line")
    )
    path, words = INPUTS[case]
    watched = [root / "gladcfg.yaml", root / "config/base.yaml", root / ".gladcfg/state"]
    before = {
        p: sorted((f.name, f.read_bytes()) for f in p.iterdir()) if p.is_dir() else p.read_bytes()
        for p in watched
    }
    for args in (["plan", "--out", path], ["apply", "--auto-approve", "--rollback-out", path]):
        result = run_cli(*args)
        assert result.exit_code == 1, result.output
        assert words in result.stderr and "which it would destroy" in result.stderr
    after = {
        p: sorted((f.name, f.read_bytes()) for f in p.iterdir()) if p.is_dir() else p.read_bytes()
        for p in watched
    }
    assert after == before


def test_the_rollback_plan_never_replaces_the_plan_being_applied(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = project(make_project)
    assert run_cli("plan", "--out", "plan.json").exit_code == 0
    saved = (root / "plan.json").read_bytes()
    result = run_cli("apply", "plan.json", "--rollback-out", "plan.json")
    assert result.exit_code == 1 and "it is the plan being applied" in result.stderr
    assert (root / "plan.json").read_bytes() == saved
    assert not (root / ".gladcfg/state/staging.db").exists()
