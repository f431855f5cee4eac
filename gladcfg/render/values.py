"""How values look in plans: JSON literals, so strings are quoted and nothing is ambiguous,
and nothing shown can hide, reorder or restyle what a reviewer reads."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from gladcfg.model.names import hidden_character

if TYPE_CHECKING:
    from gladcfg.plan.model import Summary


def show(value: Any) -> str:
    return visible(json.dumps(value, ensure_ascii=False))


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


def leaves(spec: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Flatten a spec to (dotted path, value) for display; lists stay whole."""
    for key, value in spec.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and value:
            yield from leaves(value, path)
        else:
            yield path, value


ACTION_WORDS = {
    "create": "to create",
    "update": "to update",
    "rename": "to rename",
    "delete": "to delete",
    "manual": "manual",
}


def summary_line(summary: Summary) -> str:
    parts = [f"{getattr(summary, action)} {word}" for action, word in ACTION_WORDS.items()]
    return ", ".join(parts) + f", {summary.unchanged} unchanged"
