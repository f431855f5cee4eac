from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from gladcfg import yamlio
from gladcfg.errors import YamlError
from gladcfg.yamlio import loader


def test_anchors_aliases_and_merge_keys() -> None:
    doc = yamlio.load(
        "base: &b {tz: UTC, days: [mon]}\nsame: *b\nmerged: {<<: *b, tz: Europe/Dublin}\n"
        "many: {<<: [*b, {extra: 1}]}\n"
    )
    assert doc.data["same"] == {"tz": "UTC", "days": ["mon"]}
    assert doc.data["merged"] == {"tz": "Europe/Dublin", "days": ["mon"]}
    assert doc.data["many"] == {"tz": "UTC", "days": ["mon"], "extra": 1}
    scalar = yamlio.load("a: &x hello\nb: *x\n").data
    assert scalar == {"a": "hello", "b": "hello"}


def test_duplicate_keys_are_reported_with_both_lines() -> None:
    doc = yamlio.load("teams:\n  a: {}\n  b: {}\n  a: {x: 1}\n")
    assert doc.data == {"teams": {"a": {"x": 1}, "b": {}}}
    (dup,) = doc.duplicate_keys
    assert (dup.path, dup.line, dup.column) == (("teams", "a"), 4, 3)
    nested = yamlio.load("a:\n  - {x: 1, x: 2}\n").duplicate_keys
    assert [(d.path, d.line) for d in nested] == [(("a", 0, "x"), 2)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: [1,", "invalid YAML"),
        ("a: !!python/object:os.system x", "not supported"),
        ("a: !!binary aGVsbG8=", "not supported"),
        ("a: !custom {x: 1}", "not supported"),
        ("[" * 100_000 + "]" * 100_000, "deeper than 64"),
        ("a: &a [*a]", "refers to itself"),
        (
            "".join(
                f"a{i}: &a{i} " + "[" * 40 + (f"*a{i - 1}" if i else "x") + "]" * 40 + "\n"
                for i in range(3)
            ),
            "through aliases",
        ),
        ("a: *nowhere", "refers to no anchor"),
        ("a: 1\n---\nb: 2\n", "one YAML document"),
        ("? [a]\n: 1\n", "keys must be scalars"),
        ("a: {<<: [1, 2]}", "merges mappings only"),
        ("a: \x07", "invalid YAML"),
        ("a: " + "9" * 4301, "more than 4300 digits"),
        ("a: -" + "0" * 5000, "more than 4300 digits"),
        ("a: 0x" + "f" * 3600, "more than 4300 digits"),
        ("a: 0o" + "7" * 5000, "more than 4300 digits"),
        ("a: !!int " + "9" * 5000, "more than 4300 digits"),
        ("? " + "1" * 5000 + "\n: x\n", "more than 4300 digits"),
        ("a: 1\nb: x\udfff\n", "lone surrogate"),
    ],
)
def test_hostile_or_broken_input_is_a_clean_error(text: str, message: str) -> None:
    with pytest.raises(YamlError, match=message) as info:
        yamlio.load(text)
    assert info.value.line is not None and info.value.line >= 1
    assert message in str(info.value)


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    with pytest.raises(YamlError, match="billion laughs") as info:
        yamlio.load("\n".join(lines))
    assert info.value.line is not None and info.value.line < 9


def test_document_size_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_DOCUMENT_CHARS", 100)
    with pytest.raises(YamlError, match="the limit is"):
        yamlio.load("a: " + "x" * 200)


def test_event_loader_agrees_with_pyyaml_on_plain_documents() -> None:
    text = "a: {b: [1, 2.5, 'x', true, null]}\nc:\n  - d: e\n  - [f, g]\n"
    assert yamlio.load(text).data == yaml.safe_load(text)


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20)
_scalars = st.one_of(st.integers(-(10**9), 10**9), st.booleans(), st.none(), _text)
_documents = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=20,
)


class _QuotingDumper(yaml.SafeDumper):
    """Quotes every string: plain scalars resolve differently in YAML 1.1 (PyYAML's dumper)
    and 1.2 (gladcfg's reader, where 0E0 is a float and 'no' a string)."""


_QuotingDumper.add_representer(
    str, lambda dumper, s: dumper.represent_scalar("tag:yaml.org,2002:str", s, style='"')
)


@given(_documents)
def test_round_trip_of_any_document(value: object) -> None:
    text = yaml.dump({"root": value}, Dumper=_QuotingDumper, allow_unicode=True)
    assert yamlio.load(text).data == {"root": value}


@pytest.mark.parametrize(
    ("text", "what", "position"),
    [
        ("teams:\n  ok: {}\n  {a: 1}: {}\n", "a mapping", (3, 3)),
        ("teams:\n  ok: {}\n  ? [a, b]\n  : {}\n", "a list", (3, 5)),
        ("x: &l [1]\ny: {*l : 1}\n", "a list", (2, 5)),
        ("? - a\n  - b\n: 1\n", "a list", (1, 3)),
    ],
)
def test_a_collection_as_a_key_is_reported_where_the_key_begins(
    text: str, what: str, position: tuple[int, int]
) -> None:
    with pytest.raises(YamlError, match=f"this key is {what}, not text") as info:
        yamlio.load(text)
    assert (info.value.line, info.value.column) == position
