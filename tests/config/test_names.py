"""User-chosen names in a project: every place one is written refuses hidden characters,
and names that are one name once Unicode-normalised are duplicates."""

from __future__ import annotations

import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gladcfg.config import Workspace, validate
from gladcfg.errors import ConfigError, Problem
from gladcfg.model.kinds import KIND_MODELS
from tests.conftest import BASE_RESOURCES, PROJECT_YAML, MakeProject, RunCli, validation_problems

RLO = "\u202e"


def _at(problems: list[Problem], file: str, line: int, column: int) -> list[str]:
    return [p.message for p in problems if (p.file, p.line, p.column) == (file, line, column)]


@pytest.mark.parametrize("kind", list(KIND_MODELS))
def test_a_resource_name_of_any_kind_with_a_bidi_override_is_refused(
    make_project: MakeProject, kind: str
) -> None:
    root = make_project({"config/x.yaml": f'{kind}:\n  ok: {{}}\n  "ev{RLO}il": {{}}\n'})
    messages = _at(validation_problems(root), "config/x.yaml", 3, 3)
    assert any("U+202E RIGHT-TO-LEFT OVERRIDE" in m and "position 3" in m for m in messages)


@pytest.mark.parametrize(
    ("text", "line", "column", "code"),
    [
        ('inboxes:\n  i: {teams: ["tier\\u200b1"]}\n', 2, 15, "U+200B"),
        (
            'entry_points:\n  e: {channel: chat, address: a, inbox: "sup\\u2066port"}\n',
            2,
            41,
            "U+2066",
        ),
        ('topics:\n  t: {parent: "bill\\u00ading"}\n', 2, 15, "U+00AD"),
        ('teams:\n  t: {renamed_from: "old\\ufeff"}\n', 2, 21, "U+FEFF"),
        ('answers:\n  a:\n    content:\n      "en\\u200d-US": {messaging: x}\n', 4, 7, "U+200D"),
        (
            'answers:\n  a: {audiences: ["acme\\u200f"], content: {en-US: {messaging: x}}}\n',
            2,
            19,
            "U+200F",
        ),
        ('teams:\n  t: {instances: ["prod\\u061c"]}\n', 2, 19, "U+061C"),
        (
            'auto_reply_rules:\n  r: {entry_points: [x], when: always, answer: "c\\u2060"}\n',
            2,
            48,
            "U+2060",
        ),
    ],
)
def test_a_reference_or_key_with_a_hidden_character_is_refused_where_it_is(
    make_project: MakeProject, text: str, line: int, column: int, code: str
) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES, "config/x.yaml": text})
    messages = _at(validation_problems(root), "config/x.yaml", line, column)
    assert any(code in m for m in messages), validation_problems(root)


@pytest.mark.parametrize(
    ("project", "line", "column", "code"),
    [
        (PROJECT_YAML.replace("  prod:", '  "prod\\u200b":'), 7, 3, "U+200B"),
        (PROJECT_YAML + '    protect: ["answers.\\u202e*"]\n', 9, 15, "U+202E"),
        (PROJECT_YAML + '    ignore: ["teams.a\\u200cb"]\n', 9, 14, "U+200C"),
    ],
)
def test_instance_names_and_address_globs_with_hidden_characters_are_refused(
    make_project: MakeProject, project: str, line: int, column: int, code: str
) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES}, project_yaml=project)
    messages = _at(validation_problems(root), "gladcfg.yaml", line, column)
    assert any(code in m for m in messages), validation_problems(root)


def test_a_refused_name_is_not_declared(make_project: MakeProject) -> None:
    root = make_project({"config/x.yaml": f'teams:\n  ok: {{}}\n  "ev{RLO}il": {{}}\n'})
    workspace = Workspace.open(root)
    state, problems, invalid = workspace.load("staging")
    assert set(state.declared("teams")) == {"ok"}
    assert ("teams", f"ev{RLO}il") in invalid
    # The address in the report is escaped too, so the output line is not reordered.
    assert [p.address for p in problems] == ["teams.ev\\u202eil"]


