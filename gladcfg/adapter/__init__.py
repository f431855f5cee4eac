"""Adapters: the only way gladcfg talks to an instance. ``open_adapter`` picks one by the
instance's ``adapter:`` name from a registry of lazily imported modules."""

from __future__ import annotations

import importlib
from pathlib import Path

from gladcfg import __version__
from gladcfg.adapter.base import (
    Access,
    Adapter,
    ReadHints,
    RemoteObject,
    RemoteState,
    access_of,
)
from gladcfg.errors import GladcfgError
from gladcfg.model.project import Instance

# name → "module:factory"; the factory takes (instance name, its config, project root).
REGISTRY = {
    "mock": "gladcfg.adapter.mock:MockAdapter",
    "gladly": "gladcfg.adapter.gladly.adapter:GladlyAdapter",
}


def open_adapter(name: str, instance: Instance, root: Path) -> Adapter:
    target = REGISTRY.get(instance.adapter)
    if target is None:
        raise GladcfgError(
            f"instance '{name}': the {instance.adapter} adapter is not available in gladcfg "
            f"{__version__}; available: {', '.join(REGISTRY)}"
        )
    module, _, factory = target.partition(":")
    adapter: Adapter = getattr(importlib.import_module(module), factory)(name, instance, root)
    return adapter


__all__ = [
    "REGISTRY",
    "Access",
    "Adapter",
    "ReadHints",
    "RemoteObject",
    "RemoteState",
    "access_of",
    "open_adapter",
]
