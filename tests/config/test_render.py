"""Templates are sandboxed: every escape attempt is a clean, positioned validation error."""

from __future__ import annotations

from pathlib import Path

import pytest

from gladcfg.config.render import Renderer, _make_environment, has_template_syntax
from gladcfg.errors import TemplateProblem
from tests.conftest import BASE_RESOURCES, MakeProject, RunCli


def render(text: str, root: Path, **context: object) -> str:
    return Renderer(root).render("config/x.yaml", text, context)


def test_plain_files_skip_jinja(tmp_path: Path) -> None:
    assert not has_template_syntax("a: 1\n")
    assert render("a: 1\n", tmp_path) == "a: 1\n"


def test_a_file_whose_text_changes_is_looked_at_again(tmp_path: Path) -> None:
    """The renderer remembers which files are plain, by the text it was given: a file
    edited to hold a template (a watch, a long-lived session) is rendered."""
    renderer = Renderer(tmp_path)
    assert renderer.render("config/x.yaml", "a: 1\n", {"n": 2}) == "a: 1\n"
    assert renderer.render("config/x.yaml", "a: {{ n }}\n", {"n": 2}) == "a: 2\n"
    assert renderer.render("config/x.yaml", "a: {{ n }}\n", {"n": 3}) == "a: 3\n"
    assert renderer.render("config/x.yaml", "a: 1\n", {"n": 2}) == "a: 1\n"


def _jinja_finds_syntax(text: str, root: Path) -> bool:
    """Whether the environment templates really render in sees more than plain text."""
    from jinja2 import TemplateSyntaxError

    try:
        return any(token != "data" for _, token, _ in _make_environment(root).lex(text))
    except TemplateSyntaxError:  # an unclosed tag or comment is syntax too
        return True


@pytest.mark.parametrize(
    ("text", "syntax"),
    [
        ("a: 1\n", False),
        ("a: {{ brand }}\n", True),
        ("a: {% if flag %}on{% endif %}\n", True),
        ("a: 1  {# a Jinja comment #}\n", True),
        ("a: '{#'\n", True),
        ("#% if flag\na: 1\n#% endif\n", True),
        ("a:\n  \t#% set x = 1\n", True),
        ("a: 1\r\n#% set x = 1\r\n", True),
        ("a: 1\r#% set x = 1\r", True),
        ("a: 100#%\n", False),
        ("# discounts of 10#% and more\n", False),
        ("a: '{ {x} }' # {x}\n", False),
        ("a: '%{x}%'\n", False),
    ],
)
def test_template_syntax_is_what_the_configured_jinja_finds(
    tmp_path: Path, text: str, syntax: bool
) -> None:
    assert has_template_syntax(text) is syntax
    assert _jinja_finds_syntax(text, tmp_path) is syntax


def test_values_and_instance(tmp_path: Path) -> None:
    text = "a: {{ brand }}\nb: {{ instance }}\nc: {{ langs | tojson }}\n"
    out = render(text, tmp_path, brand="Acme", instance="prod", langs=["en-US"])
    assert out == 'a: Acme\nb: prod\nc: ["en-US"]\n'


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        (
            "a: 1\nb: {{ ''.__class__.__mro__[1].__subclasses__() }}\n",
            "cannot reach Python internals",
            2,
        ),
        ("a: {{ cycler.__init__.__globals__.os.environ }}\n", "cannot reach Python internals", 1),
        ("a: {{ lipsum.__globals__['os'].environ }}\n", "cannot reach Python internals", 1),
        ("a: 1\n\nb: {{ brnad }}\n", "'brnad' is undefined (did you mean 'brand'?)", 3),
        ("a: {{ env.HOME }}\n", "'env' is undefined", 1),
        ("a: {% for x in %}\n", "template syntax", 1),
        ("a: {{ 'x' * 100000000 }}\n", "repetition", 1),
        ("a: {{ 10 ** 100000 }}\n", "the power would have more than", 1),
        ("a: {{ 1 / 0 }}\n", "a division by zero", 1),
        ("a: {% include '../../etc/passwd' %}\n", "inside the project", 1),
        ("a: {% include '/etc/passwd' %}\n", "inside the project", 1),
    ],
)
def test_escapes_and_mistakes_are_clean_errors(
    tmp_path: Path, text: str, message: str, line: int
) -> None:
    with pytest.raises(TemplateProblem) as info:
        render(text, tmp_path, brand="Acme")
    assert message in info.value.message
    assert info.value.line == line


def test_block_tags_keep_yaml_lines_intact(tmp_path: Path) -> None:
    text = "a: {% if flag %}on{% endif %}\nb:\n    {% if flag %}\n  - x\n    {% endif %}\n"
    assert render(text, tmp_path, flag=True) == "a: on\nb:\n\n  - x\n\n"


def test_includes_inside_the_project_work(tmp_path: Path) -> None:
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "team.j2").write_text("{description: {{ brand }} team}")
    assert render("a: {% include 'snippets/team.j2' %}\n", tmp_path, brand="Acme") == (
        "a: {description: Acme team}\n"
    )


def test_include_through_symlink_out_of_project_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    root = tmp_path / "root"
    root.mkdir()
    (root / "link.j2").symlink_to(outside)
    with pytest.raises(TemplateProblem, match="inside the project"):
        render("a: {% include 'link.j2' %}\n", root)


def test_rendered_size_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gladcfg.config.render as render_module

    monkeypatch.setattr(render_module, "MAX_RENDERED_CHARS", 50)
    with pytest.raises(TemplateProblem, match="the limit for one file"):
        render("{% for i in range(100) %}x{% endfor %}", tmp_path)


def test_template_error_through_the_cli_names_file_and_line(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    extra = "teams:\n  x:\n    description: \"{{ ''.__class__.__base__ }}\"\n"
    root = make_project({"config/base.yaml": BASE_RESOURCES, "config/extra.yaml": extra})
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    assert "config/extra.yaml:3: error: template:" in result.stderr
    assert "Traceback" not in result.output


LOOP_TEMPLATE = """\
teams:
#% for region in ["us", "eu"]
  "{{ region }}-tier1":
    description: "Tier 1 {{ region }}"
    descripton: typo
#% endfor
  after-loop:
    nope: 1
{% if true %}
  in-block: {nope: 2}
{% endif %}
"""


def test_errors_in_rendered_templates_point_at_the_template_line(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES, "config/extra.yaml": LOOP_TEMPLATE})
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    assert "config/extra.yaml:5: error: teams.us-tier1.descripton: unknown field" in result.stderr
    assert "config/extra.yaml:5: error: teams.eu-tier1.descripton: unknown field" in result.stderr
    assert "config/extra.yaml:8: error: teams.after-loop.nope" in result.stderr
    assert "config/extra.yaml:10: error: teams.in-block.nope" in result.stderr


def test_source_lines_map_every_rendered_line(tmp_path: Path) -> None:
    renderer = Renderer(tmp_path)
    rendered = renderer.render("t.yaml", LOOP_TEMPLATE, {})
    lines = renderer.source_lines("t.yaml", LOOP_TEMPLATE, {})
    assert len(lines) >= len(rendered.splitlines())
    template_lines = LOOP_TEMPLATE.splitlines()
    for number, text in enumerate(rendered.splitlines(), start=1):
        if not text:
            continue
        static = template_lines[lines[number - 1] - 1].split("{{")[0]
        assert text.startswith(static), (number, text, static)
