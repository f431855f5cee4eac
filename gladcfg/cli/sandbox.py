"""``gladcfg sandbox serve``: a local server speaking Gladly's API, from a JSON file."""

from __future__ import annotations

from pathlib import Path

import click

from gladcfg.cli.context import AppContext, Group


@click.group(cls=Group)
def sandbox() -> None:
    """A local Gladly API stand-in (needs gladcfg[sandbox])."""


@sandbox.command()
@click.option(
    "--state",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="JSON file holding the sandbox's data (created if missing).",
)
@click.option("--port", type=click.IntRange(0, 65535), default=8787, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Loopback by default.")
@click.option("--token", help="Accept only this API token (any user); default: accept any.")
@click.option(
    "--faults",
    metavar="SPEC",
    help="e.g. 429_every=5,500_every=7,html_every=9,drop_every=11,truncate_every=13,latency_ms=20",
)
@click.option(
    "--rate",
    "rate",
    type=click.IntRange(1, 1000),
    default=10,
    show_default=True,
    help="Requests per second per method, as Gladly's default.",
)
@click.pass_obj
def serve(
    app: AppContext,
    state: Path,
    port: int,
    host: str,
    token: str | None,
    faults: str | None,
    rate: int,
) -> int:
    """Serve Gladly's API shape on http://HOST:PORT/api/v1, with /_admin for the admin UI."""
    from gladcfg.sandbox import make_server

    server = make_server(
        state, host=host, port=port, token=token, faults=faults, requests_per_second=rate
    )
    click.echo(f"gladcfg sandbox on http://{host}:{port} (state {state}); Ctrl-C to stop", err=True)
    server.run()
    return 0
