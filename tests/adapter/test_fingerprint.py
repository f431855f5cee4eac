"""The fingerprint of a remote state names the instance it was read from, not only what it
held: a plan made for one instance can never be applied to another, even a twin."""

from __future__ import annotations

import shutil
from pathlib import Path

from gladcfg.adapter.base import RemoteObject, RemoteState, tenant_identity
from gladcfg.adapter.mock import MockAdapter
from gladcfg.model.project import MockInstance


def mock(root: Path, name: str, **config: object) -> MockAdapter:
    return MockAdapter(name, MockInstance.model_validate(config), root)


def state(identity: str, description: str = "Tier 1") -> RemoteState:
    team = RemoteObject("t-1", "tier1", {"description": description})
    return RemoteState(identity=identity, objects={"teams": {"tier1": team}})


def test_a_digest_of_objects_covers_who_was_read_and_what_they_held() -> None:
    staging = tenant_identity("gladly", "staging", "https://staging.gladly.com")
    prod = tenant_identity("gladly", "prod", "https://acme.gladly.com")
    assert state(staging).fingerprint() == state(staging).fingerprint()
    assert state(staging).fingerprint() != state(prod).fingerprint()
    assert state(staging).fingerprint() != state(staging, "Tier one").fingerprint()
    versioned = RemoteState(identity=staging, version="abc")
    assert versioned.fingerprint() != RemoteState(identity=prod, version="abc").fingerprint()
    assert versioned.fingerprint() != RemoteState(identity=staging, version="abd").fingerprint()


def test_identity_parts_cannot_run_into_each_other() -> None:
    assert tenant_identity("mock", "a.b", "c") != tenant_identity("mock", "a", "b.c")
    assert tenant_identity("mock", 'a", "b', "c") != tenant_identity("mock", "a", 'b", "c')


def test_twin_mock_instances_with_identical_stores_differ(tmp_path: Path) -> None:
    staging = mock(tmp_path, "staging")
    staging.create("teams", "tier1", {"description": "Tier 1"})
    staging.close()  # a closed database is whole in its file: copied, it is a twin
    state_dir = tmp_path / ".gladcfg/state"
    shutil.copy(state_dir / "staging.db", state_dir / "prod.db")
    prod = mock(tmp_path, "prod")
    assert staging.read().objects == prod.read().objects
    assert staging.read().fingerprint() != prod.read().fingerprint()
    # Two instances sharing one store are still two instances.
    shared = mock(tmp_path, "prod", path=".gladcfg/state/staging.db")
    assert shared.read().fingerprint() != staging.read().fingerprint()


def test_a_mock_store_is_named_as_the_project_names_it(tmp_path: Path) -> None:
    """Another checkout of the project (CI's, a colleague's) reads the same instance."""
    first = mock(tmp_path / "one", "staging", path="state/../state/s.db")
    first.create("teams", "tier1", {})
    first.close()
    shutil.copytree(tmp_path / "one", tmp_path / "two")
    second = mock(tmp_path / "two", "staging", path="state/s.db")
    assert first.read().fingerprint() == second.read().fingerprint()
