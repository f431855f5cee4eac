"""The files gladcfg writes read back as what was written: a string that YAML 1.1 (which
PyYAML's writer follows) reads as a string but YAML 1.2 (which gladcfg reads) as a number
is quoted, and nothing else is."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gladcfg import yamlio
from gladcfg.yamlio.writer import dump

NUMBERS_IN_YAML_12 = ["0E0", "1e3", "+.5e-3", "0o17", "-1E+2", "9" * 5000]
STRINGS_IN_BOTH = ["1_000", "1:30", "0b11", "yes", "Off", "plain text", "-", "a: b"]


@pytest.mark.parametrize("value", NUMBERS_IN_YAML_12 + STRINGS_IN_BOTH)
def test_a_string_reads_back_as_itself(value: str) -> None:
    assert yamlio.load(dump({"k": value})).data == {"k": value}


@pytest.mark.parametrize("value", ["1e3", "0E0", "0o17"])
def test_what_yaml_12_reads_as_a_number_is_quoted(value: str) -> None:
    assert dump({"k": value}) == f"k: '{value}'\n"


def test_plain_text_stays_plain() -> None:
    assert dump({"k": "plain text", "n": 1e3}) == "k: plain text\nn: 1000.0\n"


@given(
    st.from_regex(r"[-+]?[0-9.]{0,4}([eE][-+]?[0-9]{0,3})?|0[oxb][0-9a-fA-F_]{0,4}", fullmatch=True)
)
def test_any_number_like_string_reads_back_as_itself(value: str) -> None:
    assert yamlio.load(dump({"k": value})).data == {"k": value}
