"""gladcfg.edit.fmt: the canonical layout, and that it never changes what a file means."""

from __future__ import annotations

import io
import string
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gladcfg.edit.fmt import Unformattable, format_text
from gladcfg.yamlio.loader import load


def formatted(text: str) -> str:
    """``text`` formatted, checked to mean the same and to be formatted already."""
    out = format_text(text)
    assert load(out).data == load(text).data
    assert format_text(out) == out
    return out


def test_indentation_becomes_two_spaces_with_dashes_under_their_key() -> None:
    text = (
        "business_hours:\n"
        "    support:\n"
        "        timezone: UTC\n"
        "        holidays:\n"
        "        - {date: 2026-12-25}\n"
        "        -   date: 2026-12-24\n"
        "            hours: ['08:00-12:00']\n"
    )
    assert formatted(text) == (
        "business_hours:\n"
        "  support:\n"
        "    timezone: UTC\n"
        "    holidays:\n"
        "      - {date: 2026-12-25}\n"
        "      - date: 2026-12-24\n"
        "        hours: ['08:00-12:00']\n"
    )


def test_fields_follow_the_model_and_unknown_keys_come_after() -> None:
    text = (
        "entry_points:\n"
        "  b:\n"
        "    zzz: 1\n"
        "    inbox: x\n"
        "    channel: email\n"
        "    instances: [staging]\n"
        "  a: {audience: y, inbox: x, channel: sms}\n"
        "settings:\n"
        "  timezone: UTC\n"
        "  default_language: en-US\n"
        "unknown_kind:\n"
        "  x: {b: 1, a: 2}\n"
        "topics:\n"
        "  not-a-mapping: 1\n"
        "teams: [not, a, mapping]\n"
    )
    assert formatted(text) == (
        "entry_points:\n"
        "  b:\n"
        "    instances: [staging]\n"
        "    channel: email\n"
        "    inbox: x\n"
        "    zzz: 1\n"
        "  a: {channel: sms, inbox: x, audience: y}\n"  # objects keep the file's order
        "settings:\n"
        "  default_language: en-US\n"
        "  timezone: UTC\n"
        "unknown_kind:\n"
        "  x: {b: 1, a: 2}\n"
        "topics:\n"
        "  not-a-mapping: 1\n"
        "teams: [not, a, mapping]\n"
    )


def test_comments_stay_with_what_they_describe() -> None:
    text = (
        "# the teams\n"
        "teams:\n"
        "    # first\n"
        "    a:\n"
        "        description: x   # why x\n"
        "        instances: [staging]\n"
        "    # about b\n"
        "    b: {}\n"
        "# the end\n"
    )
    assert formatted(text) == (
        "# the teams\n"
        "teams:\n"
        "  # first\n"
        "  a:\n"
        "    instances: [staging]\n"
        "    description: x       # why x\n"
        "  # about b\n"
        "  b: {}\n"
        "# the end\n"
    )


def test_a_comment_between_fields_keeps_their_order() -> None:
    text = "teams:\n  a:\n    description: x\n    # staging only\n    instances: [staging]\n"
    assert formatted(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "teams:\n  a:\n    # first\n    description: x\n    instances: [s]\n",
        "teams:\n  a:\n    description: x\n#% if y\n    instances: [s]\n#% endif\n",
        "teams:\n  a:\n    description: x\n\n    instances: [s]\n",
        "teams:\n  a:\n    description: {x: 1}\n#% if y\n    instances: [s]\n#% endif\n",
    ],
)
def test_fields_with_comment_or_blank_lines_before_or_between_keep_their_order(
    text: str,
) -> None:
    assert formatted(text) == text


def test_the_tail_joins_the_comment_of_the_new_last_field() -> None:
    text = (
        "teams:\n  a:\n    description: x  # d\n    instances:\n      - s\n  # about b\n  b: {}\n"
    )
    assert formatted(text) == (
        "teams:\n  a:\n    instances:\n      - s\n    description: x  # d\n  # about b\n  b: {}\n"
    )
    plain = "teams:\n  a:\n    description: x\n    instances: [s]\n  # about b\n  b: {}\n"
    assert formatted(plain) == (
        "teams:\n  a:\n    instances: [s]\n    description: x\n  # about b\n  b: {}\n"
    )


def test_the_tail_moves_with_the_end_of_an_object_into_nested_values() -> None:
    text = (
        "business_hours:\n"
        "  a:\n"
        "    holidays:\n"
        "      - {date: 2026-12-25}\n"
        "    weekly:\n"
        "      mon: ['08:00-12:00']\n"
        "    timezone: UTC   # local\n"
        "  # about b\n"
        "  b: {timezone: UTC}\n"
    )
    assert formatted(text) == (
        "business_hours:\n"
        "  a:\n"
        "    timezone: UTC   # local\n"
        "    weekly:\n"
        "      mon: ['08:00-12:00']\n"
        "    holidays:\n"
        "      - {date: 2026-12-25}\n"
        "  # about b\n"
        "  b: {timezone: UTC}\n"
    )


def test_trailing_comments_of_a_block_stay_in_it() -> None:
    text = "webhooks:\n  a:\n    url: x\n    # enabled: false\n"
    assert formatted(text) == text
    deep = "webhooks:\n  a:\n    url: x\n  # enabled: false\n"
    assert formatted(deep) == deep


def test_template_values_and_quoting_are_kept() -> None:
    text = (
        "entry_points:\n"
        "    '{{ brand }}-email':\n"
        '        address: "{{ support_email }}"\n'
        "        channel: email\n"
        "        inbox: x-{{ region }}\n"
    )
    assert formatted(text) == (
        "entry_points:\n"
        "  '{{ brand }}-email':\n"
        "    channel: email\n"
        '    address: "{{ support_email }}"\n'
        "    inbox: x-{{ region }}\n"
    )


