"""A coverage week as a grid for a terminal, and the same inside a pull-request comment."""

from __future__ import annotations

from collections.abc import Callable

import click

from gladcfg.coverage import Coverage, Interval, open_minutes

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


def _bullet(line: str) -> str:
    return f"- {line.strip()}" if line.startswith("  ") else line


def _title(coverage: Coverage) -> str:
    return (
        f"Coverage of {coverage.instance}, week of {coverage.week_start:%a %Y-%m-%d} "
        f"({coverage.timezone}; target: {coverage.target_source})"
    )


def _grid(coverage: Coverage, bold: Callable[[str], str]) -> list[str]:
    """The legend, then per day a row of hour cells for each language and inbox."""
    rows = [*coverage.languages, *coverage.inboxes]
    # The widest of a day's label and an indented row name, and two spaces before the hours.
    label = len(f"{coverage.week_start:%a %Y-%m-%d}")
    width = max(label, 4 + max((len(name) for name in rows), default=0)) + 2
    lines = [f"{FULL} open the whole hour  {PART} open part of it  {CLOSED} closed"]
    for day in range(7):
        date = coverage.at(day * 1440)
        lines.append("")
        lines.append(bold(f"{date:%a %Y-%m-%d}".ljust(width)) + AXIS)
        for title, group in (("languages", coverage.languages), ("inboxes", coverage.inboxes)):
            lines.append(f"  {title}")
            for name, intervals in group.items():
                lines.append(f"    {name}".ljust(width) + _cells(intervals, day))
    return lines


def _findings(coverage: Coverage, bold: Callable[[str], str]) -> list[str]:
    """The gaps (or that there are none) and the entry points with no after-hours reply."""
    lines = []
    if coverage.gaps:
        # One line per stretch, naming every language it leaves without an open inbox.
        stretches: dict[tuple[int, int], list[str]] = {}
        for gap in coverage.gaps:
            stretches.setdefault((gap.start, gap.end), []).append(gap.language)
        count = f"{len(coverage.gaps)}, in {len(stretches)} stretch(es)"
        lines.append(bold(f"Gaps ({count}): no inbox open for the language"))
        for (first, last), languages in sorted(stretches.items()):
            start, end = coverage.at(first), coverage.at(last)
            lines.append(
                f"  {start:%a %Y-%m-%d %H:%M} → {end:%a %H:%M} {coverage.timezone} "
                f"({_duration(last - first)}): {', '.join(languages)}"
            )
    else:
        lines.append(f"No gaps: every language has an open inbox across the {_target(coverage)}.")
    if coverage.silent:
        lines.append("")
        lines.append(bold("No after-hours reply (customers writing after hours hear nothing):"))
        for silent in coverage.silent:
            lines.append(
                f"  {silent.channel} entry point {silent.entry_point} (inbox {silent.inbox})"
            )
    return lines


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


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}m"
    return f"{hours}h" + (f" {rest}m" if rest else "")
