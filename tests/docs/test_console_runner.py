"""The runner of the documentation's console blocks fails when it should: a wrong output, a
block without a marker, a marker it cannot read."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs.console import MarkerError, parse, run_document

SHOWN = """\
Some prose.

<!-- console: empty -->
```console
$ printf 'one\\ntwo\\nthree\\n'
one
{shown}
three
```
"""


def test_a_block_whose_output_differs_is_reported_with_a_diff_and_its_place(
    tmp_path: Path,
) -> None:
    (report,) = run_document(SHOWN.format(shown="zwei"), "page.md", tmp_path)
    assert report.startswith("page.md:5: $ printf 'one\\ntwo\\nthree\\n'\n")
    assert "\n-zwei\n+two\n" in report


def test_an_ellipsis_line_stands_for_any_lines_and_one_within_a_line_for_any_text(
    tmp_path: Path,
) -> None:
    assert run_document(SHOWN.format(shown="t…o"), "page.md", tmp_path) == []
    elided = "<!-- console: empty -->\n```console\n$ seq 1 10\n1\n…\n10\n$ true\n…\n```\n"
    assert run_document(elided, "page.md", tmp_path / "2") == []
    (report,) = run_document(elided.replace("10\n$", "11\n$"), "page.md", tmp_path / "3")
    assert "+10" in report


def test_commands_of_a_page_share_the_working_directory_and_exports(tmp_path: Path) -> None:
    page = (
        "<!-- console: empty -->\n```console\n$ mkdir deep && cd deep && export COLOUR=blue\n```\n"
        "Then:\n\n<!-- console: empty -->\n```console\n"
        "$ echo $COLOUR; basename $PWD\nblue\ndeep\n```\n"
        "<!-- console: empty fresh -->\n```console\n$ echo ${COLOUR:-none}\nnone\n```\n"
    )
    assert run_document(page, "page.md", tmp_path) == []


def test_times_with_seconds_and_fractional_durations_match_any_other(tmp_path: Path) -> None:
    page = (
        "<!-- console: empty -->\n```console\n"
        "$ echo checked at 2025-01-02T03:04:05Z in 1.25 s\n"
        "checked at 2026-11-23T15:00:00+00:00 in 0.4 s\n```\n"
    )
    assert run_document(page, "page.md", tmp_path) == []


def test_the_clock_a_marker_sets_is_the_one_gladcfg_reads(tmp_path: Path) -> None:
    page = (
        "<!-- console: empty clock=2027-11-27T15:00:00+00:00 -->\n```console\n"
        "$ python -c 'import gladcfg.clock; print(gladcfg.clock.now())'\n"
        "2027-11-27 15:00:00+00:00\n```\n"
    )
    assert run_document(page, "page.md", tmp_path) == []


def test_a_console_block_without_a_marker_is_refused() -> None:
    with pytest.raises(MarkerError, match=r"page\.md:3: a console block needs a marker"):
        parse("Text.\n\n```console\n$ true\n```\n", "page.md")


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        ("<!-- console: somewhere -->", "unknown console context 'somewhere'"),
        ("<!-- console: init quickly -->", "unknown console option 'quickly'"),
        ("<!-- console: init clock=2026-11-23T15:00 -->", "needs its offset"),
        ("<!-- console: skip -->", "'skip' needs a reason"),
    ],
)
def test_a_marker_the_runner_cannot_read_is_refused(marker: str, message: str) -> None:
    with pytest.raises(MarkerError, match=message):
        parse(f"{marker}\n```console\n$ true\n```\n", "page.md")


def test_output_before_any_command_is_refused() -> None:
    with pytest.raises(MarkerError, match="output before the first"):
        parse("<!-- console: init -->\n```console\nhello\n```\n", "page.md")


def test_a_skipped_block_is_not_run_and_other_fences_are_ignored(tmp_path: Path) -> None:
    page = (
        "<!-- console: skip needs a terminal -->\n```console\n$ false\nnever printed\n```\n"
        "```sh\n$ not a console block\n```\n"
    )
    (block,) = parse(page, "page.md")
    assert block.setup.skip == "needs a terminal"
    assert run_document(page, "page.md", tmp_path) == []
