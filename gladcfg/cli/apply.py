"""``gladcfg apply``: make instances match the files, or apply a saved plan exactly."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import nullcontext
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gladcfg.cli.context import AppContext
from gladcfg.cli.options import instance_options, selected_instances, target_option, var_option
from gladcfg.cli.output import echo_fleet, echo_plan, echo_planned
from gladcfg.errors import RefusedError

if TYPE_CHECKING:
    from gladcfg.cli.progress import Progress
    from gladcfg.config import Workspace
    from gladcfg.engine import ApplyReport
    from gladcfg.engine.run import KeepRollback, WatchFactory
    from gladcfg.model.plan import Plan
    from gladcfg.model.schedule import Wave


def _check_reason(_: click.Context, __: click.Parameter, value: str | None) -> str | None:
    """A reason for breaking a freeze: words a reader of the apply report can read."""
    if value is None:
        return None
    reason = " ".join(value.split())
    if not reason or not reason.isprintable() or len(reason) > 500:
        raise click.BadParameter(
            "give the reason in words (printable, at most 500 characters), e.g. "
            "--break-glass 'INC-123: the holiday greeting is wrong'"
        )
    return reason


@click.command()
@click.argument("planfile", required=False, type=click.Path(dir_okay=False, path_type=Path))
@instance_options
@click.option("--auto-approve", is_flag=True, help="Do not ask for confirmation.")
@click.option("--allow-delete", is_flag=True, help="Allow a plan that deletes objects.")
@click.option("--force", is_flag=True, help="Apply even past the safety thresholds.")
@click.option(
    "--break-glass",
    metavar="REASON",
    callback=_check_reason,
    help="Apply even while a freeze in gladcfg.yaml holds; REASON is printed in the apply "
    "report and kept in the JSON report (--report-out) and the rollback plan.",
)
@click.option(
    "--parallelism",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Independent changes applied at once (per instance).",
)
@click.option(
    "--rollback-out",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Save a plan that undoes what this apply changes (apply it like any saved plan).",
)
@click.option(
    "--rollback",
    "undo",
    is_flag=True,
    help="PLANFILE is a rollback plan (from --rollback-out): apply it, though it restores "
    "what the instance held rather than what the files declare.",
)
@click.option(
    "--wave",
    metavar="NAME",
    help="Apply only this wave of the rollout in gladcfg.yaml, and verify it.",
)
@click.option(
    "--report-out",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Write the apply report as JSON (schemas/apply-report.schema.json), however the "
    "apply ends.",
)
@target_option
@var_option
@click.pass_obj
def apply(
    app: AppContext,
    planfile: Path | None,
    instance: tuple[str, ...],
    all_: bool,
    auto_approve: bool,
    allow_delete: bool,
    force: bool,
    break_glass: str | None,
    parallelism: int,
    rollback_out: Path | None,
    undo: bool,
    wave: str | None,
    report_out: Path | None,
    targets: tuple[str, ...],
    variables: dict[str, Any],
) -> int:
    """Apply a fresh plan (shown, then confirmed), or exactly the saved PLANFILE.

    A saved plan was reviewed already: it applies without a prompt, but only if the
    instance is still as it was when the plan was made and the files, as they are now,
    make exactly that plan of it: what was reviewed is what is applied, or nothing is.
    With several instances (repeated
    -i, or --all) every plan is shown, one confirmation covers them all, and each instance
    is applied on its own with its own credentials.
    With a rollout in gladcfg.yaml, --all applies it wave by wave (each wave shown,
    confirmed, applied, then verified by a fresh plan) and stops at the first wave that
    fails; running it again resumes there. --wave NAME applies that wave only.
    While a freeze in gladcfg.yaml holds, apply refuses to start writing, unless
    --break-glass gives the reason.
    """
    from gladcfg.config import Workspace

    if planfile is not None and variables:
        raise click.UsageError(
            "a saved plan applies with the vars it was made with: leave out --var"
        )
    workspace = Workspace.open(app.root, variables)
    color = app.use_color
    rollback = record = None
    if rollback_out is not None or report_out is not None:
        from gladcfg.cli.options import project_inputs
        from gladcfg.fileio import check_writable

        inputs = project_inputs(workspace)
        if planfile is not None:
            inputs[planfile] = "the plan being applied"
        if rollback_out is not None:
            check_writable(rollback_out, "the rollback plan", inputs)
            rollback = partial(_save_rollback, rollback_out)
            inputs[rollback_out] = "the rollback plan"
        if report_out is not None:
            from gladcfg.cli.applied import ApplyRecord

            check_writable(report_out, "the apply report", inputs)
            record = ApplyRecord(report_out)
    watch = partial(_progress, color, keep=None if record is None else record.keep)
    with nullcontext() if record is None else record.written():
        return _apply(
            workspace,
            planfile,
            instance,
            all_,
            auto_approve=auto_approve,
            allow_delete=allow_delete,
            force=force,
            break_glass=break_glass,
            parallelism=parallelism,
            rollback_out=rollback_out,
            rollback=rollback,
            undo=undo,
            wave=wave,
            targets=targets,
            watch=watch,
            color=color,
        )


def _apply(
    workspace: Workspace,
    planfile: Path | None,
    instance: tuple[str, ...],
    all_: bool,
    *,
    auto_approve: bool,
    allow_delete: bool,
    force: bool,
    break_glass: str | None,
    parallelism: int,
    rollback_out: Path | None,
    rollback: KeepRollback | None,
    undo: bool,
    wave: str | None,
    targets: tuple[str, ...],
    watch: WatchFactory,
    color: bool | None,
) -> int:
    from gladcfg.engine import ApplyRequest, apply

    if undo and planfile is None:
        raise click.UsageError("--rollback applies a saved rollback plan: give its file")
    if wave is not None and (instance or planfile is not None):
        raise click.UsageError("--wave applies a wave of the rollout: leave out -i and PLANFILE")
    if planfile is not None:
        if targets:
            raise click.UsageError("a saved plan applies whole; make a plan with --target instead")
        if all_ or len(instance) > 1:
            raise click.UsageError("a saved plan is for one instance; leave out --all and -i")
        request = ApplyRequest(
            workspace,
            instance[0] if instance else None,
            saved=planfile,
            undo=undo,
            allow_delete=allow_delete,
            force=force,
            parallelism=parallelism,
            watch=watch,
            rollback=rollback,
            break_glass=break_glass,
        )
        applied = apply(request).finished()
        if applied.report is None:
            click.echo(f"Nothing to apply to {applied.plan.instance}.")
        return 0
    waves = _waves(workspace, wave) if all_ or wave is not None else None
    names = selected_instances(workspace, instance, all_ or waves is not None, require_choice=True)
    if (len(names) > 1 or waves is not None) and rollback_out is not None:
        raise click.UsageError("--rollback-out records one instance's apply; choose it with -i")
    confirm = None if auto_approve else _confirm
    if waves is not None:
        from gladcfg.cli.rollout import apply_waves

        return apply_waves(
            workspace,
            waves,
            targets=targets,
            allow_delete=allow_delete,
            force=force,
            parallelism=parallelism,
            confirm=confirm,
            watch=watch,
            color=color,
            break_glass=break_glass,
        )
    if len(names) > 1:
        from gladcfg.engine.fleet import apply_fleet

        fleet = apply_fleet(
            workspace,
            names,
            targets=targets,
            allow_delete=allow_delete,
            force=force,
            parallelism=parallelism,
            show=partial(echo_planned, names[0], color),
            confirm=confirm,
            watch=watch,
            report=partial(echo_fleet, color),
            break_glass=break_glass,
        )
        return 1 if fleet.failed else 0
    request = ApplyRequest(
        workspace,
        names[0],
        targets=targets,
        allow_delete=allow_delete,
        force=force,
        parallelism=parallelism,
        show=partial(echo_plan, color=color),
        confirm=confirm,
        watch=watch,
        rollback=rollback,
        break_glass=break_glass,
    )
    apply(request).finished()
    return 0


def _progress(
    color: bool | None,
    plan: Plan,
    label: str | None,
    *,
    keep: Callable[[ApplyReport, Plan], None] | None = None,
) -> Progress:
    """How an apply is followed: a bar on a terminal, except for a fleet's instances, which
    apply at once and print a line per change, each marked with its instance; ``keep`` is
    handed each report as it is printed."""
    from gladcfg.cli.progress import Progress

    interactive = False if label else None
    return Progress(len(plan.writes), color=color, interactive=interactive, label=label, keep=keep)


def _save_rollback(path: Path, rollback: Plan) -> None:
    from gladcfg.fileio import save
    from gladcfg.plan.document import dumps

    save(path, dumps(rollback), "the rollback plan")
    flag = " --allow-delete" if rollback.deletes else ""
    click.echo(
        f"Saved the rollback plan ({len(rollback.changes)} change(s)) to {path}. "
        f"Undo this apply with: gladcfg apply --rollback{flag} {path}",
        err=True,
    )


def _waves(workspace: Workspace, name: str | None) -> list[tuple[Wave, list[str]]] | None:
    """The rollout's waves, each with its instances (only the wave ``name``, if given);
    None when gladcfg.yaml declares no rollout and no wave is asked for."""
    from gladcfg.config.workspace import PROJECT_FILE
    from gladcfg.model.schedule import waves_of
    from gladcfg.names import shown, suggest

    rollout = workspace.project.rollout
    if rollout is None:
        if name is None:
            return None
        raise click.BadParameter(f"{PROJECT_FILE} declares no rollout", param_hint="'--wave'")
    waves = waves_of(rollout, list(workspace.project.instances))
    if name is None:
        return waves
    chosen = [(wave, names) for wave, names in waves if wave.name == name]
    if not chosen:
        known = [wave.name for wave, _ in waves]
        raise click.BadParameter(
            f"unknown wave {shown(name)}{suggest(name, known)}; the rollout in {PROJECT_FILE} "
            f"has: {', '.join(known)}",
            param_hint="'--wave'",
        )
    return chosen


def is_terminal() -> bool:
    from gladcfg.cli.context import stdin_is_terminal

    return stdin_is_terminal()


def _confirm(instances: Sequence[str]) -> None:
    if not is_terminal():
        raise RefusedError(
            "apply needs confirmation and there is no terminal to ask on; pass --auto-approve, "
            "or apply a saved plan (gladcfg plan --out FILE, then gladcfg apply FILE)"
        )
    answer = click.prompt(
        f"Apply these changes to {', '.join(instances)}? Only 'yes' is accepted",
        default="",
        show_default=False,
    )
    if answer.strip() != "yes":
        raise RefusedError("apply cancelled; nothing was changed")
