"""The fleet report as one self-contained HTML file: inline CSS, no script, no request for
anything (a Content-Security-Policy of ``default-src 'none'`` says so to the browser), so it
reads the same from a CI artifact, an email attachment or paper.

This module only arranges the :class:`~gladcfg.engine.report.FleetReport` for the template
(``templates/report.html.j2``): grids cut into runs of equal hours, gaps grouped, the plan's
diff lines. The template is rendered with autoescaping on, and every name and value passes
:func:`~gladcfg.render.values.visible` first, so markup, quotes and bidirectional controls
in them show as text and never act.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources

from gladcfg.engine.report import FleetReport, InstanceReport, LanguageCover, Week
from gladcfg.hours.coverage import (
    Coverage,
    GapCause,
    Interval,
    open_minutes,
    subtract,
    to_document,
)
from gladcfg.model.plan import Action, Plan
from gladcfg.model.types import WEEKDAYS
from gladcfg.render.coverage import day_label, gap_summary
from gladcfg.render.impact import ImpactItem, impact_head, impact_items
from gladcfg.render.values import (
    action_label,
    diff_lines,
    freeze_line,
    manual_item,
    snapshot_note,
    summary_line,
)
from gladcfg.text import duration, visible


@dataclass(frozen=True)
class Run:
    """Hours ``first`` to ``first + span`` of one row and day, all in one ``state``."""

    state: str
    first: int
    span: int
    text: str  # read by screen readers, shown as the cell's tooltip
    mark: str = ""  # what the cell shows besides its pattern


@dataclass(frozen=True)
class Row:
    name: str
    runs: list[Run]


@dataclass(frozen=True)
class Day:
    label: str
    rows: list[Row]


@dataclass(frozen=True)
class GapLine:
    languages: list[str]
    start: str
    end: str
    length: str
    causes: list[str]


@dataclass(frozen=True)
class Grid:
    """A week of one instance in one time zone: languages, inboxes, gaps."""

    timezone: str
    week: str
    target: str
    languages: list[Day]
    inboxes: list[Day]
    inbox_count: int
    gaps: list[GapLine]  # grouped by stretch and cause
    gap_summary: str  # the count, as the coverage text gives it: "3, in 1 stretch"


@dataclass(frozen=True)
class Sun:
    """The follow-the-sun table of one language."""

    language: str
    days: list[Day]
    missed: list[str]  # nobody covers it, though some instance promises it
    unpromised: list[str]  # nobody covers it, and no instance promises it


def anchors(names: Sequence[str]) -> dict[str, str]:
    """Each instance's anchor in the page: ``i-`` and its name, which an instance name
    (letters, digits, ``.``, ``_``, ``-``) already is safe as, both as an HTML id and in a
    URL fragment. Any other character (a space, another script, a bidirectional control,
    ``%``, which browsers decode in fragments, and ``~`` itself) is written as its code
    point between tildes (U+202E as ``~202e~``). So two names never share an anchor
    (``prod.us`` is ``i-prod.us``, ``prod-us`` is ``i-prod-us``), and a name's anchor does
    not depend on which other instances the report shows. Only these anchors start with
    ``i-``: :func:`week_anchor` and the page's own sections (``main``, ``fleet``, ``sun``)
    never clash with them."""
    return {name: "i-" + "".join(_anchor_char(char) for char in name) for name in names}


def _anchor_char(char: str) -> str:
    return char if char.isascii() and (char.isalnum() or char in "._-") else f"~{ord(char):x}~"


def week_anchor(anchor: str, index: int) -> str:
    """The anchor of an instance's ``index``-th week (1: its own time zone, or UTC)."""
    return f"w{index}-{anchor}"


