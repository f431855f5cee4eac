"""How values look in plans: JSON literals, so strings are quoted and nothing is ambiguous."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any


def show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def leaves(spec: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Flatten a spec to (dotted path, value) for display; lists stay whole."""
    for key, value in spec.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and value:
            yield from leaves(value, path)
        else:
            yield path, value


ACTION_WORDS = {
    "create": "to create",
    "update": "to update",
    "rename": "to rename",
    "delete": "to delete",
    "manual": "manual",
}


def summary_line(summary: dict[str, int]) -> str:
    parts = [f"{summary[action]} {word}" for action, word in ACTION_WORDS.items()]
    return ", ".join(parts) + f", {summary['unchanged']} unchanged"
