"""``gladcfg fmt``: rewrite the project's resource files in the canonical layout
(:mod:`gladcfg.edit.fmt`), or with ``--check`` only list those that are not in it.

The files are the ones ``resources:`` in gladcfg.yaml finds, walked as every command walks
them (never through a symlink out of the project). A file fmt cannot lay out safely (a
template that is not YAML as written) is named on stderr and left as it is; it does not fail
the run, since such templates are legitimate and ``validate`` is the judge of them.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from gladcfg.cli.context import AppContext
from gladcfg.errors import FileProblem, ProjectError


@click.command()
@click.option("--check", is_flag=True, help="Write nothing; list files not in the layout, exit 1.")
@click.argument("paths", nargs=-1, metavar="[PATH]...", type=click.Path(path_type=Path))
@click.pass_obj
def fmt(app: AppContext, check: bool, paths: tuple[Path, ...]) -> int:
    """Rewrite resource files in one canonical layout, keeping comments and template lines.

    PATH (a resource file or a folder, relative to the project) limits it to those files.
    With --check, exit 1 when some file would change.
    """
    from gladcfg.cli.output import shown_lines
    from gladcfg.config import Workspace
    from gladcfg.config.files import read_text
    from gladcfg.edit.fmt import Unformattable, format_text
    from gladcfg.fileio import write_atomically

    workspace = Workspace.open(app.root)
    changed = 0
    for rel in selected_files(workspace.root, workspace.files, paths):
        path = workspace.root / rel
        try:
            text = read_text(path)
            formatted = format_text(text)
        except (FileProblem, Unformattable) as exc:
            why = exc.message if isinstance(exc, FileProblem) else exc.reason
            click.echo(shown_lines(f"not formatted: {rel}: {why}"), err=True)
            continue
        if formatted == text:
            continue
        changed += 1
        if check:
            click.echo(shown_lines(f"would reformat {rel}"))
        else:
            write_atomically(path, formatted)
            click.echo(shown_lines(f"formatted {rel}"))
    return 1 if check and changed else 0


def selected_files(root: Path, files: list[str], paths: tuple[Path, ...]) -> list[str]:
    """The resource files (relative POSIX paths) that ``paths`` name, each once, in the
    project's order; all of them when none are named.

    Raises ProjectError for a path outside the project, or one that names no resource
    file."""
    if not paths:
        return _each_file_once(root, files)
    chosen: set[str] = set()
    root_real = os.path.realpath(root)
    for given in paths:
        full = os.path.abspath(root / given)
        rel = Path(os.path.relpath(full, os.path.abspath(root))).as_posix()
        if rel == ".." or rel.startswith("../") or not _within(full, root_real):
            raise ProjectError(f"{given}: is outside the project folder {root}")
        if rel == ".":
            chosen.update(files)
            continue
        found = [f for f in files if f == rel or f.startswith(rel + "/")]
        if not found:
            what = "no such file or folder" if not os.path.lexists(full) else _not_matched(full)
            raise ProjectError(f"{given}: {what}")
        chosen.update(found)
    return _each_file_once(root, [f for f in files if f in chosen])


def _within(full: str, root_real: str) -> bool:
    real = os.path.realpath(full)
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


def _not_matched(full: str) -> str:
    if os.path.isdir(full):
        return "holds no resource file (no file under it matches resources: in gladcfg.yaml)"
    return "is not a resource file (resources: in gladcfg.yaml does not match it)"


def _each_file_once(root: Path, files: list[str]) -> list[str]:
    """``files`` less those that are links to one already listed."""
    seen: set[str] = set()
    kept = []
    for rel in files:
        real = os.path.realpath(root / rel)
        if real not in seen:
            seen.add(real)
            kept.append(rel)
    return kept
