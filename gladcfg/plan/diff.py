"""Field-level differences between two specs, for people to read.

Called only for objects already known to differ (the planner compares with ``==`` first),
so deepdiff's cost is paid per changed object, never per object.
"""

from __future__ import annotations

from typing import Any

from gladcfg.fieldpath import FieldPath, format_path
from gladcfg.model.plan import FieldDiff

MISSING = object()  # what value_at gives for a path that is not there


def changed_paths(before: dict[str, Any], after: dict[str, Any]) -> list[FieldPath]:
    """The path of every field that differs, sorted; a path stops before any list index,
    so a changed list is one changed field."""
    from deepdiff import DeepDiff

    changed: dict[FieldPath, None] = {}
    for levels in DeepDiff(before, after, view="tree").values():
        for level in levels:
            path = level.path(output_format="list")
            for index, item in enumerate(path):
                if isinstance(item, int):
                    path = path[:index]
                    break
            changed[tuple(path)] = None
    return sorted(changed, key=lambda p: [str(x) for x in p])


def field_diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[FieldDiff, ...]:
    """The changed fields, each as ``path: before → after``. A change inside a list is shown
    as the whole list, before and after: ``teams: [a, b] → [a, c]`` reads better than
    ``teams[1]: b → c``."""
    diffs = []
    for path in changed_paths(before, after):
        old, new = value_at(before, path), value_at(after, path)
        diffs.append(
            FieldDiff.model_construct(
                path=format_path(path),
                before=None if old is MISSING else old,
                after=None if new is MISSING else new,
            )
        )
    return tuple(diffs)


def value_at(value: Any, path: FieldPath) -> Any:
    """The value at ``path`` (mappings only), or MISSING."""
    for item in path:
        if not isinstance(value, dict) or item not in value:
            return MISSING
        value = value[item]
    return value
