"""A plan to and from its JSON document (``schemas/plan.schema.json``)."""

from __future__ import annotations

import json
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
    return json.dumps(to_document(plan), indent=2, ensure_ascii=False) + "\n"


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
    from gladcfg.config.files import FileProblem, read_bytes

    try:  # a regular file only: a FIFO or a device would block or never end
        text = read_bytes(path, MAX_PLAN_FILE_BYTES).decode("utf-8")
    except FileProblem as exc:
        raise PlanFileError(f"cannot read plan file {path}: {exc.message}") from None
    except UnicodeDecodeError:
        raise PlanFileError(f"{path} is not a gladcfg plan (not UTF-8 text)") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanFileError(
            f"{path} is not a gladcfg plan: invalid JSON at line {exc.lineno}: {exc.msg}"
        ) from None
    return from_document(data, str(path))
