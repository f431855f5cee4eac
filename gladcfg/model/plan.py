"""The plan: plain immutable data (as Terraform's ``internal/plans``), and the one definition
of the JSON plan (``--format json``, saved plan files, ``schemas/plan.schema.json``).

The JSON plan is these models' dump, and a plan file is their validated load, so a fresh
plan and a saved one are the same object to every renderer. Computing a plan lives in
:mod:`gladcfg.plan.planner`; plans gladcfg computes are built with ``model_construct``
(:meth:`Change.of`, :meth:`Plan.of`): tens of thousands of changes are not validated again.
Only a load validates (:func:`gladcfg.plan.document.parse_plan`), which then checks the plan
whole (:mod:`gladcfg.plan.verify`).
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, cast

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    WithJsonSchema,
)

from gladcfg.model.kinds import KINDS, address_of
from gladcfg.model.project import SafetyLimits
from gladcfg.model.types import Model

if TYPE_CHECKING:
    from gladcfg.adapter.base import Reuse


class Action(enum.Enum):
    CREATE = "create"
    UPDATE = "update"
    RENAME = "rename"
    DELETE = "delete"
    MANUAL = "manual"  # a difference the adapter can read but not write: done in the admin UI


def _not_manual(action: Action) -> Action:
    if action is Action.MANUAL:
        raise ValueError("a manual change is done as a create, update, rename or delete")
    return action


_ActionField = Annotated[
    Action, WithJsonSchema({"enum": [a.value for a in Action], "title": "Action", "type": "string"})
]
_ManualAction = Annotated[
    Action,
    AfterValidator(_not_manual),
    WithJsonSchema({"enum": [a.value for a in Action if a is not Action.MANUAL], "type": "string"}),
]


class _Strict(Model):
    """A plan file holds what gladcfg wrote: ``9.0`` or ``true`` where it writes ``9`` is an
    edit, not a spelling to coerce. Loaded from JSON text (:meth:`Plan.model_validate_json`),
    where arrays are tuples and strings name actions."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def _as_read(value: Any) -> Any:
    return value


# Values in specs and diffs. A plan file is loaded from JSON text, where every value is a
# JsonValue already, so they are typed Any: dumping a plan of 50,000 changes then copies them
# in pydantic-core rather than calling JsonValue's discriminator per value. The schema (the
# validator's input type) says JsonValue.
_Value = Annotated[Any, BeforeValidator(_as_read, json_schema_input_type=JsonValue)]
_Spec = Annotated[
    dict[str, Any], BeforeValidator(_as_read, json_schema_input_type=dict[str, JsonValue])
]


class FieldDiff(_Strict):
    """One changed field: ``path`` is dotted, with ``[i]`` for list items."""

    path: str
    before: _Value = None
    after: _Value = None


_KIND_ORDER = {kind: index for index, kind in enumerate(KINDS)}


def not_managed_order(entry: str) -> tuple[int, str]:
    """Where an entry of a plan's ``not_managed`` goes: kinds in apply order, a whole kind
    (``entry_points``) before its fields (``settings.languages``), fields alphabetically."""
    kind, _, field = entry.partition(".")
    return _KIND_ORDER.get(kind, len(KINDS)), field


def _is_none(value: Any) -> bool:
    """What a plan does not have is left out of its JSON, except a change's ``before`` and
    ``after`` (``null`` says there is none)."""
    return value is None


def _is_zero(value: int) -> bool:
    return value == 0


def _is_false(value: bool) -> bool:
    return value is False


