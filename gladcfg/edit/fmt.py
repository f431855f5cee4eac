"""One canonical layout for resource files, as ``terraform fmt`` gives HCL one.

The layout is the one ``gladcfg init`` writes: mappings indented by two spaces, a block
sequence's ``-`` two spaces under its key, each object's fields in its kind's model order
(unknown keys after the known ones, in their own order), no trailing whitespace and one final
newline. Everything else stays as written: the order of kinds and objects, flow or block
style, quoting, comments and the ``#%`` template lines.

A file is a template: formatting it must never change what it renders to. So a text is
formatted only if the loader accepts it as written (a ``{% ... %}`` tag or a key a ``#%``
loop repeats is not YAML as written, and such a file is left alone), and the result is
checked before it is returned: the same data, every comment kept, each full-line comment
still right before the line it preceded, and the ``#%`` lines in their order. An object's
fields are reordered only when no comment sits between them (a comment between two fields is
about one of them, and a ``#%`` line there decides which fields a rendering keeps); if the
check fails anyway, the fields keep their order, and if it fails still, the text is refused.
"""

from __future__ import annotations

import io
import itertools
from collections import Counter
from collections.abc import Iterator
from typing import Any

import yaml as pyyaml

from gladcfg.errors import YamlError
from gladcfg.model.kinds import is_singleton, model_of
from gladcfg.yamlio.loader import load

TEMPLATE_LINE = "#%"
_WIDTH = 1 << 30  # never fold a long value over lines: a template expression stays whole


class Unformattable(Exception):
    """Why a text is left as written; ``reason`` reads after the file's name."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def format_text(text: str) -> str:
    """``text`` in the canonical layout, meaning the same. Raises Unformattable."""
    before = _meaning(text)
    if before is None:  # empty, or comments only: nothing to lay out
        return text
    failure = ""
    step = _step(text)
    for reorder in (True, False):
        formatted = _tidy(_dumped(text, reorder=reorder), step)
        failure = _difference(text, before, formatted)
        if not failure:
            return formatted
    raise Unformattable(failure)


def _meaning(text: str) -> dict[Any, Any] | None:
    """The data ``text`` holds as written, by the project's own loader and its bounds."""
    try:
        document = load(text)
    except YamlError as exc:
        where = f" (line {exc.line})" if exc.line else ""
        raise Unformattable(f"not YAML as written{where}: {exc.message}") from None
    if document.duplicate_keys:
        first = document.duplicate_keys[0]
        raise Unformattable(
            f"key {str(first.path[-1])!r} appears twice as written (line {first.line}), "
            "as a '#%' loop may repeat it"
        )
    if document.data is None:
        return None
    if not isinstance(document.data, dict):
        raise Unformattable("is not a YAML mapping of kinds")
    return document.data


def _dumped(text: str, *, reorder: bool) -> str:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = _WIDTH
    yaml.indent(mapping=2, sequence=4, offset=2)
    try:
        data = yaml.load(text)
        if reorder:
            _order_fields(data)
        stream = io.StringIO()
        yaml.dump(data, stream)
    except YAMLError as exc:  # ruamel is stricter than libyaml in places (a tab before '#')
        raise Unformattable(f"ruamel.yaml cannot round-trip it: {exc}") from None
    return stream.getvalue()


def _order_fields(data: dict[Any, Any]) -> None:
    """Each object's fields in its kind's model order, where no comment is between them."""
    for kind, objects in data.items():
        model = model_of(str(kind))
        if model is None or not isinstance(objects, dict):
            continue
        fields = list(model.model_fields)
        if is_singleton(str(kind)):
            _order(objects, fields)
        else:
            for spec in objects.values():
                if isinstance(spec, dict):
                    _order(spec, fields)


def _order(spec: Any, fields: list[str]) -> None:
    keys = list(spec)
    wanted = [f for f in fields if f in spec] + [k for k in keys if k not in fields]
    if wanted == keys or _comments_between(spec, keys):
        return
    if wanted[-1] != keys[-1]:
        _move_tail(spec, keys[-1], wanted[-1])
    for key in wanted:
        spec.move_to_end(key)


def _comments_between(spec: Any, keys: list[Any]) -> bool:
    """Whether a comment line (or a blank one) sits before or between the fields of
    ``spec``; what follows the last one is the next object's, and moves with the end."""
    if spec.ca.comment and spec.ca.comment[1]:
        return True
    if any((spec.ca.items.get(key) or [None, None])[1] for key in keys):
        return True
    for key in keys[:-1]:
        entry, index = _end_of(spec, key)
        token = entry[index] if entry else None
        if token is not None and _split(token.value)[1]:
            return True
    return False


def _move_tail(spec: Any, old_last: Any, new_last: Any) -> None:
    """Move the comments after ``spec``'s last field, which precede whatever follows it,
    to the end of the field that will be last."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    entry, index = _end_of(spec, old_last)
    token = entry[index] if entry else None
    if token is None:
        return
    own, tail = _split(token.value)
    if not tail:
        return
    token.value = own if own.strip() else "\n"
    entry, index = _end_of(spec, new_last, create=True)
    assert entry is not None
    if entry[index] is None:
        entry[index] = CommentToken("\n" + tail, CommentMark(0), None)
    else:
        entry[index].value += tail


def _end_of(holder: Any, key: Any, *, create: bool = False) -> tuple[list[Any] | None, int]:
    """Where ruamel keeps the comments written after ``holder[key]``: on its value's last
    entry, deepest first, for a block collection; on the entry itself otherwise."""
    while True:
        value: Any = holder[key]
        if not isinstance(value, dict | list) or not value or _is_flow(value):
            break
        holder, key = value, (next(reversed(value)) if isinstance(value, dict) else len(value) - 1)
    index = 0 if isinstance(holder, list) else 2
    if create:
        return holder.ca.items.setdefault(key, [None, None, None, None]), index
    return holder.ca.items.get(key), index


def _is_flow(node: Any) -> bool:
    return bool(node.fa.flow_style())


def _split(comment: str) -> tuple[str, str]:
    """A comment token's text: the end of its own line, and the lines after it."""
    own, _, after = comment.partition("\n")
    return own + "\n", after


