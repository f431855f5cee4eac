"""What every resource is (:class:`Resource`: the fields every kind accepts, its
references, set-like lists and write-only secrets, its canonical form) and what
registers a kind (:class:`Kind`); each kind's own model is in :mod:`gladcfg.kinds`."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from pydantic import (
    Field,
    model_validator,
)

from gladcfg.model.types import (
    InstanceGlob,
    Model,
    Name,
)

# The addresses (kind, name) of resources declared with errors, which checks leave to them.
Invalid = Collection[tuple[str, str]]

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

    from gladcfg.config.desired import DesiredState
    from gladcfg.errors import Problem
    from gladcfg.kinds.settings import Settings

    # A check: the desired state, and the addresses declared invalid → its problems.
    Check = Callable[[DesiredState, Invalid], Iterator[Problem]]


META_FIELDS = {"instances", "renamed_from", "protect"}


class Reference(NamedTuple):
    """Field ``field`` of a resource names resources of ``kind``. ``field`` may reach into
    a list of mappings with ``[]``: ``quick_actions[].answer``."""

    field: str
    kind: str


class Resource(Model):
    """Fields every resource accepts besides its own."""

    KIND: ClassVar[str]
    REFERENCES: ClassVar[tuple[Reference, ...]] = ()
    # List fields whose order means nothing; sorted in the canonical form so that
    # reordering them in a file is not a change.
    SET_FIELDS: ClassVar[tuple[str, ...]] = ()
    # Mappings of names to environment variables that hold secrets the instance accepts
    # but never shows: sent with every write, compared only by which names they hold
    # (:func:`gladcfg.model.kinds.comparable`).
    WRITE_ONLY: ClassVar[tuple[str, ...]] = ()

    instances: list[InstanceGlob] | None = Field(
        default=None,
        description="Declare this resource only on instances matching one of these globs.",
    )
    renamed_from: Name | None = Field(
        default=None, description="The previous name: plan an in-place rename, not delete + create."
    )
    protect: bool = Field(default=False, description="Never delete this resource.")

    @model_validator(mode="before")
    @classmethod
    def _empty_body_is_empty_mapping(cls, data: Any) -> Any:
        # `billing:` with nothing after it declares a resource with every default.
        return {} if data is None else data

    def spec(self) -> dict[str, Any]:
        """The resource's desired state, without gladcfg's own bookkeeping fields."""
        return self.model_dump(mode="json", exclude=META_FIELDS, exclude_none=True)

    @classmethod
    def as_read(cls, spec: dict[str, Any]) -> dict[str, Any]:
        """``spec`` as read from an instance, where values may be spelled in ways files may
        not: in the files' spelling, so the model takes it and plans compare it. Nothing
        read from files passes here."""
        return spec

    def canonical(self) -> dict[str, Any]:
        """The spec in the one form plans compare: two declarations that mean the same
        (reordered sets, ``mon-fri`` or five single days) are equal here."""
        spec = self.spec()
        for name in self.SET_FIELDS:
            if name in spec:
                spec[name] = sorted(spec[name])
        return spec


@dataclass(frozen=True)
class Kind:
    """One kind: its model, how a message names one object of it, and whether an instance
    has exactly one (``singleton``: addressed by the kind's name alone, never renamed,
    created or deleted)."""

    model: type[Resource] | type[Settings]
    singular: str
    singleton: bool = False
    # What validation checks of this kind across resources (references are checked for
    # every kind alike): each yields the problems it finds in a desired state.
    checks: tuple[Check, ...] = ()
    # Fields files write in a shape of their own, each with how a value (canonical, as
    # plans compare it) is written: export and pull write them so, and whole.
    written: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """How files, plans and addresses name the kind (``teams``)."""
        return self.model.KIND

    def address(self, name: str) -> str:
        return self.name if self.singleton else f"{self.name}.{name}"