class Change(_Strict):
    address: str = Field(description="kind.name, or 'settings'.")
    kind: str
    name: str
    action: _ActionField
    manual_action: _ManualAction | None = Field(
        default=None,
        exclude_if=_is_none,
        title="Manual Action",
        description="For a manual change: what to do in the admin UI.",
    )
    renamed_from: str | None = Field(default=None, exclude_if=_is_none)
    disables: bool = Field(
        default=False,
        exclude_if=_is_false,
        description="A delete the instance carries out by disabling the object (Gladly "
        "never deletes a topic): it stays on the instance, disabled, out of gladcfg's view.",
    )
    remote_id: str | None = Field(default=None, exclude_if=_is_none)
    before: _Spec | None = None
    after: _Spec | None = None
    diff: tuple[FieldDiff, ...] = Field(default_factory=tuple)

    @classmethod
    def of(
        cls,
        kind: str,
        name: str,
        action: Action,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        diff: tuple[FieldDiff, ...] = (),
        renamed_from: str | None = None,
        remote_id: str | None = None,
        manual_action: Action | None = None,
        disables: bool = False,
    ) -> Change:
        """A change gladcfg computed (not validated again)."""
        return cls.model_construct(
            _CHANGE_FIELDS,
            address=address_of(kind, name),
            kind=kind,
            name=name,
            action=action,
            manual_action=manual_action,
            renamed_from=renamed_from,
            disables=disables,
            remote_id=remote_id,
            before=before,
            after=after,
            diff=diff,
        )

    @property
    def effective_action(self) -> Action:
        """What happens to the object, whoever carries it out."""
        return (
            self.manual_action
            if self.action is Action.MANUAL and self.manual_action
            else self.action
        )

    def clears(self, fields: Iterable[str]) -> list[str]:
        """Those of ``fields`` (top-level) this change takes from set to unset, sorted: an
        adapter that can set but not clear one makes the change a manual one."""
        if self.before is None or self.after is None:
            return []
        before, after = self.before, self.after
        return sorted(f for f in fields if before.get(f) is not None and after.get(f) is None)


_CHANGE_FIELDS = set(Change.model_fields)  # every one is given: model_construct need not count


class LanguageImpact(_Strict):
    """How much longer or shorter one language is answered, over the impact's window."""

    language: str
    gained_minutes: int = Field(ge=0)
    lost_minutes: int = Field(ge=0)


class InboxImpact(_Strict):
    """How much longer or shorter one inbox is open, over the impact's window."""

    inbox: str
    gained_minutes: int = Field(ge=0)
    lost_minutes: int = Field(ge=0)


class GapChange(_Strict):
    """A stretch a language goes unanswered that the plan opens or closes."""

    language: str
    start: str = Field(description="ISO 8601, UTC.")
    end: str = Field(description="ISO 8601, UTC.")
    local_start: str = Field(description="ISO 8601, in the impact's time zone.")
    local_end: str = Field(description="ISO 8601, in the impact's time zone.")
    minutes: int = Field(ge=1)
    causes: tuple[str, ...] = Field(
        description="Why no inbox serving the language is open then, once the plan is applied "
        "(a gap opened) or as the instance is (a gap closed): 'holiday: NAME (inboxes)', "
        "'no hours' or 'language missing'."
    )
    changes: tuple[str, ...] = Field(
        description="The plan's changes to what serves the language: its inboxes, their "
        "business hours, the settings."
    )


class RoutedEntryPoint(_Strict):
    """An entry point and the inbox its conversations go to."""

    entry_point: str
    channel: str
    inbox: str


class CoverageImpact(_Strict):
    """What applying the plan does to coverage from ``start`` to ``end`` (7 days), as
    gladcfg coverage computes it: the instance as read before, as the plan leaves it after
    (its manual changes not made)."""

    start: str = Field(description="ISO 8601, UTC.")
    end: str = Field(description="ISO 8601, UTC.")
    timezone: str = Field(description="The instance's time zone (its settings'), or UTC.")
    promised: bool = Field(
        description="Gaps are stretches of policy.coverage (else of the hours some inbox is open)."
    )
    languages: tuple[LanguageImpact, ...] = Field(
        description="The languages whose open hours change."
    )
    inboxes: tuple[InboxImpact, ...] = Field(description="The inboxes whose open hours change.")
    gaps_opened: tuple[GapChange, ...]
    gaps_closed: tuple[GapChange, ...]
    inboxes_without_team: tuple[str, ...] = Field(
        description="Inboxes the plan leaves with no team to answer them."
    )
    entry_points_never_open: tuple[RoutedEntryPoint, ...] = Field(
        description="Entry points the plan leaves routed to an inbox not open at all in the 7 days."
    )
    after_hours_replies_lost: tuple[RoutedEntryPoint, ...] = Field(
        description="sms and chat entry points whose customers the plan leaves with no "
        "after-hours reply."
    )

    @property
    def unchanged(self) -> bool:
        """Nothing coverage shows changes."""
        return not (
            self.languages
            or self.inboxes
            or self.gaps_opened
            or self.gaps_closed
            or self.inboxes_without_team
            or self.entry_points_never_open
            or self.after_hours_replies_lost
        )


