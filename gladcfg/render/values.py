"""How values look in plans: JSON literals, so strings are quoted and nothing is ambiguous,
and nothing shown can hide, reorder or restyle what a reviewer reads."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from gladcfg.model.names import hidden_character
from gladcfg.plan.model import Action

if TYPE_CHECKING:
    from gladcfg.plan.model import Change, Snapshot, Summary


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


def snapshot_note(snapshot: Snapshot, now: dt.datetime | None = None) -> str:
    """What a plan made with ``--refresh=false`` did not read again, and how old it is."""
    read_at = dt.datetime.fromisoformat(snapshot.read_at)
    now = now or dt.datetime.now(dt.UTC)
    return (
        f"{snapshot.objects} object(s) not read again (--refresh=false): as an earlier read "
        f"found them, the oldest {age(now - read_at)} ago ({read_at:%Y-%m-%d %H:%M} UTC). "
        "apply reads them again, and refuses this plan if they changed since"
    )


def age(elapsed: dt.timedelta) -> str:
    """A duration as a person says it: 45 s, 12 min, 3 h 5 min, 2 days 4 h."""
    seconds = max(0, int(elapsed.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes, hours, days = seconds // 60 % 60, seconds // 3600 % 24, seconds // 86400
    if not hours and not days:
        return f"{minutes} min"
    if not days:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    unit = "day" if days == 1 else "days"
    return f"{days} {unit} {hours} h" if hours else f"{days} {unit}"


def diff_lines(change: Change) -> list[str]:
    """The change's detail as the markdown plan's ```diff block has it: ``- path: before``
    and ``+ path: after`` per changed field, or every field of what a create makes."""
    lines: list[str] = []
    if change.diff:
        for diff in change.diff:
            if diff.before is not None:
                lines.append(f"- {visible(diff.path)}: {show(diff.before)}")
            if diff.after is not None:
                lines.append(f"+ {visible(diff.path)}: {show(diff.after)}")
    elif change.effective_action is Action.CREATE and change.after:
        lines.extend(f"+ {visible(path)}: {show(value)}" for path, value in leaves(change.after))
    return lines
