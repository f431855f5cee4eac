"""What the files want of one instance, in the form plans compare: each declared resource's
canonical spec (:meth:`~gladcfg.model.resource.Resource.canonical`), by kind and name.

Made once per plan from the validated desired state, and also what an adapter that reads by
name is asked to read. Made with ``drain``, each declared resource is let go as its spec is
made: a large apply never holds the files' pydantic models and its plan's changes at once
(a fresh 100,000-resource apply peaks at the size of one of them, not of both).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gladcfg.config.workspace import DesiredState
from gladcfg.model.kinds import address_of
from gladcfg.model.resource import Resource

Spec = dict[str, Any]


@dataclass(frozen=True)
class DesiredSpecs:
    instance: str
    # kind → name → canonical spec; the settings are kind "settings", name "settings".
    specs: dict[str, dict[str, Spec]]
    # kind → name → the name it had (``renamed_from``), for the resources that say so.
    renamed_from: dict[str, dict[str, str]]
    # Addresses some file protects, even where `instances:` leaves them out of this one.
    protected: frozenset[str]
    # address → the file that declares it, when asked for (:meth:`of`'s ``where``).
    files: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, desired: DesiredState, *, drain: bool = False, where: bool = False) -> DesiredSpecs:
        """The specs of ``desired``; with ``drain`` it is emptied as they are made
        (:meth:`DesiredState.each`); with ``where``, the file of each is kept (``files``)."""
        specs: dict[str, dict[str, Spec]] = {}
        renamed_from: dict[str, dict[str, str]] = {}
        files: dict[str, str] = {}
        for item in desired.each(drain=drain):
            specs.setdefault(item.kind, {})[item.name] = item.model.canonical()
            old = item.model.renamed_from if isinstance(item.model, Resource) else None
            if old:
                renamed_from.setdefault(item.kind, {})[item.name] = old
            if where:
                files[item.address] = item.source.rel
        return cls(desired.instance, specs, renamed_from, desired.protected, files)

    def of_kind(self, kind: str) -> dict[str, Spec]:
        return self.specs.get(kind, {})

    def old_name(self, kind: str, name: str) -> str | None:
        return self.renamed_from.get(kind, {}).get(name)

    def by_address(self) -> dict[str, Spec]:
        """Every spec by address (``teams.tier-1``, ``settings``)."""
        return {
            address_of(kind, name): spec
            for kind, by_name in self.specs.items()
            for name, spec in by_name.items()
        }

    def read_hints(self) -> dict[str, dict[str, Spec]]:
        """What an adapter that reads by name must read: every declared name, and the old
        name of each rename (under it, the new spec)."""
        hints = {kind: dict(by_name) for kind, by_name in self.specs.items()}
        for kind, renamed in self.renamed_from.items():
            for name, old in renamed.items():
                hints[kind].setdefault(old, self.specs[kind][name])
        return hints
