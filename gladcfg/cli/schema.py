"""``gladcfg schema``: write the JSON Schemas of gladcfg.yaml, resource files and plans."""

from __future__ import annotations

from pathlib import Path

import click

from gladcfg.cli.context import AppContext


@click.command()
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the schemas to (created if missing).",
)
@click.pass_obj
def schema(app: AppContext, out: Path) -> int:
    """Write the JSON Schemas (editors use them through yaml-language-server)."""
    from gladcfg.render.schemas import generate_schemas

    out.mkdir(parents=True, exist_ok=True)
    for filename, text in generate_schemas().items():
        (out / filename).write_text(text, encoding="utf-8")
        click.echo(f"wrote {out / filename}")
    return 0
