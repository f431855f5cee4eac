"""The JSON plan document (``--format json`` and saved plan files), version 1.

This is the wire format pipelines read; the engine's plan is plain data that renders to it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, JsonValue

from gladcfg.model.types import Model

Action = Literal["create", "update", "rename", "delete", "manual"]


class FieldChange(Model):
    """One changed field: ``path`` is dotted, with ``[i]`` for list items."""

    path: str
    before: JsonValue = None
    after: JsonValue = None


class PlannedChange(Model):
    address: str = Field(description="kind.name, or 'settings'.")
    kind: str
    name: str
    action: Action
    renamed_from: str | None = None
    before: dict[str, JsonValue] | None = None
    after: dict[str, JsonValue] | None = None
    diff: list[FieldChange] = Field(default_factory=list)


class Summary(Model):
    create: int = Field(ge=0)
    update: int = Field(ge=0)
    rename: int = Field(ge=0)
    delete: int = Field(ge=0)
    manual: int = Field(ge=0)
    unchanged: int = Field(ge=0)


class PlanDocument(Model):
    """What would change on one instance, and the fingerprint of the remote state it read."""

    format_version: Literal[1] = 1
    instance: str
    fingerprint: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")
    summary: Summary
    changes: list[PlannedChange]
    unmanaged: list[str] = Field(default_factory=list)
    not_managed: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
