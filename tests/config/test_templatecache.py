"""Compiled templates kept between runs: used only when they are the user's own and
intact, never trusted across a changed text, and never needed for a correct render."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from gladcfg import cachedir
from gladcfg.config.render import Renderer, _compile_marshalled
from gladcfg.config.templatecache import TemplateCache, default_folder
from gladcfg.errors import TemplateProblem
from gladcfg.model.project import RenderBudget

TEXT = "teams:\n#% for i in range(3)\n  t{{ i }}: {description: '{{ brand }} {{ i }}'}\n#% endfor\n"
CONTEXT = {"brand": "Acme"}


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files Jinja compiled (rather than the cache giving their code)."""
    import jinja2

    seen: list[str] = []
    compile_ = jinja2.Environment.compile

    def counting(self: Any, source: str, name: Any = None, filename: Any = None, **kw: Any) -> Any:
        seen.append(filename)
        return compile_(self, source, name, filename, **kw)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return seen


def render(root: Path, text: str = TEXT, rel: str = "config/a.yaml") -> str:
    """``text`` rendered as ``rel`` of a project in ``root``/project: beside, never around,
    the cache folders the tests give (a cache inside the project is not used)."""
    return Renderer(root / "project").render(rel, text, CONTEXT)


def test_a_second_run_renders_from_the_cache_and_an_edit_compiles_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compiles: list[str]
) -> None:
    monkeypatch.setenv("GLADCFG_CACHE_DIR", str(tmp_path / "cache"))
    first = render(tmp_path)
    assert compiles == ["config/a.yaml"]
    assert (
        render(tmp_path)
        == first
        == (
            "teams:\n  t0: {description: 'Acme 0'}\n  t1: {description: 'Acme 1'}\n"
            "  t2: {description: 'Acme 2'}\n"
        )
    )
    assert compiles == ["config/a.yaml"]  # the second run compiled nothing
    render(tmp_path, TEXT.replace("range(3)", "range(2)"))
    render(tmp_path, rel="config/b.yaml")  # the name is part of the key (errors cite it)
    assert compiles == ["config/a.yaml"] * 2 + ["config/b.yaml"]
    entries = list((tmp_path / "cache/templates").iterdir())
    assert len(entries) == 3
    assert all(e.stat().st_mode & 0o077 == 0 for e in entries)
    assert (tmp_path / "cache/templates").stat().st_mode & 0o777 == 0o700


def test_an_error_from_cached_code_names_the_template_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GLADCFG_CACHE_DIR", str(tmp_path / "cache"))
    text = "teams:\n  a: {}\n  b: {description: '{{ missing }}'}\n"
    for _ in range(2):  # compiled, then from the cache
        with pytest.raises(TemplateProblem) as raised:
            render(tmp_path, text)
        assert raised.value.line == 3 and "'missing' is undefined" in raised.value.message


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "foreign"])
def test_a_damaged_entry_is_ignored_and_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compiles: list[str], damage: str
) -> None:
    monkeypatch.setenv("GLADCFG_CACHE_DIR", str(tmp_path / "cache"))
    expected = render(tmp_path)
    (entry,) = (tmp_path / "cache/templates").iterdir()
    data = entry.read_bytes()
    entry.write_bytes(
        {
            "flip": data[:-5] + bytes([data[-5] ^ 0xFF]) + data[-4:],
            "truncate": data[: len(data) // 2],
            "empty": b"",
            "foreign": b"\xe3" + data[1:],
        }[damage]
    )
    assert render(tmp_path) == expected
    assert len(compiles) == 2
    assert entry.read_bytes() == data  # written anew
    assert render(tmp_path) == expected and len(compiles) == 2


def test_a_folder_others_could_write_or_a_symlink_is_not_used(
    tmp_path: Path, compiles: list[str]
) -> None:
    open_folder = tmp_path / "open"
    open_folder.mkdir()
    os.chmod(open_folder, 0o777)
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    linked = tmp_path / "linked"
    linked.symlink_to(real, target_is_directory=True)
    a_file = tmp_path / "file"
    a_file.write_text("")
    for folder in (open_folder, linked, a_file / "templates"):
        assert not TemplateCache(folder, signature="s").enabled
    assert TemplateCache(real, signature="s").enabled


def test_an_entry_that_is_a_symlink_is_not_read(tmp_path: Path) -> None:
    cache = TemplateCache(tmp_path / "cache", signature="s")
    key = cache.key("a.yaml", "text")
    cache.save(key, compile("x = 1", "a.yaml", "exec"))
    entry = tmp_path / "cache" / f"{key}.code"
    assert cache.load(key) is not None
    entry.rename(tmp_path / "elsewhere")
    entry.symlink_to(tmp_path / "elsewhere")
    assert cache.load(key) is None


def test_a_cache_that_cannot_be_written_only_means_compiling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compiles: list[str]
) -> None:
    monkeypatch.setenv("GLADCFG_CACHE_DIR", str(tmp_path / "cache"))

    def full(*args: object, **kwargs: object) -> Any:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cachedir.tempfile, "mkstemp", full)
    assert render(tmp_path) == render(tmp_path)
    assert len(compiles) == 2 and list((tmp_path / "cache/templates").iterdir()) == []


