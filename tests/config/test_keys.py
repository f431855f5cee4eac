"""Keys that are not text (``null:``, ``3.5:``, ``true:``, ``12:``) are errors reported at
their own line and column, wherever they are in a resource file or in gladcfg.yaml."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gladcfg.config import Workspace, validate
from tests.conftest import BASE_RESOURCES, MakeProject, RunCli, validation_problems

# Where a key can be; @ marks it.
RESOURCE_PLACES = [
    "@: {}\n",
    "teams:\n  ok: {}\n  @: {}\n",
    "teams:\n  t:\n    description: x\n    @: 1\n",
    "teams:\n  @: {descriptoin: x}\n",
    "inboxes:\n  i:\n    sla: {email: 24h, @: 1}\n",
    "answers:\n  a:\n    content:\n      @: {messaging: x}\n",
    "answers:\n  a:\n    content:\n      en-US: {messaging: x, email: {subject: s, @: b}}\n",
    "business_hours:\n  b:\n    timezone: UTC\n    weekly: {mon: ['08:00-09:00'], @: []}\n",
    "glad_apps:\n  w:\n    entry_point: e\n    languages: [en-US]\n"
    "    quick_actions: [{label: x, url: 'https://a.example', @: 1}]\n",
]
PROJECT_PLACES = [
    "version: 1\n@: 1\ninstances: {staging: {}}\n",
    "version: 1\ninstances:\n  staging: {}\n  @: {}\n",
    "version: 1\ninstances:\n  staging:\n    adapter: mock\n    @: 1\n",
    "version: 1\nvars: {a: {b: [1, {c: 2, @: 1}]}}\ninstances: {staging: {}}\n",
    "version: 1\ninstances:\n  staging:\n    vars:\n      @: 1\n",
    "version: 1\ninstances: {staging: {}}\npolicy: {naming: {@: x}}\n",
]
KEYS = {
    "null (no value)": ["null", "~", "Null", "NULL"],
    "a boolean": ["true", "True", "FALSE", "false"],
    "a number": ["0", "-3", "12", "0x1f", "0o17", "3.5", "1e3", "-.5", ".inf", "-.Inf", ".nan"],
}
KEY_SPELLINGS = [(spelling, what) for what, spellings in KEYS.items() for spelling in spellings]


def _marker(text: str) -> tuple[int, int]:
    before = text[: text.index("@")]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def _write(root: Path, project: str, resources: str) -> None:
    (root / "config").mkdir(parents=True, exist_ok=True)
    (root / "gladcfg.yaml").write_text(project, encoding="utf-8")
    (root / "config" / "x.yaml").write_text(resources, encoding="utf-8")


@settings(max_examples=60, deadline=None)
@given(place=st.sampled_from(RESOURCE_PLACES), key=st.sampled_from(KEY_SPELLINGS))
def test_a_key_that_is_not_text_in_a_resource_file_is_reported_where_it_is(
    place: str, key: tuple[str, str]
) -> None:
    spelling, what = key
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        _write(root, "version: 1\ninstances: {staging: {}}\n", place.replace("@", spelling))
        found = [
            p
            for p in validation_problems(root)
            if p.file == "config/x.yaml" and "not text" in p.message
        ]
    line, column = _marker(place)
    assert [(p.line, p.column) for p in found] == [(line, column)], found
    assert f"is {what}, not text; put it in quotes" in found[0].message


@settings(max_examples=40, deadline=None)
@given(place=st.sampled_from(PROJECT_PLACES), key=st.sampled_from(KEY_SPELLINGS))
def test_a_key_that_is_not_text_in_the_project_file_is_reported_where_it_is(
    place: str, key: tuple[str, str]
) -> None:
    spelling, what = key
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        _write(root, place.replace("@", spelling), "")
        found = [
            p
            for p in validation_problems(root)
            if p.file == "gladcfg.yaml" and "not text" in p.message
        ]
    assert [(p.line, p.column) for p in found] == [_marker(place)], found
    assert f"is {what}, not text" in found[0].message


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (
            "teams:\n  a: {}\n  null: {}\n  3.5: {}\n",
            ["3:3: error: teams.null:", "4:3: error: teams.3.5:"],
        ),
        (
            "teams:\n  3.5: {descriptoin: x}\n",
            ["2:3: error: teams.3.5:", "2:9: error: teams.3.5.descriptoin"],
        ),
        ("teams:\n  true: {}\n  12: {}\n", ["2:3: error: teams.true:", "3:3: error: teams.12:"]),
        (
            "business_hours:\n  b:\n    timezone: UTC\n    weekly: {1: []}\n",
            ["4:14: error: business_hours.b.weekly.1:"],
        ),
    ],
)
def test_keys_that_are_not_text_through_the_cli(
    make_project: MakeProject, run_cli: RunCli, text: str, where: list[str]
) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES, "config/extra.yaml": text})
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    for words in where:
        assert f"config/extra.yaml:{words}" in result.stderr, result.stderr
    assert "None" not in result.stderr and "internal error" not in result.output


def test_a_quoted_key_is_a_name(make_project: MakeProject) -> None:
    text = "teams:\n  'null': {}\n  '3.5': {}\n  'true': {}\n"
    root = make_project({"config/base.yaml": BASE_RESOURCES, "config/extra.yaml": text})
    workspace = Workspace.open(root)
    report = validate(workspace, ["staging"])
    assert report.errors == []
    assert {"null", "3.5", "true"} <= set(report.states["staging"].declared("teams"))
