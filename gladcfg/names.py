"""What a user-chosen name may contain, and when two names are the same.

A name is read by people in reviewed diffs and plans, so it must show as what it is. Refused:
control characters, bidirectional controls (U+202E can display ``evil`` as ``live``),
invisible characters (zero-width spaces and joiners, U+FEFF, soft hyphens, variation
selectors: everything Unicode calls default-ignorable), private-use code points, surrogates,
and spaces other than U+0020. Names that differ only in how their accents are encoded
(``é`` as one code point or as ``e`` plus a combining accent) show the same, so they are
one name: :func:`same_name_key` is what duplicates are found by.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Container, Iterable, Mapping

# Bidirectional controls: embeddings, overrides, isolates and marks (Unicode's Bidi_Control).
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Default-ignorable code points outside category Cf: they render as nothing, yet make two
# names differ (unicodedata exposes categories, not this property).
_IGNORABLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
_WHAT = {
    "Cc": "a control character",
    "Cf": "an invisible formatting character",
    "Co": "a private-use character",
    "Cs": "a lone surrogate",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
    "Zs": "a space other than ' '",
}
_SHOWN_MAX = 80


def hidden_character(text: str) -> str | None:
    """How the first character of ``text`` that does not show as itself is described
    (code point, name, what it is, 1-based position), or None when every one does."""
    if text.isascii() and text.isprintable():  # the fast path: nearly every name
        return None
    for index, char in enumerate(text, 1):
        category = unicodedata.category(char)
        if char in _BIDI:
            what = "a bidirectional control: it changes the order text is displayed in"
        elif category in _WHAT and char != " ":
            what = _WHAT[category]
        elif _IGNORABLE.match(char):
            what = "an invisible character"
        else:
            continue
        label = unicodedata.name(char, "")
        return f"U+{ord(char):04X}{f' {label}' if label else ''} ({what}) at position {index}"
    return None


def name_problem(value: str) -> str | None:
    """Why ``value`` cannot be a name, or None when it can."""
    hidden = hidden_character(value)
    if hidden is not None:
        return f"the name {shown(value)} contains {hidden}; names must show as what they are"
    if value[0].isspace() or value[-1].isspace():
        return f"the name {shown(value)} starts or ends with a space"
    return None


def shown(text: str) -> str:
    """``text`` quoted for a message, :func:`escaped`, long text cut."""
    if len(text) > _SHOWN_MAX:
        text = text[: _SHOWN_MAX - 3] + "..."
    return f"'{escaped(text)}'"


def escaped(text: str) -> str:
    """``text`` with the characters that do not show as themselves escaped (as Python
    writes them), so that a message never hides or reorders what it quotes. A byte that
    is not UTF-8 in a file name, argument or variable (which Python holds as a lone
    surrogate, U+DC80 to U+DCFF) shows as that byte: ``caf\\xe9.yaml``."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(_escaped(char) for char in text)


def _escaped(char: str) -> str:
    if hidden_character(char) is None and (char == " " or not char.isspace()):
        return char
    if "\udc80" <= char <= "\udcff":
        return f"\\x{ord(char) - 0xDC00:02x}"
    return _code_point(char)


def _code_point(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def same_name_key(name: str) -> str:
    """The form two names are compared in: Unicode NFC (ASCII is its own)."""
    return name if name.isascii() else unicodedata.normalize("NFC", name)


def twin_name(names: Container[str], normal: Mapping[str, str], name: str) -> str | None:
    """The name among ``names`` that is ``name`` once normalised, ``name`` itself first.
    ``normal`` maps the NFC form of each of ``names`` outside ASCII to that name; ASCII is
    its own NFC form, so names that are all ASCII never need it."""
    if name in names:
        return name
    key = same_name_key(name)
    found = normal.get(key)
    if found is None and key in names:
        found = key
    return found


def check_visible(value: str) -> str:
    """For patterns of names (``protect``, ``ignore``): nothing hidden in them either."""
    hidden = hidden_character(value)
    if hidden is not None:
        raise ValueError(f"{shown(value)} contains {hidden}")
    return value


def code_points(name: str) -> str:
    """``name`` with every character outside ASCII written as its code point, so two names
    that show the same can be told apart in a message."""
    return "".join(escaped(char) if char.isascii() else _code_point(char) for char in name)


def suggest(word: str, candidates: Iterable[str]) -> str:
    """A " (did you mean 'x'?)" suffix when ``word`` looks like a typo of a candidate."""
    names = list(candidates)
    close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    if not close:
        lowered = {n.lower(): n for n in names}
        close = [lowered[word.lower()]] if word.lower() in lowered else []
    return f" (did you mean '{close[0]}'?)" if close else ""
