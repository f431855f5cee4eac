"""Write changes made on an instance back into the resource files, field by field, in place.

The plan says what differs; for every update, each changed field gets the instance's value in
the file that declares the resource, through ruamel.yaml's round trip, so comments, key order,
quoting and the ``#%`` template lines stay as they were. A field whose text in the file is a
Jinja expression (or whose resource's name is) is reported and never overwritten: the value
comes from vars, and the fix belongs there.

Only values change: resources created, deleted or renamed on the instance are reported (export
writes new ones; deletes and renames are decisions for a person).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gladcfg import yamlio
from gladcfg.config.files import read_text
from gladcfg.config.render import has_template_syntax
from gladcfg.errors import FileProblem, YamlError
from gladcfg.export import fold_days
from gladcfg.fieldpath import FieldPath, format_path
from gladcfg.fileio import write_atomically
from gladcfg.plan.diff import MISSING, changed_paths, value_at
from gladcfg.plan.model import Action, Change, Plan

if TYPE_CHECKING:
    from gladcfg.config.workspace import DesiredState

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


def pull(root: Path, plan: Plan, desired: DesiredState) -> PullResult:
    """What to write into which file (nothing is written: see :func:`write`)."""
    result = PullResult()
    documents: dict[str, _Document | None] = {}
    for change in plan.changes:
        if change.effective_action is not Action.UPDATE:
            result.skipped.append(Skipped(change.address, "", _not_a_value(change)))
            continue
        declared = desired.get(change.kind, change.name)
        assert declared is not None and change.before is not None and change.after is not None
        rel = declared.source.rel
        if rel not in documents:
            documents[rel] = _Document.load(root / rel)
        document = documents[rel]
        for path in _whole_fields(change.kind, changed_paths(change.after, change.before)):
            where = format_path(path)
            if document is None:
                reason = f"{rel} is not plain YAML before rendering; edit it by hand"
                result.skipped.append(Skipped(change.address, where, reason))
                continue
            prefix = declared.path
            outcome = document.set(change.kind, prefix, path, change.before)
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
    if action is Action.DELETE:
        return "on the instance but declared nowhere; gladcfg export writes it as a file"
    return f"renamed on the instance? the files still say {change.renamed_from}; left as is"


class _Document:
    """One resource file as ruamel.yaml round-trips it."""

    def __init__(self, yaml: Any, data: Any) -> None:
        self._yaml = yaml
        self.data = data
        self.changed = False

    @classmethod
    def load(cls, path: Path) -> _Document | None:
        from ruamel.yaml import YAML
        from ruamel.yaml.error import YAMLError
        from ruamel.yaml.util import load_yaml_guess_indent

        try:
            text = read_text(path)
            # ruamel.yaml has none of the loader's bounds (alias expansion, depth, integer
            # size), and the text before rendering was never loaded: it is round-tripped
            # only once the loader accepts it.
            yamlio.load(text)
        except (FileProblem, YamlError):
            return None
        try:
            _, indent, offset = load_yaml_guess_indent(text)
            yaml = YAML()
            yaml.preserve_quotes = True
            yaml.width = 4096
            yaml.indent(mapping=2, sequence=indent or 2, offset=offset or 0)
            data = yaml.load(text)
        except YAMLError:
            return None
        return cls(yaml, data) if isinstance(data, dict) else None

    def set(
        self, kind: str, prefix: Sequence[str], path: FieldPath, remote: Mapping[str, Any]
    ) -> tuple[FieldPath, Any, Any] | str:
        """Write ``remote``'s value at ``path`` (or at the deepest part of it the file
        spells out) under ``prefix``; the reason when it cannot."""
        holder: Any = self.data
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
        if key == "weekly" and kind == "business_hours" and isinstance(value, dict):
            value = fold_days(value)
        if not isinstance(holder, dict):
            return "declared in a form gladcfg cannot edit; edit it by hand"
        old = holder.get(key, MISSING)
        if _templated(old):
            return "its value comes from a template (vars); change the vars instead"
        if value is MISSING:
            del holder[key]
        elif isinstance(value, dict) and isinstance(old, dict):
            _merge_into(old, value)
        else:
            holder[key] = _styled(value, old, holder)
        self.changed = True
        return written, old if old is MISSING else _plain(old), value

    def dump(self) -> str:
        stream = io.StringIO()
        self._yaml.dump(self.data, stream)
        return stream.getvalue()


def _whole_fields(kind: str, paths: Iterable[FieldPath]) -> Iterator[FieldPath]:
    """Fields written whole although they are mappings: a business week is folded into
    day ranges (``mon-fri``), so its days cannot be written one by one."""
    seen: set[FieldPath] = set()
    for path in paths:
        whole = ("weekly",) if kind == "business_hours" and path[0] == "weekly" else path
        if whole not in seen:
            seen.add(whole)
            yield whole


def _merge_into(mapping: dict[Any, Any], value: dict[str, Any]) -> None:
    """Make ``mapping`` equal ``value`` in place, so comments on kept keys stay."""
    for key in [k for k in mapping if k not in value]:
        del mapping[key]
    for key, item in value.items():
        if mapping.get(key) != item:
            mapping[key] = _styled(item, mapping.get(key, MISSING), mapping)


def _styled(value: Any, old: Any, holder: Any) -> Any:
    """``value`` in the style the file already uses there: flow (``[a, b]``, ``{k: v}``)
    when the value it replaces, or else a sibling of the same shape, is flow; strings
    quoted as the ones they sit among."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, str):
        return _quoted_like(value, old)
    if not isinstance(value, list | dict):
        return value
    shape = list if isinstance(value, list) else dict
    like = (
        old
        if isinstance(old, shape)
        else next((v for v in holder.values() if isinstance(v, shape)), None)
    )
    flow = bool(like is not None and hasattr(like, "fa") and like.fa.flow_style())
    node: Any
    if isinstance(value, list):
        sample = next(iter(like), None) if isinstance(like, list) else None
        node = CommentedSeq(_quoted_like(item, sample) for item in value)
    else:
        node = CommentedMap(value)
    if flow:
        node.fa.set_flow_style()
    return node


def _quoted_like(value: Any, like: Any) -> Any:
    """A string quoted as ``like`` is (ruamel keeps the quoting of what it read)."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

    if not isinstance(value, str):
        return value
    for style in (DoubleQuotedScalarString, SingleQuotedScalarString):
        if isinstance(like, style):
            return style(value)
    return value


def _templated(value: Any) -> bool:
    if isinstance(value, str):
        return has_template_syntax(value)
    if isinstance(value, dict):
        return any(_templated(v) for v in value.values())
    if isinstance(value, list):
        return any(_templated(v) for v in value)
    return False


def _plain(value: Any) -> Any:
    """ruamel's round-trip types as plain JSON-like values, for reports."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value
