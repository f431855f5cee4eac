"""Loading a YAML document: libyaml's events built into plain Python values, within bounds.

Documents are parsed by libyaml's event parser and built into plain Python values here,
without PyYAML's node graph. That is about nine times faster than ``yaml.load`` with the C
loader (which spends most of its time creating nodes and marks), it never recurses (libyaml's
composer crashes the interpreter on very deep nesting), and it lets us enforce the bounds
that make hostile input an error rather than an outage:

* a size limit per document, a depth limit, and a limit on what aliases may expand to,
  so a "billion laughs" file fails fast;
* integers of at most ``MAX_INT_DIGITS`` digits, and no tags that construct objects
  (:mod:`gladcfg.yamlio.scalars` reads scalars by the YAML 1.2 core schema);
* duplicate keys are reported instead of silently keeping the last.

Positions are not kept while loading: they are recomputed for the few paths that need one
when an error is reported (:func:`gladcfg.yamlio.positions.locate`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from yaml import events as ev

from gladcfg.errors import YamlError
from gladcfg.fieldpath import FieldPath
from gladcfg.yamlio.scalars import CORE, MERGE, ScalarProblem, error_at, resolve_plain, scalar

Parser: Any
try:  # pragma: no branch - libyaml ships in the PyYAML wheels we depend on
    from yaml.cyaml import CParser as Parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - pure-Python fallback keeps gladcfg usable
    from yaml import Loader as Parser

MAX_DOCUMENT_CHARS = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIAS_EXPANSION = 100_000


@dataclass(frozen=True)
class DuplicateKey:
    path: FieldPath
    line: int
    column: int


@dataclass(frozen=True)
class Document:
    data: Any
    duplicate_keys: tuple[DuplicateKey, ...] = ()


class _Frame:
    __slots__ = (
        "anchor",
        "container",
        "is_map",
        "key",
        "key_event",
        "merges",
        "parent_key",
        "start",
    )

    def __init__(self, container: Any, is_map: bool, parent_key: Any, start: Any) -> None:
        self.start = start  # the collection's start event: its anchor, where it begins
        self.anchor: str | None = start.anchor
        self.container = container
        self.is_map = is_map
        self.key: Any = _NO_KEY
        self.key_event: Any = None
        self.merges: list[Any] = []
        self.parent_key = parent_key


_NO_KEY = object()
_OPEN = object()
# Plain scalars starting with none of these are strings: the fast path of the loader.
_MAYBE_TYPED = frozenset("0123456789+-.~nNtTfF<")


def load(text: str) -> Document:
    """Load one YAML document from ``text`` into plain dicts, lists and scalars.

    Raises :class:`YamlError` with a 1-based position for syntax errors and for input
    beyond the bounds documented in this module.
    """
    if len(text) > MAX_DOCUMENT_CHARS:
        raise YamlError(
            f"document is {len(text) / 1048576:.1f} MiB; the limit is "
            f"{MAX_DOCUMENT_CHARS // 1048576} MiB"
        )
    try:
        parser = Parser(text)
    except UnicodeEncodeError as exc:  # a lone surrogate, which only a template can make
        line = text.count("\n", 0, exc.start) + 1
        column = exc.start - text.rfind("\n", 0, exc.start)
        raise YamlError(
            f"invalid YAML: U+{ord(text[exc.start]):04X} is a lone surrogate, not a character",
            line,
            column,
        ) from None
    try:
        return _build(parser)
    except yaml.MarkedYAMLError as exc:
        mark: Any = exc.problem_mark
        problem = exc.problem or str(exc)
        context = f" {exc.context}" if exc.context else ""
        message = f"invalid YAML: {problem}{context}"
        if "maximum nesting depth" in problem:
            # libyaml's scanner has its own, larger limit and may meet it before our parser
            # sees the 65th level: the document breaks the same rule, so say it the same way.
            message = f"nesting is deeper than {MAX_DEPTH} levels"
        if mark is None:  # pragma: no cover - libyaml always marks its errors
            raise YamlError(message) from None
        raise YamlError(message, mark.line + 1, mark.column + 1) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - text.rfind("\n", 0, exc.position)
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        raise YamlError(
            f"invalid YAML: character {char!r} (#x{ord(char):04x}) is not allowed: {exc.reason}",
            line,
            column,
        ) from None
    finally:
        parser.dispose()


def _build(parser: Any) -> Document:  # noqa: PLR0915 - one flat event loop, for speed
    stack: list[_Frame] = []
    anchors: dict[str, Any] = {}
    # id → (expanded size, depth) of anchored values, computed on their first alias
    sizes: dict[int, tuple[int, int]] = {}
    duplicates: list[DuplicateKey] = []
    # Each distinct text once: values repeat (names referred to, zones, channels), and the
    # desired state built from them keeps them, for every resource.
    texts: dict[str, str] = {}
    expanded = 0
    root: Any = None
    documents = 0
    get_event = parser.get_event
    scalar_event, alias_event = ev.ScalarEvent, ev.AliasEvent
    map_start, seq_start = ev.MappingStartEvent, ev.SequenceStartEvent
    map_end, seq_end = ev.MappingEndEvent, ev.SequenceEndEvent
    maybe_typed, no_key, merge, containers = _MAYBE_TYPED, _NO_KEY, MERGE, (dict, list)
    frame: _Frame | None = None

    while True:
        event = get_event()
        cls = event.__class__
        if cls is scalar_event:
            value = event.value
            try:
                if event.tag is not None or not event.implicit[0]:
                    value = scalar(event)
                elif not value or value[0] in maybe_typed:
                    value = merge if value == "<<" else resolve_plain(value)
            except ScalarProblem as exc:
                raise error_at(str(exc), event) from None
            if value.__class__ is str:
                value = texts.setdefault(value, value)
            if event.anchor is not None:
                anchors[event.anchor] = value
        elif cls is map_start or cls is seq_start:
            if len(stack) >= MAX_DEPTH:
                raise error_at(f"nesting is deeper than {MAX_DEPTH} levels", event)
            if event.tag not in (None, "!", CORE + "map", CORE + "seq"):
                raise error_at(
                    f"tag {event.tag!r} is not supported: gladcfg reads plain YAML data only",
                    event,
                )
            if frame is None:
                parent_key: Any = None
            elif frame.is_map:
                parent_key = frame.key
            else:
                parent_key = len(frame.container)
            is_map = cls is map_start
            frame = _Frame({} if is_map else [], is_map, parent_key, event)
            stack.append(frame)
            if event.anchor is not None:
                anchors[event.anchor] = _OPEN  # an alias to it from inside it recurses
            continue
        elif cls is map_end or cls is seq_end:
            done = stack.pop()
            value = done.container
            for source in done.merges:
                for k, v in source.items():
                    value.setdefault(k, v)
            if done.anchor is not None:
                anchors[done.anchor] = value
            frame = stack[-1] if stack else None
        elif cls is alias_event:
            if event.anchor not in anchors:
                raise error_at(f"alias *{event.anchor} refers to no anchor", event)
            value = anchors[event.anchor]
            if value is _OPEN:
                raise error_at(f"alias *{event.anchor} refers to itself", event)
            size, depth = _expanded(value, sizes)
            if len(stack) + depth > MAX_DEPTH:
                raise error_at(
                    f"nesting is deeper than {MAX_DEPTH} levels (through aliases)", event
                )
            expanded += size
            if expanded > MAX_ALIAS_EXPANSION:
                raise error_at(
                    f"aliases expand to more than {MAX_ALIAS_EXPANSION} values "
                    "(a 'billion laughs' document?)",
                    event,
                )
        elif cls is ev.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise error_at("a file holds one YAML document; found a second '---'", event)
            continue
        elif cls is ev.StreamEndEvent:
            return Document(root, tuple(duplicates))
        else:
            continue

        if frame is None:
            root = value
        elif not frame.is_map:
            frame.container.append(value)
        elif frame.key is no_key:
            if cls is not scalar_event and isinstance(value, containers):
                what = "a mapping" if isinstance(value, dict) else "a list"
                raise error_at(
                    f"this key is {what}, not text: mapping keys must be scalars",
                    event if cls is alias_event else done.start,
                )
            frame.key = value
            frame.key_event = event
        else:
            key = frame.key
            frame.key = no_key
            container = frame.container
            if key in container or key is merge:
                if key is merge:
                    sources = value if isinstance(value, list) else [value]
                    if not all(isinstance(s, dict) for s in sources):
                        raise error_at("'<<' merges mappings only", event)
                    frame.merges.extend(sources)
                    continue
                mark = frame.key_event.start_mark
                path = (*tuple(f.parent_key for f in stack[1:]), key)
                duplicates.append(DuplicateKey(path, mark.line + 1, mark.column + 1))
            container[key] = value


def _expanded(value: Any, sizes: dict[int, tuple[int, int]]) -> tuple[int, int]:
    """How many values ``value`` stands for once aliases are expanded, and how deep it is.
    Memoised by id, so a graph of shared values is walked once however often it is used;
    the recursion is bounded because every value built so far respects MAX_DEPTH."""
    if not isinstance(value, dict | list):
        return 1, 0
    known = sizes.get(id(value))
    if known is None:
        size, depth = 1, 0
        for child in value.values() if isinstance(value, dict) else value:
            child_size, child_depth = _expanded(child, sizes)
            size += child_size
            depth = max(depth, child_depth)
        known = sizes[id(value)] = (size, depth + 1)
    return known
