"""Every ``console`` block of README.md and docs/*.md is run, and must print what it shows
(tests/docs/console.py says how blocks are marked, run and compared)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs.console import ROOT, MarkerError, pages, parse, run_document

pytestmark = pytest.mark.e2e  # bash runs each block's commands, some against the sandbox


def _name(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


def _skipped() -> list[object]:
    found: list[object] = []
    for page in pages():
        try:
            blocks = parse(page.read_text(encoding="utf-8"), _name(page))
        except MarkerError:
            continue  # the page's own test fails, naming the block
        found += [
            pytest.param(f"{block.where}: {block.setup.skip}", id=block.where)
            for block in blocks
            if block.setup.skip
        ]
    return found


@pytest.mark.parametrize("page", list(pages()), ids=_name)
def test_every_console_block_prints_what_it_shows(page: Path, tmp_path: Path) -> None:
    reports = run_document(page.read_text(encoding="utf-8"), _name(page), tmp_path)
    assert not reports, "\n\n".join(reports)


@pytest.mark.parametrize("reason", _skipped())
def test_console_blocks_that_cannot_run_here(reason: str) -> None:
    pytest.skip(reason)
