"""The one place gladcfg reads YAML.

Documents are parsed by libyaml's event parser and built into plain Python values here,
without PyYAML's node graph. That is about nine times faster than ``yaml.load`` with the C
loader (which spends most of its time creating nodes and marks), it never recurses (libyaml's
composer crashes the interpreter on very deep nesting), and it lets us enforce the bounds
that make hostile input an error rather than an outage:

* a size limit per document, a depth limit, and a limit on what aliases may expand to,
  so a "billion laughs" file fails fast;
* integers of at most ``MAX_INT_DIGITS`` digits (Python converts no longer ones to or
  from decimal text, so a larger one could never be read, shown or reported);
* no tags that construct objects: only the core schema's plain types exist;
* YAML 1.2 core scalars: ``no``/``on`` stay strings (Norwegian is ``no``), ``10:30`` is not
  sexagesimal, and dates stay strings for the models to parse;
* duplicate keys are reported instead of silently keeping the last.

Positions are not kept while loading: they are recomputed for the few paths that need one
when an error is reported (:func:`locate`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from yaml import events as ev

from gladcfg.errors import YamlError
from gladcfg.fieldpath import FieldPath

_Parser: Any
try:  # pragma: no branch - libyaml ships in the PyYAML wheels we depend on
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - pure-Python fallback keeps gladcfg usable
    from yaml import Loader as _Parser

MAX_DOCUMENT_CHARS = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIAS_EXPANSION = 100_000
# Python's own limit for converting integers to and from decimal text (sys.int_info).
MAX_INT_DIGITS = 4300
_MAX_INT_BITS = int(MAX_INT_DIGITS * math.log2(10)) - 1


@dataclass(frozen=True)
class DuplicateKey:
    path: FieldPath
    line: int
    column: int


@dataclass(frozen=True)
class Document:
    data: Any
    duplicate_keys: tuple[DuplicateKey, ...] = ()


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
_CORE = "tag:yaml.org,2002:"
_MERGE = object()


class _ScalarProblem(ValueError):
    """A scalar that cannot be a value; the loader positions it."""


def _resolve_plain(value: str) -> Any:
    """Resolve an untagged plain scalar by the YAML 1.2 core schema.

    Raises _ScalarProblem for an integer too large to convert to text."""
    if value in _NULLS:
        return None
    first = value[0]
    if first in "tTfF" and value in _BOOLS:
        return _BOOLS[value]
    if first in "0123456789+-.":
        if _INT.match(value):
            if len(value.lstrip("+-")) > MAX_INT_DIGITS:
                raise _ScalarProblem(_too_large(value))
            return int(value)
        if value.startswith(("0x", "0o")):
            try:
                number = int(value, 0)  # in a power-of-two base: no limit, linear time
            except ValueError:
                return value
            if number.bit_length() > _MAX_INT_BITS:
                raise _ScalarProblem(_too_large(value))
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


def _scalar(event: Any) -> Any:
    tag = event.tag
    if tag is None:
        if event.implicit[0]:
            if event.value == "<<":
                return _MERGE
            return _resolve_plain(event.value)
        return event.value
    if tag == "!" or tag == _CORE + "str":
        return event.value
    if tag in (_CORE + "int", _CORE + "float", _CORE + "bool", _CORE + "null"):
        value = _resolve_plain(event.value)
        expected = {
            "int": int,
            "float": (int, float),
            "bool": bool,
            "null": type(None),
        }[tag[len(_CORE) :]]
        if isinstance(value, expected):  # type: ignore[arg-type]
            return float(value) if tag.endswith("float") else value
        raise _error(f"{event.value!r} is not a valid {tag[len(_CORE) :]}", event)
    raise _error(f"tag {tag!r} is not supported: gladcfg reads plain YAML data only", event)


def _error(message: str, event: Any) -> YamlError:
    mark = event.start_mark
    return YamlError(message, mark.line + 1, mark.column + 1)


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
        parser = _Parser(text)
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


# Below this many characters in all, documents are loaded in this process: starting
# workers would cost more than it saves.
PARALLEL_MIN_CHARS = 2 * 1024 * 1024
MAX_WORKERS = 4


class Batch:
    """Loads a batch of documents, each handed in as soon as its text is known.

    libyaml's parser holds the GIL, so a large batch (``expected_chars`` in all, over
    ``count`` documents) is parsed by worker processes, forked so nothing is imported again,
    while the caller goes on producing texts and using the documents already loaded. Workers
    return each document marshalled, the cheapest way back for plain data. Where forking is
    not safe (not Linux, or other threads running), on one core, for a small batch, and for
    any document whose worker failed, documents are loaded in this process, when asked for.

    ``submit`` returns a function giving the document (or its error); call each once.
    """

    def __init__(self, expected_chars: int, count: int) -> None:
        self._workers = _worker_count(expected_chars, count)
        self._pool: Any = None  # started by the first submit: a batch may need no parsing

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, *_: object) -> None:
        if self._pool is not None:  # joins its thread, so a later batch may fork again
            self._pool.shutdown(cancel_futures=True)

    def submit(self, text: str) -> Callable[[], Document | YamlError]:
        if self._workers < 2:
            return lambda: _load_or_error(text)
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            fork = multiprocessing.get_context("fork")
            self._pool = ProcessPoolExecutor(
                self._workers, mp_context=fork, initializer=_worker_start
            )
        future = self._pool.submit(_load_marshalled, text)
        return lambda: _unmarshal(future, text)


def _unmarshal(future: Any, text: str) -> Document | YamlError:
    import marshal

    try:
        loaded = marshal.loads(future.result())
    except Exception:  # a worker that died (killed, out of memory): load it here
        return _load_or_error(text)
    if loaded[0] == "error":
        return YamlError(*loaded[1:])
    return Document(loaded[1], tuple(DuplicateKey(*dup) for dup in loaded[2]))


def _worker_count(expected_chars: int, count: int) -> int:
    import sys
    import threading

    if (
        count < 2
        or expected_chars < PARALLEL_MIN_CHARS
        or not sys.platform.startswith("linux")
        or threading.active_count() > 1
    ):
        return 1
    import os

    return min(MAX_WORKERS, len(os.sched_getaffinity(0)), count)


def _worker_start() -> None:
    """Ctrl-C reaches the whole process group: the main process stops the workers."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _load_or_error(text: str) -> Document | YamlError:
    try:
        return load(text)
    except YamlError as exc:
        return exc


