"""What a scalar means: the YAML 1.2 core schema, read from libyaml's scalar events.

Loading a document and locating a key in it read scalars the same way: ``no``/``on`` stay
strings (Norwegian is ``no``), ``10:30`` is not sexagesimal, dates stay strings for the models
to parse, and only the core schema's plain types exist, so no tag constructs an object.
Integers have at most ``MAX_INT_DIGITS`` digits: Python converts no longer ones to or from
decimal text, so a larger one could never be read, shown or reported.
"""

from __future__ import annotations

import math
import re
from typing import Any

from gladcfg.errors import YamlError

# Python's own limit for converting integers to and from decimal text (sys.int_info).
MAX_INT_DIGITS = 4300
_MAX_INT_BITS = int(MAX_INT_DIGITS * math.log2(10)) - 1

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_SPECIAL_FLOATS = {
    ".inf": float("inf"),
    ".Inf": float("inf"),
    ".INF": float("inf"),
    "+.inf": float("inf"),
    "+.Inf": float("inf"),
    "+.INF": float("inf"),
    "-.inf": float("-inf"),
    "-.Inf": float("-inf"),
    "-.INF": float("-inf"),
    ".nan": float("nan"),
    ".NaN": float("nan"),
    ".NAN": float("nan"),
}
CORE = "tag:yaml.org,2002:"
# The merge key ``<<``: the loader merges the mappings given under it.
MERGE = object()


class ScalarProblem(ValueError):
    """A scalar that cannot be a value; the loader positions it."""


def resolve_plain(value: str) -> Any:
    """Resolve an untagged plain scalar by the YAML 1.2 core schema.

    Raises ScalarProblem for an integer too large to convert to text."""
    if value in _NULLS:
        return None
    first = value[0]
    if first in "tTfF" and value in _BOOLS:
        return _BOOLS[value]
    if first in "0123456789+-.":
        if _INT.match(value):
            if len(value.lstrip("+-")) > MAX_INT_DIGITS:
                raise ScalarProblem(_too_large(value))
            return int(value)
        if value.startswith(("0x", "0o")):
            try:
                number = int(value, 0)  # in a power-of-two base: no limit, linear time
            except ValueError:
                return value
            if number.bit_length() > _MAX_INT_BITS:
                raise ScalarProblem(_too_large(value))
            return number
        if _FLOAT.match(value):
            return float(value)
        if value in _SPECIAL_FLOATS:
            return _SPECIAL_FLOATS[value]
    return value


def _too_large(value: str) -> str:
    shown = value if len(value) <= 20 else f"{value[:10]}...{value[-4:]}"
    return (
        f"the integer {shown} has more than {MAX_INT_DIGITS} digits; write a number that "
        "large as text, in quotes"
    )


def scalar(event: Any) -> Any:
    """The value of a scalar event, its tag respected; MERGE for the merge key."""
    tag = event.tag
    if tag is None:
        if event.implicit[0]:
            if event.value == "<<":
                return MERGE
            return resolve_plain(event.value)
        return event.value
    if tag == "!" or tag == CORE + "str":
        return event.value
    if tag in (CORE + "int", CORE + "float", CORE + "bool", CORE + "null"):
        value = resolve_plain(event.value)
        expected = {
            "int": int,
            "float": (int, float),
            "bool": bool,
            "null": type(None),
        }[tag[len(CORE) :]]
        if isinstance(value, expected):  # type: ignore[arg-type]
            return float(value) if tag.endswith("float") else value
        raise error_at(f"{event.value!r} is not a valid {tag[len(CORE) :]}", event)
    raise error_at(f"tag {tag!r} is not supported: gladcfg reads plain YAML data only", event)


def error_at(message: str, event: Any) -> YamlError:
    """``message`` as a YamlError positioned where ``event`` begins (1-based)."""
    mark = event.start_mark
    return YamlError(message, mark.line + 1, mark.column + 1)
