"""Adapters are plug-ins: a distribution that declares one in the ``gladcfg.adapters``
entry-point group gives gladcfg a new ``adapter:``, its configuration validated by its own
model (errors at their line and column), with nothing in gladcfg naming it. Here a tiny
third adapter, keeping an instance in a JSON file of the project, is installed from its own
distribution (its package and its ``.dist-info`` with entry points, on the path of a real
``gladcfg`` process) and planned and applied with."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

GLADCFG = [sys.executable, "-m", "gladcfg"]

PACKAGE = '''\
"""An instance kept in a JSON file of the project: {kind: {name: spec}}."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from gladcfg.adapter.base import Access, RemoteObject, RemoteState, tenant_identity
from gladcfg.model.kinds import KINDS
from gladcfg.model.project import AdapterPlugin, InstanceBase, Place


class MemoryInstance(InstanceBase):
    """An instance held in one JSON file."""

    adapter: Literal["memory"]
    holds: str = Field(pattern=r"^[a-z]+\\.json$", description="The JSON file, in the project.")


class MemoryAdapter:
    name = "memory"
    unsettable: dict[str, frozenset[str]] = {}
    undeletable: frozenset[str] = frozenset()
    disables: frozenset[str] = frozenset()
    unlisted: frozenset[str] = frozenset()
    reads_by_name = False
    concurrent_writes = False

    def __init__(self, instance: str, config: MemoryInstance, root: Path) -> None:
        self.path = root / config.holds
        self.identity = tenant_identity(self.name, instance, config.holds)
        self.access = self.access_for(config)
        self.fields: dict[str, frozenset[str]] = {}

    @staticmethod
    def access_for(config: MemoryInstance) -> dict[str, Access]:
        return dict.fromkeys(KINDS, Access.WRITE)

    def _load(self) -> dict[str, dict[str, Any]]:
        return json.loads(self.path.read_text()) if self.path.exists() else {}

    def _save(self, held: dict[str, dict[str, Any]]) -> None:
        self.path.write_text(json.dumps(held, sort_keys=True))

    def read(self, hints: Any = None, *, refresh: bool = True) -> RemoteState:
        held = self._load()
        objects = {
            kind: {name: RemoteObject(f"{kind}/{name}", name, spec) for name, spec in by.items()}
            for kind, by in held.items()
        }
        return RemoteState(identity=self.identity, objects=objects, requests=1)

    def create(self, kind: str, name: str, spec: dict[str, Any]) -> RemoteObject:
        held = self._load()
        held.setdefault(kind, {})[name] = spec
        self._save(held)
        return RemoteObject(f"{kind}/{name}", name, spec)

    def update(self, kind: str, obj: RemoteObject, spec: dict[str, Any]) -> RemoteObject:
        return self.create(kind, obj.name, spec)

    def rename(
        self, kind: str, obj: RemoteObject, new_name: str, spec: dict[str, Any]
    ) -> RemoteObject:
        self.delete(kind, obj)
        return self.create(kind, new_name, spec)

    def delete(self, kind: str, obj: RemoteObject) -> None:
        held = self._load()
        held.get(kind, {}).pop(obj.name, None)
        self._save(held)

    def locked(self) -> Any:
        return contextlib.nullcontext()

    def close(self) -> None:
        pass


def _place(name: str, body: Any) -> Place | None:
    holds = body.get("holds")
    return Place(f"the file {holds}", "holds", holds) if isinstance(holds, str) else None


