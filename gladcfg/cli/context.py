"""What the global options decide, handed to every command."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import click


@dataclass(frozen=True)
class AppContext:
    root: Path
    color: bool | None  # None: colour when the stream is a terminal
    verbose: int
    # --var KEY=VALUE given before the command; a command's own --var is over these.
    variables: Mapping[str, Any] = field(default_factory=dict)

    @property
    def use_color(self) -> bool | None:
        if self.color is False or os.environ.get("NO_COLOR"):
            return False
        return self.color


class Group(click.Group):
    """Lists commands in the order they were added (the order of a typical workflow), each
    with the whole first sentence of its help, wrapped rather than cut with "...": a list
    of commands that hides what they do is no help."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [
            (name, command.get_short_help_str(limit=10_000))
            for name, command in self.commands.items()
            if not command.hidden
        ]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def is_terminal(stream: IO[str] | None) -> bool:
    """Whether ``stream`` is an open terminal; a closed or missing one (``<&-``) is not."""
    if stream is None:
        return False
    try:
        return not stream.closed and stream.isatty()
    except (ValueError, OSError):
        return False


def stdin_is_terminal() -> bool:
    return is_terminal(sys.stdin)
