"""A package's public names, each imported from its module when first used (PEP 562), so
that importing one module of a package does not import all the others; and what a
``module:attribute`` reference names, imported only when it is needed."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def exports(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """The ``__getattr__`` of ``package``, whose names are each in the module ``homes``
    gives for it."""

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__


def imported(target: str) -> Any:
    """What ``target`` (``"module:attribute"``, as an entry point's value) names, imported
    now, without reading any distribution's metadata."""
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)