def test_template_lines_stay_in_place() -> None:
    text = (
        "settings:\n"
        "    languages:\n"
        "#% for language in languages\n"
        '    - "{{ language }}"\n'
        "#% endfor\n"
        "    default_language: en-US\n"
        "answers:\n"
        "#% for brand in brands\n"
        '    "{{ brand }}-a":\n'
        "        content: {}\n"
        "        audiences: [x]\n"
        "#% endfor\n"
    )
    out = formatted(text)
    assert out == (
        "settings:\n"
        "  languages:\n"
        "#% for language in languages\n"
        '    - "{{ language }}"\n'
        "#% endfor\n"
        "  default_language: en-US\n"
        "answers:\n"
        "#% for brand in brands\n"
        '  "{{ brand }}-a":\n'
        "    audiences: [x]\n"
        "    content: {}\n"
        "#% endfor\n"
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{% if x %}\nteams: {}\n{% endif %}\n", "not YAML as written (line 1)"),
        ("teams:\n  a: {{ x }}\n", "not YAML as written (line 2)"),
        ("teams:\n#% for t in ts\n  t: {}\n#% endfor\n  t: {}\n", "appears twice"),
        ("- a\n- b\n", "is not a YAML mapping"),
    ],
)
def test_what_is_not_yaml_as_written_is_refused(text: str, reason: str) -> None:
    with pytest.raises(Unformattable, match=reason.replace("(", r"\(").replace(")", r"\)")):
        format_text(text)


def test_whitespace_tabs_and_final_newline() -> None:
    assert formatted("\n\nteams:   \n  a: {}   # c \n\n\n") == "teams:\n  a: {}   # c\n"
    with pytest.raises(Unformattable, match=r"ruamel\.yaml cannot round-trip it"):
        format_text("teams:\n  a: {}\t# c\n")  # a tab ruamel will not read: left as it is
    assert formatted("teams: {}") == "teams: {}\n"
    hashes = "teams:\n  a: {description: 'not # a comment'}  # a comment\n"
    assert formatted(hashes) == hashes
    literal = "answers:\n  a:\n    description: |\n      kept   \n      as is\n"
    assert formatted(literal) == literal


def test_an_empty_file_or_one_of_comments_is_left_as_it_is() -> None:
    assert format_text("") == ""
    assert format_text("# nothing yet  \n") == "# nothing yet  \n"


def test_a_result_that_changed_a_comment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from gladcfg.edit import fmt

    monkeypatch.setattr(fmt, "_tidy", lambda text, step: text.replace("# c", "# d"))
    with pytest.raises(Unformattable, match="comments"):
        format_text("teams: {}  # c\n")
    monkeypatch.setattr(fmt, "_tidy", lambda text, step: text.replace("#% x", "#% y"))
    with pytest.raises(Unformattable, match="template lines"):
        format_text("teams:\n#% x\n  a: {}\n")
    monkeypatch.setattr(fmt, "_tidy", lambda text, step: text.replace("1", "2"))
    with pytest.raises(Unformattable, match="what it means"):
        format_text("teams: {a: {description: '1'}}\n")


def test_a_reorder_the_check_refuses_falls_back_to_the_file_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gladcfg.edit import fmt

    monkeypatch.setattr(fmt, "_comments_between", lambda spec, keys: False)
    text = "teams:\n  a:\n    description: x\n    # staging only\n    instances: [staging]\n"
    assert format_text(text) == text


# Property: for any small resource-like file, however it is indented, fmt keeps its meaning
# and is idempotent.
_names = st.text(string.ascii_lowercase + "-", min_size=1, max_size=6).filter(
    lambda s: s[0] != "-" and s not in {"y", "n"}
)
_scalars = st.one_of(
    st.integers(-1000, 1000),
    st.booleans(),
    st.text(string.ascii_letters + " {}#:'", max_size=10),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3),
        st.dictionaries(_names, inner, min_size=1, max_size=3),
    ),
    max_leaves=6,
)
_kinds = st.sampled_from(["teams", "inboxes", "answers", "webhooks", "other"])
_fields = st.sampled_from(
    ["description", "instances", "teams", "sla", "content", "url", "protect", "zzz"]
)
_objects = st.dictionaries(_fields, _values, min_size=1, max_size=4)
_files = st.dictionaries(
    _kinds, st.dictionaries(_names, _objects, min_size=1, max_size=3), min_size=1, max_size=3
)


def _dumped(data: Any, mapping: int, sequence: int, offset: int, comments: bool) -> str:
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    stream = io.StringIO()
    yaml.dump(data, stream)
    text = stream.getvalue()
    if not comments:
        return text
    lines = text.splitlines()
    return "".join(
        f"{line}  # note {i}\n"
        if i % 3 == 0 and not line.rstrip().endswith(("|", "|-"))
        else f"{line}\n"
        for i, line in enumerate(lines)
    )


@settings(max_examples=150, deadline=None)
@given(
    _files,
    st.sampled_from([(2, 2, 0), (4, 4, 2), (3, 5, 2), (4, 6, 4), (2, 4, 2)]),
    st.booleans(),
)
def test_fmt_never_changes_what_a_file_means(
    data: dict[str, Any], layout: tuple[int, int, int], comments: bool
) -> None:
    text = _dumped(data, *layout, comments)
    out = format_text(text)
    assert load(out).data == load(text).data
    assert format_text(out) == out