def _load_marshalled(text: str) -> bytes:
    """In a worker: :func:`load`, as marshal data (plain values and tuples only)."""
    import marshal

    loaded = _load_or_error(text)
    if isinstance(loaded, YamlError):
        return marshal.dumps(("error", loaded.message, loaded.line, loaded.column))
    duplicates = tuple((dup.path, dup.line, dup.column) for dup in loaded.duplicate_keys)
    return marshal.dumps(("document", loaded.data, duplicates))


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
    maybe_typed, no_key, merge, containers = _MAYBE_TYPED, _NO_KEY, _MERGE, (dict, list)
    frame: _Frame | None = None

    while True:
        event = get_event()
        cls = event.__class__
        if cls is scalar_event:
            value = event.value
            try:
                if event.tag is not None or not event.implicit[0]:
                    value = _scalar(event)
                elif not value or value[0] in maybe_typed:
                    value = merge if value == "<<" else _resolve_plain(value)
            except _ScalarProblem as exc:
                raise _error(str(exc), event) from None
            if value.__class__ is str:
                value = texts.setdefault(value, value)
            if event.anchor is not None:
                anchors[event.anchor] = value
        elif cls is map_start or cls is seq_start:
            if len(stack) >= MAX_DEPTH:
                raise _error(f"nesting is deeper than {MAX_DEPTH} levels", event)
            if event.tag not in (None, "!", _CORE + "map", _CORE + "seq"):
                raise _error(
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
                raise _error(f"alias *{event.anchor} refers to no anchor", event)
            value = anchors[event.anchor]
            if value is _OPEN:
                raise _error(f"alias *{event.anchor} refers to itself", event)
            size, depth = _expanded(value, sizes)
            if len(stack) + depth > MAX_DEPTH:
                raise _error(f"nesting is deeper than {MAX_DEPTH} levels (through aliases)", event)
            expanded += size
            if expanded > MAX_ALIAS_EXPANSION:
                raise _error(
                    f"aliases expand to more than {MAX_ALIAS_EXPANSION} values "
                    "(a 'billion laughs' document?)",
                    event,
                )
        elif cls is ev.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _error("a file holds one YAML document; found a second '---'", event)
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
                raise _error(
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
                        raise _error("'<<' merges mappings only", event)
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


def _same_key(found: Any, wanted: Any) -> bool:
    """Whether the key ``found`` in the text is the path item ``wanted``: by value and type
    (``true`` is not ``1``), and ``.nan`` finds ``.nan``."""
    if isinstance(found, float) and isinstance(wanted, float) and math.isnan(found):
        return math.isnan(wanted)
    return found == wanted and isinstance(found, bool) == isinstance(wanted, bool)


def _same_key_any_case(found: Any, wanted: Any) -> bool:
    if isinstance(found, str) and isinstance(wanted, str):
        return found.lower() == wanted.lower()
    return _same_key(found, wanted)


def key_text(key: Any) -> str:
    """A key as YAML writes it (``null``, ``true``, ``.inf``), for messages."""
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, float) and not math.isfinite(key):
        return ".nan" if math.isnan(key) else ("-.inf" if key < 0 else ".inf")
    return str(key)


def locate(text: str, path: Sequence[Any], *, key: bool = False) -> tuple[int, int]:
    """Return the 1-based (line, column) of the value at ``path`` in ``text``; a path
    item is a key as loaded (a string, or a null, boolean or number key) or a list index.

    With ``key=True``, the position of the mapping key that ends the path (where an unknown
    field should be pointed at). When the path does not exist in full, the position of its
    deepest existing part. A name is found as written, else in any case (``en-us`` for the
    ``en-US`` it was read as). Called only when reporting, so it may re-parse the document.
    """
    position, found = _locate(text, tuple(path), key, _same_key)
    if not found:
        position, _ = _locate(text, tuple(path), key, _same_key_any_case)
    return position


def _locate(text: str, target: FieldPath, key: bool, same: Any) -> tuple[tuple[int, int], bool]:
    best: tuple[int, int] = (1, 1)
    parser: Any = _Parser(text)
    # Each frame: (path of the collection, is_map, pending key or _NO_KEY, next index)
    stack: list[list[Any]] = []
    try:
        while True:
            event: Any = parser.get_event()
            cls = event.__class__
            if cls is ev.StreamEndEvent:
                return best, False
            if cls in (ev.MappingEndEvent, ev.SequenceEndEvent):
                stack.pop()
                _advance(stack)
                continue
            if cls not in (
                ev.ScalarEvent,
                ev.AliasEvent,
                ev.MappingStartEvent,
                ev.SequenceStartEvent,
            ):
                continue
            mark = (event.start_mark.line + 1, event.start_mark.column + 1)
            if stack and stack[-1][1] and stack[-1][2] is _NO_KEY:
                # A mapping key: remember it, and point at it when asked for keys.
                name = _scalar(event) if cls is ev.ScalarEvent else None
                stack[-1][2] = name
                here = stack[-1][0] + (name,)
                if _is_prefix(here, target, same):
                    best = mark
                    if key and len(here) == len(target):
                        return mark, True
                continue
            if stack:
                parent = stack[-1]
                here = parent[0] + ((parent[2] if parent[1] else parent[3]),)
            else:
                here = ()
            on_path = _is_prefix(here, target, same)
            if on_path:
                best = mark
                if len(here) == len(target) and not key:
                    return mark, True
            if cls in (ev.MappingStartEvent, ev.SequenceStartEvent):
                stack.append([here, cls is ev.MappingStartEvent, _NO_KEY, 0])
            else:
                _advance(stack)
    except yaml.YAMLError:
        return best, False
    finally:
        parser.dispose()


def _advance(stack: list[list[Any]]) -> None:
    if not stack:
        return
    if stack[-1][1]:
        stack[-1][2] = _NO_KEY
    else:
        stack[-1][3] += 1


def _is_prefix(here: FieldPath, target: FieldPath, same: Any) -> bool:
    if len(here) > len(target):
        return False
    return all(same(h, t) for h, t in zip(here, target, strict=False))


class _Dumper(yaml.SafeDumper):
    """Block style, keys in the order given, and short lists of scalars inline
    (``teams: [a, b]``), as people write YAML by hand."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # indent list items under their key


def _represent_list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.Node:
    inline = all(not isinstance(v, dict | list) for v in value) and len(str(value)) < 70
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=inline)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(str, _represent_str)


def dump(data: Any) -> str:
    """Write ``data`` as a YAML document that :func:`load` reads back equal."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
