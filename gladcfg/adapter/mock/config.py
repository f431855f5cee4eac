"""The mock adapter's configuration (an instance's ``adapter: mock`` in ``gladcfg.yaml``),
and its declaration in the ``gladcfg.adapters`` entry-point group: light, so that a project
is validated without importing the adapter itself."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import ConfigDict, Field, TypeAdapter, ValidationError

from gladcfg.model.project import AdapterPlugin, InstanceBase, KindName, Place
from gladcfg.model.types import Model


class MockFaults(Model):
    """Failures the mock adapter injects so tests can exercise partial applies."""

    # The docstring and title are the published schema's; the sandbox, which speaks
    # Gladly's API, injects its own (gladcfg.sandbox.app.SandboxFaults).
    model_config = ConfigDict(title="Faults")

    fail_every: int | None = Field(default=None, ge=1)
    rate_limit_every: int | None = Field(default=None, ge=1)
    latency_ms: int = Field(default=0, ge=0)


DEFAULT_STORE = ".gladcfg/state/{instance}.db"  # a mock instance's database, by default


StorePath = str | None


def _store_path(path: str | None, instance: str) -> str:
    return posixpath.normpath(path or DEFAULT_STORE.format(instance=instance))


class MockInstance(InstanceBase):
    """An instance simulated in a local SQLite database: the embedded default adapter."""

    adapter: Literal["mock"] = "mock"
    path: StorePath = Field(
        default=None,
        description=(
            "SQLite database of the instance, relative to the project; default "
            ".gladcfg/state/<instance>.db (a JSON store found there is converted once)"
        ),
    )
    faults: MockFaults | None = None

    def store_path(self, instance: str) -> str:
        """The database, relative to the project, as one spelling (``a/../b.db`` is ``b.db``)."""
        return _store_path(self.path, instance)

    read_only: list[KindName] = Field(
        default_factory=list,
        description="Kinds this mock reads but cannot write (planned as manual).",
    )
    hidden: list[KindName] = Field(
        default_factory=list,
        description="Kinds this mock can neither read nor write (not_managed).",
    )


# SQLite's write-ahead log and its index, beside the database.
STORE_SUFFIXES = ("", "-wal", "-shm")


def _place(name: str, body: Mapping[str, Any]) -> Place | None:
    """The store ``body`` (an instance as written, valid or not) names."""
    try:
        path = TypeAdapter(StorePath).validate_python(body.get("path"))
    except ValidationError:
        return None  # reported by the project's own validation
    return Place(f"the mock store {_store_path(path, name)}", "path", path)


def _local_files(name: str, config: InstanceBase) -> dict[str, str]:
    """The instance's store: a run reads it, and an output file must never replace it."""
    assert isinstance(config, MockInstance)
    store = config.path or DEFAULT_STORE.format(instance=name)
    return {store + suffix: f"the store of the mock instance {name}" for suffix in STORE_SUFFIXES}


ADAPTER = AdapterPlugin(
    name="mock",
    config=MockInstance,
    factory="gladcfg.adapter.mock.adapter:MockAdapter",
    place=_place,
    local_files=_local_files,
)
