"""Gladly's REST API as published: the part of its OpenAPI document that gladcfg uses
(``gladly-openapi.json``, built by ``scripts/gladly_openapi.py`` from Gladly's own document,
which names its sources and, under ``x-gladcfg-decisions``, every place gladcfg reads it
otherwise than its schemas say). It is the contract the gladly adapter sends to, the sandbox
validates against and the conformance tests check; this module only loads it.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

DOCUMENT = "gladly-openapi.json"


@functools.cache
def document() -> dict[str, Any]:
    """The whole document, read once."""
    text = resources.files(__package__).joinpath(DOCUMENT).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def request_schema(path: str, method: str) -> dict[str, Any]:
    """The JSON body schema of ``method path`` (``path`` as the document spells it)."""
    operation = document()["paths"][path][method.lower()]
    schema: dict[str, Any] = operation["requestBody"]["content"]["application/json"]["schema"]
    return schema


@functools.cache
def webhook_events() -> tuple[str, ...]:
    """Every event a webhook can subscribe to, in the document's order."""
    events = request_schema("/api/v1/webhooks", "post")["properties"]["events"]["items"]
    return tuple(events["enum"])


@functools.cache
def time_of_day_pattern() -> str:
    """The pattern of a schedule block's start and stop (``HH:MM``, 00:00 to 23:59)."""
    block = document()["components"]["schemas"]["ScheduleBlock"]
    pattern: str = block["properties"]["stop"]["pattern"]
    return pattern
