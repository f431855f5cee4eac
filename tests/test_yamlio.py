from __future__ import annotations

import marshal
import math
import os
import signal
import sys
import threading
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

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


def test_integers_up_to_the_digits_python_prints_are_loaded() -> None:
    data = yamlio.load(f"a: {'9' * 4300}\nb: 0x{'f' * 3500}\n").data
    assert len(str(data["a"])) == 4300 and len(str(data["b"])) > 4000


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    with pytest.raises(YamlError, match="billion laughs") as info:
        yamlio.load("\n".join(lines))
    assert info.value.line is not None and info.value.line < 9


def test_document_size_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlio, "MAX_DOCUMENT_CHARS", 100)
    with pytest.raises(YamlError, match="the limit is"):
        yamlio.load("a: " + "x" * 200)


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


BATCH = [
    "teams:\n  a: {description: x}\n",
    "a: 1\na: 2\n",  # a duplicate key
    "key: [unclosed\n",  # a syntax error
    "weekly: {mon: ['09:00-17:00'], 1: .inf, no: ~}\n",  # core-schema scalars survive marshal
    "",
]


def load_all(texts: list[str]) -> list[yamlio.Document | YamlError]:
    """As the workspace uses a batch: every text handed over first, then each result."""
    with yamlio.Batch(sum(map(len, texts)), len(texts)) as batch:
        loaders = [batch.submit(text) for text in texts]
        return [load() for load in loaders]


def outcome(loaded: yamlio.Document | YamlError) -> object:
    if isinstance(loaded, YamlError):
        return ("error", loaded.message, loaded.line, loaded.column)
    return (loaded.data, loaded.duplicate_keys)


def workers(texts: list[str]) -> int:
    return yamlio._worker_count(sum(map(len, texts)), len(texts))


def parallel_possible() -> bool:
    return (
        sys.platform.startswith("linux")
        and len(os.sched_getaffinity(0)) > 1
        and threading.active_count() == 1
    )


def test_a_large_batch_is_loaded_by_workers_with_the_same_results(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    serial = [outcome(d) for d in load_all(BATCH)]
    assert workers(BATCH) == 1  # small: loaded in this process
    assert serial == [outcome(yamlio._load_or_error(text)) for text in BATCH]
    assert marshal.loads(yamlio._load_marshalled("a: 1\na: 2\n")) == (
        "document",
        {"a": 2},
        ((("a",), 2, 1),),
    )
    assert marshal.loads(yamlio._load_marshalled("["))[0] == "error"
    monkeypatch.setattr(yamlio, "PARALLEL_MIN_CHARS", 0)
    if not parallel_possible():
        pytest.skip("needs Linux, two cores and no other thread")
    assert workers(BATCH) >= 2
    assert [outcome(d) for d in load_all(BATCH)] == serial
    with yamlio.Batch(10**9, 10) as nothing_to_parse:  # every file parsed for another instance
        pass
    assert nothing_to_parse._pool is None  # so no worker was started


def _dies_on_teams(text: str) -> bytes:
    """Stands in for the worker's function; pickled by reference, so module-level."""
    if text.startswith("teams"):
        Path(os.environ["GLADCFG_TEST_DIED"]).touch()
        os._exit(3)
    return ORIGINAL_LOAD_MARSHALLED(text)


ORIGINAL_LOAD_MARSHALLED = yamlio._load_marshalled


def test_a_worker_that_dies_is_replaced_by_loading_here(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(yamlio, "PARALLEL_MIN_CHARS", 0)
    if not parallel_possible():
        pytest.skip("needs Linux, two cores and no other thread")
    monkeypatch.setenv("GLADCFG_TEST_DIED", str(tmp_path / "died"))
    monkeypatch.setattr(yamlio, "_load_marshalled", _dies_on_teams)
    loaded = [outcome(d) for d in load_all(BATCH)]
    assert (tmp_path / "died").exists()
    assert loaded == [outcome(yamlio._load_or_error(text)) for text in BATCH]


def _reports_sigint(text: str) -> bytes:
    """Stands in for the worker's function: is Ctrl-C ignored in the worker?"""
    return marshal.dumps(("document", signal.getsignal(signal.SIGINT) == signal.SIG_IGN, ()))


def test_workers_leave_ctrl_c_to_the_main_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlio, "PARALLEL_MIN_CHARS", 0)
    if not parallel_possible():
        pytest.skip("needs Linux, two cores and no other thread")
    monkeypatch.setattr(yamlio, "_load_marshalled", _reports_sigint)
    loaded = list(load_all(BATCH))
    assert [d.data for d in loaded if isinstance(d, yamlio.Document)] == [True] * len(BATCH)
    assert signal.getsignal(signal.SIGINT) is not signal.SIG_IGN  # here, untouched


def test_no_workers_while_other_threads_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlio, "PARALLEL_MIN_CHARS", 0)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert workers(BATCH) == 1  # forking now could copy a held lock
    finally:
        stop.set()
        other.join()


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


def test_a_text_that_repeats_in_a_file_is_held_once_also_past_a_worker() -> None:
    """Values repeat (teams named by every inbox, zones, channels); a desired state keeps
    them for every resource, so a file's equal texts come back as one object."""
    text = "".join(
        f"inbox-{i}: {{teams: [tier-1, tier-2], zone: Europe/Paris}}\n" for i in range(3)
    )
    for document in (
        yamlio.load(text),
        yamlio._unmarshal(Finished(yamlio._load_marshalled(text)), text),
    ):
        assert isinstance(document, yamlio.Document)
        inboxes = list(document.data.values())
        assert inboxes[0] == {"teams": ["tier-1", "tier-2"], "zone": "Europe/Paris"}
        for inbox in inboxes[1:]:
            assert inbox["teams"][0] is inboxes[0]["teams"][0]
            assert inbox["zone"] is inboxes[0]["zone"]


class Finished:
    """A future whose result is ready."""

    def __init__(self, value: bytes) -> None:
        self._value = value

    def result(self) -> bytes:
        return self._value
