"""Write changes made on an instance back into the resource files, field by field, in place.

The plan says what differs; for every update, each changed field gets the instance's value in
the file that declares the resource, through ruamel.yaml's round trip, so comments, key order,
quoting and the ``#%`` template lines stay as they were. A field whose text in the file is a
Jinja expression (or whose resource's name is) is reported and never overwritten: the value
comes from vars, and the fix belongs there.

Only values change: resources created, deleted or renamed on the instance are reported (export
writes the ones created there; deletes and renames are decisions for a person).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gladcfg.config import load_desired
from gladcfg.config.files import read_text
from gladcfg.config.render import escape_values, has_template_syntax
from gladcfg.engine.session import open_instance
from gladcfg.errors import FileProblem
from gladcfg.fieldpath import FieldPath, format_path
from gladcfg.fileio import write_atomically
from gladcfg.kinds import REGISTRY
from gladcfg.model.plan import Action, Change, Plan
from gladcfg.plan.diff import MISSING, changed_paths, value_at
from gladcfg.yamlio.roundtrip import EditableDocument, plain_data

if TYPE_CHECKING:
    from gladcfg.config.desired import DesiredState
    from gladcfg.config.workspace import Workspace

REMOVED = MISSING


@dataclass(frozen=True)
class FieldEdit:
    file: str
    address: str
    field: str
    before: Any  # the file's value; REMOVED: the field was not set
    after: Any  # the instance's value; REMOVED: the field is taken out


@dataclass(frozen=True)
class Skipped:
    address: str
    field: str
    reason: str


@dataclass
class PullResult:
    edits: list[FieldEdit] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # rel → new text
    # Addresses on the instance that no file declares (created in the admin UI?): export
    # writes them as files.
    unmanaged: list[str] = field(default_factory=list)


def pull_instance(workspace: Workspace, instance: str) -> PullResult:
    """What the files would need to hold ``instance``'s values: its files validated, the
    instance read and planned, and each update turned into field edits."""
    report = load_desired(workspace, instance)
    with open_instance(workspace, instance) as session:
        plan = session.plan(report=report)
    return pull(workspace.root, plan, report.states[instance])


def pull(root: Path, plan: Plan, desired: DesiredState) -> PullResult:
    """What to write into which file (nothing is written: see :func:`write`)."""
    result = PullResult(unmanaged=list(plan.unmanaged))
    documents: dict[str, EditableDocument | None] = {}
    for change in plan.changes:
        if change.effective_action is Action.DELETE:  # prune: true
            result.unmanaged.append(change.address)
            continue
        if change.effective_action is not Action.UPDATE:
            result.skipped.append(Skipped(change.address, "", _not_a_value(change)))
            continue
        declared = desired.get(change.kind, change.name)
        assert declared is not None and change.before is not None and change.after is not None
        rel = declared.source.rel
        if rel not in documents:
            documents[rel] = _load(root / rel)
        document = documents[rel]
        for path in _whole_fields(change.kind, changed_paths(change.after, change.before)):
            where = format_path(path)
            if document is None:
                reason = f"{rel} is not plain YAML before rendering; edit it by hand"
                result.skipped.append(Skipped(change.address, where, reason))
                continue
            prefix = declared.path
            outcome = _set(document, change.kind, prefix, path, change.before)
            if isinstance(outcome, str):
                result.skipped.append(Skipped(change.address, where, outcome))
            else:
                written, old, new = outcome
                result.edits.append(FieldEdit(rel, change.address, format_path(written), old, new))
    for rel, document in documents.items():
        if document is not None and document.changed:
            result.files[rel] = document.dump()
    return result


def write(root: Path, result: PullResult) -> None:
    for rel, text in result.files.items():
        write_atomically(root / rel, text)


def _not_a_value(change: Change) -> str:
    action = change.effective_action
    if action is Action.CREATE:
        return "declared in the files but not on the instance (deleted there?); left as is"
    return f"renamed on the instance? the files still say {change.renamed_from}; left as is"


def _load(path: Path) -> EditableDocument | None:
    """The resource file as written, before rendering, to edit; None when it cannot be read
    or is not plain YAML."""
    try:
        text = read_text(path)
    except FileProblem:
        return None
    return EditableDocument.parse(text)


def _set(
    document: EditableDocument,
    kind: str,
    prefix: Sequence[str],
    path: FieldPath,
    remote: Mapping[str, Any],
) -> tuple[FieldPath, Any, Any] | str:
    """Write ``remote``'s value at ``path`` (or at the deepest part of it the file spells
    out) under ``prefix``; the reason when it cannot."""
    holder: Any = document.data
    for step in prefix:
        if not isinstance(holder, dict) or step not in holder:
            return "its name comes from a template; edit the template by hand"
        holder = holder[step]
    if holder is None:
        return "declared without a body; edit it by hand"
    depth = 0
    while depth < len(path) - 1:
        child = holder.get(path[depth]) if isinstance(holder, dict) else None
        if not isinstance(child, dict):
            break
        holder = child
        depth += 1
    key = path[depth]
    written = path[: depth + 1]
    value = value_at(remote, written)
    shape = REGISTRY[kind].written.get(str(key)) if depth == 0 else None
    if shape is not None and value is not MISSING:
        value = shape(value)
    if not isinstance(holder, dict):
        return "declared in a form gladcfg cannot edit; edit it by hand"
    old = holder.get(key, MISSING)
    if _templated(old):
        return "its value comes from a template (vars); change the vars instead"
    before = old if old is MISSING else plain_data(old)  # copied: a mapping is edited in place
    if value is MISSING:
        document.remove(holder, key)
    else:
        # Template syntax in a value ({{ in an answer) is written to render back as itself.
        document.write(holder, key, escape_values(value))
    return written, before, value


def _whole_fields(kind: str, paths: Iterable[FieldPath]) -> Iterator[FieldPath]:
    """Fields written whole although they are mappings: those files write in a shape of
    their own (:attr:`~gladcfg.model.resource.Kind.written`: a business week folded into
    day ranges, ``mon-fri``, whose days cannot be written one by one)."""
    written = REGISTRY[kind].written
    seen: set[FieldPath] = set()
    for path in paths:
        whole = (path[0],) if path[0] in written else path
        if whole not in seen:
            seen.add(whole)
            yield whole


def _templated(value: Any) -> bool:
    if isinstance(value, str):
        return has_template_syntax(value)
    if isinstance(value, dict):
        return any(_templated(v) for v in value.values())
    if isinstance(value, list):
        return any(_templated(v) for v in value)
    return False
