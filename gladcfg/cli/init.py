"""``gladcfg init``: scaffold a working project; never overwrites a file."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click

from gladcfg.cli.context import AppContext
from gladcfg.errors import ScaffoldError


def scaffold_files() -> dict[str, str]:
    """Relative path → content of the starter project shipped in ``gladcfg/scaffold``."""
    root = resources.files("gladcfg") / "scaffold"
    files = {}
    stack = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        for entry in folder.iterdir():
            if entry.is_dir():
                stack.append((entry, f"{prefix}{entry.name}/"))
            elif entry.name.endswith(".yaml"):
                files[prefix + entry.name] = entry.read_text(encoding="utf-8")
    return dict(sorted(files.items()))


@click.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_obj
def init(app: AppContext, directory: Path | None) -> int:
    """Create a working project in DIRECTORY (default: the project folder).

    Two mock instances, staging and prod, and example resources that validate and plan.
    Refuses to overwrite any existing file.
    """
    target = directory if directory is not None else app.root
    files = scaffold_files()
    existing = [rel for rel in files if (target / rel).exists()]
    if existing:
        raise ScaffoldError(
            f"{target} already has {', '.join(existing)}; init never overwrites files "
            "(choose an empty folder)"
        )
    for rel, text in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    click.echo(f"created a gladcfg project in {target}:")
    for rel in files:
        click.echo(f"  {rel}")
    where = "" if target == app.root else f" -C {target}"
    click.echo(f"next: gladcfg{where} validate --all")
    return 0