ADAPTER = AdapterPlugin(
    name="memory",
    config=MemoryInstance,
    factory="gladcfg_memory:MemoryAdapter",
    place=_place,
    local_files=lambda name, config: {config.holds: f"the memory instance {name}"},
)
'''

PROJECT = """\
version: 1
instances:
  mem:
    adapter: memory
    holds: mem.json
  local: {}
"""

RESOURCES = """\
teams:
  tier1: {description: Tier 1}
audiences:
  acme: {description: Acme customers}
"""


def _install(site: Path, entry_points: str, package: str = PACKAGE) -> None:
    """The distribution gladcfg-memory, as pip would leave it in a site directory."""
    (site / "gladcfg_memory").mkdir(parents=True)
    (site / "gladcfg_memory/__init__.py").write_text(package)
    info = site / "gladcfg_memory-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: gladcfg-memory\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(entry_points)
    (info / "RECORD").write_text("")


def _run(site: Path, root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site), "NO_COLOR": "1"}
    return subprocess.run(
        [*GLADCFG, "-C", str(root), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=root.parent,
        timeout=120,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "config").mkdir(parents=True)
    (root / "gladcfg.yaml").write_text(PROJECT)
    (root / "config/base.yaml").write_text(RESOURCES)
    return root


def test_a_third_adapter_from_its_own_distribution_plans_and_applies(
    tmp_path: Path, project: Path
) -> None:
    site = tmp_path / "site"
    _install(site, "[gladcfg.adapters]\nmemory = gladcfg_memory:ADAPTER\n")
    planned = _run(site, project, "plan", "-i", "mem")
    assert planned.returncode == 0, planned.stderr
    assert "gladcfg plan for mem (memory)" in planned.stdout
    assert "+ teams.tier1" in planned.stdout and "+ audiences.acme" in planned.stdout
    applied = _run(site, project, "apply", "-i", "mem", "--auto-approve")
    assert applied.returncode == 0, applied.stderr
    held = json.loads((project / "mem.json").read_text())
    assert held["teams"] == {"tier1": {"description": "Tier 1"}}
    again = _run(site, project, "plan", "-i", "mem", "--detailed-exitcode")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "No changes" in again.stdout
    # The file the adapter keeps is the instance: no output file may replace it.
    refused = _run(site, project, "plan", "-i", "mem", "--out", str(project / "mem.json"))
    assert refused.returncode == 1 and "memory instance mem" in refused.stderr
    # Its configuration is in the project's schema, beside gladcfg's own adapters.
    schema = _run(site, project, "schema", "--out", str(tmp_path / "schemas"))
    assert schema.returncode == 0, schema.stderr
    text = (tmp_path / "schemas/gladcfg.schema.json").read_text()
    assert "MemoryInstance" in text and "MockInstance" in text


def test_a_plugin_config_is_validated_by_its_own_model_with_positions(
    tmp_path: Path, project: Path
) -> None:
    site = tmp_path / "site"
    _install(site, "[gladcfg.adapters]\nmemory = gladcfg_memory:ADAPTER\n")
    (project / "gladcfg.yaml").write_text(PROJECT.replace("holds: mem.json", "holds: MEM.txt"))
    result = _run(site, project, "validate")
    assert result.returncode == 1
    assert "gladcfg.yaml:5:12: error: instances.mem.holds:" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    # Two instances in one file are one instance.
    twins = PROJECT.replace("  local: {}", "  other: {adapter: memory, holds: mem.json}")
    (project / "gladcfg.yaml").write_text(twins)
    result = _run(site, project, "validate")
    assert result.returncode == 1 and "the file mem.json" in result.stderr, result.stderr


def test_without_the_distribution_its_adapter_is_unknown(tmp_path: Path, project: Path) -> None:
    result = _run(tmp_path / "nothing-installed", project, "validate")
    assert result.returncode == 1
    assert "unknown adapter 'memory'; expected mock or gladly" in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("entry_points", "package", "said"),
    [
        ("[gladcfg.adapters]\nmemory = gladcfg_missing:ADAPTER\n", PACKAGE, "cannot be loaded"),
        (
            "[gladcfg.adapters]\nmemory = gladcfg_memory:ADAPTER\n",
            PACKAGE.replace('name="memory",', 'name="other",'),
            "is not declared as one",
        ),
        ("[gladcfg.adapters]\nmemory = gladcfg_memory:MemoryAdapter\n", PACKAGE, "not declared"),
    ],
)
def test_a_broken_plugin_is_named_and_nothing_runs(
    tmp_path: Path, project: Path, entry_points: str, package: str, said: str
) -> None:
    site = tmp_path / "site"
    _install(site, entry_points, package)
    result = _run(site, project, "validate")
    assert result.returncode == 1
    assert "error: the memory adapter (gladcfg_" in result.stderr, result.stderr
    assert said in result.stderr and "from gladcfg-memory" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_factory_of_a_plugin_that_cannot_be_imported_is_named(
    tmp_path: Path, project: Path
) -> None:
    site = tmp_path / "site"
    _install(
        site,
        "[gladcfg.adapters]\nmemory = gladcfg_memory:ADAPTER\n",
        PACKAGE.replace('factory="gladcfg_memory:MemoryAdapter"', 'factory="gladcfg_memory:Gone"'),
    )
    result = _run(site, project, "plan", "-i", "mem")
    assert result.returncode == 1
    assert "the memory adapter cannot be opened: gladcfg_memory:Gone" in result.stderr
    assert "Traceback" not in result.stderr


def test_gladcfg_declares_its_own_adapters_as_entry_points_too() -> None:
    from importlib.metadata import distribution

    from gladcfg.model.project import (
        ENTRY_POINTS,
        OWN_ADAPTERS,
        adapters_for,
    )

    points = [p for p in distribution("gladcfg").entry_points if p.group == ENTRY_POINTS]
    assert {p.name: p.value for p in points} == OWN_ADAPTERS
    # Loaded without the scan, they are what the entry points declare.
    assert adapters_for([]) == {
        p.name: p.load() for p in sorted(points, key=lambda p: p.name != "mock")
    }


@pytest.fixture
def forgotten_adapters() -> Iterator[None]:
    """Adapters found again, before and after the test (what was found is cached)."""
    from gladcfg.model import project

    def forget() -> None:
        for cached in (
            project._installed,
            project._adapters,
            project.instance_type,
            project._instance_adapter,
            project._project_model,
        ):
            cached.cache_clear()

    forget()
    yield
    forget()


def test_a_project_naming_only_gladcfgs_adapters_never_scans_the_installed_ones(
    project: Path, monkeypatch: pytest.MonkeyPatch, forgotten_adapters: None
) -> None:
    import importlib.metadata

    from gladcfg.config import Workspace

    def scan(**_: object) -> object:
        raise AssertionError("the installed distributions' entry points were scanned")

    monkeypatch.setattr(importlib.metadata, "entry_points", scan)
    (project / "gladcfg.yaml").write_text(PROJECT.replace("adapter: memory", "adapter: mock"))
    (project / "gladcfg.yaml").write_text(
        (project / "gladcfg.yaml").read_text().replace("    holds: mem.json\n", "")
    )
    assert set(Workspace.open(project).project.instances) == {"mem", "local"}
    (project / "gladcfg.yaml").write_text(PROJECT)  # names another: all of them are looked at
    with pytest.raises(AssertionError, match="entry points were scanned"):
        Workspace.open(project)


def test_projects_with_and_without_a_plugin_validate_in_one_process_in_any_order(
    tmp_path: Path, project: Path, monkeypatch: pytest.MonkeyPatch, forgotten_adapters: None
) -> None:
    import importlib

    from gladcfg.config import Workspace

    site = tmp_path / "site"
    _install(site, "[gladcfg.adapters]\nmemory = gladcfg_memory:ADAPTER\n")
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    plain = tmp_path / "plain"
    (plain / "config").mkdir(parents=True)
    (plain / "gladcfg.yaml").write_text("version: 1\ninstances:\n  local: {}\n")
    for order in ([plain, project, plain], [project, plain, project]):
        for root in order:
            opened = Workspace.open(root).project.instances
            assert set(opened) == ({"local"} if root == plain else {"mem", "local"})
    assert type(Workspace.open(project).project.instances["mem"]).__name__ == "MemoryInstance"


def test_an_unknown_adapter_is_named_even_beside_a_broken_plugin_no_instance_uses(
    tmp_path: Path, project: Path
) -> None:
    site = tmp_path / "site"
    _install(site, "[gladcfg.adapters]\nmemory = gladcfg_memory:ADAPTER\n", "raise ValueError\n")
    (project / "gladcfg.yaml").write_text(PROJECT.replace("adapter: memory", "adapter: mokc"))
    result = _run(site, project, "validate")
    assert result.returncode == 1
    assert "gladcfg.yaml:4:5: error: instances.mem: unknown adapter 'mokc'" in result.stderr
    assert "expected mock, gladly or memory" in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("fault", "command", "said"),
    [
        (
            ('factory="gladcfg_memory:MemoryAdapter"', 'factory="gladcfg_memory_boom:Adapter"'),
            "plan",
            "the memory adapter cannot be opened: gladcfg_memory_boom:Adapter",
        ),
        (
            ("        self.path = root / config.holds\n", "        raise RuntimeError('no way')\n"),
            "plan",
            "the memory adapter failed to open instance 'mem': no way",
        ),
        (
            ('    holds = body.get("holds")\n', '    raise RuntimeError("place boom")\n'),
            "validate",
            "the memory adapter failed to read instance 'mem': place boom",
        ),
    ],
)
def test_a_plugin_failing_at_the_boundary_is_named(
    tmp_path: Path, project: Path, fault: tuple[str, str], command: str, said: str
) -> None:
    site = tmp_path / "site"
    assert fault[0] in PACKAGE
    _install(site, "[gladcfg.adapters]\nmemory = gladcfg_memory:ADAPTER\n", PACKAGE.replace(*fault))
    (site / "gladcfg_memory_boom.py").write_text("raise RuntimeError('factory module boom')\n")
    args = ["plan", "-i", "mem"] if command == "plan" else ["validate"]
    result = _run(site, project, *args)
    assert result.returncode == 1
    assert f"error: {said}" in result.stderr, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