def test_names_equal_once_normalised_are_duplicates_in_one_file_and_across_files(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    composed, decomposed = "caf\u00e9", "cafe\u0301"
    root = make_project(
        {
            "config/a.yaml": f"teams:\n  {composed}: {{}}\n  {decomposed}: {{}}\n",
            "config/b.yaml": f"teams:\n  {decomposed}: {{}}\n  \u212aelvin: {{}}\n  Kelvin: {{}}\n",
        }
    )
    result = run_cli("-C", root, "validate", "-i", "staging")
    assert result.exit_code == 1
    err = result.stderr
    assert (
        "config/a.yaml:3:3: error: teams.cafe\u0301: teams.cafe\u0301 is already declared in "
        "config/a.yaml:2 as 'caf\\u00e9' (this one is 'cafe\\u0301'): they are one name once "
        "Unicode-normalised (NFC)"
    ) in err
    assert "config/b.yaml:2:3: error: teams.cafe\u0301: teams.cafe\u0301 is already" in err
    assert (
        "b.yaml:4:3: error: teams.Kelvin: teams.Kelvin is already declared in config/b.yaml:3"
        in err
    )
    assert "as '\\u212aelvin' (this one is 'Kelvin')" in err
    assert "invalid: 3 errors" in err


NAME_PARTS = st.sampled_from(
    ["a", "e", "\u00e9", "e\u0301", "\u212b", "A\u030a", "\u00c5", "-", "1"]
)


@settings(max_examples=50, deadline=None)
@given(
    first=st.lists(NAME_PARTS, min_size=1, max_size=6),
    second=st.lists(NAME_PARTS, min_size=1, max_size=6),
)
def test_two_names_are_one_exactly_when_equal_once_normalised(
    first: list[str], second: list[str]
) -> None:
    a, b = "".join(first), "".join(second)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "config").mkdir()
        (root / "gladcfg.yaml").write_text("version: 1\ninstances: {staging: {}}\n", "utf-8")
        (root / "config" / "a.yaml").write_text(f"teams:\n  '{a}': {{}}\n", "utf-8")
        (root / "config" / "b.yaml").write_text(f"teams:\n  '{b}': {{}}\n", "utf-8")
        workspace = Workspace.open(root)
        state, problems, _ = workspace.load("staging")
    same = unicodedata.normalize("NFC", a) == unicodedata.normalize("NFC", b)
    assert len(state.declared("teams")) == (1 if same else 2)
    assert [(p.file, p.line) for p in problems] == ([("config/b.yaml", 2)] if same else [])


def test_a_reference_written_in_another_normal_form_says_so(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    text = "teams:\n  caf\u00e9: {}\ninboxes:\n  i: {teams: [cafe\u0301]}\n"
    root = make_project({"config/x.yaml": text})
    result = run_cli("-C", root, "validate", "-i", "staging")
    assert (
        "config/x.yaml:4:15: error: inboxes.i.teams[0]: unknown team 'cafe\u0301': it is written "
        "'cafe\\u0301', and the one declared 'caf\\u00e9'"
    ) in result.stderr


def test_one_language_given_twice_under_an_answer_is_an_error(make_project: MakeProject) -> None:
    text = (
        "answers:\n  a:\n    content:\n      en-US: {messaging: one}\n"
        "      en-us: {messaging: two}\n"
        "  b:\n    bad: 1\n    content:\n      en-US: {messaging: one}\n"
        "      EN-US: {messaging: two}\n"
        "  c:\n    content: {en-US: {messaging: one}, fr: {messaging: un}}\n"
    )
    root = make_project({"config/x.yaml": text})
    problems = validation_problems(root)
    assert _at(problems, "config/x.yaml", 5, 7) == [
        "'en-us' is the language 'en-US', already given as 'en-US'; give each language once"
    ]
    assert any(
        "'EN-US' is the language 'en-US'" in m for m in _at(problems, "config/x.yaml", 10, 7)
    )
    assert not [p for p in problems if "answers.c" in (p.address or "") and p.is_error]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Kelvin", "\u212aelvin"),  # the Kelvin sign is K once normalised
        ("\u212aelvin", "Kelvin"),
        ("\u00c5ngstr\u00f6m", "\u212bngstro\u0308m"),
        ("A\u030angstro\u0308m", "\u00c5ngstr\u00f6m"),
    ],
)
def test_the_second_of_two_twins_is_the_duplicate_whichever_is_written_first(
    make_project: MakeProject, first: str, second: str
) -> None:
    root = make_project({"config/a.yaml": f"teams:\n  {first}: {{}}\n  {second}: {{}}\n"})
    state, problems, _ = Workspace.open(root).load("staging")
    assert list(state.declared("teams")) == [first]
    assert [(p.line, p.column) for p in problems] == [(3, 3)]
    assert "they are one name once Unicode-normalised (NFC)" in problems[0].message


