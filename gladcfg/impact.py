"""What a plan does to coverage over the coming 7 days: each language's open hours gained
and lost, and the gaps (as :func:`gladcfg.coverage.find_gaps` counts them) opened and
closed.

"Before" is the instance as the plan read it: the files' state with every change of the
plan undone. "After" is what the plan leaves: the files' state with only its manual changes
undone (apply cannot make them). Only plans that change a kind coverage reads compute it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from pydantic import ValidationError

from gladcfg.config.desired import Declared, DesiredState
from gladcfg.config.problems import Source
from gladcfg.model.kinds import REGISTRY, is_singleton
from gladcfg.plan.model import Action, Change, CoverageImpact, GapChange, LanguageImpact, Plan

if TYPE_CHECKING:
    from gladcfg.coverage import Interval
    from gladcfg.model.project import CoverageTarget

# The kinds coverage reads: a plan that changes none of them leaves coverage as it is.
COVERAGE_KINDS = frozenset(
    {"business_hours", "inboxes", "entry_points", "teams", "auto_reply_rules", "settings"}
)
WINDOW = timedelta(days=7)
_REMOTE = Source("(the instance)", "")


def keep(desired: DesiredState) -> DesiredState:
    """The part of ``desired`` coverage reads, kept apart from it (planning may drain it)."""
    return DesiredState(
        desired.instance,
        desired.settings,
        {kind: dict(desired.declared(kind)) for kind in COVERAGE_KINDS if kind != "settings"},
    )


def touches_coverage(plan: Plan) -> bool:
    return any(change.kind in COVERAGE_KINDS for change in plan.changes)


def coverage_impact(
    kept: DesiredState, plan: Plan, target: CoverageTarget | None, since: datetime
) -> CoverageImpact | None:
    """The impact of ``plan`` from ``since`` (aware); None if it changes nothing coverage
    reads, or if what it read cannot be read as the files' models."""
    changes = [c for c in plan.changes if c.kind in COVERAGE_KINDS]
    if not changes:
        return None
    since = since.replace(second=0, microsecond=0)  # coverage counts whole minutes
    try:
        before = _undone(kept, changes)
        after = _undone(kept, [c for c in changes if c.action is Action.MANUAL])
    except ValidationError:
        return None
    was, now = _window(before, target, since), _window(after, target, since)
    languages = []
    for language in sorted(set(was.opened) | set(now.opened)):
        old, new = was.opened.get(language, []), now.opened.get(language, [])
        gained, lost = _total(_subtract(new, old)), _total(_subtract(old, new))
        if gained or lost:
            languages.append(
                LanguageImpact(language=language, gained_minutes=gained, lost_minutes=lost)
            )
    return CoverageImpact(
        start=_iso(since),
        end=_iso(since + WINDOW),
        promised=target is not None and bool(target.weekly),
        languages=tuple(languages),
        gaps_opened=_gap_changes(now.gaps, was.gaps, since),
        gaps_closed=_gap_changes(was.gaps, now.gaps, since),
    )


def _undone(kept: DesiredState, changes: Iterable[Change]) -> DesiredState:
    """``kept`` with ``changes`` undone: each object as the plan found it on the instance."""
    settings = kept.settings
    resources = {kind: dict(by_name) for kind, by_name in kept.resources.items()}
    for change in changes:
        model = None
        if change.before is not None:
            model = REGISTRY[change.kind].model.model_validate(change.before)
        if is_singleton(change.kind):
            settings = None if model is None else Declared("settings", "settings", model, _REMOTE)
            continue
        by_name = resources.setdefault(change.kind, {})
        by_name.pop(change.name, None)
        if model is not None:
            name = change.renamed_from or change.name
            by_name[name] = Declared(change.kind, name, model, _REMOTE)
    return DesiredState(kept.instance, settings, resources)


class _Week:
    """Coverage over the window: open stretches per language and gaps, in minutes from
    the window's start."""

    def __init__(self, opened: dict[str, list[Interval]], gaps: dict[str, list[Interval]]):
        self.opened = opened
        self.gaps = gaps


def _window(state: DesiredState, target: CoverageTarget | None, since: datetime) -> _Week:
    from gladcfg.coverage import compute, merge

    span = int(WINDOW.total_seconds() // 60)
    opened: dict[str, list[Interval]] = {}
    gaps: dict[str, list[Interval]] = {}
    for day in (since.date(), (since + WINDOW).date()):
        try:
            coverage = compute(state, target, day=day)
        except ValueError:  # a week outside the calendar gladcfg can show
            continue
        shift = int((coverage.week_start - since).total_seconds() // 60)
        for language, intervals in coverage.languages.items():
            opened.setdefault(language, []).extend(_clipped(intervals, shift, span))
        for gap in coverage.gaps:
            gaps.setdefault(gap.language, []).extend(_clipped([(gap.start, gap.end)], shift, span))
    return _Week(
        {language: merge(i) for language, i in opened.items()},
        {language: merge(i) for language, i in gaps.items()},
    )


def _clipped(intervals: Iterable[Interval], shift: int, span: int) -> list[Interval]:
    return [
        (max(a + shift, 0), min(b + shift, span))
        for a, b in intervals
        if b + shift > 0 and a + shift < span
    ]


def _subtract(these: list[Interval], those: list[Interval]) -> list[Interval]:
    from gladcfg.coverage import subtract

    return list(subtract(these, those))


def _total(intervals: Iterable[Interval]) -> int:
    return sum(b - a for a, b in intervals)


def _gap_changes(
    these: Mapping[str, list[Interval]], those: Mapping[str, list[Interval]], since: datetime
) -> tuple[GapChange, ...]:
    """The stretches of ``these`` gaps not in ``those``, per language then in time order."""
    return tuple(
        GapChange(
            language=language,
            start=_iso(since + timedelta(minutes=a)),
            end=_iso(since + timedelta(minutes=b)),
            minutes=b - a,
        )
        for language in sorted(these)
        for a, b in _subtract(these[language], those.get(language, []))
    )


def _iso(moment: datetime) -> str:
    from datetime import UTC

    return moment.astimezone(UTC).isoformat(timespec="minutes")


def opened_in_promise(impact: CoverageImpact) -> str | None:
    """The warning for gaps the plan opens in the hours policy.coverage promises."""
    if not impact.promised or not impact.gaps_opened:
        return None
    shown = "; ".join(gap_text(gap) for gap in impact.gaps_opened[:5])
    more = len(impact.gaps_opened) - 5
    rest = f"; and {more} more" if more > 0 else ""
    count = len(impact.gaps_opened)
    return (
        f"the plan opens {count} coverage gap(s) in the hours policy.coverage promises, "
        f"in the next 7 days: {shown}{rest}"
    )


def gap_text(gap: GapChange) -> str:
    from gladcfg.render.values import duration

    start = gap.start.replace("T", " ").removesuffix("+00:00")
    end = gap.end.replace("T", " ").removesuffix("+00:00")
    return f"{gap.language} {start} → {end} UTC ({duration(gap.minutes)})"
