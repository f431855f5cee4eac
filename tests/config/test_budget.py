"""Every render is bounded: hostile templates end in a positioned error naming the budget,
never in a hang, an exhausted machine or an internal error."""

from __future__ import annotations

import os
import re
import resource
import signal
import threading
from pathlib import Path

import pytest

from gladcfg.config.render import Renderer
from gladcfg.errors import TemplateProblem
from gladcfg.model.project import RenderBudget
from tests.conftest import BASE_RESOURCES, PROJECT_YAML, MakeProject, RunCli

QUICK = RenderBudget(seconds=0.5, memory_mib=64)


def render(text: str, root: Path, budget: RenderBudget = QUICK, rel: str = "config/x.yaml") -> str:
    return Renderer(root, budget).render(rel, text, {"brand": "Acme"})


LOOP_WITH_OUTPUT = (
    "a:\n{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}\n"
)
LOOP_WITHOUT_CALLS = (
    "a: 1\n\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n"
)
LOOP_OF_CALLS = (
    "a: 1\n{% set l = [] %}{% for i in range(100000) %}{% for j in range(100000) %}"
    "{% set _ = l.append(j) %}{% endfor %}{% endfor %}\n"
)


@pytest.mark.parametrize(
    ("text", "line"),
    [(LOOP_WITH_OUTPUT, 2), (LOOP_WITHOUT_CALLS, 3), (LOOP_OF_CALLS, 2)],
    ids=["output", "bare-loop", "calls"],
)
def test_a_render_that_runs_forever_stops_at_its_time_budget(
    tmp_path: Path, text: str, line: int
) -> None:
    with pytest.raises(TemplateProblem, match=r"longer than its budget of 0\.5 s") as info:
        render(text, tmp_path)
    assert info.value.line == line
    assert "render_budget.seconds in gladcfg.yaml" in info.value.message


@pytest.mark.parametrize("text", [LOOP_WITH_OUTPUT, LOOP_OF_CALLS], ids=["output", "calls"])
def test_a_render_on_another_thread_is_bounded_too(tmp_path: Path, text: str) -> None:
    caught: list[BaseException] = []

    def work() -> None:
        try:
            render(text, tmp_path)
        except TemplateProblem as exc:
            caught.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert caught and "longer than its budget" in str(caught[0])


@pytest.mark.parametrize(
    "text",
    [
        "a: '{{ 'x' | center(10 ** 9) }}'\n",
        "a: '{{ '%0999999999d' % 1 }}'\n",
        "{% set ns = namespace(s='x' * 1000000) %}"
        "{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}a: 1\n",
    ],
    ids=["center", "format-width", "doubling"],
)
def test_a_render_that_needs_too_much_memory_stops_at_its_memory_budget(
    tmp_path: Path, text: str
) -> None:
    with pytest.raises(TemplateProblem, match="more memory than its budget of 64 MiB"):
        render(text, tmp_path, RenderBudget(seconds=30, memory_mib=64))


