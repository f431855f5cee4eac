"""The JSON apply report (``gladcfg apply --report-out FILE``,
``schemas/apply-report.schema.json``): per instance applied, each change's outcome, and
whether a freeze was broken to make it; for pipelines, what the terminal report says."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from gladcfg.model.types import Model


class ChangeOutcome(Model):
    address: str
    action: Literal["create", "update", "rename", "delete"]
    status: Literal["applied", "failed", "skipped"]
    reason: str | None = Field(default=None, description="Why it failed or was skipped.")
    already: bool = Field(
        default=False,
        description="Applied without being sent: the instance held what it makes already.",
    )
    disables: bool = Field(
        default=False,
        description="A delete the instance makes by disabling the object (Gladly's topics).",
    )


class BreakGlass(Model):
    """An apply made while freezes held, with ``--break-glass REASON``."""

    reason: str
    freezes: list[str] = Field(description="The freezes in force when writing started.")
    at: str = Field(description="When writing started, ISO 8601, UTC.")


class InstanceApply(Model):
    instance: str
    ok: bool = Field(description="Every change applied, and the apply finished.")
    interrupted: bool = Field(description="Stopped by a signal before every change started.")
    applied: int = Field(ge=0)
    failed: int = Field(ge=0)
    skipped: int = Field(ge=0)
    not_started: int = Field(ge=0, description="Changes never started (an interrupted apply).")
    error: str | None = Field(
        default=None, description="What went wrong once changes were made, if anything did."
    )
    break_glass: BreakGlass | None = None
    changes: list[ChangeOutcome] = Field(description="In the order they finished.")


class ApplyDocument(Model):
    format_version: Literal[1] = 1
    finished_at: str = Field(description="When the command ended, ISO 8601, UTC.")
    ok: bool = Field(description="The command ended without an error (exit code 0).")
    error: str | None = Field(default=None, description="The error the command ended with.")
    instances: list[InstanceApply] = Field(
        description="The instances written to, in the order their applies ended; an "
        "instance with nothing to apply, or refused before writing, is not listed."
    )
