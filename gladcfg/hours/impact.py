"""What a plan does to coverage over the coming 7 days: each language's open hours gained
and lost, and the gaps (as :func:`gladcfg.hours.coverage.find_gaps` counts them) opened and
closed.

"Before" is the instance as the plan read it: the files' state with every change of the
plan undone. "After" is what the plan leaves: the files' state with only its manual changes
undone (apply cannot make them). Only plans that change a kind coverage reads compute it,
and only they build the files' state of those kinds again, from the specs the plan compared:
a plan that leaves coverage alone keeps nothing for it and spends nothing on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from gladcfg.config.routing import KINDS, Routing, record_of
from gladcfg.hours.coverage import (
    WEEK_MINUTES,
    Gap,
    compute,
    gap_causes,
    merge,
    served_by,
    subtract,
)
from gladcfg.kinds import REGISTRY
from gladcfg.model.kinds import is_singleton
from gladcfg.model.plan import (
    Action,
    Change,
    CoverageImpact,
    GapChange,
    InboxImpact,
    LanguageImpact,
    Plan,
    RoutedEntryPoint,
)
from gladcfg.text import duration

if TYPE_CHECKING:
    from gladcfg.hours.coverage import Interval
    from gladcfg.kinds.settings import Settings
    from gladcfg.model.project import CoverageTarget
    from gladcfg.plan.specs import DesiredSpecs

COVERAGE_KINDS = KINDS  # a plan that changes none of them leaves coverage as it is
WINDOW = timedelta(days=7)


def files_state(desired: DesiredSpecs) -> Routing:
    """What coverage reads of the files, from the specs a plan compared them by (each one
    a valid model's canonical form)."""
    return Routing.of_specs(
        desired.instance,
        desired.of_kind("settings").get("settings"),
        {kind: desired.of_kind(kind) for kind in KINDS - {"settings"}},
    )


def touches_coverage(plan: Plan) -> bool:
    return any(change.kind in COVERAGE_KINDS for change in plan.changes)


def window_start(kept: Routing, week: date | None, now: datetime) -> datetime:
    """Where the impact's 7 days begin: ``now``, or ``week`` 00:00 in the instance's zone."""
    if week is None:
        return now

    return datetime.combine(week, time(0), tzinfo=ZoneInfo(kept.timezone))


def coverage_impact(
    kept: Routing, plan: Plan, target: CoverageTarget | None, since: datetime
) -> CoverageImpact | None:
    """The impact of ``plan`` from ``since`` (aware); None if it changes nothing coverage
    reads, or if what it read cannot be read as the files' models."""
    changes = [c for c in plan.changes if c.kind in COVERAGE_KINDS]
    if not changes:
        return None
    since = since.astimezone(UTC).replace(second=0, microsecond=0)  # whole minutes
    try:
        before = _undone(kept, changes)
        after = _undone(kept, [c for c in changes if c.action is Action.MANUAL])
    except ValidationError:
        return None
    was, now = _Week(before, target, since), _Week(after, target, since)
    made = [c for c in changes if c.action is not Action.MANUAL]
    renamed = {c.renamed_from: c.name for c in made if c.kind == "inboxes" and c.renamed_from}
    was_inboxes = {renamed.get(name, name): i for name, i in was.inboxes.items()}
    gaps = _Gaps(since, after.timezone, made, was, now)
    return CoverageImpact(
        start=_iso(since),
        end=_iso(since + WINDOW),
        timezone=gaps.zone.key,
        promised=target is not None and bool(target.weekly),
        languages=tuple(
            LanguageImpact(language=name, gained_minutes=gained, lost_minutes=lost)
            for name, gained, lost in _changed(was.opened, now.opened)
        ),
        inboxes=tuple(
            InboxImpact(inbox=name, gained_minutes=gained, lost_minutes=lost)
            for name, gained, lost in _changed(was_inboxes, now.inboxes)
        ),
        gaps_opened=gaps.changed(now, was),
        gaps_closed=gaps.changed(was, now),
        inboxes_without_team=tuple(
            sorted(_teamless(after) - {renamed.get(n, n) for n in _teamless(before)})
        ),
        entry_points_never_open=_new(_never_open(after, now), _never_open(before, was)),
        after_hours_replies_lost=_new(_silent(after), _silent(before)),
    )


def _undone(kept: Routing, changes: Iterable[Change]) -> Routing:
    """``kept`` with ``changes`` undone: each object as the plan found it on the instance."""
    timezone, languages = kept.timezone, kept.languages
    tables: dict[str, dict[str, Any]] = {
        "business_hours": dict(kept.hours),
        "inboxes": dict(kept.inboxes),
        "teams": dict.fromkeys(kept.teams),
        "entry_points": dict(kept.entry_points),
        "auto_reply_rules": dict(kept.replies),
    }
    for change in changes:
        model = None
        if change.before is not None:
            model = REGISTRY[change.kind].model.model_validate(change.before)
        if is_singleton(change.kind):
            settings = cast("Settings | None", model)
            timezone = "UTC" if settings is None else settings.timezone
            languages = () if settings is None else tuple(settings.languages)
            continue
        table = tables[change.kind]
        table.pop(change.name, None)
        if model is not None:
            table[change.renamed_from or change.name] = record_of(change.kind, model)
    return Routing(
        kept.instance,
        timezone,
        languages,
        tables["business_hours"],
        tables["inboxes"],
        frozenset(tables["teams"]),
        tables["entry_points"],
        tables["auto_reply_rules"],
    )


class _Week:
    """``state``'s coverage over the window from ``since``: open stretches per language
    and per inbox, and gaps per language, in minutes from ``since``; and where each week of
    :func:`gladcfg.hours.coverage.compute` they were cut from starts, with its offset.

    Inboxes keeping the same hours share their lists, as :func:`~gladcfg.hours.coverage.compute`
    makes them: a large instance's inboxes cost their schedules, not their number."""

    def __init__(self, state: Routing, target: CoverageTarget | None, since: datetime):

        self.state = state
        self.weeks: list[tuple[datetime, int]] = []
        span = int(WINDOW.total_seconds() // 60)
        opened: dict[str, list[list[Interval]]] = {}
        inboxes: dict[str, list[list[Interval]]] = {}
        gaps: dict[str, list[list[Interval]]] = {}
        for day in (since.date(), (since + WINDOW).date()):
            try:
                coverage = compute(state, target, day=day)
            except ValueError:  # a week outside the calendar gladcfg can show
                continue
            shift = int((coverage.week_start - since).total_seconds() // 60)
            self.weeks.append((coverage.week_start, shift))
            clipped: dict[int, list[Interval]] = {}  # by the id of a list of this week's
            for rows, found in ((coverage.languages, opened), (coverage.inboxes, inboxes)):
                for name, intervals in rows.items():
                    if id(intervals) not in clipped:
                        clipped[id(intervals)] = _clipped(intervals, shift, span)
                    found.setdefault(name, []).append(clipped[id(intervals)])
            for gap in coverage.gaps:
                stretch = [(gap.start, gap.end)]
                gaps.setdefault(gap.language, []).append(_clipped(stretch, shift, span))
        self.opened, self.inboxes, self.gaps = _merged(opened), _merged(inboxes), _merged(gaps)

    def causes(self, language: str, a: int, b: int) -> tuple[str, ...]:
        """Why ``language`` is unanswered from minute ``a`` to ``b``, as the coverage report
        says it: each cause once, in time order."""
        found: dict[str, None] = {}
        for week_start, shift in self.weeks:
            lo, hi = max(a - shift, 0), min(b - shift, WEEK_MINUTES)
            if lo < hi:
                for cause in gap_causes(self.state, week_start, Gap(language, lo, hi)):
                    found[cause.cause + (f": {cause.detail}" if cause.detail else "")] = None
        return tuple(found)


def _merged(pieces: Mapping[str, list[list[Interval]]]) -> dict[str, list[Interval]]:
    """Each name's pieces merged into one list; names with the same pieces share it."""
    shared: dict[tuple[int, ...], list[Interval]] = {}
    merged: dict[str, list[Interval]] = {}
    for name, lists in pieces.items():
        key = tuple(map(id, lists))
        if key not in shared:
            shared[key] = merge(i for intervals in lists for i in intervals)
        merged[name] = shared[key]
    return merged


class _Gaps:
    """The gaps one coverage has and another has not, with their times, causes and the
    changes behind them."""

    def __init__(
        self, since: datetime, zone: str, made: list[Change], was: _Week, now: _Week
    ) -> None:

        self.since, self.zone = since, ZoneInfo(zone)
        # language → the changes to what serves it, each once
        self.behind: dict[str, dict[str, None]] = {}
        changed = {c.address for c in made}
        for state in (was.state, now.state):
            for language, names in served_by(state).items():
                found = self.behind.setdefault(language, {})
                for name in names:
                    for address in (
                        f"inboxes.{name}",
                        f"business_hours.{state.inboxes[name].business_hours}",
                        "settings",
                    ):
                        if address in changed:
                            found[address] = None
        for change in made:  # a rename's old name reaches its change too
            if change.kind == "inboxes" and change.renamed_from:
                for found in self.behind.values():
                    if f"inboxes.{change.renamed_from}" in found:
                        found[change.address] = None

    def changed(self, these: _Week, those: _Week) -> tuple[GapChange, ...]:
        """The stretches of ``these`` gaps not in ``those``, per language then in time."""
        return tuple(
            GapChange(
                language=language,
                start=_iso(self.since + timedelta(minutes=a)),
                end=_iso(self.since + timedelta(minutes=b)),
                local_start=self._local(a),
                local_end=self._local(b),
                minutes=b - a,
                causes=these.causes(language, a, b),
                changes=tuple(sorted(self.behind.get(language, {}))),
            )
            for language in sorted(these.gaps)
            for a, b in _subtract(these.gaps[language], those.gaps.get(language, []))
        )

    def _local(self, minute: int) -> str:
        moment = self.since + timedelta(minutes=minute)
        return moment.astimezone(self.zone).isoformat(timespec="minutes")


def _changed(
    was: Mapping[str, list[Interval]], now: Mapping[str, list[Interval]]
) -> Iterator[tuple[str, int, int]]:
    """Each name whose open stretches differ, with the minutes gained and lost."""
    for name in sorted(set(was) | set(now)):
        old, new = was.get(name, []), now.get(name, [])
        gained, lost = _total(_subtract(new, old)), _total(_subtract(old, new))
        if gained or lost:
            yield name, gained, lost


def _teamless(state: Routing) -> set[str]:
    return {
        name
        for name, inbox in state.inboxes.items()
        if not any(team in state.teams for team in inbox.teams)
    }


def _never_open(state: Routing, week: _Week) -> list[RoutedEntryPoint]:
    """The entry points routed to an inbox with hours that are not open in the window."""
    closed = {name for name, opened in week.inboxes.items() if not opened}
    return [
        RoutedEntryPoint(entry_point=name, channel=entry.channel, inbox=entry.inbox)
        for name, entry in state.entry_points.items()
        if entry.inbox is not None and entry.inbox in closed
    ]


def _silent(state: Routing) -> list[RoutedEntryPoint]:
    return [
        RoutedEntryPoint(entry_point=name, channel=channel, inbox=inbox)
        for name, channel, inbox in state.silent()
    ]


def _new(
    these: Iterable[RoutedEntryPoint], those: Iterable[RoutedEntryPoint]
) -> tuple[RoutedEntryPoint, ...]:
    """``these`` whose entry points are not in ``those``, by name."""
    known = {entry.entry_point for entry in those}
    return tuple(sorted((e for e in these if e.entry_point not in known), key=_name))


def _name(entry: RoutedEntryPoint) -> str:
    return entry.entry_point


def _clipped(intervals: Iterable[Interval], shift: int, span: int) -> list[Interval]:
    return [
        (max(a + shift, 0), min(b + shift, span))
        for a, b in intervals
        if b + shift > 0 and a + shift < span
    ]


def _subtract(these: list[Interval], those: list[Interval]) -> list[Interval]:

    return list(subtract(these, those))


def _total(intervals: Iterable[Interval]) -> int:
    return sum(b - a for a, b in intervals)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="minutes")


def opened_in_promise(impact: CoverageImpact) -> str | None:
    """The warning for gaps the plan opens in the hours policy.coverage promises."""
    if not impact.promised or not impact.gaps_opened:
        return None
    shown = "; ".join(gap_text(gap, "UTC") for gap in impact.gaps_opened[:3])
    more = len(impact.gaps_opened) - 3
    rest = f"; and {more} more" if more > 0 else ""
    count = len(impact.gaps_opened)
    return (
        f"the plan opens {count} coverage gap(s) in the hours policy.coverage promises, "
        f"in the 7 days from {shown_moment(impact.start)} UTC: {shown}{rest}"
    )


def gap_text(gap: GapChange, zone: str) -> str:
    """``en-US 2026-11-30 22:00 → 2026-12-01 01:00 UTC (3h)``, then the same stretch in
    ``zone`` unless it is UTC."""
    return f"{gap.language} {stretch_text(gap, zone)}"


def stretch_text(gap: GapChange, zone: str) -> str:
    """:func:`gap_text` without the language."""
    text = f"{shown_moment(gap.start)} → {shown_moment(gap.end)} UTC ({duration(gap.minutes)})"
    if zone == "UTC":
        return text
    start, end = datetime.fromisoformat(gap.local_start), datetime.fromisoformat(gap.local_end)
    until = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}"
    return f"{text}, {start:%Y-%m-%d %H:%M} → {until} {zone}"


def shown_moment(iso: str) -> str:
    """An ISO 8601 moment of the impact as plans show it: ``2026-11-30 22:00``."""
    return f"{datetime.fromisoformat(iso):%Y-%m-%d %H:%M}"
