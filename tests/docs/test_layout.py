"""The layout in docs/design.md is the tree: every package and module it names exists, and
every package and every module of the layers' packages is named there."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "gladcfg"
# Packages whose modules are named by example (one module per kind, per handler, per
# route group) rather than one by one; the packages themselves are named.
BY_EXAMPLE = {"kinds", "adapter/gladly/kinds", "sandbox", "scaffold", "spec", "cli"}


def _layout() -> str:
    text = (ROOT / "docs/design.md").read_text(encoding="utf-8")
    section = text.split("## Layout", 1)[1]
    return section.split("```", 2)[1]


def _named(layout: str) -> set[str]:
    """The paths the layout names, relative to gladcfg/. An entry (``model/``, ``plan.py``)
    starts a line, nested by indent; the modules a description names (``zones.py: time
    zones``) are in the folder of its entry, or the entry itself when it is a folder."""
    named: set[str] = set()
    stack: list[tuple[int, str]] = []  # the open folders: (indent, name)
    context = ""  # the folder the current description's modules are in
    lines = layout.splitlines()
    for line in lines[lines.index("gladcfg/") + 1 :]:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        if indent == 0:
            break  # schemas/, examples/ …: the repository's, not the package's
        first = stripped.split()[0].rstrip(",")
        rest = stripped
        if re.fullmatch(r"\w+/|\w+\.py", first) and indent <= 4:
            rest = stripped[len(first) :]
            while stack and stack[-1][0] >= indent:
                stack.pop()
            base = "/".join(name for _, name in stack)
            path = f"{base}/{first}".lstrip("/").rstrip("/")
            named.add(path)
            if first.endswith("/"):
                stack.append((indent, first.rstrip("/")))
                context = path
            else:
                context = base
        mentioned = re.findall(r"(?<![\w/.])(\w+\.py|\w+(?=/[\s)]))", rest)
        named.update(f"{context}/{module}".lstrip("/") for module in mentioned)
    return named


def _tree() -> set[str]:
    found: set[str] = set()
    for path in PACKAGE.rglob("*"):
        rel = path.relative_to(PACKAGE).as_posix()
        if "__pycache__" in rel or "templates" in rel.split("/")[:-1]:
            continue
        package = path.is_dir() and (path / "__init__.py").exists()
        module = (
            path.suffix == ".py"
            and path.name not in ("__init__.py", "__main__.py")
            and rel.rpartition("/")[0] not in BY_EXAMPLE
            and not rel.startswith("scaffold/")
        )
        if package or module:
            found.add(rel)
    return found


def test_every_package_and_module_is_in_the_layout() -> None:
    missing = sorted(_tree() - _named(_layout()))
    assert not missing, f"docs/design.md's layout does not name: {missing}"


def test_the_layout_names_only_what_exists() -> None:
    stale = sorted(name for name in _named(_layout()) if not (PACKAGE / name).exists())
    assert not stale, f"docs/design.md's layout names what is not in the tree: {stale}"
