"""The mock store's file: one JSON document laid out one object per line, so a read can
stream it and keep each spec as text; and the checks a store passes before it is written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gladcfg.adapter.base import RemoteObject

STORE_FORMAT = 1


def wrong_shape(path: Path) -> str:
    return (
        f"the mock store {path} is not a format {STORE_FORMAT} store: "
        'expected "objects": {kind: {name: {"id": …, "spec": {…}}}}'
    )


def ready_for_writing(store: dict[str, Any]) -> bool:
    """Whether ``store`` (decoded whole) has the shape writes need; if so, its ``next_id``
    is made to follow every id it holds (a store written by hand may lack one)."""
    objects: Any = store.get("objects")
    top = 0
    try:
        for by_name in objects.values():
            for entry in by_name.values():
                if not isinstance(entry["id"], str) or not isinstance(entry["spec"], dict):
                    return False
                number = _MOCK_ID.fullmatch(entry["id"])
                top = max(top, int(number[1]) if number else 0)
    except (KeyError, TypeError, AttributeError):
        return False
    given = store.get("next_id")
    if not isinstance(given, int) or isinstance(given, bool):
        given = 1
    store["next_id"] = max(given, top + 1)
    return True


def index(
    lines: Iterable[bytes], digest: Any, where: str
) -> dict[str, dict[str, RemoteObject]] | None:
    """Stream a store written by :func:`dump` line by line, specs kept as text (decoded
    when compared); None as soon as a line is laid out otherwise. Feeds ``digest``;
    ``where`` names the store in the errors of specs decoded later."""
    objects: dict[str, dict[str, RemoteObject]] = {}
    by_name: dict[str, RemoteObject] | None = None
    state = "header"
    for raw in lines:
        digest.update(raw)
        if state == "end" or not raw.endswith(b"\n") or not raw.isascii():
            return None
        line = raw[:-1].decode("ascii")
        if by_name is not None:
            entry = _ENTRY.fullmatch(line)
            if entry is not None:
                name = string(entry[1])
                by_name[name] = RemoteObject(string(entry[2]), name, text=entry[3], where=where)
            elif line in ("}", "},"):
                by_name = None
            else:
                return None
        elif state == "header":
            header = _HEADER.fullmatch(line)
            if header is None or int(header[1]) != STORE_FORMAT:
                return None
            state = "kinds"
        elif line == "}}":
            state = "end"
        else:
            kind = _KIND.fullmatch(line)
            if kind is None:
                return None
            by_name = objects.setdefault(string(kind[1]), {})
    return objects if state == "end" else None


_MOCK_ID = re.compile(r"mock-(\d+)")
# The layout dump writes and index reads back.
_JSON_STRING = r'"(?:[^"\\]|\\.)*"'
_HEADER = re.compile(r'\{"format_version": (\d+), "next_id": \d+, "objects": \{')
_KIND = re.compile(f"({_JSON_STRING}): \\{{")
_ENTRY = re.compile(f'({_JSON_STRING}): \\{{"id": ({_JSON_STRING}), "spec": (\\{{.*\\}})\\}},?')


def dump(store: dict[str, Any]) -> str:
    """The store as one JSON document, one object per line, kinds and names sorted::

        {"format_version": 1, "next_id": 3, "objects": {
        "teams": {
        "tier1": {"id": "mock-1", "spec": {"description": "Tier 1"}},
        "vip": {"id": "mock-2", "spec": {}}
        }
        }}

    ASCII-escaped, so no string ever holds a line break.
    """
    header = json.dumps({"format_version": store["format_version"], "next_id": store["next_id"]})
    lines = [header[:-1] + ', "objects": {']
    kinds = sorted(store["objects"].items())
    for k, (kind, by_name) in enumerate(kinds, start=1):
        lines.append(f"{json.dumps(kind)}: {{")
        entries = sorted(by_name.items())
        lines.extend(
            f"{json.dumps(name)}: {json.dumps(entry, sort_keys=True)}"
            + ("," if e < len(entries) else "")
            for e, (name, entry) in enumerate(entries, start=1)
        )
        lines.append("}," if k < len(kinds) else "}")
    lines.append("}}")
    return "\n".join(lines) + "\n"


def string(literal: str) -> str:
    """The value of a JSON string literal."""
    return literal[1:-1] if "\\" not in literal else str(json.loads(literal))
