"""Adapters: the only way gladcfg talks to an instance. ``open_adapter`` picks one by the
instance's ``adapter:`` name among those installed: each distribution declares its adapters
in the ``gladcfg.adapters`` entry-point group (gladcfg's own: ``mock`` and ``gladly``), and an
adapter's module is imported only when an instance using it is opened."""

from __future__ import annotations

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
from gladcfg.errors import GladcfgError, PluginError
from gladcfg.lazy import imported
from gladcfg.model.project import OWN_ADAPTERS, InstanceBase, adapters_for


def open_adapter(name: str, instance: InstanceBase, root: Path) -> Adapter:
    factory = _factory(name, instance)
    try:
        adapter: Adapter = factory(name, instance, root)
    except GladcfgError:
        raise
    except Exception as exc:
        if instance.adapter in OWN_ADAPTERS:
            raise  # gladcfg's own: a bug, reported as one
        raise PluginError(
            f"the {instance.adapter} adapter failed to open instance '{name}': {exc}"
        ) from exc
    return adapter


def access_for(name: str, instance: InstanceBase) -> Mapping[str, Access]:
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


def write_limits_for(name: str, instance: InstanceBase) -> WriteLimits:
    factory = _factory(name, instance)
    return WriteLimits(factory.unsettable, factory.undeletable, factory.disables)


def local_files(name: str, instance: InstanceBase) -> Mapping[str, str]:
    """The files in the project ``instance``'s adapter keeps for it (project-relative path →
    what it is): a run reads them, and an output file must never replace one."""
    plugin = adapters_for([instance.adapter]).get(instance.adapter)
    return {} if plugin is None else plugin.local_files(name, instance)


def _factory(name: str, instance: InstanceBase) -> Any:
    adapters = adapters_for([instance.adapter])
    plugin = adapters.get(instance.adapter)
    if plugin is None:
        raise GladcfgError(
            f"instance '{name}': the {instance.adapter} adapter is not available in gladcfg "
            f"{__version__}; available: {', '.join(adapters)}"
        )
    try:
        return imported(plugin.factory)
    except (Exception, SystemExit) as exc:  # the adapter's code, imported only now
        raise PluginError(
            f"the {plugin.name} adapter cannot be opened: {plugin.factory} ({exc})"
        ) from exc


__all__ = [
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
    "local_files",
    "open_adapter",
    "write_limits_for",
]
