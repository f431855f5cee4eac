"""What went wrong in a template, in words rather than Python's.

A template's author writes Jinja, not Python: ``'NoneType' object is not iterable``, a
``__round__`` method or advice to call ``sys.set_int_max_str_digits()`` mean nothing to them,
so the messages Python gives for the usual mistakes are said again in the template's terms.
A message that has no such form is shown as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Python's type names as a template's author knows the values.
_VALUE_WORDS = {
    "str": "text",
    "Markup": "text",
    "int": "a number",
    "float": "a number",
    "Decimal": "a number",
    "bool": "true or false",
    "NoneType": "none",
    "list": "a list",
    "tuple": "a list",
    "dict": "a mapping",
    "generator": "a sequence",
    "function": "a function",
    "builtin_function_or_method": "a function",
    "method": "a function",
    "type": "a type",
}


def value_words(value: object) -> str:
    """What kind of value ``value`` is, as the template's author knows it."""
    return _value(type(value).__name__)


def _value(type_name: str) -> str:
    return _VALUE_WORDS.get(type_name, f"a {type_name} value")


# Python's message → the template author's: each pattern with what it says in their terms.
_SAID_AGAIN: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (  # the sandbox's
        re.compile(r"access to attribute '(.+?)' of '(\w+)' object is unsafe"),
        lambda m: f"access to attribute '{m[1]}' of {_value(m[2])} is unsafe",
    ),
    (
        re.compile(r"unsupported operand type\(s\) for (.+?): '(\w+)' and '(\w+)'"),
        lambda m: f"{m[1]} cannot combine {_value(m[2])} and {_value(m[3])}",
    ),
    (
        re.compile(r'can only concatenate str \(not "(\w+)"\) to str'),
        lambda m: f"+ cannot add {_value(m[1])} to text (~ joins values as text)",
    ),
    (
        re.compile(r"'(.+?)' not supported between instances of '(\w+)' and '(\w+)'"),
        lambda m: f"{m[1]} cannot compare {_value(m[2])} with {_value(m[3])}",
    ),
    (
        re.compile(r"'(\w+)' object is not iterable"),
        lambda m: f"{_value(m[1])} cannot be looped over or listed",
    ),
    (
        re.compile(r"'(\w+)' object is not callable"),
        lambda m: f"{_value(m[1])} cannot be called",
    ),
    (
        re.compile(r"'(\w+)' object cannot be interpreted as an integer"),
        lambda m: f"a whole number is needed, not {_value(m[1])}",
    ),
    (
        re.compile(r"type (\w+) doesn't define __round__ method"),
        lambda m: f"{_value(m[1])} cannot be rounded",
    ),
    (
        re.compile(r"object of type '(\w+)' has no len\(\)"),
        lambda m: f"{_value(m[1])} has no length",
    ),
    (
        re.compile(r"can't multiply sequence by non-int of type '(\w+)'"),
        lambda m: f"text or a list repeats a whole number of times, not {_value(m[1])}",
    ),
    (
        re.compile(r"slice indices must be integers or None or have an __index__ method"),
        lambda m: "a slice [start:end] takes whole numbers",
    ),
    (
        re.compile(r"Exceeds the limit \((\d+) digits\) for integer string conversion"),
        lambda m: f"a number of more than {int(m[1]):,} digits cannot be written as text",
    ),
)


def plain(exc: Exception) -> str:
    """What went wrong in a template, in words rather than Python's exception names."""
    text = str(exc).rstrip(".")
    if isinstance(exc, OverflowError) and "MAX_RANGE" in text:
        from jinja2.sandbox import MAX_RANGE

        return f"range() of more than {MAX_RANGE:,} numbers is refused"
    if isinstance(exc, KeyError):
        return f"no key {text} in the mapping"
    if isinstance(exc, IndexError):
        return f"an index past the end of a list ({text})"
    if isinstance(exc, ZeroDivisionError):
        return "a division by zero"
    for pattern, said in _SAID_AGAIN:
        match = pattern.search(text)
        if match:
            return said(match)
    return text or "the template could not be rendered"
