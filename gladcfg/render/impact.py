"""A plan's coverage impact in words, the same in the text plan, the markdown comment and
the HTML report: a heading, then one item per language, inbox, gap, team-less inbox and
entry point, each group cut to as many as a view shows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from gladcfg.hours.impact import shown_moment, stretch_text
from gladcfg.model.plan import CoverageImpact, GapChange, InboxImpact, LanguageImpact
from gladcfg.text import duration


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
        ("stretch(es) of gaps opened", _gaps(impact.gaps_opened, "opened", zone)),
        ("stretch(es) of gaps closed", _gaps(impact.gaps_closed, "closed", zone)),
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


def _gaps(gaps: tuple[GapChange, ...], word: str, zone: str) -> list[ImpactItem]:
    """One item per stretch, naming every language it leaves unanswered (or answers) for
    the same causes, in time order: the gaps are counted per language, shown per stretch."""
    stretches: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], list[GapChange]] = {}
    for gap in gaps:
        stretches.setdefault((gap.start, gap.end, gap.causes, gap.changes), []).append(gap)
    items = []
    for (_, _, causes, changes), same in sorted(stretches.items()):
        parts = [f"cause: {'; '.join(causes)}"] if causes else []
        if changes:
            parts.append("changed: " + ", ".join(changes))
        languages = ", ".join(gap.language for gap in same)
        text = f"gap {word}: {languages} {stretch_text(same[0], zone)}"
        items.append(ImpactItem(f"gaps {word}", text, (" · ".join(parts),) if parts else ()))
    return items
