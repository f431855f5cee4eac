"""JSON Schemas generated from the models, for editors and pipelines.

``gladcfg schema --out DIR`` writes them; the committed copies live in ``schemas/`` and a test
fails when they are stale.
"""

from __future__ import annotations

import json

from pydantic import BaseModel

from gladcfg.model.applied import ApplyDocument
from gladcfg.model.plan import Plan
from gladcfg.model.project import Project, ResourceFile, project_model
from gladcfg.model.status import StatusDocument

SCHEMAS: dict[str, tuple[type[BaseModel], str]] = {
    "gladcfg.schema.json": (Project, "gladcfg project file (gladcfg.yaml)"),
    "resources.schema.json": (ResourceFile, "gladcfg resource file"),
    "plan.schema.json": (Plan, "gladcfg plan (format_version 1)"),
    "status.schema.json": (StatusDocument, "gladcfg status (format_version 1)"),
    "apply-report.schema.json": (ApplyDocument, "gladcfg apply --report-out (format_version 1)"),
}


def generate_schemas() -> dict[str, str]:
    """File name → JSON text, deterministic so the committed copies can be compared."""
    out = {}
    for filename, (declared, title) in SCHEMAS.items():
        # The project's instances as every installed adapter defines them.
        model = project_model() if declared is Project else declared
        schema = model.model_json_schema(mode="validation")
        document = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://gladcfg.dev/schemas/{filename}",
            **schema,
            "title": title,
        }
        out[filename] = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return out
