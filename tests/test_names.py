"""Names show as what they are: no bidirectional controls, invisible, control, private-use
or odd space characters; and the messages that quote them never hide or reorder anything."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from gladcfg.model.types import InstanceGlob, LanguageTag, Name, check_name
from gladcfg.names import (
    code_points,
    escaped,
    hidden_character,
    same_name_key,
    shown,
)

names = TypeAdapter(Name)

BIDI = [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F]
BIDI += [0x061C]
INVISIBLE = [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x034F, 0xFE0F, 0x3164, 0xE0041]
OTHER = [0x00, 0x09, 0x0A, 0x1B, 0x7F, 0x85, 0xE000, 0x00A0, 0x2028, 0x2029, 0x3000, 0xD800]


@pytest.mark.parametrize("code", BIDI + INVISIBLE + OTHER, ids=lambda c: f"U+{c:04X}")
@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_a_name_with_a_hidden_character_is_refused_saying_which_and_where(
    code: int, where: str
) -> None:
    char = chr(code)
    value = {"start": char + "team", "middle": "te" + char + "am", "end": "team" + char}[where]
    position = {"start": 1, "middle": 3, "end": 5}[where]
    with pytest.raises(ValidationError):
        names.validate_python(value)
    with pytest.raises(ValueError, match=f"U\\+{code:04X}") as info:
        check_name(value)
    message = str(info.value)
    assert f"U+{code:04X}" in message
    assert f"at position {position}" in message
    if code in BIDI:
        assert "bidirectional control" in message
    # The message quotes the name with the character escaped, never raw.
    assert char not in message


@pytest.mark.parametrize(
    "value",
    ["us-email", "US Support", "café", "東京-support", "Ünïcödé", "support (EU)", "🎉-launch", "a"],
)
def test_names_people_write_are_accepted(value: str) -> None:
    assert names.validate_python(value) == value


@pytest.mark.parametrize("value", [" lead", "trail ", "", "x" * 201])
def test_names_with_spaces_at_their_ends_empty_or_too_long(value: str) -> None:
    with pytest.raises(ValidationError):
        names.validate_python(value)


def _hidden(char: str) -> bool:
    if char == " ":
        return False
    return unicodedata.category(char) in {"Cc", "Cf", "Co", "Cs", "Zl", "Zp", "Zs"} or bool(
        re.match("[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0]", char)
    )


@given(st.characters(codec=None))
def test_any_character_inside_a_name_is_refused_exactly_when_it_does_not_show(char: str) -> None:
    value = f"a{char}b"
    if unicodedata.category(char) == "Cs":  # a lone surrogate is not text: refused as a string
        with pytest.raises(ValidationError, match="unicode string"):
            names.validate_python(value)
    elif _hidden(char) or 0xE0000 <= ord(char) <= 0xE0FFF or 0xE0100 <= ord(char) <= 0xE01EF:
        with pytest.raises(ValidationError, match=f"U\\+{ord(char):04X}"):
            names.validate_python(value)
    elif char.isspace() and char != " ":  # every other space is caught above
        pytest.fail(f"{char!r} is a space that is not hidden")
    else:
        assert names.validate_python(value) == value


@given(st.text())
def test_escaped_text_shows_everything_it_holds(text: str) -> None:
    assert hidden_character(escaped(text).replace(" ", "")) is None
    assert hidden_character(shown(text).replace(" ", "")) is None
    assert code_points(text).isascii()


@given(st.text())
def test_the_same_name_key_is_nfc(text: str) -> None:
    key = same_name_key(text)
    assert key == unicodedata.normalize("NFC", text)
    assert same_name_key(key) == key


def test_language_tags_and_instance_globs_name_the_hidden_character() -> None:
    with pytest.raises(ValidationError, match=r"'en\\u200b-US' is not a BCP 47 .* U\+200B"):
        TypeAdapter(LanguageTag).validate_python("en\u200b-US")
    with pytest.raises(ValidationError, match=r"U\+202E RIGHT-TO-LEFT OVERRIDE .* position 5"):
        TypeAdapter(InstanceGlob).validate_python("prod\u202e")
    with pytest.raises(ValidationError, match="not an instance name or glob"):
        TypeAdapter(InstanceGlob).validate_python("prod us")
