"""A plan's coverage impact in words, the same in the text plan, the markdown comment and
the HTML report: a heading, then one item per language, inbox, gap, team-less inbox and
entry point, each group cut to as many as a view shows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from gladcfg.impact import gap_text, shown_moment
from gladcfg.plan.model import CoverageImpact, GapChange, InboxImpact, LanguageImpact
from gladcfg.render.values import duration


@dataclass(frozen=True)
class ImpactItem:
    group: str  # languages, inboxes, gaps opened, gaps closed, teams, never open, replies
    text: str
    detail: tuple[str, ...] = ()


def impact_head(impact: CoverageImpact) -> str:
    """``Coverage impact, the 7 days from 2026-11-30 12:00 UTC (07:00 America/New_York)``."""
    head = f"Coverage impact, the 7 days from {shown_moment(impact.start)} UTC"
    if impact.timezone == "UTC":
        return head
    local = datetime.fromisoformat(impact.start).astimezone(ZoneInfo(impact.timezone))
    return f"{head} ({local:%Y-%m-%d %H:%M} {impact.timezone})"


def impact_items(impact: CoverageImpact, shown: int) -> Iterator[ImpactItem]:
    """What ``impact`` changes, group by group, ``shown`` items of each at most and then a
    count of the rest (the JSON plan lists them all)."""
    zone = impact.timezone
    groups: list[tuple[str, list[ImpactItem]]] = [
        ("language(s)", [_hours(row) for row in impact.languages]),
        ("inbox(es)", [_hours(row) for row in impact.inboxes]),
        ("gap(s) opened", [_gap(gap, "opened", zone) for gap in impact.gaps_opened]),
        ("gap(s) closed", [_gap(gap, "closed", zone) for gap in impact.gaps_closed]),
        (
            "inbox(es) with no team",
            [
                ImpactItem("teams", f"inbox {name} is left with no team")
                for name in impact.inboxes_without_team
            ],
        ),
        (
            "entry point(s) to a closed inbox",
            [
                ImpactItem(
                    "never open",
                    f"entry point {entry.entry_point} ({entry.channel}) goes to inbox "
                    f"{entry.inbox}, not open at all in these 7 days",
                )
                for entry in impact.entry_points_never_open
            ],
        ),
        (
            "entry point(s) without an after-hours reply",
            [
                ImpactItem(
                    "replies",
                    f"entry point {entry.entry_point} ({entry.channel}, inbox {entry.inbox}) "
                    "loses its after-hours reply: no enabled outside_business_hours rule "
                    "covers it",
                )
                for entry in impact.after_hours_replies_lost
            ],
        ),
    ]
    for what, items in groups:
        yield from items[:shown]
        if len(items) > shown:
            yield ImpactItem(items[0].group, f"… and {len(items) - shown} more {what}")


def _hours(row: LanguageImpact | InboxImpact) -> ImpactItem:
    if isinstance(row, InboxImpact):
        group, name = "inboxes", f"inbox {row.inbox}"
    else:
        group, name = "languages", row.language
    parts = [
        f"{duration(minutes)} {word}"
        for minutes, word in ((row.gained_minutes, "gained"), (row.lost_minutes, "lost"))
        if minutes
    ]
    return ImpactItem(group, f"{name}: " + ", ".join(parts))


def _gap(gap: GapChange, word: str, zone: str) -> ImpactItem:
    parts = [f"cause: {'; '.join(gap.causes)}"] if gap.causes else []
    if gap.changes:
        parts.append("changed: " + ", ".join(gap.changes))
    why = " · ".join(parts)
    return ImpactItem(f"gaps {word}", f"gap {word}: {gap_text(gap, zone)}", (why,) if why else ())
