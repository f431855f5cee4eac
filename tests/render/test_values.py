"""Values in plans show as what they are: nothing can hide, reorder or restyle a line."""

from __future__ import annotations

import json

import pytest

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
