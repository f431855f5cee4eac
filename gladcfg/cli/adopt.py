"""``gladcfg import``: adopt objects an instance holds into one resource file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from gladcfg.cli.context import AppContext
from gladcfg.cli.options import refresh_option, var_option


@click.command("import")
@click.argument("addresses", nargs=-1, required=True, metavar="ADDR…")
@click.option("-i", "--instance", metavar="NAME", help="Instance to import from.")
@click.option(
    "--out",
    "file",
    required=True,
    metavar="FILE",
    help="Resource file to write into, relative to the project folder: a new one, or one "
    "the objects are added to (comments and layout kept).",
)
@click.option("--dry-run", is_flag=True, help="Show what would be written; write nothing.")
@refresh_option
@var_option
@click.pass_obj
def adopt(
    app: AppContext,
    addresses: tuple[str, ...],
    instance: str | None,
    file: str,
    dry_run: bool,
    refresh: bool,
    variables: dict[str, Any],
) -> int:
    """Write the objects ADDR… (addresses or globs: 'answers.refund-*') of the instance
    into FILE, as export writes them, so that plan then finds them unchanged.

    Only objects no file declares for the instance are imported, and nothing in FILE is
    overwritten: either refuses the whole import. In a project of several instances each
    object is declared with 'instances: [NAME]'; widen it by hand to roll it out.
    """
    from gladcfg.cli.options import selected_instances
    from gladcfg.config import Workspace, load_desired
    from gladcfg.edit.adopt import adopt, check_file, chosen
    from gladcfg.engine import read_remote
    from gladcfg.fileio import check_writable, save
    from gladcfg.plan.specs import DesiredSpecs
    from gladcfg.render.values import snapshot_note
    from gladcfg.text import visible

    workspace = Workspace.open(app.root, variables)
    (name,) = selected_instances(
        workspace, (instance,) if instance else (), False, require_choice=True
    )
    check_file(workspace.root, file, workspace.project.resources)
    path = workspace.root / file
    if not dry_run:
        check_writable(path, "the imported objects")
    state = load_desired(workspace, name).states[name]
    declared = DesiredSpecs.of(state, where=True)
    found = read_remote(workspace, name, lambda: state, refresh=refresh)
    if found.state.snapshot is not None:
        from gladcfg.model.plan import Snapshot

        click.echo(snapshot_note(Snapshot.of(found.state.snapshot)), err=True)
    capabilities = found.capabilities
    objects = chosen(
        addresses,
        found.state,
        capabilities.access,
        declared,
        ignore=workspace.instance(name).ignore,
        unlisted=capabilities.unlisted,
    )
    adoption = adopt(
        workspace.root,
        file,
        objects,
        found.state,
        instance=name,
        scoped=len(workspace.project.instances) > 1,
    )
    for note in adoption.notes:
        click.echo(f"not written: {visible(note)}", err=True)
    listed = ", ".join(visible(a) for a in adoption.addresses)
    if dry_run:
        click.echo(adoption.text, nl=False)
        click.echo(f"Dry run: {len(objects)} object(s) would be written to {file}.", err=True)
        return 0
    save(path, adoption.text, "the imported objects")
    verb = "wrote" if adoption.created else "added to"
    click.echo(f"Imported {len(objects)} object(s) from {name}; {verb} {Path(file)}: {listed}")
    click.echo(f"'gladcfg plan -i {name}' finds them unchanged.")
    return 0