def _tidy(text: str, step: int) -> str:
    """ruamel's dump with no trailing whitespace, no blank lines around, one final newline,
    and each full-line comment (but the ``#%`` lines, kept as written) indented as the line
    it precedes; or, written deeper than that line (``step``: the source's indentation), as
    the end of the block above it, at most as deep as that block's last line."""
    lines = text.split("\n")
    inside = _scalar_lines(text)
    out: list[str] = []
    above = 0
    for number, written_line in enumerate(lines):
        if number in inside:
            out.append(written_line)
            continue
        line = written_line.rstrip()
        stripped = line.lstrip()
        if stripped.startswith("#") and not stripped.startswith(TEMPLATE_LINE):
            written = (len(line) - len(stripped)) * 2 // step
            below = next((_indent(after) for after in lines[number + 1 :] if _is_content(after)), 0)
            line = " " * (min(written, above) if written > below else below) + stripped
        elif stripped:
            above = _indent(line)
        out.append(line)
    return "\n".join(out).strip("\n") + "\n"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _is_content(line: str) -> bool:
    return bool(line.strip()) and not line.lstrip().startswith("#")


def _step(text: str) -> int:
    """The indentation ``text`` nests mappings by (2 when it does not say)."""
    steps: Counter[int] = Counter()
    lines = [line for line in text.split("\n") if _is_content(line)]
    for line, after in itertools.pairwise(lines):
        deeper = _indent(after) - _indent(line)
        if line.rstrip().endswith(":") and deeper > 0 and not after.lstrip().startswith("-"):
            steps[deeper] += 1
    return steps.most_common(1)[0][0] if steps else 2


def _difference(text: str, before: dict[Any, Any], formatted: str) -> str:
    """Why ``formatted`` is not ``text`` laid out anew, or "" when it is."""
    try:
        after = _meaning(formatted)
    except Unformattable as exc:  # pragma: no cover - ruamel writes what it read
        return f"formatting would make it unreadable ({exc.reason})"
    if after != before:
        return "formatting would change what it means"
    old, new = _Comments(text), _Comments(formatted)
    if old.template_lines != new.template_lines:
        return "cannot keep its '#%' template lines in place"
    if Counter(old.texts) != Counter(new.texts) or Counter(old.pairs) != Counter(new.pairs):
        return "cannot keep its comments where they are"
    return ""


class _Comments:
    """Every comment of a text (``texts``); each full-line one paired with the content line
    it precedes, spaces removed (``pairs``); and the ``#%`` lines, in order."""

    def __init__(self, text: str) -> None:
        covered = _covered(text)
        self.texts: list[str] = []
        self.pairs: list[tuple[str, str]] = []
        pending: list[str] = []
        for number, line in enumerate(text.split("\n")):
            start = _comment_start(line, covered.get(number, []))
            if start is None:
                if line.strip():
                    self.pairs += [(comment, "".join(line.split())) for comment in pending]
                    pending = []
                continue
            comment = line[start:].rstrip()
            self.texts.append(comment)
            if not line[:start].strip():
                pending.append(comment)
        self.pairs += [(comment, "") for comment in pending]
        self.template_lines = [c for c, _ in self.pairs if c.startswith(TEMPLATE_LINE)]


def _comment_start(line: str, spans: list[tuple[int, int]]) -> int | None:
    """The column where a comment starts on ``line``, outside every token, or None."""
    for column, char in enumerate(line):
        if char != "#" or (column and line[column - 1] not in " \t"):
            continue
        if not any(start <= column < end for start, end in spans):
            return column
    return None


def _tokens(text: str) -> Iterator[Any]:
    loader = getattr(pyyaml, "CSafeLoader", pyyaml.SafeLoader)
    return pyyaml.scan(text, Loader=loader)


def _covered(text: str) -> dict[int, list[tuple[int, int]]]:
    """Per line, the columns tokens cover (a scalar spanning lines covers them whole)."""
    covered: dict[int, list[tuple[int, int]]] = {}
    for token in _tokens(text):
        start, end = token.start_mark, token.end_mark
        if start.line == end.line:
            covered.setdefault(start.line, []).append((start.column, end.column))
            continue
        covered.setdefault(start.line, []).append((start.column, 1 << 62))
        for number in range(start.line + 1, end.line):
            covered.setdefault(number, []).append((0, 1 << 62))
        covered.setdefault(end.line, []).append((0, end.column))
    return covered


def _scalar_lines(text: str) -> set[int]:
    """The lines a scalar continues on from an earlier one: their text is the value's."""
    inside: set[int] = set()
    for token in _tokens(text):
        start, end = token.start_mark, token.end_mark
        last = end.line if end.column else end.line - 1
        inside.update(range(start.line + 1, last + 1))
    return inside


__all__ = ["TEMPLATE_LINE", "Unformattable", "format_text"]
