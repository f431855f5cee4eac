"""``apply --report-out FILE``: the JSON apply report, kept as each instance's apply is
reported and written when the command ends, however it ends (:mod:`gladcfg.model.applied`)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from pathlib import Path
from typing import Literal, cast

from gladcfg.engine.writes import ApplyReport, Status
from gladcfg.model.applied import ApplyDocument, BreakGlass, ChangeOutcome, InstanceApply
from gladcfg.model.plan import Plan

_Action = Literal["create", "update", "rename", "delete"]


class ApplyRecord:
    """The instances' applies, as they are reported (from several threads at once)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._instances: list[InstanceApply] = []
        self._lock = threading.Lock()

    def keep(self, report: ApplyReport, plan: Plan) -> None:
        record = instance_record(report, plan)
        with self._lock:
            self._instances.append(record)

    @contextmanager
    def written(self) -> Iterator[None]:
        """Write the report when the block ends: with the error it ended with, if any."""
        error: BaseException | None = None
        try:
            yield
        except BaseException as exc:
            error = exc
            raise
        finally:
            self._write(error)

    def _write(self, error: BaseException | None) -> None:
        from gladcfg import clock
        from gladcfg.fileio import save
        from gladcfg.text import json_text

        with self._lock:
            instances = list(self._instances)
        document = ApplyDocument(
            finished_at=clock.now().astimezone(UTC).isoformat(timespec="seconds"),
            ok=error is None and all(i.ok for i in instances),
            error=None if error is None else _message(error),
            instances=instances,
        )
        text = json_text(document.model_dump(mode="json", exclude_none=True), indent=2)
        save(self.path, text + "\n", "the apply report")


def instance_record(report: ApplyReport, plan: Plan) -> InstanceApply:
    broken = report.break_glass
    return InstanceApply(
        instance=plan.instance,
        ok=report.ok,
        interrupted=report.interrupted,
        applied=len(report.of(Status.APPLIED)),
        failed=len(report.of(Status.FAILED)),
        skipped=len(report.of(Status.SKIPPED)),
        not_started=len(plan.writes) - len(report.outcomes),
        error=None if report.error is None else str(report.error),
        break_glass=None
        if broken is None
        else BreakGlass(
            reason=broken.reason,
            freezes=list(broken.freezes),
            at=broken.at.astimezone(UTC).isoformat(timespec="seconds"),
        ),
        changes=[
            ChangeOutcome(
                address=outcome.change.address,
                action=cast(_Action, outcome.change.action.value),
                status=outcome.status.value,
                reason=outcome.reason or None,
                already=outcome.already,
                disables=outcome.change.disables,
            )
            for outcome in report.outcomes
        ],
    )


def _message(error: BaseException) -> str:
    """The error the command ended with, as it printed it (its first line)."""
    import click

    from gladcfg.errors import GladcfgError

    if isinstance(error, click.ClickException):
        return error.format_message()
    if isinstance(error, GladcfgError):
        return str(error)
    if isinstance(error, KeyboardInterrupt | click.exceptions.Abort):
        return "stopped before it finished"
    return f"internal error: {type(error).__name__}"
