"""Values in plans show as what they are: nothing can hide, reorder or restyle a line."""

from __future__ import annotations

import datetime as dt
import enum
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gladcfg.text import json_text, show, visible


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain", "plain"),
        ("erase\x1b[1A\x1b[2Kline", "erase\\u001b[1A\\u001b[2Kline"),
        ("evil\u202elive", "evil\\u202elive"),
        ("a\u200bb", "a\\u200bb"),  # zero-width space
        ("a\u00a0b", "a\\u00a0b"),  # a diff that swaps it for a space must show
        ("csi\x9b", "csi\\u009b"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("Merci ❤️ 👩‍💻 é", "Merci ❤️ 👩‍💻 é"),  # emoji keep their selector and joiner
        ("x\u200dy", "x\\u200dy"),  # a joiner between letters is hidden
    ],
)
def test_visible_escapes_what_does_not_show_as_itself(text: str, shown: str) -> None:
    assert visible(text) == shown


def test_values_and_json_documents_mean_the_same_once_escaped() -> None:
    value = {"body": "a\x1b[2K\u202e\x7f ❤️ é \U000e0041"}
    assert "\x1b" not in show(value) and "\u202e" not in show(value)
    text = json_text(value, indent=2)
    assert all(c not in text for c in "\x1b\u202e\x7f\U000e0041")
    assert "❤️ é" in text
    assert json.loads(text) == value


scalars = st.one_of(st.text(), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))


@given(st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(st.text(), scalars)))
def test_a_value_shows_as_its_json_literal_escaped_whatever_its_type(value: object) -> None:
    """The scalars' short cuts show exactly what the general encoder would."""
    assert show(value) == visible(json.dumps(value, ensure_ascii=False))


def test_a_value_of_a_subclass_shows_as_json_shows_it() -> None:
    class Level(enum.IntEnum):
        HIGH = 3

    assert show(Level.HIGH) == "3" and show(True) == "true" and show(1) == "1"
    assert show(dt.date(2026, 12, 24)) == '"2026-12-24"'
