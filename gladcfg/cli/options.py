"""Options several commands share."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from gladcfg.config import Workspace

F = TypeVar("F", bound=Callable[..., Any])


def instance_options(func: F) -> F:
    """``-i/--instance NAME`` (repeatable) and ``--all``."""
    func = click.option("--all", "all_", is_flag=True, help="Every instance in gladcfg.yaml.")(func)
    return click.option(
        "-i",
        "--instance",
        multiple=True,
        metavar="NAME",
        help="Instance to work on (repeatable).",
    )(func)


def selected_instances(workspace: Workspace, names: tuple[str, ...], all_: bool) -> list[str]:
    if names and all_:
        raise click.UsageError("give -i/--instance or --all, not both")
    return workspace.select(() if all_ else names)
