"""The ``gladcfg`` command line: parse, call one function, print, map errors to exit codes."""

from gladcfg.cli.main import cli, main

__all__ = ["cli", "main"]
