from __future__ import annotations

import math

import pytest

from gladcfg import yamlio
from gladcfg.errors import YamlError


def test_core_schema_scalars() -> None:
    data = yamlio.load(
        "a: [x, no, on, yes, 10:30, 2026-12-25, 0x1F, 0o17, 1.5, 1e3, ~, null, true, False, .inf, "
        "'1', !!str 2, !!int '7', !!float 3, !!bool true, !!null '']\n"
    ).data
    assert data["a"][:6] == ["x", "no", "on", "yes", "10:30", "2026-12-25"]
    assert data["a"][6:14] == [31, 15, 1.5, 1000.0, None, None, True, False]
    assert data["a"][14] == float("inf")
    assert data["a"][15:] == ["1", "2", 7, 3.0, True, None]


def test_nan_and_bad_tagged_values() -> None:
    value = yamlio.load("x: .nan").data["x"]
    assert math.isnan(value)
    with pytest.raises(YamlError, match="not a valid int"):
        yamlio.load("x: !!int abc")
    assert yamlio.load("x: 0xZZ").data == {"x": "0xZZ"}


def test_integers_up_to_the_digits_python_prints_are_loaded() -> None:
    data = yamlio.load(f"a: {'9' * 4300}\nb: 0x{'f' * 3500}\n").data
    assert len(str(data["a"])) == 4300 and len(str(data["b"])) > 4000
