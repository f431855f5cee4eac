"""Turn pydantic's validation errors into gladcfg problems: positioned, addressed and with
a "did you mean" where the value looks like a typo of something known."""

from __future__ import annotations

import functools
import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, JsonValue, ValidationError
from pydantic_core import ErrorDetails
from typing_extensions import is_typeddict

from gladcfg import yamlio
from gladcfg.errors import Problem, Severity
from gladcfg.fieldpath import FieldPath, format_path
from gladcfg.names import escaped, suggest


@dataclass(frozen=True)
class Source:
    """A file as validated: its path relative to the project, and its (rendered) text.

    ``origin``, for a rendered template, gives the template line of each rendered line, so
    errors point into the file the user edits; it is only called when an error is reported.
    ``renumbered`` gives, for lists a salvaged model lost items of, the index as written of
    each item kept, so a path into that model is reported as the file has it.
    """

    rel: str
    text: str
    origin: Callable[[], list[int]] | None = field(default=None, compare=False, repr=False)
    renumbered: Mapping[FieldPath, Sequence[int]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @functools.cached_property
    def _template_lines(self) -> list[int] | None:
        return self.origin() if self.origin is not None else None

    def position(self, path: Sequence[str | int], *, key: bool = False) -> tuple[int, int | None]:
        """1-based line and column of ``path`` in the file as written. For a rendered
        template whose lines moved, the column is left out: it is the rendered one."""
        line, column = yamlio.locate(self.text, original_path(self.renumbered, path), key=key)
        lines = self._template_lines
        if lines is None or line > len(lines):
            return line, column
        if lines[line - 1] != line:
            return lines[line - 1], None
        return line, column

    def problem(
        self,
        message: str,
        path: Sequence[str | int] = (),
        *,
        key: bool = False,
        address: str | None = None,
        severity: Severity = Severity.ERROR,
        instance: str | None = None,
    ) -> Problem:
        line, column = self.position(path, key=key)
        path = original_path(self.renumbered, path)
        return Problem(
            message=escaped(message),  # a quoted value never hides or reorders the report
            file=self.rel,
            line=line,
            column=column,
            address=address if address is not None else resource_address(path),
            severity=severity,
            instances=(instance,) if instance else (),
        )


def original_path(
    renumbered: Mapping[FieldPath, Sequence[int]], path: Sequence[str | int]
) -> FieldPath:
    """``path`` into a model whose lists lost items (``renumbered``, see :class:`Source`),
    as the file has it."""
    if not renumbered:
        return tuple(path)
    written: list[str | int] = []
    for step in path:
        kept = renumbered.get(tuple(written))
        if kept is not None and isinstance(step, int) and 0 <= step < len(kept):
            written.append(kept[step])
        else:
            written.append(step)
    return tuple(written)


def resource_address(path: Sequence[str | int]) -> str | None:
    """The address a problem at ``path`` is reported under (``inboxes.us-email.teams[0]``),
    escaped so that a message never hides or reorders what it quotes; none for the file
    itself."""
    return escaped(format_path(path)) if path else None


def problems_from_validation(
    exc: ValidationError,
    model: type[BaseModel],
    source: Source,
    *,
    data: Any = None,
    instance: str | None = None,
    top_level_noun: str = "field",
) -> list[Problem]:
    """``data``, the document validated, gives back the keys pydantic's error locations
    spell as text (a ``null:`` key is ``'None'`` there), so each error points at its own
    key."""
    problems = []
    keys = _KeysAsLoaded(data)
    for error in exc.errors(include_url=False):
        path, on_key, allowed = _walk(model, error["loc"])
        bad_key = on_key or error["type"] == "invalid_key"
        path, address = keys.resolve(path, error["input"] if bad_key else _NO_KEY)
        if bad_key and not isinstance(error["input"], str):
            message, point_at_key = _not_text_key(error["input"]), True
        else:
            message, point_at_key = _describe(
                error, path, allowed, top_level_noun if len(path) == 1 else "field"
            )
        if error["type"] == "missing":
            path, point_at_key = path[:-1], True  # point at the resource that lacks it
        problems.append(
            source.problem(
                message, path, key=point_at_key or on_key, address=address, instance=instance
            )
        )
    return problems


_NO_KEY = object()
_JSON_ITEM = object()  # inside a JsonValue, after pydantic's tag of its JSON type


class _KeysAsLoaded:
    """Paths of pydantic errors in terms of the document's own keys."""

    def __init__(self, data: Any) -> None:
        self._data = data
        self._spelled: dict[int, dict[str, Any]] = {}  # per mapping: str(key) → key

    def resolve(self, path: FieldPath, last_key: Any) -> tuple[FieldPath, str | None]:
        """The path with the document's keys (``last_key``, when not _NO_KEY, is the
        last one), and its ``kind.name.field`` address."""
        if self._data is None:
            return path, resource_address(path)
        resolved: list[Any] = []
        text = ""
        node = self._data
        for index, item in enumerate(path):
            if isinstance(node, dict):
                key = last_key if index == len(path) - 1 and last_key is not _NO_KEY else item
                if not isinstance(key, str) or key not in node:
                    key = self._key(node, key)
                node = node.get(key)
                spelled = escaped(yamlio.key_text(key))
                text += f".{spelled}" if text else spelled
                resolved.append(key)
            else:
                inside = isinstance(node, list) and isinstance(item, int) and 0 <= item < len(node)
                node = node[item] if inside else None
                text += f"[{item}]" if isinstance(item, int) else f".{escaped(str(item))}"
                resolved.append(item)
        return tuple(resolved), text or None

    def _key(self, mapping: dict[Any, Any], item: Any) -> Any:
        spelled = self._spelled.get(id(mapping))
        if spelled is None:
            spelled = {
                str(int(k) if isinstance(k, bool) else k): k
                for k in mapping
                if not isinstance(k, str)
            }
            self._spelled[id(mapping)] = spelled
        return spelled.get(str(item), item)


def _not_text_key(key: Any) -> str:
    if key is None:
        what = "null (no value)"
    else:
        what = "a boolean" if isinstance(key, bool) else "a number"
    spelled = yamlio.key_text(key)
    return f"the key {spelled} is {what}, not text; put it in quotes ('{spelled}') if you mean it"


def _describe(
    error: ErrorDetails, path: FieldPath, allowed: Sequence[str], noun: str
) -> tuple[str, bool]:
    kind, given = error["type"], error.get("input")
    field = path[-1] if path else ""
    if kind == "extra_forbidden":
        return f"unknown {noun} '{field}'{suggest(str(field), allowed)}", True
    if kind == "missing":
        return f"missing required field '{field}'", True
    if kind == "literal_error":
        listed = str(error.get("ctx", {}).get("expected", ""))
        expected = [v.strip("'") for v in re.split(r", | or ", listed) if v]
        hint = suggest(str(given), expected) if isinstance(given, str) else ""
        return f"expected one of {', '.join(expected)}; got {_show(given)}{hint}", False
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, "), False
    if kind == "unknown_adapter":  # its message lists the adapters installed
        adapter = given.get("adapter") if isinstance(given, dict) else given
        known = str(error["msg"]).partition("expected one of: ")[2].split(", ")
        listed = " or ".join([", ".join(known[:-1]), known[-1]] if len(known) > 1 else known)
        hint = suggest(adapter, known) if isinstance(adapter, str) else ""
        return f"unknown adapter {_show(adapter)}; expected {listed}{hint}", False
    message = str(error["msg"])
    message = message[0].lower() + message[1:]
    return f"{message}; got {_show(given)}", False


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else _short(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return repr(value)


def _walk(model: type[BaseModel], loc: Iterable[str | int]) -> tuple[FieldPath, bool, list[str]]:
    """Follow pydantic's ``loc`` through the model's types.

    Returns the path in the document (without union tags pydantic adds), whether the error
    is about a mapping key, and the field names allowed where the path ends.
    """
    path: list[str | int] = []
    on_key = False
    tp: Any = model
    allowed: list[str] = list(model.model_fields)
    for item in loc:
        if item == "[key]":
            on_key = True
            continue
        tp = _unwrap(tp)
        origin = typing.get_origin(tp)
        if tp is JsonValue:
            # pydantic names the JSON type (dict, list, …) before each key or index in a
            # JsonValue: a tag, not a part of the document.
            tp = _JSON_ITEM
            continue
        if tp is _JSON_ITEM:
            tp = JsonValue
        elif isinstance(tp, type) and issubclass(tp, BaseModel):
            allowed = list(tp.model_fields)
            field = tp.model_fields.get(str(item))
            tp = field.annotation if field else None
        elif is_typeddict(tp):
            hints = typing.get_type_hints(tp, include_extras=True)
            allowed = list(hints)
            tp = hints.get(str(item))
        elif origin is dict:
            tp = typing.get_args(tp)[1]
        elif origin is list:
            tp = typing.get_args(tp)[0]
        elif _is_union(tp):
            member = _tagged_member(tp, item)
            if member is not None:
                tp = member
                continue
            tp = None
        else:
            tp = None
        path.append(item)
    return tuple(path), on_key, allowed


def _unwrap(tp: Any) -> Any:
    while True:
        if typing.get_origin(tp) is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        if _is_union(tp):
            members = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(members) == 1:
                tp = members[0]
                continue
        return tp


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


def _tagged_member(union: Any, tag: str | int) -> Any:
    for member in typing.get_args(union):
        if typing.get_origin(member) is typing.Annotated:
            for meta in typing.get_args(member)[1:]:
                if getattr(meta, "tag", None) == tag:
                    return member
    return None
