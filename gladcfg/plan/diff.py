"""Field-level differences between two specs, for people to read.

Called only for objects already known to differ (the planner compares with ``==`` first),
so deepdiff's cost is paid per changed object, never per object.
"""

from __future__ import annotations

from typing import Any

from gladcfg.model.resources import format_path
from gladcfg.plan.model import FieldDiff

_MISSING = object()


def field_diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[FieldDiff, ...]:
    """The changed fields, each as ``path: before → after``. A change inside a list is shown
    as the whole list, before and after: ``teams: [a, b] → [a, c]`` reads better than
    ``teams[1]: b → c``."""
    from deepdiff import DeepDiff

    changed: dict[tuple[str | int, ...], None] = {}
    for levels in DeepDiff(before, after, view="tree").values():
        for level in levels:
            path = level.path(output_format="list")
            for index, item in enumerate(path):
                if isinstance(item, int):
                    path = path[:index]
                    break
            changed[tuple(path)] = None
    diffs = []
    for path in sorted(changed, key=lambda p: [str(x) for x in p]):
        old, new = _get(before, path), _get(after, path)
        diffs.append(
            FieldDiff(
                format_path(path),
                None if old is _MISSING else old,
                None if new is _MISSING else new,
            )
        )
    return tuple(diffs)


def _get(value: Any, path: tuple[str | int, ...]) -> Any:
    # Paths stop before any list index, so only mappings are walked.
    for item in path:
        if not isinstance(value, dict) or item not in value:
            return _MISSING
        value = value[item]
    return value
