"""What gladcfg reads of Gladly's responses, as pydantic models: every body is checked
against its shape before anything uses it. The shapes every kind shares are here; a kind's
own shapes live in its handler module (:mod:`gladcfg.adapter.gladly.kinds`).

A proxy's HTML page, a truncated body, a list where an object belongs, a missing id or a
null name then end in one clean error naming the request and what was wrong, never in a
KeyError deep inside the mapping. Unknown keys are ignored: Gladly adds fields over time.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

T = TypeVar("T")

# Ids go into request paths (quoted) and names become gladcfg names: both must be real text.
Id = Annotated[str, Field(min_length=1, max_length=1000)]
Text = Annotated[str, Field(max_length=100_000)]


class Shape(BaseModel):
    """Field names are Gladly's own spelling (camelCase), so bodies validate as they come."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class Named(Shape):
    """An object Gladly lists: an id and a name (of audiences and inboxes, gladcfg reads
    nothing more)."""

    id: Id
    name: Id


class Created(Shape):
    """A create's answer: the new object's id."""

    id: Id


# A list of named items (audiences, inboxes), and a create's answer.
NAMED_LIST = TypeAdapter(list[Named])
CREATED = TypeAdapter(Created)


def parse(shape: TypeAdapter[T], content: bytes) -> T:
    """The body as ``shape``; ValueError says, in a user's words, what was wrong."""
    if not content.strip():
        raise ValueError("the body is empty")
    try:
        return shape.validate_json(content)
    except ValidationError as exc:
        raise ValueError(describe(exc)) from None


def describe(exc: ValidationError) -> str:
    errors = exc.errors(include_url=False, include_context=False)
    if errors[0]["type"] == "json_invalid":
        return "the body is not valid JSON"
    shown = "; ".join(_one(error) for error in errors[:3])
    more = len(errors) - 3
    return f"the body is not shaped as Gladly documents: {shown}" + (
        f" (and {more} more)" if more > 0 else ""
    )


def _one(error: ErrorDetails) -> str:
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"])
    where = where.lstrip(".") or "the body"
    if error["type"] == "missing":
        return f"{where} is missing"
    given = error.get("input")
    return f"{where}: expected {_expected(error)}, got {_kind(given)}"


def _expected(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "string_too_short":
        return "non-empty text"
    if kind == "string_too_long":
        return "shorter text"
    if kind.startswith("string"):
        return "text"
    if kind.startswith("list") or kind == "too_long":
        return "a list"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "an object"
    if kind.startswith("bool"):
        return "true or false"
    if kind.startswith("int"):
        return "a whole number"
    return str(error["msg"]).removeprefix("Input should be ")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text" if value else "empty text"
    return "a number"
