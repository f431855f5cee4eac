"""``gladcfg pull``: changes made on an instance, written back into the resource files."""

from __future__ import annotations

from typing import Any

import click

from gladcfg.cli.context import AppContext
from gladcfg.cli.options import var_option


@click.command()
@click.option("-i", "--instance", metavar="NAME", help="Instance to pull from.")
@click.option("--dry-run", is_flag=True, help="Show what would be written; write nothing.")
@var_option
@click.pass_obj
def pull(app: AppContext, instance: str | None, dry_run: bool, variables: dict[str, Any]) -> int:
    """Write the instance's values into the files, field by field, in place.

    Comments, key order and formatting are kept. A field whose value comes from a template
    is listed, never overwritten. Afterwards plan is empty for every field pulled. Objects
    created on the instance are listed, with the export command that writes them.
    """
    from gladcfg.cli.options import selected_instances
    from gladcfg.config import Workspace
    from gladcfg.edit.pull import REMOVED, pull_instance, write
    from gladcfg.text import show, visible

    workspace = Workspace.open(app.root, variables)
    (name,) = selected_instances(
        workspace, (instance,) if instance else (), False, require_choice=True
    )
    result = pull_instance(workspace, name)
    if not result.edits and not result.skipped and not result.unmanaged:
        click.echo(f"Nothing to pull: the files match {name}.")
        return 0
    for edit in result.edits:
        before = "(not set)" if edit.before is REMOVED else show(edit.before)
        after = "(removed)" if edit.after is REMOVED else show(edit.after)
        click.echo(f"  {edit.file}: {edit.address}.{edit.field}: {before} → {after}")
    if result.skipped:
        click.echo(click.style("Not written:", bold=True), color=app.use_color)
        for skipped in result.skipped:
            where = f"{skipped.address}.{skipped.field}" if skipped.field else skipped.address
            click.echo(f"  {where}: {skipped.reason}")
    if result.unmanaged:
        click.echo(
            click.style(f"On {name} but declared in no file (created in the UI?):", bold=True),
            color=app.use_color,
        )
        for address in sorted(result.unmanaged):
            click.echo(f"  {visible(address)}")
        click.echo(
            f"  pull writes values only: 'gladcfg export -i {name} --out DIR' writes these "
            "as resource files to add to the project"
        )
    fields = len(result.edits)
    if dry_run:
        click.echo(f"Dry run: {fields} field(s) would be written to {len(result.files)} file(s).")
    else:
        write(workspace.root, result)
        click.echo(f"Pulled {fields} field(s) from {name} into {len(result.files)} file(s).")
    return 0
