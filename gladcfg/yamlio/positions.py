"""Where a path sits in a YAML text, and how messages write a key as YAML does.

Loading keeps no positions (it is faster without them); the few paths a problem is reported
at are found here, by reading the text's events again.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import yaml
from yaml import events as ev

from gladcfg.fieldpath import FieldPath
from gladcfg.yamlio.loader import Parser
from gladcfg.yamlio.scalars import scalar

_NO_KEY = object()


def _same_key(found: Any, wanted: Any) -> bool:
    """Whether the key ``found`` in the text is the path item ``wanted``: by value and type
    (``true`` is not ``1``), and ``.nan`` finds ``.nan``."""
    if isinstance(found, float) and isinstance(wanted, float) and math.isnan(found):
        return math.isnan(wanted)
    return found == wanted and isinstance(found, bool) == isinstance(wanted, bool)


def _same_key_any_case(found: Any, wanted: Any) -> bool:
    if isinstance(found, str) and isinstance(wanted, str):
        return found.lower() == wanted.lower()
    return _same_key(found, wanted)


def key_text(key: Any) -> str:
    """A key as YAML writes it (``null``, ``true``, ``.inf``), for messages."""
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, float) and not math.isfinite(key):
        return ".nan" if math.isnan(key) else ("-.inf" if key < 0 else ".inf")
    return str(key)


def locate(text: str, path: Sequence[Any], *, key: bool = False) -> tuple[int, int]:
    """Return the 1-based (line, column) of the value at ``path`` in ``text``; a path
    item is a key as loaded (a string, or a null, boolean or number key) or a list index.

    With ``key=True``, the position of the mapping key that ends the path (where an unknown
    field should be pointed at). When the path does not exist in full, the position of its
    deepest existing part. A name is found as written, else in any case (``en-us`` for the
    ``en-US`` it was read as). Called only when reporting, so it may re-parse the document.
    """
    position, found = _locate(text, tuple(path), key, _same_key)
    if not found:
        position, _ = _locate(text, tuple(path), key, _same_key_any_case)
    return position


def _locate(text: str, target: FieldPath, key: bool, same: Any) -> tuple[tuple[int, int], bool]:
    best: tuple[int, int] = (1, 1)
    parser: Any = Parser(text)
    # Each frame: (path of the collection, is_map, pending key or _NO_KEY, next index)
    stack: list[list[Any]] = []
    try:
        while True:
            event: Any = parser.get_event()
            cls = event.__class__
            if cls is ev.StreamEndEvent:
                return best, False
            if cls in (ev.MappingEndEvent, ev.SequenceEndEvent):
                stack.pop()
                _advance(stack)
                continue
            if cls not in (
                ev.ScalarEvent,
                ev.AliasEvent,
                ev.MappingStartEvent,
                ev.SequenceStartEvent,
            ):
                continue
            mark = (event.start_mark.line + 1, event.start_mark.column + 1)
            if stack and stack[-1][1] and stack[-1][2] is _NO_KEY:
                # A mapping key: remember it, and point at it when asked for keys.
                name = scalar(event) if cls is ev.ScalarEvent else None
                stack[-1][2] = name
                here = stack[-1][0] + (name,)
                if _is_prefix(here, target, same):
                    best = mark
                    if key and len(here) == len(target):
                        return mark, True
                continue
            if stack:
                parent = stack[-1]
                here = parent[0] + ((parent[2] if parent[1] else parent[3]),)
            else:
                here = ()
            on_path = _is_prefix(here, target, same)
            if on_path:
                best = mark
                if len(here) == len(target) and not key:
                    return mark, True
            if cls in (ev.MappingStartEvent, ev.SequenceStartEvent):
                stack.append([here, cls is ev.MappingStartEvent, _NO_KEY, 0])
            else:
                _advance(stack)
    except yaml.YAMLError:
        return best, False
    finally:
        parser.dispose()


def _advance(stack: list[list[Any]]) -> None:
    if not stack:
        return
    if stack[-1][1]:
        stack[-1][2] = _NO_KEY
    else:
        stack[-1][3] += 1


def _is_prefix(here: FieldPath, target: FieldPath, same: Any) -> bool:
    if len(here) > len(target):
        return False
    return all(same(h, t) for h, t in zip(here, target, strict=False))
