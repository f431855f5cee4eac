"""The documentation: the site builds strictly (MkDocs fails on a broken link or anchor inside
docs/), every page is in its navigation, and the README, which the site does not build,
stays a front door whose links all lead somewhere."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from gladcfg import yamlio
from tests.docs.console import BIN, ROOT

README = ROOT / "README.md"
DOCS = ROOT / "docs"
# [text](target) and ![alt](target), the target up to a space or the closing parenthesis.
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


@pytest.mark.e2e
def test_the_site_builds_in_strict_mode(tmp_path: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    built = subprocess.run(
        [str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    assert "WARNING" not in built.stderr, built.stderr
    assert (tmp_path / "site/index.html").is_file()
    assert (tmp_path / "site/report.png").is_file()


def _nav_pages(nav: object) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [page for item in nav for page in _nav_pages(item)]
    if isinstance(nav, dict):
        return [page for value in nav.values() for page in _nav_pages(value)]
    return []


def test_every_page_is_in_the_navigation_and_the_site_is_built_from_docs() -> None:
    config = yamlio.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8")).data
    assert config["docs_dir"] == "docs"
    assert config["strict"] is True
    assert config["theme"]["name"] == "material"
    listed = _nav_pages(config["nav"])
    assert sorted(listed) == sorted(p.name for p in DOCS.glob("*.md"))
    assert listed[0] == "index.md"


def test_every_link_of_the_readme_to_the_repository_leads_to_a_file() -> None:
    targets = LINK.findall(README.read_text(encoding="utf-8"))
    local = [t for t in targets if not re.match(r"[a-z]+:", t) and not t.startswith("#")]
    assert any(t.startswith("docs/") for t in local), "the README links into the docs"
    missing = [t for t in local if not (ROOT / t.partition("#")[0]).exists()]
    assert not missing, f"README.md links to files that do not exist: {missing}"
    anchored = [t.partition("#") for t in local if "#" in t]
    unknown = [f"{page}#{anchor}" for page, _, anchor in anchored if anchor not in _anchors(page)]
    assert not unknown, f"README.md links to headings that do not exist: {unknown}"


def _anchors(page: str) -> set[str]:
    """The ids MkDocs gives the page's headings (Python-Markdown's toc)."""
    from markdown.extensions.toc import slugify

    text = (ROOT / page).read_text(encoding="utf-8")
    headings = re.findall(r"^#{1,6} (.+)$", text, re.MULTILINE)
    return {slugify(heading.replace("`", ""), "-") for heading in headings}


def test_every_docs_page_is_linked_from_the_readme() -> None:
    linked = {t.partition("#")[0] for t in LINK.findall(README.read_text(encoding="utf-8"))}
    assert {f"docs/{p.name}" for p in DOCS.glob("*.md")} <= linked


def test_the_readme_is_a_front_door_of_at_most_250_lines() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 250, f"README.md has {len(lines)} lines: move detail into docs/"
    # It opens with the two commands that work on a fresh machine with only python3.
    opening = "\n".join(lines[:40])
    assert "make demo" in opening and "make test" in opening
