"""The JSON plan document (``--format json``, and saved plan files), format version 1.

This is the wire format pipelines read and ``apply PLANFILE`` trusts, so it carries what
applying needs (remote ids, the fingerprint of what was read, the safety figures) besides
what reviewers read.
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, JsonValue

from gladcfg.model.types import Model


class _Strict(Model):
    """A plan file holds what gladcfg wrote: ``9.0`` or ``true`` where it writes ``9`` is an
    edit, not a spelling to coerce."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


ActionName = Literal["create", "update", "rename", "delete", "manual"]


class FieldChange(_Strict):
    """One changed field: ``path`` is dotted, with ``[i]`` for list items."""

    path: str
    before: JsonValue = None
    after: JsonValue = None


class PlannedChange(_Strict):
    address: str = Field(description="kind.name, or 'settings'.")
    kind: str
    name: str
    action: ActionName
    manual_action: Literal["create", "update", "rename", "delete"] | None = Field(
        default=None, description="For a manual change: what to do in the admin UI."
    )
    renamed_from: str | None = None
    remote_id: str | None = None
    before: dict[str, JsonValue] | None = None
    after: dict[str, JsonValue] | None = None
    diff: list[FieldChange] = Field(default_factory=list)


class Summary(_Strict):
    create: int = Field(ge=0)
    update: int = Field(ge=0)
    rename: int = Field(ge=0)
    delete: int = Field(ge=0)
    manual: int = Field(ge=0)
    unchanged: int = Field(ge=0)


class SafetyReport(_Strict):
    existing: int = Field(ge=0, description="Managed objects the instance had.")
    updates: int = Field(ge=0)
    deletes: int = Field(ge=0)
    violations: list[str] = Field(
        default_factory=list, description="Thresholds exceeded; apply refuses without --force."
    )
    max_update_percent: float = Field(ge=0, le=100, description="The instance's threshold.")
    max_delete_percent: float = Field(ge=0, le=100, description="The instance's threshold.")
    min_existing: int = Field(ge=0, description="The instance's threshold.")


class PlanDocument(_Strict):
    """What would change on one instance, and the fingerprint of the remote state it read."""

    format_version: Literal[1] = 1
    instance: str
    adapter: str
    fingerprint: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")
    created_at: str = ""
    gladcfg_version: str = ""
    targets: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(
        description="The instance's ignore globs when the plan was made (gladcfg.yaml)."
    )
    summary: Summary
    changes: list[PlannedChange]
    unmanaged: list[str] = Field(default_factory=list)
    not_managed: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    safety: SafetyReport
    reads: dict[str, JsonValue] | None = Field(
        default=None,
        description="What the plan read by name (for APIs that cannot list a kind).",
    )
