"""The kept part of Gladly's published API is what the build script makes of Gladly's own
document, a valid OpenAPI document, and says where it reads Gladly otherwise."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from gladcfg.spec import document, request_schema, time_of_day_pattern, webhook_events
from gladcfg.spec.contract import Contract

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "gladly_openapi.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gladly_openapi", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_kept_document_is_what_the_script_builds_from_gladlys() -> None:
    script = _script()
    if not (script.SOURCES / "n8n-nodes-gladly-openapi.json").exists():
        pytest.skip(f"Gladly's published document is not beside the project ({script.SOURCES})")
    built = script.render(script.build(script.SOURCES))
    kept = (ROOT / "gladcfg" / "spec" / "gladly-openapi.json").read_text(encoding="utf-8")
    assert kept == built, "stale: run python scripts/gladly_openapi.py"


def test_it_is_a_valid_openapi_document_naming_its_sources() -> None:
    Contract(document())  # openapi-core validates the document itself first
    assert any(
        "44be056d9ca26f2e0090f7fe86f76b38e9f72d37" in s for s in document()["x-gladcfg-source"]
    )
    decisions = document()["x-gladcfg-decisions"]
    assert all(d["where"] and d["decision"] for d in decisions)
    assert any("examples" in d["decision"] for d in decisions)


def test_it_keeps_no_prose() -> None:
    text = str(document()["paths"])
    assert "summary" not in text and "x-codeSamples" not in text


def test_what_gladcfg_reads_of_it() -> None:
    events = webhook_events()
    assert "CONVERSATION/CLOSED" in events and "CONVERSATION_ITEM/CREATED" not in events
    pattern = re.compile(time_of_day_pattern())
    assert pattern.match("23:59") and pattern.match("9:00")
    assert not pattern.match("24:00")
    topic = request_schema("/api/v1/topics", "post")
    assert topic["properties"]["parentId"] == {"type": "string"}
    assert topic["additionalProperties"] is False
