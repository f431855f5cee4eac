"""The fingerprint of a remote state names the instance it was read from, not only what it
held: a plan made for one instance can never be applied to another, even a twin."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from gladcfg.adapter.base import RemoteObject, RemoteState, tenant_identity
from gladcfg.adapter.mock.adapter import MockAdapter
from gladcfg.adapter.mock.config import MockInstance
from tests.cli.test_plan_apply import project
from tests.conftest import BASE_RESOURCES, MakeProject, RunCli, stored


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


def relaid(document: dict[str, Any]) -> str:
    """``document`` in another layout: kinds, names and keys in reverse order, indented."""

    def reverse(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: reverse(value[key]) for key in reversed(list(value))}
        return value

    return json.dumps(reverse(document), indent=3, ensure_ascii=True) + "\n\n"


def test_the_same_content_in_another_layout_keeps_a_saved_plan_valid(
    make_project: MakeProject, run_cli: RunCli, tmp_path: Path
) -> None:
    """The fingerprint is of what the instance holds, not of how its store was written:
    exported and imported again in another layout, it still takes the saved plan; a real
    change of content is still refused as stale."""
    root = project(make_project)
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    (root / "config/base.yaml").write_text(BASE_RESOURCES.replace("Tier 1", "Front line"))
    assert run_cli("-C", root, "plan", "--out", root / "plan.json").exit_code == 0
    exported = json.loads(run_cli("-C", root, "state", "export", "-i", "staging").stdout)
    same = tmp_path / "same.json"
    same.write_text(relaid(exported))
    assert run_cli("-C", root, "state", "import", "-i", "staging", same, "--yes").exit_code == 0

    applied = run_cli("-C", root, "apply", root / "plan.json")
    assert applied.exit_code == 0, applied.output
    assert stored(root)["objects"]["teams"]["tier1"]["spec"] == {"description": "Front line"}

    (root / "config/base.yaml").write_text(BASE_RESOURCES.replace("Tier 1", "Tier one"))
    assert run_cli("-C", root, "plan", "--out", root / "plan.json").exit_code == 0
    exported = stored(root)
    exported["objects"]["audiences"]["acme"]["spec"] = {"description": "changed in the UI"}
    changed = tmp_path / "changed.json"
    changed.write_text(relaid(exported))
    assert run_cli("-C", root, "state", "import", "-i", "staging", changed, "--yes").exit_code == 0
    refused = run_cli("-C", root, "apply", root / "plan.json")
    assert refused.exit_code == 1
    assert "changed since this plan" in refused.stderr
    assert stored(root)["objects"]["teams"]["tier1"]["spec"] == {"description": "Front line"}


def test_a_json_store_converted_in_two_checkouts_takes_the_same_plans(
    make_project: MakeProject, run_cli: RunCli, tmp_path: Path
) -> None:
    """The JSON store a project commits becomes a database in each checkout (CI's, a
    colleague's): the same content there, so a plan made in one applies in the other."""
    root = project(make_project)
    legacy = root / ".gladcfg/state/staging.json"
    legacy.parent.mkdir(parents=True)
    teams = {"tier1": {"id": "mock-1", "spec": {"description": "Tier 1"}}}
    legacy.write_text(json.dumps({"format_version": 1, "objects": {"teams": teams}}))
    other = tmp_path / "other"
    shutil.copytree(root, other)
    assert run_cli("-C", root, "plan", "--out", tmp_path / "plan.json").exit_code == 0
    applied = run_cli("-C", other, "apply", tmp_path / "plan.json")
    assert applied.exit_code == 0, applied.output
    again = run_cli("-C", other, "plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
