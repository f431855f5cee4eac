"""The command group, its global options, and the one handler that turns errors into exit codes.

Commands return an exit code or raise a :class:`~gladcfg.errors.GladcfgError`; only
:func:`main` decides what the process prints and how it exits. A command's module is
imported only when it runs, and heavy modules (pydantic, Jinja) only inside commands, so
``gladcfg --help`` starts fast and one command never pays for the others.
"""

from __future__ import annotations

import gc
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from gladcfg import __version__
from gladcfg.cli.context import AppContext, Group
from gladcfg.cli.options import VAR_HELP, parse_vars
from gladcfg.errors import GladcfgError

EXIT_OK, EXIT_ERROR, EXIT_CHANGES, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 130, 143


# Each command by name, in the order --help lists them (a typical workflow's): a command's
# module is imported only when it runs, so one command never pays for all the others.
COMMANDS = {
    "init": "gladcfg.cli.init:init",
    "validate": "gladcfg.cli.validate:validate",
    "plan": "gladcfg.cli.plan:plan",
    "apply": "gladcfg.cli.apply:apply",
    "show": "gladcfg.cli.plan:show",
    "export": "gladcfg.cli.export:export",
    "import": "gladcfg.cli.adopt:adopt",
    "pull": "gladcfg.cli.pull:pull",
    "status": "gladcfg.cli.status:status",
    "report": "gladcfg.cli.report:report",
    "diff": "gladcfg.cli.diff:diff",
    "graph": "gladcfg.cli.graph:graph",
    "fmt": "gladcfg.cli.fmt:fmt",
    "coverage": "gladcfg.cli.coverage:coverage",
    "state": "gladcfg.cli.state:state",
    "schema": "gladcfg.cli.schema:schema",
    "sandbox": "gladcfg.cli.sandbox:sandbox",
}


@click.group(cls=Group, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-C",
    "--project",
    "project",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Project folder (where gladcfg.yaml is).",
)
@click.option("--no-color", is_flag=True, help="Plain output, no ANSI colours (also: NO_COLOR).")
@click.option("-v", "--verbose", count=True, help="More detail; never secrets. Repeat for more.")
@click.option(
    "--var",
    "variables",
    multiple=True,
    metavar="KEY=VALUE",
    callback=parse_vars,
    help=VAR_HELP + " Taken by the commands that render the files.",
)
@click.version_option(__version__, "--version", prog_name="gladcfg")
@click.pass_context
def cli(
    ctx: click.Context, project: Path, no_color: bool, verbose: int, variables: dict[str, Any]
) -> None:
    """Configuration as code for Gladly: plan and apply instances from YAML in git.

    \b
    Exit codes: 0 success (plan --detailed-exitcode: no changes), 2 changes
    present (with --detailed-exitcode), 1 any error or refusal, 130 interrupted
    (Ctrl-C), 143 terminated (SIGTERM).
    """
    ctx.obj = AppContext(
        root=project, color=False if no_color else None, verbose=verbose, variables=variables
    )
    _configure_logging(verbose)
    command = cli.get_command(ctx, ctx.invoked_subcommand or "")
    if variables and command is not None and not _renders(command):
        raise click.UsageError(f"{ctx.invoked_subcommand} renders no files: --var sets nothing")


def _renders(command: click.Command) -> bool:
    """Whether ``command``, or some command of its group, takes ``--var``."""
    if isinstance(command, click.Group):
        return any(_renders(c) for c in command.commands.values())
    return any(param.name == "variables" for param in command.params)


def _configure_logging(verbose: int) -> None:
    """gladcfg's own log goes to stderr: warnings always, -v info, -vv debug."""
    logger = logging.getLogger("gladcfg")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_ShownFormatter("%(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose >= 2 else logging.INFO if verbose else logging.WARNING)
    logger.propagate = False


class _ShownFormatter(logging.Formatter):
    """Log lines as errors are shown: a path or value they quote (a file name holding a
    bidi override, or bytes that are not UTF-8) escaped, never able to reorder the line."""

    def format(self, record: logging.LogRecord) -> str:
        from gladcfg.cli.output import shown_lines

        return shown_lines(super().format(record))


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Run the CLI and exit with the code SPEC §4 defines; never a traceback for user errors."""
    from gladcfg import interrupts

    # gladcfg builds large, acyclic data (parsed files, models, plans): the cycle collector's
    # repeated walks over it cost time and find nothing, so it runs far less often.
    gc.set_threshold(100_000, 50, 100)
    args = list(sys.argv[1:] if argv is None else argv)
    verbose = any(
        a in ("-v", "--verbose") or (a.startswith("-v") and set(a[1:]) == {"v"}) for a in args
    )
    color = False if ("--no-color" in args or _no_color_env()) else None
    restore = interrupts.install()
    try:
        code = _run(args, verbose=verbose, color=color)
    finally:
        restore()
    sys.exit(code)


def _run(args: list[str], *, verbose: bool, color: bool | None) -> int:
    from gladcfg import interrupts

    try:
        result = cli.main(args=args, prog_name="gladcfg", standalone_mode=False)
        code = result if isinstance(result, int) else EXIT_OK
    except GladcfgError as exc:
        from gladcfg.cli.output import report_error

        report_error(exc, color=color)
        code = exc.exit_code
    except click.exceptions.Abort:  # a prompt met Ctrl-C, SIGTERM or the end of its input
        return _stopped(interrupts.received() or signal.SIGINT)
    except click.ClickException as exc:
        import io

        from gladcfg.cli.output import shown_lines

        shown = io.StringIO()
        exc.show(file=shown)  # it quotes what was typed (a path, a value): shown escaped
        click.echo(shown_lines(shown.getvalue()), err=True, nl=False, color=color)
        return EXIT_ERROR
    except KeyboardInterrupt as exc:
        return _stopped(signal.SIGTERM if isinstance(exc, interrupts.Terminated) else signal.SIGINT)
    except BrokenPipeError:  # pragma: no cover - depends on the reader closing early
        return EXIT_OK
    except Exception as exc:
        signum = interrupts.received()
        if signum is not None:  # a side effect of the signal (a worker stopped with it)
            logging.getLogger("gladcfg").info("while stopping: %r", exc, exc_info=exc)
            return _stopped(signum)
        if verbose:
            import traceback

            traceback.print_exc()
        from gladcfg.cli.output import shown_lines

        click.echo(
            f"internal error: {type(exc).__name__}: {shown_lines(str(exc))}"
            + ("" if verbose else " (run with -v for details)"),
            err=True,
            color=color,
        )
        return EXIT_ERROR
    signum = interrupts.swallowed()  # it could not raise where it arrived: it stops the run
    return code if signum is None else _stopped(signum)


def _stopped(signum: int) -> int:
    from gladcfg.interrupts import EXIT_CODES, NAMES

    click.echo(f"\n{NAMES[signum]}", err=True)
    return EXIT_CODES[signum]


def _no_color_env() -> bool:
    import os

    return bool(os.environ.get("NO_COLOR"))
