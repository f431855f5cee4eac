"""Adapters: the only way gladcfg talks to an instance. ``open_adapter`` picks one by the
instance's ``adapter:`` name from a registry of lazily imported modules."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from gladcfg import __version__
from gladcfg.adapter.base import (
    Access,
    Adapter,
    Capabilities,
    ReadHints,
    RemoteObject,
    RemoteState,
    access_of,
    capabilities_of,
)
from gladcfg.errors import GladcfgError
from gladcfg.model.project import Instance

# name → "module:factory"; the factory takes (instance name, its config, project root).
REGISTRY = {
    "mock": "gladcfg.adapter.mock:MockAdapter",
    "gladly": "gladcfg.adapter.gladly.adapter:GladlyAdapter",
}


def open_adapter(name: str, instance: Instance, root: Path) -> Adapter:
    adapter: Adapter = _factory(name, instance)(name, instance, root)
    return adapter


def access_for(name: str, instance: Instance) -> Mapping[str, Access]:
    """What ``instance``'s adapter can do with each kind, known without connecting (so
    without its credentials): every adapter class answers ``access_for(config)``."""
    access: Mapping[str, Access] = _factory(name, instance).access_for(instance)
    return access


class WriteLimits(NamedTuple):
    """What an adapter cannot write as asked, known without connecting: per kind the
    fields it sets but never clears, the kinds of which it cannot delete some objects (what
    a saved plan may hold as manual changes of a writable kind), and the kinds a delete
    only disables."""

    unsettable: Mapping[str, frozenset[str]]
    undeletable: frozenset[str]
    disables: frozenset[str]


def write_limits_for(name: str, instance: Instance) -> WriteLimits:
    factory = _factory(name, instance)
    return WriteLimits(factory.unsettable, factory.undeletable, factory.disables)


def _factory(name: str, instance: Instance) -> Any:
    target = REGISTRY.get(instance.adapter)
    if target is None:
        raise GladcfgError(
            f"instance '{name}': the {instance.adapter} adapter is not available in gladcfg "
            f"{__version__}; available: {', '.join(REGISTRY)}"
        )
    module, _, factory = target.partition(":")
    return getattr(importlib.import_module(module), factory)


__all__ = [
    "REGISTRY",
    "Access",
    "Adapter",
    "Capabilities",
    "ReadHints",
    "RemoteObject",
    "RemoteState",
    "WriteLimits",
    "access_for",
    "access_of",
    "capabilities_of",
    "open_adapter",
    "write_limits_for",
]