class Summary(_Strict):
    create: int = Field(ge=0)
    update: int = Field(ge=0)
    rename: int = Field(ge=0)
    delete: int = Field(ge=0)
    manual: int = Field(ge=0)
    unchanged: int = Field(ge=0)
    disable: int = Field(
        default=0,
        ge=0,
        exclude_if=_is_zero,
        description="Of the deletes, those the instance carries out by disabling the object.",
    )

    @classmethod
    def of(cls, changes: tuple[Change, ...], unchanged: int) -> Summary:
        counts = Counter(change.action for change in changes)
        return cls.model_construct(
            create=counts[Action.CREATE],
            update=counts[Action.UPDATE],
            rename=counts[Action.RENAME],
            delete=counts[Action.DELETE],
            manual=counts[Action.MANUAL],
            unchanged=unchanged,
            disable=sum(1 for change in changes if change.disables),
        )


class SafetyReport(_Strict):
    """The octoDNS-style check of how much of the instance a plan would change, and the
    instance's thresholds (gladcfg.yaml's ``safety``) it was judged by."""

    existing: int = Field(ge=0, description="Managed objects the instance had.")
    updates: int = Field(ge=0)
    deletes: int = Field(ge=0)
    violations: tuple[str, ...] = Field(
        default_factory=tuple, description="Thresholds exceeded; apply refuses without --force."
    )
    max_update_percent: float = Field(ge=0, le=100, description="The instance's threshold.")
    max_delete_percent: float = Field(ge=0, le=100, description="The instance's threshold.")
    min_existing: int = Field(ge=0, description="The instance's threshold.")

    @classmethod
    def of(
        cls,
        existing: int,
        updates: int,
        deletes: int,
        violations: tuple[str, ...] = (),
        limits: SafetyLimits | None = None,
    ) -> SafetyReport:
        return cls.model_construct(
            existing=existing,
            updates=updates,
            deletes=deletes,
            violations=violations,
            **(limits or SafetyLimits()).model_dump(),
        )

    @property
    def limits(self) -> SafetyLimits:
        return SafetyLimits.model_construct(
            max_update_percent=self.max_update_percent,
            max_delete_percent=self.max_delete_percent,
            min_existing=self.min_existing,
        )

    @property
    def ok(self) -> bool:
        return not self.violations


class Snapshot(_Strict):
    """What a plan took from an earlier read instead of reading it again
    (``--refresh=false``): apply re-reads it all, so it only tells how old the plan's
    picture of those objects may be."""

    objects: int = Field(ge=1, description="How many objects were not read again.")
    read_at: str = Field(description="When the oldest of them was read (ISO 8601, UTC).")

    @classmethod
    def of(cls, reuse: Reuse) -> Snapshot:
        """What a read (:attr:`RemoteState.snapshot`) took from an earlier one."""
        read_at = datetime.fromtimestamp(reuse.read_at, UTC).isoformat(timespec="seconds")
        return cls(objects=reuse.objects, read_at=read_at)