def render_report_html(report: FleetReport) -> str:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    environment = Environment(
        loader=PackageLoader("gladcfg.render", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["v"] = visible
    template = environment.get_template("report.html.j2")
    keys = instance_keys(report)
    suns = [sun_view(cover, report.week_start, keys) for cover in report.follow_the_sun]
    # The only style the page may use is this one, by its hash (no inline style attributes).
    style = resources.files("gladcfg.render").joinpath("templates/report.css").read_text("utf-8")
    digest = hashlib.sha256(style.encode()).digest()
    return template.render(
        report=report,
        style=style,
        style_hash=base64.b64encode(digest).decode(),
        keys=keys,
        anchor=anchors([record.name for record in report.instances]),
        week_anchor=week_anchor,
        day_label=day_label,
        level=level,
        grids=grids,
        plan_view=plan_view,
        suns=suns,
        # One table for every language: per day, a row per language.
        sun_days=[
            Day(suns[0].days[day].label, [sun.days[day].rows[0] for sun in suns])
            for day in range(7 if suns else 0)
        ],
        visible=visible,
        snapshot_note=snapshot_note,
        freeze_line=freeze_line,
        when=lambda text: text.replace("T", " ").replace("+00:00", " UTC"),
    )


def level(record: InstanceReport) -> tuple[str, str, str]:
    """The worst of an instance's findings as (CSS class, sign, words): its record's status,
    and for a healthy instance whether it has gaps or warnings to look at."""
    status = record.status
    if status.status == "error":
        return "error", "✖", "error"
    if status.status == "drift":
        return "drift", "▲", "drift"
    if status.coverage_gaps or status.warnings or status.silent_after_hours:
        return "notice", "◆", "healthy, with findings"
    return "healthy", "✔", "healthy"


def instance_keys(report: FleetReport) -> dict[str, str]:
    """A short key per instance for the follow-the-sun cells: 1, 2, 3…"""
    return {record.name: str(index) for index, record in enumerate(report.instances, 1)}


def grids(record: InstanceReport) -> list[Grid]:
    return [grid(week) for week in record.weeks]


def grid(week: Week) -> Grid:
    """The week as the coverage JSON has it (:func:`~gladcfg.hours.coverage.to_document`), cut in
    runs, with the gaps grouped by stretch and explained."""
    coverage = week.coverage
    document = to_document(coverage)
    gaps_of: dict[str, list[Interval]] = {}
    for gap in coverage.gaps:
        gaps_of.setdefault(gap.language, []).append((gap.start, gap.end))

    def days(rows: dict[str, dict[str, list[int]]], gapped: bool) -> list[Day]:
        found = []
        for day in range(7):
            lines = []
            for name, week_minutes in rows.items():
                gap = gaps_of.get(name, []) if gapped else []
                opened = week_minutes[WEEKDAYS[day]]
                states = [_state(opened[hour], open_minutes(gap, day, hour)) for hour in range(24)]
                lines.append(Row(name, _runs(states, opened)))
            found.append(Day(day_label(coverage.at(day * 1440)), lines))
        return found

    stretches: dict[tuple[int, int, tuple[str, ...]], list[str]] = {}
    for gap, causes in zip(coverage.gaps, week.causes, strict=True):
        words = tuple(_cause(coverage, gap.start, gap.end, cause) for cause in causes)
        stretches.setdefault((gap.start, gap.end, words), []).append(gap.language)
    lines = [
        GapLine(
            languages,
            _moment(coverage.at(start)),
            _end(coverage, start, end),
            duration(end - start),
            list(words),
        )
        for (start, end, words), languages in sorted(stretches.items())
    ]
    return Grid(
        timezone=coverage.timezone,
        week=day_label(coverage.week_start),
        target=(
            "the hours policy.coverage promises"
            if coverage.target_source == "policy"
            else "the hours some inbox is open"
        ),
        languages=days(document["languages"], gapped=True),
        inboxes=days(document["inboxes"], gapped=False),
        inbox_count=len(document["inboxes"]),
        gaps=lines,
        gap_summary=gap_summary(coverage),
    )


def _state(opened: int, gap: int) -> str:
    if gap:
        return "gap"
    return "open" if opened == 60 else "part" if opened else "closed"


def _runs(states: Sequence[str], opened: Sequence[int]) -> list[Run]:
    """Consecutive hours in one state as one run; a part-open hour is a run of its own,
    saying how many of its minutes are open."""
    runs: list[Run] = []
    first = 0
    for hour in range(1, 25):
        if hour < 24 and states[hour] == states[first] and states[hour] != "part":
            continue
        state = states[first]
        words = f"open {opened[first]} min of" if state == "part" else state
        text = f"{words} {first:02}:00–{hour:02}:00"
        runs.append(Run(state, first, hour - first, text, "✕" if state == "gap" else ""))
        first = hour
    return runs


def _cause(coverage: Coverage, start: int, end: int, cause: GapCause) -> str:
    text = cause.cause + (f": {cause.detail}" if cause.detail else "")
    if (cause.start, cause.end) != (start, end):
        text += f" ({coverage.at(cause.start):%a %H:%M}–{coverage.at(cause.end):%a %H:%M})"
    return text


def _end(coverage: Coverage, start: int, end: int) -> str:
    first, last = coverage.at(start), coverage.at(end)
    return _moment(last) if last.date() != first.date() else f"{last:%H:%M}"


def _moment(moment: datetime) -> str:
    return f"{day_label(moment)} {moment:%H:%M}"


def sun_view(cover: LanguageCover, start: datetime, keys: dict[str, str]) -> Sun:
    """One language's follow-the-sun week: per UTC day, runs of hours covered by the same
    instances, by none while some instance promises the language (a gap), or by none and
    promised by none (closed)."""
    days = []
    for day in range(7):
        hours = cover.hours[day * 24 : day * 24 + 24]
        states = [
            "one" if len(names) == 1 else "many" if names
            else "gap" if open_minutes(cover.promised, day, hour) else "closed"
            for hour, names in enumerate(hours)
        ]  # fmt: skip
        runs: list[Run] = []
        first = 0
        for hour in range(1, 25):
            if hour < 24 and (hours[hour], states[hour]) == (hours[first], states[first]):
                continue
            names, state = hours[first], states[first]
            who = ", ".join(visible(name) for name in names)
            if not names:
                who = "nobody, though promised" if state == "gap" else "nobody, none promised"
            mark = " ".join(keys[name] for name in names) or ("✕" if state == "gap" else "")
            text = f"{who} {first:02}:00–{hour:02}:00"
            runs.append(Run(state, first, hour - first, text, mark))
            first = hour
        label = day_label(start + timedelta(days=day))
        days.append(Day(label, [Row(cover.language, runs)]))
    missed = cover.missed
    unpromised = list(subtract(cover.uncovered, missed))
    return Sun(
        cover.language,
        days,
        [_stretch(start, a, b) for a, b in missed],
        [_stretch(start, a, b) for a, b in unpromised],
    )


def _stretch(start: datetime, a: int, b: int) -> str:
    begin, end = start + timedelta(minutes=a), start + timedelta(minutes=b)
    return (
        f"{_moment(begin)} → "
        + (_moment(end) if end.date() != begin.date() else f"{end:%H:%M}")
        + f" UTC ({duration(b - a)})"
    )


@dataclass(frozen=True)
class ChangeView:
    action: str
    icon: str
    address: str
    fields: list[str]
    lines: list[str]


@dataclass(frozen=True)
class PlanView:
    summary: str
    changes: list[ChangeView]
    manual: list[str]
    unmanaged: list[str]
    not_managed: list[str]
    notes: list[str]
    impact_head: str | None = None  # the plan's coverage impact, if it has one
    impact: list[ImpactItem] = field(default_factory=list)


ICONS = {
    Action.CREATE: "+",
    Action.UPDATE: "~",
    Action.RENAME: "→",
    Action.DELETE: "−",
    Action.MANUAL: "!",
}


def plan_view(plan: Plan) -> PlanView:
    changes = []
    for change in plan.changes:
        address = change.address
        if change.renamed_from:
            address = f"{change.kind}.{change.renamed_from} → {address}"
        changes.append(
            ChangeView(
                action_label(change),
                "⊘" if change.disables else ICONS[change.action],
                address,
                [d.path for d in change.diff],
                diff_lines(change),
            )
        )
    notes = [f"{v}; apply refuses without --force" for v in plan.safety.violations]
    notes += list(plan.warnings)
    impact = plan.coverage_impact
    return PlanView(
        summary=summary_line(plan.summary)
        if plan.changes
        else f"no changes ({plan.unchanged} unchanged)",
        changes=changes,
        manual=[manual_item(c) for c in plan.changes if c.action is Action.MANUAL],
        unmanaged=list(plan.unmanaged),
        not_managed=list(plan.not_managed),
        notes=notes,
        impact_head=None if impact is None else impact_head(impact),
        impact=[] if impact is None else list(impact_items(impact, _IMPACT_SHOWN)),
    )


_IMPACT_SHOWN = 50
