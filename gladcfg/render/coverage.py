"""A coverage week as a grid for a terminal, and the same inside a pull-request comment."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import datetime

import click

from gladcfg.hours.coverage import Coverage, Interval, open_minutes
from gladcfg.text import duration

FULL, PART, CLOSED = "█", "▄", "·"
AXIS = "".join(f"{hour:<6}" for hour in range(0, 24, 6)).rstrip()


def render_coverage_text(coverage: Coverage) -> str:
    def bold(text: str) -> str:
        return click.style(text, bold=True)

    lines = [bold(_title(coverage)), *_grid(coverage, bold), "", *_findings(coverage, bold)]
    return "\n".join(lines) + "\n"


def render_coverage_markdown(coverage: Coverage) -> str:
    findings = (_bullet(line) for line in _findings(coverage, str))
    lines = [f"### {_title(coverage)}", "", "```text", *_grid(coverage, str), "```", "", *findings]
    return "\n".join(lines) + "\n"


def day_label(moment: datetime) -> str:
    """``Mon 2026-03-02``: the date as ISO 8601 writes it, four digits of year even in the
    year 1 (``%Y`` would write ``1`` there on some platforms)."""
    return f"{moment:%a} {moment.date().isoformat()}"


def _bullet(line: str) -> str:
    return f"- {line.strip()}" if line.startswith("  ") else line


def _title(coverage: Coverage) -> str:
    return (
        f"Coverage of {coverage.instance}, week of {day_label(coverage.week_start)} "
        f"({coverage.timezone}; target: {coverage.target_source})"
    )


def _grid(coverage: Coverage, bold: Callable[[str], str]) -> list[str]:
    """The legend, then per day a row of hour cells for each language and inbox. The cells
    start in one column, past the widest day label and indented row name (as a terminal
    shows them) and two spaces more, so the hour ruler never runs into a label."""
    days = [day_label(coverage.at(day * 1440)) for day in range(7)]
    rows = [f"    {name}" for name in (*coverage.languages, *coverage.inboxes)]
    width = max(_columns(text) for text in (*days, *rows)) + 2
    lines = [f"{FULL} open the whole hour  {PART} open part of it  {CLOSED} closed"]
    for day, label in enumerate(days):
        lines.append("")
        lines.append(bold(_padded(label, width)) + AXIS)
        for title, group in (("languages", coverage.languages), ("inboxes", coverage.inboxes)):
            lines.append(f"  {title}")
            for name, intervals in group.items():
                lines.append(_padded(f"    {name}", width) + _cells(intervals, day))
    return lines


def _columns(text: str) -> int:
    """How many terminal columns ``text`` takes: two for a wide (East Asian) character,
    none for a combining mark or a joiner, one for any other."""
    if text.isascii():
        return len(text)
    return sum(
        0
        if unicodedata.category(char) in ("Mn", "Me", "Cf")
        else 2
        if unicodedata.east_asian_width(char) in ("W", "F")
        else 1
        for char in text
    )


def _padded(text: str, width: int) -> str:
    return text + " " * (width - _columns(text))


def _findings(coverage: Coverage, bold: Callable[[str], str]) -> list[str]:
    """The gaps (or that there are none) and the entry points with no after-hours reply."""
    lines = []
    if coverage.gaps:
        # One line per stretch, naming every language it leaves without an open inbox: the
        # count is of gaps as gladcfg.hours.coverage.find_gaps makes them, one per language.
        stretches = gap_stretches(coverage)
        lines.append(bold(f"Gaps ({gap_summary(coverage)}): no inbox open for the language"))
        for (first, last), languages in stretches.items():
            start, end = coverage.at(first), coverage.at(last)
            lines.append(
                f"  {day_label(start)} {start:%H:%M} → {end:%a %H:%M} {coverage.timezone} "
                f"({duration(last - first)}): {', '.join(languages)}"
            )
    else:
        lines.append(
            f"No gaps: {_promised(coverage)} an open inbox across the {_target(coverage)}."
        )
    if coverage.silent:
        lines.append("")
        lines.append(bold("No after-hours reply (customers writing after hours hear nothing):"))
        for silent in coverage.silent:
            lines.append(
                f"  {silent.channel} entry point {silent.entry_point} (inbox {silent.inbox})"
            )
    return lines


def gap_stretches(coverage: Coverage) -> dict[tuple[int, int], list[str]]:
    """The gaps grouped by stretch, in time order: (start, end) → the languages it leaves
    unanswered."""
    stretches: dict[tuple[int, int], list[str]] = {}
    for gap in sorted(coverage.gaps, key=lambda gap: (gap.start, gap.end)):
        stretches.setdefault((gap.start, gap.end), []).append(gap.language)
    return stretches


def gap_summary(coverage: Coverage) -> str:
    """``3, in 1 stretch``: how many gaps, and over how many stretches of time."""
    stretches = len(gap_stretches(coverage))
    return f"{len(coverage.gaps)}, in {stretches} stretch{'' if stretches == 1 else 'es'}"


def _promised(coverage: Coverage) -> str:
    """Who has an inbox open when there is no gap: every language, or only those promised."""
    if set(coverage.languages) <= set(coverage.promised):
        return "every language has"
    languages = ", ".join(coverage.promised)
    return f"{languages}, as promised, {'has' if len(coverage.promised) == 1 else 'have'}"


def _target(coverage: Coverage) -> str:
    return (
        "hours policy.coverage promises"
        if coverage.target_source == "policy"
        else ("hours some inbox is open")
    )


def _cells(intervals: list[Interval], day: int) -> str:
    cells = []
    for hour in range(24):
        minutes = open_minutes(intervals, day, hour)
        cells.append(FULL if minutes == 60 else PART if minutes else CLOSED)
    return "".join(cells)
