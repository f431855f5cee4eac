"""Files are found and read without ever leaving the project."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from gladcfg.config.files import glob_matcher, match_resource_files, read_text
from gladcfg.errors import FileProblem
from tests.conftest import BASE_RESOURCES, PROJECT_YAML, MakeProject, RunCli


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("config/**/*.yaml", "config/a.yaml", True),
        ("config/**/*.yaml", "config/x/y/a.yaml", True),
        ("config/**/*.yaml", "other/a.yaml", False),
        ("config/*.yaml", "config/x/a.yaml", False),
        ("config/?.yaml", "config/a.yaml", True),
        ("config/[ab].yaml", "config/b.yaml", True),
        ("config/[!ab].yaml", "config/b.yaml", False),
        ("**", "deep/a.yaml", True),
        ("a+b.yaml", "a+b.yaml", True),
    ],
)
def test_glob_matcher(pattern: str, path: str, matches: bool) -> None:
    assert bool(glob_matcher(pattern).fullmatch(path)) is matches


def test_match_skips_tool_folders_and_reports_unused_patterns(tmp_path: Path) -> None:
    for rel in ["config/a.yaml", "config/sub/b.yaml", ".git/x.yaml", ".venv/y.yaml"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    match, outside = match_resource_files(tmp_path, ["**/*.yaml", "none/*.yaml", "../x/*.yaml"])
    assert match.files == ["config/a.yaml", "config/sub/b.yaml"]
    assert match.empty == [1]
    assert match.escapes == [
        (2, "uses '..'; resource globs never reach outside the project folder")
    ]
    assert outside == []


@pytest.mark.parametrize(
    ("glob", "why"),
    [
        ("/etc/*.yaml", "absolute path"),
        ("../shared/*.yaml", "uses '..'"),
        ("C:/x/*.yaml", "absolute"),
    ],
)
def test_globs_that_leave_the_project_are_errors(
    make_project: MakeProject, run_cli: RunCli, glob: str, why: str
) -> None:
    project = PROJECT_YAML.replace(
        'resources: ["config/**/*.yaml"]', f'resources: ["config/*.yaml", "{glob}"]'
    )
    root = make_project({"config/base.yaml": BASE_RESOURCES}, project_yaml=project)
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    assert "gladcfg.yaml:2:" in result.stderr and why in result.stderr


def test_symlinks_out_of_the_project_are_refused(
    tmp_path: Path, make_project: MakeProject, run_cli: RunCli
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("teams: {x: {}}\n")
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    os.symlink(outside / "secret.yaml", root / "config" / "leak.yaml")
    os.symlink(outside, root / "config" / "linked")
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    assert "config/leak.yaml: error: symlink leaves the project folder" in result.stderr
    assert "config/linked: error: symlink leaves the project folder" in result.stderr


def test_unreadable_inputs_are_clean_errors(
    tmp_path: Path, make_project: MakeProject, run_cli: RunCli
) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    (root / "config" / "binary.yaml").write_bytes(b"teams:\n\x00\x01\x02")
    (root / "config" / "latin1.yaml").write_bytes("teams:\n  caf\xe9: {}\n".encode("latin-1"))
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    assert "config/binary.yaml:2: error: is a binary file" in result.stderr
    assert "config/latin1.yaml:2: error: is not UTF-8 text (byte 0xe9" in result.stderr


def test_file_size_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gladcfg.config import files

    monkeypatch.setattr(files, "MAX_FILE_BYTES", 10)
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 100)
    with pytest.raises(FileProblem, match="the limit is"):
        read_text(path)
    with pytest.raises(FileProblem, match="cannot read"):
        read_text(tmp_path / "missing.yaml")


def test_bom_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert read_text(path) == "a: 1\n"


def test_only_regular_files_are_read_and_never_waited_on(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    """A FIFO matched by the globs would block a read forever: refused before it is opened;
    a symlink loop is unreadable, and says so."""
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    os.mkfifo(root / "config/pipe.yaml")
    (root / "config/loop.yaml").symlink_to("loop.yaml")
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    assert (
        "config/pipe.yaml: error: is a FIFO (named pipe), not a regular file; gladcfg reads "
        "only regular files" in result.stderr
    )
    assert (
        "config/loop.yaml: error: cannot read: Too many levels of symbolic links" in result.stderr
    )
    assert "internal error" not in result.output


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p.mkdir(), "is a folder"),
        (os.mkfifo, "is a FIFO"),
        (lambda p: p.symlink_to(p.name), "cannot read: Too many levels of symbolic links"),
        (lambda p: p.symlink_to("/dev/zero"), "is a device"),
    ],
    ids=["folder", "fifo", "loop", "device"],
)
def test_read_text_refuses_what_is_not_a_regular_file(
    tmp_path: Path, make: Callable[[Path], None], words: str
) -> None:
    path = tmp_path / "x.yaml"
    make(path)
    with pytest.raises(FileProblem, match=words):
        read_text(path)


def test_a_file_that_grows_past_the_limit_while_read_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gladcfg.config import files

    path = tmp_path / "x.yaml"
    path.write_text("a: 1\n")
    real_fstat = os.fstat

    def stale_fstat(fd: int) -> os.stat_result:
        path.write_text("a: " + "x" * 100)  # grows between the size check and the read
        return real_fstat(fd)

    monkeypatch.setattr(files, "MAX_FILE_BYTES", 50)
    monkeypatch.setattr(files.os, "fstat", stale_fstat)
    with pytest.raises(FileProblem, match="the limit is"):
        read_text(path)


@pytest.mark.parametrize("depth", [2, 8, 24])
def test_globs_match_in_linear_time_however_many_double_stars(depth: int) -> None:
    """``**/**/…`` would backtrack polynomially in Python's re; RE2 does not."""
    matcher = glob_matcher("**/" * depth + "*.yaml")
    path = "/".join(["d"] * 200) + "/x.yml"
    assert matcher.fullmatch(path) is None
    assert matcher.fullmatch("a/b/c.yaml") is not None


def test_a_glob_that_does_not_translate_is_an_error_in_gladcfg_yaml(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    project = PROJECT_YAML.replace(
        'resources: ["config/**/*.yaml"]', 'resources: ["config/[z-a].yaml", "config/**/*.yaml"]'
    )
    root = make_project({"config/base.yaml": BASE_RESOURCES}, project_yaml=project)
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    assert "gladcfg.yaml:2:" in result.stderr
    assert "'config/[z-a].yaml' is not a glob gladcfg can match" in result.stderr
