"""What one instance should look like: each resource declared for it, and where.

The workspace builds it from the files; checks, plans, pull and coverage read it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from gladcfg.config.problems import Source
from gladcfg.kinds.settings import Settings
from gladcfg.model.kinds import address_of, is_singleton
from gladcfg.model.resource import Resource


@dataclass(frozen=True, slots=True)
class Declared:
    """One resource as declared, with where it was declared."""

    kind: str
    name: str
    model: Resource | Settings
    source: Source

    @property
    def address(self) -> str:
        return address_of(self.kind, self.name)

    @property
    def path(self) -> tuple[str, ...]:
        return (self.kind,) if is_singleton(self.kind) else (self.kind, self.name)


@dataclass(frozen=True)
class DesiredState:
    """What one instance should look like, by kind and name."""

    instance: str
    settings: Declared | None
    resources: Mapping[str, Mapping[str, Declared]]
    # Addresses marked `protect: true` in any file, even where `instances:` leaves them out
    # of this instance: prune must not delete them here either.
    protected: frozenset[str] = frozenset()
    # Resources declared with errors in required fields, built without them (None there):
    # validation still checks what does not read those fields. Never planned.
    partial: Mapping[str, Mapping[str, Declared]] = field(default_factory=dict)

    def declared(self, kind: str) -> Mapping[str, Declared]:
        return self.resources.get(kind, {})

    def usable(self, kind: str, *needs: str) -> Mapping[str, Declared]:
        """The resources of ``kind`` a check can read: every valid one, and those declared
        with errors whose required fields ``needs`` (the ones the check reads) were read."""
        partial = self.partial.get(kind)
        if not partial:
            return self.declared(kind)
        usable = dict(self.declared(kind))
        for name, declared in partial.items():
            if all(getattr(declared.model, field) is not None for field in needs):
                usable.setdefault(name, declared)
        return usable

    def usable_settings(self, *needs: str) -> Declared | None:
        """The settings, as :meth:`usable` gives resources."""
        if self.settings is not None:
            return self.settings
        return self.usable("settings", *needs).get("settings")

    def get(self, kind: str, name: str) -> Declared | None:
        """One declared object, the settings included (kind and name ``settings``)."""
        if is_singleton(kind):
            return self.settings if name == kind else None
        return self.declared(kind).get(name)

    def each(self, *, drain: bool = False) -> Iterator[Declared]:
        """Every declared resource: settings first, then by kind in apply order and by name
        as declared. With ``drain``, each resource is removed as it is handed over (the
        settings excepted), so what is made from them can take their memory: this state
        then declares nothing else, and who holds it must not need it any more."""
        if self.settings is not None:
            yield self.settings
        for by_name in self.resources.values():
            if not drain:
                yield from by_name.values()
                continue
            assert isinstance(by_name, dict)
            for name in list(by_name):
                yield by_name.pop(name)

    def __len__(self) -> int:
        return sum(len(by_name) for by_name in self.resources.values()) + (
            1 if self.settings else 0
        )
