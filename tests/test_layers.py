"""The package's layers: every module has one, no import that runs reaches a higher one,
no two modules import each other round a cycle, and imports sit at the module's top.

An import runs unless it sits under ``if TYPE_CHECKING:``: an annotation may name a higher
layer's type, since nothing imports it then. Two kinds of module may import inside a
function: the CLI's commands, which load the engine only once the command runs (so that
``gladcfg --help`` starts fast), and the few heavy or optional libraries, loaded where they
are used and nowhere else (``LAZY``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "gladcfg"

# Lowest first; a module's layer is its longest prefix here.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    (
        "base",
        (
            "gladcfg",  # the package itself: its public names load only when first used
            "gladcfg.lazy",
            "gladcfg.errors",
            "gladcfg.names",
            "gladcfg.text",
            "gladcfg.clock",
            "gladcfg.patterns",
            "gladcfg.fieldpath",
            "gladcfg.fileio",
            "gladcfg.cachedir",
            "gladcfg.interrupts",
            "gladcfg.yamlio",
            "gladcfg.spec",
        ),
    ),
    ("model", ("gladcfg.model", "gladcfg.kinds")),
    ("config", ("gladcfg.config",)),
    ("adapter", ("gladcfg.adapter",)),
    ("plan", ("gladcfg.plan",)),
    ("hours", ("gladcfg.hours",)),
    ("engine", ("gladcfg.engine",)),
    ("render", ("gladcfg.render",)),
    ("edit", ("gladcfg.edit",)),
    ("sandbox", ("gladcfg.sandbox",)),
    ("cli", ("gladcfg.cli", "gladcfg.__main__")),
]

# Libraries heavy enough to load only where they are used, or optional (the sandbox's).
LAZY = (
    "certifi",
    "concurrent.futures",
    "deepdiff",
    "importlib.metadata",
    "jinja2",
    "multiprocessing",
    "openapi_core",
    "re2",
    "ruamel",
    "ssl",
    "starlette",
    "uvicorn",
)
# The sandbox's own server, which needs the optional extra the same function checks for.
LAZY_OWN = {("gladcfg.sandbox", "gladcfg.sandbox.app")}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # what it imports (a module, or a name in one)
    line: int
    in_function: bool


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str:
    """The module ``name`` is, or is in."""
    while name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def _imports(module: str, path: Path) -> Iterator[Import]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]

    def walk(node: ast.AST, in_function: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                yield from (i for branch in child.orelse for i in walk(branch, in_function))
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield Import(module, alias.name, child.lineno, in_function)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parent = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*parent, *([base] if base else [])])
                for alias in child.names:
                    yield Import(module, f"{base}.{alias.name}", child.lineno, in_function)
            function = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            yield from walk(child, in_function or function)

    yield from walk(ast.parse(path.read_text(encoding="utf-8")), False)


IMPORTS = [i for module, path in sorted(MODULES.items()) for i in _imports(module, path)]
OWN = [i for i in IMPORTS if i.target.split(".")[0] == "gladcfg"]


def layer_of(module: str) -> int:
    best = max(
        (
            (len(prefix), index)
            for index, (_, prefixes) in enumerate(LAYERS)
            for prefix in prefixes
            if module == prefix or module.startswith(prefix + ".")
        ),
        default=None,
    )
    if best is None or (best[0] == len("gladcfg") and module != "gladcfg"):
        raise AssertionError(f"{module} is in no layer: add its package to LAYERS")
    return best[1]


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        layer_of(module)


def test_no_import_reaches_a_higher_layer() -> None:
    upward = [
        f"{i.module}:{i.line} ({LAYERS[layer_of(i.module)][0]}) imports {i.target} "
        f"({LAYERS[layer_of(_resolve(i.target))][0]})"
        for i in OWN
        if layer_of(_resolve(i.target)) > layer_of(i.module)
    ]
    assert not upward, "\n".join(upward)


def test_no_modules_import_each_other_round_a_cycle() -> None:
    graph: dict[str, set[str]] = {module: set() for module in MODULES}
    for i in OWN:
        target = _resolve(i.target)
        if target != i.module:
            graph[i.module].add(target)
    cycles = _cycles(graph)
    assert not cycles, "\n".join(" → ".join(cycle) for cycle in cycles)


def test_own_modules_are_imported_at_the_top_outside_the_cli() -> None:
    hidden = [
        f"{i.module}:{i.line} imports {i.target} inside a function"
        for i in OWN
        if i.in_function
        and layer_of(i.module) != len(LAYERS) - 1
        and (i.module, _resolve(i.target)) not in LAZY_OWN
    ]
    assert not hidden, "\n".join(hidden)


def test_libraries_are_imported_at_the_top_unless_heavy() -> None:
    hidden = [
        f"{i.module}:{i.line} imports {i.target} inside a function"
        for i in IMPORTS
        if i.in_function
        and i.target.split(".")[0] != "gladcfg"
        and layer_of(i.module) != len(LAYERS) - 1
        and not any(i.target == lib or i.target.startswith(lib + ".") for lib in LAZY)
    ]
    assert not hidden, "\n".join(hidden)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
    ],
)
def test_the_cycle_finder_finds_cycles(
    graph: dict[str, set[str]], expected: list[list[str]]
) -> None:
    assert _cycles(graph) == expected


def test_the_walk_sees_imports_inside_functions_and_skips_type_checking(tmp_path: Path) -> None:
    source = tmp_path / "probe.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "from gladcfg.errors import GladcfgError\n"
        "if TYPE_CHECKING:\n"
        "    from gladcfg.cli.main import cli\n"
        "def f():\n"
        "    from gladcfg.engine import plan\n"
    )
    found = [(i.target, i.in_function) for i in _imports("gladcfg.probe", source)]
    assert found == [
        ("typing.TYPE_CHECKING", False),
        ("gladcfg.errors.GladcfgError", False),
        ("gladcfg.engine.plan", True),
    ]
