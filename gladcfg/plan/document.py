"""A plan to and from its JSON document (``schemas/plan.schema.json``)."""

from __future__ import annotations

import itertools
import json
import math
import re
from pathlib import Path
from typing import Any

from gladcfg.errors import PlanFileError
from gladcfg.model.project import Safety as SafetyConfig
from gladcfg.plan.model import Action, Change, FieldDiff, Plan, Safety


def to_document(plan: Plan) -> dict[str, Any]:
    return {
        "format_version": 1,
        "instance": plan.instance,
        "adapter": plan.adapter,
        "fingerprint": plan.fingerprint,
        "created_at": plan.created_at,
        "gladcfg_version": plan.gladcfg_version,
        "targets": list(plan.targets),
        "ignore": list(plan.ignore),
        "summary": plan.summary(),
        "changes": [_change(c) for c in plan.changes],
        "unmanaged": list(plan.unmanaged),
        "not_managed": list(plan.not_managed),
        "warnings": list(plan.warnings),
        "safety": {
            "existing": plan.safety.existing,
            "updates": plan.safety.updates,
            "deletes": plan.safety.deletes,
            "violations": list(plan.safety.violations),
            **plan.safety.limits.model_dump(),
        },
        **({"reads": plan.reads} if plan.reads is not None else {}),
    }


def _change(change: Change) -> dict[str, Any]:
    out: dict[str, Any] = {
        "address": change.address,
        "kind": change.kind,
        "name": change.name,
        "action": change.action.value,
    }
    if change.manual_action is not None:
        out["manual_action"] = change.manual_action.value
    if change.renamed_from is not None:
        out["renamed_from"] = change.renamed_from
    if change.remote_id is not None:
        out["remote_id"] = change.remote_id
    out["before"] = change.before
    out["after"] = change.after
    out["diff"] = [{"path": d.path, "before": d.before, "after": d.after} for d in change.diff]
    return out


def dumps(plan: Plan) -> str:
    from gladcfg.render.values import json_text

    return json_text(to_document(plan), indent=2) + "\n"


def from_document(data: Any, where: str = "") -> Plan:
    """The plan ``data`` holds, once it is found whole and consistent (:mod:`.verify`);
    ``where`` names the file in errors."""
    from pydantic import ValidationError

    from gladcfg.model.plan import PlanDocument
    from gladcfg.plan.verify import plan_problems, refuse

    try:
        doc = PlanDocument.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PlanFileError(f"not a gladcfg plan (format 1): {where}: {first['msg']}") from None
    changes = tuple(
        Change(
            kind=c.kind,
            name=c.name,
            action=Action(c.action),
            before=c.before,
            after=c.after,
            diff=tuple(FieldDiff(d.path, d.before, d.after) for d in c.diff),
            renamed_from=c.renamed_from,
            remote_id=c.remote_id,
            manual_action=Action(c.manual_action) if c.manual_action else None,
        )
        for c in doc.changes
    )
    plan = Plan(
        instance=doc.instance,
        adapter=doc.adapter,
        fingerprint=doc.fingerprint,
        changes=changes,
        unchanged=doc.summary.unchanged,
        unmanaged=tuple(doc.unmanaged),
        not_managed=tuple(doc.not_managed),
        warnings=tuple(doc.warnings),
        safety=Safety(
            doc.safety.existing,
            doc.safety.updates,
            doc.safety.deletes,
            tuple(doc.safety.violations),
            limits=SafetyConfig(
                max_update_percent=doc.safety.max_update_percent,
                max_delete_percent=doc.safety.max_delete_percent,
                min_existing=doc.safety.min_existing,
            ),
        ),
        targets=tuple(doc.targets),
        created_at=doc.created_at,
        gladcfg_version=doc.gladcfg_version,
        ignore=tuple(doc.ignore),
        reads=doc.reads,
    )
    reasons = [
        f"changes[{index}]: address {c.address!r} is not the address of {c.kind} {c.name!r}"
        for index, c in enumerate(doc.changes)
        if c.address != plan.changes[index].address
    ]
    counted = plan.summary()
    reasons += [
        f"summary: {count} to {action}, but the changes hold {counted[action]}"
        for action, count in doc.summary.model_dump().items()
        if count != counted[action]
    ]
    reasons += plan_problems(plan)
    if reasons:
        raise refuse(reasons, where)
    return plan


MAX_PLAN_FILE_BYTES = 512 * 1024 * 1024


def read_plan_file(path: Path) -> Plan:
    from gladcfg.config.files import read_bytes
    from gladcfg.errors import FileProblem

    try:  # a regular file only: a FIFO or a device would block or never end
        text = read_bytes(path, MAX_PLAN_FILE_BYTES).decode("utf-8")
    except FileProblem as exc:
        raise PlanFileError(f"cannot read plan file {path}: {exc.message}") from None
    except UnicodeDecodeError:
        raise PlanFileError(f"{path} is not a gladcfg plan (not UTF-8 text)") from None
    try:
        data = loads_plan(text)
    except json.JSONDecodeError as exc:
        raise PlanFileError(
            f"{path} is not a gladcfg plan: invalid JSON at line {exc.lineno}: {exc.msg}"
        ) from None
    except ValueError as exc:  # JSON that gladcfg never writes
        from gladcfg.plan.verify import refuse

        raise refuse([str(exc)], str(path)) from None
    return from_document(data, str(path))


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
