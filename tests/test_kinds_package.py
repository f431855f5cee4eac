"""One home per kind: each module of ``gladcfg/kinds/`` is one kind (its model, its checks,
how files write it), registered once, and the registry holds exactly those modules."""

from __future__ import annotations

import importlib
from pathlib import Path

import gladcfg.kinds
from gladcfg.kinds import REGISTRY
from gladcfg.model.resource import Kind

KINDS_DIR = Path(gladcfg.kinds.__file__).parent


def test_every_module_of_the_package_is_one_registered_kind_named_as_its_file() -> None:
    modules = sorted(p.stem for p in KINDS_DIR.glob("*.py") if p.stem != "__init__")
    assert sorted(REGISTRY) == modules
    for name in modules:
        entry = importlib.import_module(f"gladcfg.kinds.{name}").ENTRY
        assert isinstance(entry, Kind) and entry.name == name
        assert REGISTRY[name] is entry
        assert entry.model.__module__ == f"gladcfg.kinds.{name}"


def test_each_kinds_checks_and_written_shapes_are_its_own() -> None:
    for name, kind in REGISTRY.items():
        for check in kind.checks:
            assert check.__module__ == f"gladcfg.kinds.{name}", (name, check)
        assert set(kind.written) <= set(kind.model.model_fields), name
    # A kind with checks of its own, and one whose week files write folded into ranges.
    assert REGISTRY["topics"].checks
    fold = REGISTRY["business_hours"].written["weekly"]
    week = {"mon": ["08:00-12:00"], "tue": ["08:00-12:00"], "sat": ["10:00-14:00"]}
    assert fold(week) == {"mon-tue": ["08:00-12:00"], "sat": ["10:00-14:00"]}
