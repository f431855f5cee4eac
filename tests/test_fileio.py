from __future__ import annotations

import stat
from pathlib import Path

import pytest

from gladcfg.errors import OutputFileError
from gladcfg.fileio import check_writable, save, write_atomically


def test_a_symlink_is_written_through_and_permissions_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "real/store.json"
    target.parent.mkdir()
    target.write_text("old")
    target.chmod(0o640)
    link = tmp_path / "store.json"
    link.symlink_to(target)
    status = write_atomically(link, "new")
    assert link.is_symlink() and target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert (status.st_ino, status.st_size) == (target.stat().st_ino, 3)
    assert [p.name for p in target.parent.iterdir()] == ["store.json"]  # no temporary left


def test_a_new_file_gets_the_usual_permissions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("gladcfg.fileio._UMASK", 0o027)  # read once, when gladcfg starts
    write_atomically(tmp_path / "a/plan.json", "{}")
    assert stat.S_IMODE((tmp_path / "a/plan.json").stat().st_mode) == 0o640


def test_unwritable_paths_are_refused_without_leaving_anything(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(OutputFileError, match="is a file, not a folder"):
        check_writable(tmp_path / "file/x/plan.json", "the plan")
    with pytest.raises(OutputFileError, match="not a regular file"):
        check_writable(Path("/dev/null"), "the plan")
    check_writable(tmp_path / "new/deeper/plan.json", "the plan")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]  # nothing created
    with pytest.raises(OutputFileError, match=r"cannot write the plan to .*file/plan\.json"):
        save(tmp_path / "file/plan.json", "{}", "the plan")


def test_a_write_that_fails_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        write_atomically(path, "a lone surrogate \udc80 cannot be encoded")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]
