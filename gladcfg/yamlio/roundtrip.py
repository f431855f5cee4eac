"""Editing a YAML file in place: values change, everything else stays as it was written.

ruamel.yaml's round trip keeps comments, key order, quoting, indentation and the ``#%``
template lines of a file people maintain; a value written into it takes the style of the
values around it (flow or block, quoted or plain), so the change reads as if made by hand.
"""

from __future__ import annotations

import io
from typing import Any

from gladcfg.errors import YamlError
from gladcfg.yamlio.loader import load

_ABSENT = object()


class EditableDocument:
    """One YAML document whose top is a mapping, as ruamel.yaml round-trips it.

    ``data`` is ruamel's mapping: its mappings are dicts and its lists are lists, to be read
    and walked as such; values are written through :meth:`write` and :meth:`remove`, which
    keep the file's style and note that the document changed.
    """

    def __init__(self, yaml: Any, data: Any) -> None:
        self._yaml = yaml
        self.data = data
        self.changed = False

    @classmethod
    def parse(cls, text: str) -> EditableDocument | None:
        """``text`` ready for editing; None when it is not a YAML mapping the loader accepts."""
        from ruamel.yaml import YAML
        from ruamel.yaml.error import YAMLError
        from ruamel.yaml.util import load_yaml_guess_indent

        try:
            # ruamel.yaml has none of the loader's bounds (alias expansion, depth, integer
            # size): a text is round-tripped only once the loader accepts it.
            load(text)
        except YamlError:
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

    def write(self, holder: dict[Any, Any], key: Any, value: Any) -> None:
        """Make ``holder[key]`` equal ``value``: a mapping already there is changed in place,
        so comments on the keys it keeps stay; anything else is replaced by ``value`` in the
        style the file uses there."""
        old = holder.get(key, _ABSENT)
        if isinstance(value, dict) and isinstance(old, dict):
            _merge_into(old, value)
        else:
            holder[key] = _styled(value, old, holder)
        self.changed = True

    def remove(self, holder: dict[Any, Any], key: Any) -> None:
        del holder[key]
        self.changed = True

    def dump(self) -> str:
        stream = io.StringIO()
        self._yaml.dump(self.data, stream)
        return stream.getvalue()


def plain_data(value: Any) -> Any:
    """ruamel's round-trip types as plain JSON-like values, for reports."""
    if isinstance(value, dict):
        return {str(k): plain_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_data(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def _merge_into(mapping: dict[Any, Any], value: dict[str, Any]) -> None:
    """Make ``mapping`` equal ``value`` in place, so comments on kept keys stay."""
    for key in [k for k in mapping if k not in value]:
        del mapping[key]
    for key, item in value.items():
        if mapping.get(key) != item:
            mapping[key] = _styled(item, mapping.get(key, _ABSENT), mapping)


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
