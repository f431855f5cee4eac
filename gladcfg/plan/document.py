"""Plan files: the JSON plan written, and read back strictly (``schemas/plan.schema.json``).

The document is :class:`~gladcfg.model.plan.Plan`'s dump and a plan file its validated load,
so what ``show`` renders from a file is what ``apply`` sends from it.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from gladcfg.config.files import read_bytes
from gladcfg.errors import FileProblem, PlanFileError
from gladcfg.model.plan import Plan
from gladcfg.plan.verify import load_problems, refuse
from gladcfg.text import json_text


def to_document(plan: Plan) -> dict[str, Any]:
    return plan.model_dump(mode="json")


def dumps(plan: Plan) -> str:
    return json_text(to_document(plan), indent=2) + "\n"


def parse_plan(text: str, where: str = "", *, bound: bool = False) -> Plan:
    """The plan ``text`` holds, once it is JSON as gladcfg writes it (:func:`loads_plan`) and
    the plan is found whole and consistent (:mod:`.verify`; ``bound``: but for what binding
    it to its files proves); ``where`` names the file in errors."""
    try:
        loads_plan(text)
    except json.JSONDecodeError as exc:
        raise PlanFileError(
            f"{where or 'text'} is not a gladcfg plan: invalid JSON at line {exc.lineno}: {exc.msg}"
        ) from None
    except ValueError as exc:  # JSON that gladcfg never writes
        raise refuse([str(exc)], where) from None
    try:
        plan = Plan.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise PlanFileError(f"not a gladcfg plan (format 1): {loc}: {first['msg']}") from None
    # Trusted only once its parts agree; a plan to be bound to its files is compared with
    # the plan they make, which proves its values.
    reasons = load_problems(plan, thorough=not bound)
    if reasons:
        raise refuse(reasons, where)
    return plan


MAX_PLAN_FILE_BYTES = 512 * 1024 * 1024


def read_plan_file(path: Path, *, bound: bool = False) -> Plan:
    try:  # a regular file only: a FIFO or a device would block or never end
        text = read_bytes(path, MAX_PLAN_FILE_BYTES).decode("utf-8")
    except FileProblem as exc:
        raise PlanFileError(f"cannot read plan file {path}: {exc.message}") from None
    except UnicodeDecodeError:
        raise PlanFileError(f"{path} is not a gladcfg plan (not UTF-8 text)") from None
    return parse_plan(text, str(path), bound=bound)


MAX_PLAN_DEPTH = 64  # a plan gladcfg writes nests a dozen levels; resource specs are bounded
MAX_DIGITS = 30  # far past any count, id or setting; Python refuses past 4,300 on its own


def loads_plan(text: str) -> Any:
    """``text`` as JSON exactly as gladcfg writes it, or ValueError: one reading only.

    Parsers disagree on JSON's loose corners (which of two equal keys wins; ``NaN``,
    ``1e999``; a lone surrogate, which no terminal can print), so a reviewer's tool could
    show one plan while apply sends another. gladcfg never writes them: a file holding one
    was edited. Nesting and numbers are bounded, so a hostile file is an error, not a crash."""
    if _depth(text) > MAX_PLAN_DEPTH:
        raise ValueError(f"nested deeper than {MAX_PLAN_DEPTH} levels")
    data = json.loads(
        text,
        object_pairs_hook=_unique_keys,
        parse_constant=_no_constant,
        parse_int=_integer,
        parse_float=_finite,
    )
    if _SURROGATE_ESCAPE.search(text) and _has_surrogate(data):
        raise ValueError("a string holds a lone surrogate (\\ud800-\\udfff), which is not text")
    return data


def _depth(text: str) -> int:
    """How deep brackets nest outside strings: counted before parsing, so a deep file never
    reaches the recursive parser (nor, once parsed, the recursive checks after it)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(itertools.accumulate(1 if c in "[{" else -1 for c in brackets), default=0)


_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise ValueError(
                f"the key {json.dumps(key, ensure_ascii=False)} appears twice in one object"
            )
        data[key] = value
    return data


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise ValueError(f"a number has more than {MAX_DIGITS} digits")
    return int(text)


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or len(text) > 2 * MAX_DIGITS:
        raise ValueError(f"the number {text[:MAX_DIGITS]} is out of range")
    return value


def _has_surrogate(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if any("\ud800" <= c <= "\udfff" for c in item):
                return True
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