def test_where_the_cache_is_and_how_to_turn_it_off(tmp_path: Path) -> None:
    assert default_folder({"GLADCFG_CACHE_DIR": "off"}) is None
    assert default_folder({"GLADCFG_CACHE_DIR": ""}) is None
    assert default_folder({"GLADCFG_CACHE_DIR": "/c"}) == Path("/c/templates")
    assert default_folder({"XDG_CACHE_HOME": "/x"}) == Path("/x/gladcfg/templates")
    assert default_folder({}) == Path.home() / ".cache/gladcfg/templates"
    assert not TemplateCache(None, signature="s").enabled
    assert TemplateCache(None, signature="s").load("k") is None


@pytest.mark.parametrize("variable", ["GLADCFG_CACHE_DIR", "XDG_CACHE_HOME"])
def test_a_relative_cache_folder_is_no_cache(variable: str) -> None:
    # Relative to where gladcfg runs: in a checkout, a pull request could plant code there.
    assert default_folder({variable: ".cache"}) is None


def test_a_cache_folder_inside_the_project_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compiles: list[str]
) -> None:
    project = tmp_path / "project"
    planted = project / ".cache/templates"
    monkeypatch.setenv("GLADCFG_CACHE_DIR", str(project / ".cache"))
    assert not TemplateCache(planted, signature="s", project=project).enabled
    assert TemplateCache(tmp_path / "elsewhere", signature="s", project=project).enabled
    render(tmp_path)
    render(tmp_path)
    assert not planted.exists() and len(compiles) == 2  # compiled each time, never kept


def parallel_possible() -> bool:
    import sys
    import threading

    return (
        sys.platform.startswith("linux")
        and len(os.sched_getaffinity(0)) > 1
        and threading.active_count() == 1
    )


FILES = {f"config/f{i}.yaml": TEXT.replace("range(3)", f"range({i + 1})") for i in range(4)}


def test_templates_are_compiled_in_workers_once_and_rendered_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compiles: list[str]
) -> None:
    from gladcfg.config import render as render_module

    if not parallel_possible():
        pytest.skip("needs Linux, two cores and no other thread")
    monkeypatch.setattr(render_module, "PARALLEL_COMPILE", 0)
    monkeypatch.setenv("GLADCFG_CACHE_DIR", str(tmp_path / "cache"))
    renderer = Renderer(tmp_path / "project")
    renderer.prepare({**FILES, "config/plain.yaml": "teams: {}\n"})
    rendered = {rel: renderer.render(rel, text, CONTEXT) for rel, text in FILES.items()}
    assert compiles == []  # every one compiled by a worker
    assert rendered == {rel: render(tmp_path / "other", text, rel) for rel, text in FILES.items()}
    assert len(list((tmp_path / "cache/templates").iterdir())) == 4


def _refuses(root: Path, budget: RenderBudget, rel: str, text: str) -> bytes:
    """Stands in for a worker's compile: pickled by reference, so module-level."""
    if rel.endswith("f0.yaml"):
        os._exit(3)  # a worker that dies
    return b"" if rel.endswith("f1.yaml") else _compile_marshalled(root, budget, rel, text)


def test_what_a_worker_cannot_compile_is_compiled_here_with_its_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compiles: list[str]
) -> None:
    from gladcfg.config import render as render_module

    if not parallel_possible():
        pytest.skip("needs Linux, two cores and no other thread")
    monkeypatch.setattr(render_module, "PARALLEL_COMPILE", 0)
    monkeypatch.setattr(render_module, "_compile_marshalled", _refuses)
    monkeypatch.setenv("GLADCFG_CACHE_DIR", "off")
    files = {**FILES, "config/bad.yaml": "teams:\n  a: {{ 1 +\n"}
    expected = {rel: render(tmp_path / "other", text, rel) for rel, text in FILES.items()}
    compiles.clear()
    renderer = Renderer(tmp_path / "project")
    renderer.prepare(files)
    for rel, text in FILES.items():
        assert renderer.render(rel, text, CONTEXT) == expected[rel]
    with pytest.raises(TemplateProblem) as raised:
        renderer.render("config/bad.yaml", files["config/bad.yaml"], CONTEXT)
    assert raised.value.message.startswith("template syntax:")
    # Compiled here: the one a worker died on, the one it refused, the invalid one (and
    # whatever the pool had not finished when its worker died).
    assert {"config/f0.yaml", "config/f1.yaml", "config/bad.yaml"} <= set(compiles)


def test_code_from_another_jinja_or_gladcfg_is_never_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compiles: list[str]
) -> None:
    import jinja2

    import gladcfg

    monkeypatch.setenv("GLADCFG_CACHE_DIR", str(tmp_path / "cache"))
    render(tmp_path)
    monkeypatch.setattr(jinja2, "__version__", "99.0.0")
    render(tmp_path)
    monkeypatch.setattr(gladcfg, "__version__", "99.0.0")
    render(tmp_path)
    assert len(compiles) == 3
    assert len(list((tmp_path / "cache/templates").iterdir())) == 3
