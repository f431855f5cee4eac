"""Options several commands share."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, overload

import click

if TYPE_CHECKING:
    from pathlib import Path

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


def refresh_option(func: F) -> F:
    """``--refresh=false``: take what is costly to read again from the last read."""
    return click.option(
        "--refresh",
        type=click.BOOL,
        default=True,
        show_default=True,
        metavar="BOOLEAN",
        help=(
            "With --refresh=false, Gladly answers that an earlier run of this user read are "
            "not read again; the output says how old they are. apply reads everything."
        ),
    )(func)


TARGET_HELP = "Only these addresses (globs), with what they need."


@overload
def target_option(func: F) -> F: ...
@overload
def target_option(*, help: str) -> Callable[[F], F]: ...
def target_option(func: F | None = None, *, help: str = TARGET_HELP) -> Any:
    """``--target ADDR`` (repeatable, globs): plan or apply only these addresses (or, with
    ``help``, what the command says it does with them)."""

    def option(func: F) -> F:
        return click.option(
            "--target",
            "targets",
            multiple=True,
            metavar="ADDR",
            callback=_check_targets,
            help=help,
        )(func)

    return option if func is None else option(func)


def var_option(func: F) -> F:
    """``--var KEY=VALUE`` (repeatable): a template var for this run, over gladcfg.yaml's."""
    return click.option(
        "--var",
        "variables",
        multiple=True,
        metavar="KEY=VALUE",
        callback=_command_vars,
        help=VAR_HELP,
    )(func)


VAR_HELP = (
    "Set the var KEY, declared in gladcfg.yaml, to VALUE (a YAML scalar: 3, true, text) "
    "for this run, over every instance's own (repeatable)."
)


def _command_vars(
    context: click.Context, parameter: click.Parameter, given: tuple[str, ...]
) -> dict[str, Any]:
    """A command's ``--var``s, over those given before the command (``gladcfg --var …``)."""
    from gladcfg.cli.context import AppContext

    app = context.find_object(AppContext)
    inherited = app.variables if app is not None else {}
    return {**inherited, **parse_vars(context, parameter, given)}


def parse_vars(
    context: click.Context, parameter: click.Parameter, given: tuple[str, ...]
) -> dict[str, Any]:
    """``KEY=VALUE`` pairs as template values: each VALUE read as YAML reads a scalar
    (``3`` a number, ``true`` a boolean, ``"3"`` text, nothing the empty text)."""
    from gladcfg import yamlio
    from gladcfg.errors import YamlError
    from gladcfg.names import check_visible

    variables: dict[str, Any] = {}
    for pair in given:
        key, equals, text = pair.partition("=")
        if not equals or not _VAR_NAME.fullmatch(key):
            raise click.BadParameter(f"{pair!r}: expected KEY=VALUE, KEY a name like brand_name")
        if key == "instance":
            raise click.BadParameter("'instance' is the instance's own name, not a var to set")
        try:
            check_visible(text)
            value = yamlio.load(text).data if text.strip() else text
        except ValueError as exc:
            raise click.BadParameter(f"{key}: {exc}") from None
        except YamlError as exc:
            raise click.BadParameter(f"{key}: {exc.message}") from None
        if isinstance(value, dict | list):
            raise click.BadParameter(
                f"{key}: a YAML {'mapping' if isinstance(value, dict) else 'list'} where a "
                f"scalar goes (quote it to give text: {key}='\"{text}\"')"
            )
        variables[key] = value
    return variables


_VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def week_option(help_text: str, *, margin: int = 0) -> Callable[[F], F]:
    """``--week DATE``: any day of the week to show, within the calendar gladcfg can count;
    with ``margin``, so many days inside it either side (the 7 days from a day, in any
    time zone, are two weeks of it)."""

    def decorate(func: F) -> F:
        return click.option(
            "--week",
            type=click.DateTime(["%Y-%m-%d"]),
            callback=functools.partial(_check_week, margin=margin),
            help=help_text,
        )(func)

    return decorate


def _check_week(
    context: click.Context, parameter: click.Parameter, week: Any, *, margin: int
) -> Any:
    """A week is shown with a day's margin each side for time zones: only the weeks whose
    days, margins included, fit in the calendar Python (and any time zone) can count."""
    import datetime as dt

    from gladcfg.hours.coverage import FIRST_MONDAY, LAST_MONDAY

    first = FIRST_MONDAY + dt.timedelta(days=margin)
    last = LAST_MONDAY + dt.timedelta(days=6 - margin)
    if week is not None and not first <= week.date() <= last:
        raise click.BadParameter(
            f"{week.date().isoformat()} is outside the weeks gladcfg can show: give a day "
            f"from {first.isoformat()} to {last.isoformat()}"
        )
    return week


def _check_targets(
    context: click.Context, parameter: click.Parameter, targets: tuple[str, ...]
) -> tuple[str, ...]:
    """A target is held to what an address glob in gladcfg.yaml is: bounded in length and
    with nothing hidden in it (a target that silently matches nothing plans nothing)."""
    from gladcfg.model.types import MAX_GLOB_CHARS
    from gladcfg.names import check_visible

    for target in targets:
        if len(target) > MAX_GLOB_CHARS:
            raise click.BadParameter(
                f"is {len(target)} characters long; the limit is {MAX_GLOB_CHARS}"
            )
        try:
            check_visible(target)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    return targets


def selected_instances(
    workspace: Workspace, names: tuple[str, ...], all_: bool, *, require_choice: bool = False
) -> list[str]:
    """The instances a command works on. Commands that touch a remote make the user choose
    (unless the project has only one instance); validate defaults to all of them."""
    if names and all_:
        raise click.UsageError("give -i/--instance or --all, not both")
    declared = list(workspace.project.instances)
    if require_choice and not names and not all_ and len(declared) > 1:
        command = click.get_current_context().command
        takes_all = any(param.name == "all_" for param in command.params)
        raise click.UsageError(
            f"choose the instance with -i NAME (one of: {', '.join(declared)})"
            + (", or --all" if takes_all else "")
        )
    return workspace.select(() if all_ else names)


def project_inputs(workspace: Workspace) -> dict[Path, str]:
    """What a run reads and an output file must never replace: gladcfg.yaml, the resource
    files and the files each instance's adapter keeps in the project (a plan saved over a
    mock instance's store would wipe that instance)."""
    from gladcfg.adapter import local_files
    from gladcfg.config.workspace import PROJECT_FILE

    root = workspace.root
    inputs = {root / PROJECT_FILE: f"the project's {PROJECT_FILE}"}
    inputs.update({root / rel: f"the resource file {rel}" for rel in workspace.files})
    for name, config in workspace.project.instances.items():
        inputs.update({root / rel: what for rel, what in local_files(name, config).items()})
    return inputs
