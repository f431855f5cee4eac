from __future__ import annotations

import math

import pytest

from gladcfg import yamlio


def test_locate_values_keys_and_missing_paths() -> None:
    text = "inboxes:\n  us-email:\n    teams: [a, b]\n    sla:\n      email: 24h\n  other: {x: 1}\n"
    assert yamlio.locate(text, ("inboxes", "us-email", "sla", "email")) == (5, 14)
    assert yamlio.locate(text, ("inboxes", "us-email", "sla"), key=True) == (4, 5)
    assert yamlio.locate(text, ("inboxes", "other", "x"), key=True) == (6, 11)
    assert yamlio.locate(text, ("inboxes", "us-email", "teams", 1)) == (3, 16)
    assert yamlio.locate(text, ("inboxes", "EN-us")) == (2, 3)  # deepest existing part
    assert yamlio.locate(text, ("nothing",)) == (1, 1)
    assert yamlio.locate("content: {en-us: {a: 1}}", ("content", "en-US"), key=True) == (1, 11)
    assert yamlio.locate("a: [1,", ("a", 5)) == (1, 4)  # broken text: best effort


def test_locate_keys_that_are_not_text_by_value_and_type() -> None:
    text = "m:\n  a: 1\n  1: one\n  true: yes\n  null: none\n  .nan: nan\n  3.5: f\n  '1': s\n"
    assert yamlio.locate(text, ("m", True), key=True) == (4, 3)  # not the 1: above it
    assert yamlio.locate(text, ("m", 1), key=True) == (3, 3)
    assert yamlio.locate(text, ("m", None), key=True) == (5, 3)
    assert yamlio.locate(text, ("m", float("nan")), key=True) == (6, 3)
    assert yamlio.locate(text, ("m", 3.5)) == (7, 8)
    assert yamlio.locate(text, ("m", "1"), key=True) == (8, 3)  # the text '1', not the number


@pytest.mark.parametrize(
    ("key", "text"),
    [
        (None, "null"),
        (True, "true"),
        (False, "false"),
        (12, "12"),
        (3.5, "3.5"),
        (float("inf"), ".inf"),
        (float("-inf"), "-.inf"),
        (float("nan"), ".nan"),
        ("x", "x"),
    ],
)
def test_key_text_writes_keys_as_yaml_does(key: object, text: str) -> None:
    assert yamlio.key_text(key) == text
    (loaded,) = yamlio.load(f"{text}: 1").data
    assert loaded == key or (text == ".nan" and math.isnan(loaded))
    assert type(loaded) is type(key)
