"""The health record ``gladcfg status --format json`` prints, format version 1: what support
operations dashboards read about each instance."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from gladcfg.model.plan import Snapshot
from gladcfg.model.types import Model


class Drift(Model):
    """What a plan would change now: the files and the instance disagree."""

    create: int = 0
    update: int = 0
    rename: int = 0
    delete: int = 0
    manual: int = 0
    addresses: list[str] = Field(default_factory=list, description="kind.name of each change.")


class CoverageGap(Model):
    language: str
    start: str = Field(description="ISO 8601, UTC.")
    end: str = Field(description="ISO 8601, UTC.")
    minutes: int


class SilentEntryPoint(Model):
    entry_point: str
    channel: str
    inbox: str


class FreezeStatus(Model):
    """One of the instance's freezes: the stretch of it that holds now, or its next."""

    name: str
    what: str = Field(description="Its window, or the inboxes whose open hours it follows.")
    in_force: bool
    start: str = Field(description="ISO 8601, UTC.")
    end: str | None = Field(description="ISO 8601, UTC; null: not within the horizon.")


class InstanceStatus(Model):
    instance: str
    adapter: str | None = None
    status: Literal["healthy", "drift", "error"] = Field(
        description="error: the check failed; drift: a plan would change something; "
        "healthy otherwise (warnings and coverage gaps are reported, not judged)."
    )
    error: str | None = None
    drift: Drift | None = None
    unmanaged: list[str] = Field(default_factory=list)
    not_managed: list[str] = Field(
        default_factory=list,
        description="What the files declare that the adapter can neither read nor write "
        "(validated only): kinds, and fields as kind.field; the plan's not_managed.",
    )
    warnings: list[str] = Field(default_factory=list)
    coverage_gaps: list[CoverageGap] = Field(default_factory=list)
    silent_after_hours: list[SilentEntryPoint] = Field(default_factory=list)
    snapshot: Snapshot | None = Field(
        default=None,
        description="What the check did not read again (--refresh=false), and how old it is.",
    )
    freezes: list[FreezeStatus] = Field(
        default_factory=list,
        description="Each freeze that holds now or later within the next 35 days.",
    )
    open_for_changes: str | None = Field(
        default=None,
        description="With freezes: when apply may next write (ISO 8601, UTC; the check's "
        "time when none holds then); null when no window opens within the next 35 days.",
    )


class StatusDocument(Model):
    format_version: Literal[1] = 1
    checked_at: str = Field(description="When the check ran, ISO 8601, UTC.")
    week_start: str = Field(description="The week coverage gaps are for (Monday 00:00 UTC).")
    instances: list[InstanceStatus]
