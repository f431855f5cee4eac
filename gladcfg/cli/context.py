"""What the global options decide, handed to every command."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import click

from gladcfg.lazy import imported


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
    of commands that hides what they do is no help.

    A command may also be named before its module is loaded (``lazy``: name to
    ``"module:attribute"``): it is imported only when it runs or help lists it, so a run
    of one command loads that command's code and no other's.
    """

    def __init__(self, *args: Any, lazy: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*self.lazy, *(name for name in self.commands if name not in self.lazy)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            self.add_command(imported(self.lazy[cmd_name]), cmd_name)
        return self.commands.get(cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as exc:  # suggest among every command
            raise click.exceptions.NoSuchCommand(
                exc.command_name, possibilities=self.list_commands(ctx), ctx=ctx
            ) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        commands = [(name, self.get_command(ctx, name)) for name in self.list_commands(ctx)]
        rows = [
            (name, command.get_short_help_str(limit=10_000))
            for name, command in commands
            if command is not None and not command.hidden
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