def test_the_guard_puts_back_the_alarm_handler_and_the_memory_limit(tmp_path: Path) -> None:
    handler = signal.getsignal(signal.SIGALRM)
    limit = resource.getrlimit(resource.RLIMIT_AS)
    assert render("a: {{ brand }}\n", tmp_path) == "a: Acme\n"
    with pytest.raises(TemplateProblem):
        render(LOOP_WITHOUT_CALLS, tmp_path)
    with pytest.raises(TemplateProblem):
        render("a: '{{ 'x' | center(10 ** 10) }}'\n", tmp_path)
    assert signal.getsignal(signal.SIGALRM) == handler
    assert resource.getrlimit(resource.RLIMIT_AS) == limit
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: {{ ((9 ** 999) ** 999) ** 999 }}\n", "the power would have more than"),
        ("a: {{ 7 ** (10 ** 9) }}\n", "the power would have more than"),
        (
            "{% set ns = namespace(n=3) %}{% for i in range(64) %}{% set ns.n = ns.n * ns.n %}"
            "{% endfor %}a: {{ ns.n }}\n",
            "the product would have more than",
        ),
        ("a: {{ lipsum(10 ** 6) }}\n", "lipsum makes at most 100 paragraphs"),
        ("a: {{ 'ab' * 10 ** 7 }}\n", "repetition would build more than"),
    ],
)
def test_single_operations_that_would_run_for_minutes_are_refused(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(TemplateProblem, match=message) as info:
        render(text, tmp_path, RenderBudget(seconds=60))
    assert info.value.line is not None


def test_small_powers_and_products_still_work(tmp_path: Path) -> None:
    assert render("a: {{ 2 ** 10 }} {{ 1 ** 10 ** 9 }} {{ 3 * 4 }}\n", tmp_path) == "a: 1024 1 12\n"


def test_endless_recursion_is_a_positioned_error(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config/a.yaml").write_text("{% include 'config/b.yaml' %}\n")
    (tmp_path / "config/b.yaml").write_text("b: 1\n{% include 'config/a.yaml' %}\n")
    cases = [
        ("a: 1\n{% macro f() %}{{ f() }}{% endmacro %}\nb: {{ f() }}\n", "config/x.yaml"),
        ("a: 1\n{% include 'config/x.yaml' %}\n", "config/x.yaml"),
        ("a: 1\n{% import 'config/x.yaml' as me %}\n", "config/x.yaml"),
        ((tmp_path / "config/a.yaml").read_text(), "config/a.yaml"),
    ]
    (tmp_path / "config/x.yaml").write_text("a: 1\n{% include 'config/x.yaml' %}\n")
    for text, rel in cases:
        with pytest.raises(TemplateProblem, match="recursion too deep") as info:
            render(text, tmp_path, rel=rel)
        assert info.value.line is not None


@pytest.mark.parametrize(
    ("include", "message"),
    [
        ("'x' * 5000", "an include name is 5000 characters long"),
        ("'config/{x}.yaml'", "an include name cannot contain '{'"),
        ("'config/loop.yaml'", "cannot include config/loop.yaml"),
        ("'config/pipe.yaml'", "is a FIFO (named pipe), not a regular file"),
        ("'config/\\x00.yaml'", "an include name cannot contain '\\x00'"),
        ("'config'", "cannot include config: is a folder, not a regular file"),
        ("'../outside.yaml'", "includes must name a file inside the project"),
        ("('a/' * 400) ~ 'x.yaml'", "includes must name a file inside the project"),
        ("'config/' ~ 'x' * 300", "cannot include config/xxx"),
    ],
)
def test_absurd_or_unreadable_includes_are_positioned_errors(
    tmp_path: Path, include: str, message: str
) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config/loop.yaml").symlink_to("loop.yaml")
    os.mkfifo(tmp_path / "config/pipe.yaml")
    (tmp_path / "outside.yaml").write_text("a: 1\n")
    with pytest.raises(TemplateProblem, match=re.escape(message)) as info:
        render(f"a: 1\n{{% include {include} %}}\n", tmp_path / "config/..")
    assert info.value.line == 2


def test_a_file_name_is_never_code(make_project: MakeProject, run_cli: RunCli) -> None:
    """A resource file named like a Python expression, importing from another template: the
    name never reaches generated code (Jinja before 3.1.5 ran it; CVE-2024-56201)."""
    command = "+".join(f"chr({ord(c)})" for c in "touch pwned")
    name = f"config/{{__import__(chr(111)+chr(115)).system({command})}}.yaml"
    root = make_project(
        {
            "config/base.yaml": BASE_RESOURCES,
            "config/plain.yaml": "{% macro something() %}{% endmacro %}\n",
            name: "{% from 'config/plain.yaml' import nothing %}\nteams: {{ nothing() }}\n",
        }
    )
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    assert "does not export the requested name 'nothing'" in result.stderr
    assert not (root / "pwned").exists() and not Path("pwned").exists()


def test_the_budget_is_set_in_gladcfg_yaml_and_checked_there(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    slow = (
        "teams:\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    )
    budget = "render_budget: {seconds: 0.3, memory_mib: 128}\n"
    root = make_project(
        {"config/base.yaml": BASE_RESOURCES, "config/slow.yaml": slow},
        project_yaml=PROJECT_YAML + budget,
    )
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    assert (
        "config/slow.yaml:2: error: rendering took longer than its budget of 0.3 s "
        "(render_budget.seconds in gladcfg.yaml)" in result.stderr
    )
    root = make_project(project_yaml=PROJECT_YAML + "render_budget: {seconds: 0, memory_mib: 1}\n")
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    assert "render_budget.seconds" in result.stderr and "render_budget.memory_mib" in result.stderr


@pytest.mark.parametrize(
    "text",
    [
        "a: {{ " + "(" * 20000 + "1" + ")" * 20000 + " }}\n",
        "{% if true %}" * 3000 + "a: 1" + "{% endif %}" * 3000 + "\n",
        "a: {{ " + "[" * 5000 + "]" * 5000 + " }}\n",
    ],
    ids=["parentheses", "blocks", "lists"],
)
def test_a_template_nested_past_the_compilers_limits_is_an_error(tmp_path: Path, text: str) -> None:
    with pytest.raises(TemplateProblem, match="nested too deeply to compile"):
        render(text, tmp_path, RenderBudget(seconds=60))


def test_a_fleet_spends_one_budget_on_a_file_that_runs_out_of_time(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    """Twenty instances of an endless loop cost one budget, not twenty: the other instances
    say why the file was not rendered for them."""
    fleet = "".join(f"  i{n}: {{vars: {{support_email: s@acme.example}}}}\n" for n in range(20))
    project_yaml = (
        'version: 1\nresources: ["config/**/*.yaml"]\nvars: {brand: Acme}\ninstances:\n'
        + fleet
        + "render_budget: {seconds: 0.3}\n"
    )
    root = make_project(
        {"config/base.yaml": BASE_RESOURCES, "config/slow.yaml": LOOP_WITHOUT_CALLS},
        project_yaml=project_yaml,
    )
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if "config/slow.yaml" in line]
    assert errors == [
        "config/slow.yaml:3: error: not rendered: rendering it for instance 'i0' took longer "
        "than its budget of 0.3 s (render_budget.seconds in gladcfg.yaml); fix that first "
        f"[{', '.join(f'i{n}' for n in range(1, 20))}]",
        "config/slow.yaml:3: error: rendering took longer than its budget of 0.3 s "
        "(render_budget.seconds in gladcfg.yaml); a loop that never ends? [i0]",
    ]


def test_a_template_that_does_not_compile_is_compiled_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    renderer = Renderer(tmp_path, QUICK)
    compiled: list[str] = []
    compile_text = renderer._compile

    def counted(rel: str, text: str) -> object:
        compiled.append(rel)
        return compile_text(rel, text)

    monkeypatch.setattr(renderer, "_compile", counted)
    for instance in ("staging", "prod", "eu"):
        with pytest.raises(TemplateProblem, match="template syntax") as info:
            renderer.render("config/x.yaml", "a: 1\nb: {{ brand }\n", {"instance": instance})
        assert info.value.line == 2
    assert compiled == ["config/x.yaml"]
