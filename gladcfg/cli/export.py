"""``gladcfg export``: write an instance's live configuration as resource files."""

from __future__ import annotations

from pathlib import Path

import click

from gladcfg.cli.context import AppContext
from gladcfg.cli.options import refresh_option
from gladcfg.errors import ScaffoldError


@click.command()
@click.option("-i", "--instance", required=True, metavar="NAME", help="Instance to export.")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the files (one per kind); existing files are never overwritten.",
)
@refresh_option
@click.pass_obj
def export(app: AppContext, instance: str, out: Path, refresh: bool) -> int:
    """Write INSTANCE's live configuration as resource files that plan finds unchanged."""
    from gladcfg.config import Workspace, validate
    from gladcfg.edit.export import export_state
    from gladcfg.engine import read_remote

    workspace = Workspace.open(app.root)
    (name,) = workspace.select([instance])
    # Kinds without a list (Gladly's answers) can only be found by the names the files
    # declare; invalid files simply mean fewer names.
    found = read_remote(
        workspace, name, lambda: validate(workspace, [name]).states[name], refresh=refresh
    )
    if found.state.snapshot is not None:
        from gladcfg.model.plan import Snapshot
        from gladcfg.render.values import snapshot_note

        click.echo(snapshot_note(Snapshot.of(found.state.snapshot)), err=True)
    result = export_state(found.state, found.capabilities.access, instance=name)
    existing = [f for f in result.files if (out / f).exists()]
    if existing:
        raise ScaffoldError(
            f"{out} already has {', '.join(existing)}; export never overwrites files"
        )
    out.mkdir(parents=True, exist_ok=True)
    for filename, text in result.files.items():
        (out / filename).write_text(text, encoding="utf-8")
        click.echo(f"wrote {out / filename}")
    for reason in result.skipped:
        click.echo(f"skipped {reason}", err=True)
    return 0
