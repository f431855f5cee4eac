from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from gladcfg import yamlio
from gladcfg.config import Workspace
from tests.conftest import RunCli

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "schemas"


def test_schema_command_reproduces_the_committed_schemas(tmp_path: Path, run_cli: RunCli) -> None:
    result = run_cli("schema", "--out", tmp_path / "out")
    assert result.exit_code == 0
    generated = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert generated == sorted(p.name for p in COMMITTED.glob("*.json"))
    for name in generated:
        assert (tmp_path / "out" / name).read_text() == (COMMITTED / name).read_text(), (
            f"schemas/{name} is stale: run `make schemas`"
        )


@pytest.mark.parametrize(
    "name",
    ["gladcfg.schema.json", "resources.schema.json", "plan.schema.json", "status.schema.json"],
)
def test_schemas_are_valid_json_schema(name: str) -> None:
    schema = json.loads((COMMITTED / name).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)


PROJECTS = [*(p.parent for p in REPO.glob("examples/*/gladcfg.yaml")), REPO / "gladcfg/scaffold"]


def _validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads((COMMITTED / name).read_text()))


@pytest.mark.parametrize("root", PROJECTS, ids=[p.name for p in PROJECTS])
def test_shipped_projects_match_the_schemas_before_and_after_rendering(root: Path) -> None:
    """Editors check the raw templates; gladcfg checks each instance's rendering."""
    resources, project = _validator("resources.schema.json"), _validator("gladcfg.schema.json")
    assert list(project.iter_errors(yamlio.load((root / "gladcfg.yaml").read_text()).data)) == []
    workspace = Workspace.open(root)
    assert workspace.files
    for rel in workspace.files:
        raw = yamlio.load((root / rel).read_text()).data
        assert [e.message for e in resources.iter_errors(raw)] == [], rel
        for instance in workspace.select():
            rendered = yamlio.load(workspace.rendered(rel, workspace.context(instance))).data
            assert [e.message for e in resources.iter_errors(rendered)] == [], (rel, instance)


def test_example_resource_files_point_at_the_schema() -> None:
    files = list(REPO.glob("examples/*/config/**/*.yaml"))
    assert files
    for path in files:
        assert path.read_text().startswith(
            "# yaml-language-server: $schema=../../../schemas/resources.schema.json\n"
        ), path