def test_no_report_line_carries_a_hidden_character_from_the_files(
    make_project: MakeProject,
) -> None:
    """Whatever the value quoted (an unknown field, a duration, an address), the report
    escapes what would hide or reorder the line it is printed on."""
    text = (
        f'teams:\n  t: {{"descr{RLO}iption": x}}\n'
        f'inboxes:\n  i: {{sla: {{email: "24{RLO}h"}}}}\n'
        f'entry_points:\n  e: {{channel: email, address: "a{RLO}@b.example", inbox: i}}\n'
    )
    root = make_project({"config/x.yaml": text})
    problems = [p for p in validation_problems(root) if p.file == "config/x.yaml"]
    assert len(problems) == 3
    for problem in problems:
        assert RLO not in problem.message and RLO not in (problem.address or "")
        assert "\\u202e" in problem.message


def test_names_and_globs_from_the_command_line_are_held_to_the_same_rules(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    hidden = run_cli("-C", root, "plan", "-i", "staging", "--target", "teams.tier1\u200b")
    assert hidden.exit_code == 1
    assert "'teams.tier1\\u200b' contains U+200B ZERO WIDTH SPACE" in hidden.output
    long = run_cli("-C", root, "plan", "-i", "staging", "--target", "teams." + "*a" * 300)
    assert long.exit_code == 1
    assert "is 606 characters long; the limit is 512" in long.output
    bidi = run_cli("-C", root, "plan", "-i", "prod\u202e")
    assert bidi.exit_code == 1
    assert "unknown instance 'prod\\u202e' (did you mean 'prod'?)" in bidi.output
    assert "\u202e" not in bidi.output


def test_instance_and_address_globs_are_bounded_in_length(make_project: MakeProject) -> None:
    """fnmatch compiles a glob in time that grows with it: a glob of megabytes would hang
    validation; none is longer than a name could need."""
    glob = "*a" * 300
    project_yaml = PROJECT_YAML.replace(
        "  prod:\n", f"  prod:\n    protect: ['teams.{glob}']\n    ignore: ['teams.{glob}']\n"
    )
    root = make_project({"config/base.yaml": BASE_RESOURCES}, project_yaml=project_yaml)
    with pytest.raises(ConfigError) as info:
        Workspace.open(root)
    fields = sorted(p.address for p in info.value.problems if "at most 512" in p.message)
    assert fields == ["instances.prod.ignore[0]", "instances.prod.protect[0]"]
    extra = f"teams:\n  x: {{instances: ['{glob}']}}\n"
    root = make_project({"config/base.yaml": BASE_RESOURCES, "config/x.yaml": extra})
    report = validate(Workspace.open(root), ["staging"])
    assert [p.address for p in report.errors] == ["teams.x.instances[0]"]
    assert "at most 512 characters" in report.errors[0].message