class Plan(_Strict):
    """What would change on one instance, and the fingerprint of the remote state it read."""

    format_version: Literal[1] = 1
    instance: str
    adapter: str
    fingerprint: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")
    created_at: str = ""
    gladcfg_version: str = ""
    targets: tuple[str, ...] = Field(default_factory=tuple)
    vars: dict[str, _Value] | None = Field(
        default=None,
        exclude_if=_is_none,
        description="Vars given on the command line (--var KEY=VALUE) over gladcfg.yaml's: "
        "applying the saved plan renders the files with them again.",
    )
    ignore: tuple[str, ...] = Field(
        description="The instance's ignore globs when the plan was made (gladcfg.yaml)."
    )
    summary: Summary
    changes: tuple[Change, ...]
    unmanaged: tuple[str, ...] = Field(default_factory=tuple)
    not_managed: tuple[str, ...] = Field(
        default_factory=tuple,
        description="What the files declare that the adapter can neither read nor write, so "
        "gladcfg only validates it: whole kinds (entry_points) and fields of the kinds it "
        "reads (settings.languages), in apply order, each kind before its fields.",
    )
    warnings: tuple[str, ...] = Field(default_factory=tuple)
    safety: SafetyReport
    # The read hints the plan was made with (adapters that read by name), so applying a
    # saved plan re-reads exactly what was planned.
    reads: dict[str, JsonValue] | None = Field(
        default=None,
        exclude_if=_is_none,
        description="What the plan read by name (for APIs that cannot list a kind).",
    )
    snapshot: Snapshot | None = Field(
        default=None,
        exclude_if=_is_none,
        description="Objects taken from an earlier read, not read again (--refresh=false).",
    )
    untargeted: int = Field(
        default=0,
        ge=0,
        exclude_if=_is_zero,
        description="Changes the instance needs outside --target, not in this plan.",
    )
    rollback: bool = Field(
        default=False,
        exclude_if=_is_false,
        description="This plan undoes an apply (gladcfg apply --rollback-out): it restores "
        "what the instance held, not what the files declare.",
    )
    coverage_impact: CoverageImpact | None = Field(
        default=None,
        exclude_if=_is_none,
        description="What the changes do to coverage over the coming 7 days; only plans "
        "that change hours, inboxes, entry points, teams, auto-reply rules or settings.",
    )
    break_glass: str | None = Field(
        default=None,
        exclude_if=_is_none,
        description="The apply this rollback plan undoes was made during a freeze, with "
        "--break-glass: when, during which freezes, and the reason given.",
    )

    @classmethod
    def of(
        cls,
        instance: str,
        adapter: str,
        fingerprint: str,
        changes: tuple[Change, ...],
        unchanged: int,
        *,
        unmanaged: tuple[str, ...] = (),
        not_managed: tuple[str, ...] = (),
        warnings: tuple[str, ...] = (),
        safety: SafetyReport | None = None,
        targets: tuple[str, ...] = (),
        created_at: str = "",
        gladcfg_version: str = "",
        ignore: tuple[str, ...] = (),
        reads: dict[str, Any] | None = None,
        snapshot: Snapshot | None = None,
        untargeted: int = 0,
        rollback: bool = False,
    ) -> Plan:
        """A plan gladcfg computed (not validated again); the summary counts ``changes``."""
        return cls.model_construct(
            format_version=1,
            instance=instance,
            adapter=adapter,
            fingerprint=fingerprint,
            created_at=created_at,
            gladcfg_version=gladcfg_version,
            targets=targets,
            ignore=ignore,
            summary=Summary.of(changes, unchanged),
            changes=changes,
            unmanaged=unmanaged,
            not_managed=not_managed,
            warnings=warnings,
            safety=safety if safety is not None else SafetyReport.of(0, 0, 0),
            reads=reads,
            snapshot=snapshot,
            untargeted=untargeted,
            rollback=rollback,
        )

    @property
    def read_hints(self) -> Mapping[str, Mapping[str, dict[str, Any]]] | None:
        """``reads`` as the adapter takes it (a loaded plan's are checked to be so)."""
        return cast("Mapping[str, Mapping[str, dict[str, Any]]] | None", self.reads)

    @property
    def unchanged(self) -> int:
        return self.summary.unchanged

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    @property
    def deletes(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.action is Action.DELETE)

    @property
    def writes(self) -> tuple[Change, ...]:
        """The changes apply sends: everything but the manual checklist."""
        return tuple(c for c in self.changes if c.action is not Action.MANUAL)


__all__ = [
    "Action",
    "Change",
    "CoverageImpact",
    "FieldDiff",
    "GapChange",
    "InboxImpact",
    "LanguageImpact",
    "Plan",
    "RoutedEntryPoint",
    "SafetyReport",
    "Snapshot",
    "Summary",
    "not_managed_order",
]
