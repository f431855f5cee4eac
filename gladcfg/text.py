"""How text reaches a reader: every value shown as a JSON literal, so strings are quoted and
nothing is ambiguous, and nothing shown can hide, reorder or restyle what a reviewer reads;
JSON written readable but escaped where a character would not show as itself; markdown
code spans and table cells that show exactly their text; durations in words."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from json.encoder import encode_basestring
from typing import Any

from gladcfg.names import hidden_character


def show(value: Any) -> str:
    """``value`` as a JSON literal; the common scalars without the general encoder (a plan
    of 100,000 creates shows some 750,000 values)."""
    kind = type(value)
    if kind is str:
        return visible(encode_basestring(value))
    if kind is int:
        return str(value)
    if kind is bool:
        return "true" if value else "false"
    if value is None:
        return "null"
    return visible(json.dumps(value, ensure_ascii=False, default=_as_written))


def _as_written(value: Any) -> Any:
    """A value of the files' own that JSON has no type for (a YAML date) as it is written."""
    if isinstance(value, dt.date):  # a datetime is one too
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a value a file holds")


def visible(text: str) -> str:
    """``text`` with every character that does not show as itself escaped: controls (an
    ANSI escape could erase the lines above it), bidirectional controls (U+202E shows
    ``evil`` as ``live``), invisible, private-use and unusual space characters (a diff that
    only swaps one would show two equal values). Emoji keep their joiners and selectors."""
    if text.isascii() and text.isprintable():
        return text
    return _NOT_PRINTABLE_ASCII.sub(_escaped, text)


def json_text(document: Any, **options: Any) -> str:
    """``document`` as JSON, readable (non-ASCII as itself) except where a character would
    not show as itself: that one is a ``\\u`` escape, so the text means the same JSON."""
    text = json.dumps(document, ensure_ascii=False, **options)
    return text if text.isascii() and "\x7f" not in text else _NOT_ASCII.sub(_json_escaped, text)


_NOT_PRINTABLE_ASCII = re.compile(r"[^\x20-\x7e]")
_NOT_ASCII = re.compile(r"[^\x00-\x7e]")  # json.dumps escapes the controls below 0x20
_EMOJI_GLUE = frozenset("\u200d\ufe0e\ufe0f")


def _shows(match: re.Match[str]) -> bool:
    char = match[0]
    if hidden_character(char) is None and not char.isspace():
        return True
    # ❤️, 👩‍💻: a selector or joiner right after a symbol is part of an emoji.
    start = match.start()
    return (
        char in _EMOJI_GLUE
        and start > 0
        and unicodedata.category(match.string[start - 1])[0] == "S"
    )


def _escaped(match: re.Match[str]) -> str:
    if _shows(match):
        return match[0]
    code = ord(match[0])
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _json_escaped(match: re.Match[str]) -> str:
    # ensure_ascii: \uXXXX, astral ones as a surrogate pair
    return match[0] if _shows(match) else json.dumps(match[0])[1:-1]


def duration(minutes: int) -> str:
    """``2h 30m``, ``45m``, ``3h``."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}m"
    return f"{hours}h" + (f" {rest}m" if rest else "")


def cell(text: str) -> str:
    """``text`` safe inside a table cell: no column breaks, no code spans, one line, nothing
    hidden."""
    return visible(text).replace("|", "\\|").replace("`", "'")


def code(text: str, *, table: bool = True) -> str:
    """``text`` as inline code that shows exactly it, on one line with nothing hidden.

    CommonMark ends a code span at the first run of as many backticks as opened it, so the
    fence is one longer than the longest run inside; a space pads a text that starts or
    ends with a backtick (or with a space at both ends, which a reader strips). In a table
    (``table``), GFM splits cells before it reads code spans: ``|`` is escaped as ``\\|``,
    which the table reader turns back into ``|`` inside the span."""
    shown = visible(text)
    if table:
        shown = shown.replace("|", "\\|")
    fence = "`" * (longest_backtick_run(shown) + 1)
    if shown[:1] == "`" or shown[-1:] == "`" or (shown[:1] == shown[-1:] == " " != shown):
        shown = f" {shown} "
    return f"{fence}{shown or ' '}{fence}"


def longest_backtick_run(text: str) -> int:
    """The longest run of backticks in ``text``: a fence around it must be longer."""
    return max((len(m) for m in re.findall(r"`+", text)), default=0)
