"""Status records are one set of models: what a dashboard reads back from the JSON is the
record that was printed, and the text view reads the same from either."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from gladcfg.model.status import (
    CoverageGap,
    Drift,
    InstanceStatus,
    SilentEntryPoint,
    StatusDocument,
)
from gladcfg.render.status import render_status_json, render_status_text

TEXT = st.text(st.characters(categories=["L", "N", "P", "S", "Zs"]), min_size=1, max_size=12)
WORDS = st.lists(TEXT, max_size=10)
COUNTS = st.integers(0, 50)
MOMENT = st.datetimes(timezones=st.just(dt.UTC)).map(lambda moment: moment.isoformat())

records = st.builds(
    InstanceStatus,
    instance=TEXT,
    adapter=st.none() | st.sampled_from(["mock", "gladly"]),
    status=st.sampled_from(["healthy", "drift", "error"]),
    error=st.none() | TEXT,
    drift=st.none()
    | st.builds(
        Drift,
        create=COUNTS,
        update=COUNTS,
        rename=COUNTS,
        delete=COUNTS,
        manual=COUNTS,
        addresses=WORDS,
    ),
    unmanaged=WORDS,
    warnings=WORDS,
    coverage_gaps=st.lists(
        st.builds(
            CoverageGap, language=TEXT, start=MOMENT, end=MOMENT, minutes=st.integers(0, 10_080)
        ),
        max_size=3,
    ),
    silent_after_hours=st.lists(
        st.builds(SilentEntryPoint, entry_point=TEXT, channel=TEXT, inbox=TEXT), max_size=3
    ),
)
documents = st.builds(
    StatusDocument, checked_at=TEXT, week_start=TEXT, instances=st.lists(records, max_size=3)
)


@settings(max_examples=60, deadline=None)
@given(document=documents)
def test_every_view_reads_the_same_after_the_json_is_read_back(document: StatusDocument) -> None:
    loaded = StatusDocument.model_validate_json(render_status_json(document))
    assert loaded == document
    assert render_status_text(loaded) == render_status_text(document)
    assert render_status_json(loaded) == render_status_json(document)


def test_the_hours_in_all_count_a_stretch_once_however_many_languages_it_leaves() -> None:
    """Two languages uncovered 09:00-18:00 and one 20:00-20:30: 9h 30m in all, not 18h
    30m; a gap inside another counts nothing more."""

    def gap(language: str, start: str, end: str, minutes: int) -> CoverageGap:
        day = "2026-03-02T"
        return CoverageGap(
            language=language, start=f"{day}{start}Z", end=f"{day}{end}Z", minutes=minutes
        )

    gaps = [
        gap("en-US", "09:00", "18:00", 540),
        gap("fr-FR", "09:00", "18:00", 540),
        gap("fr-FR", "10:00", "11:00", 60),
        gap("en-US", "20:00", "20:30", 30),
    ]
    record = InstanceStatus(instance="prod", status="healthy", coverage_gaps=gaps)
    document = StatusDocument(checked_at="", week_start="", instances=[record])
    text = render_status_text(document)
    assert "coverage gaps this week: 4 (9h 30m in all, 2 languages)" in text, text
    one = InstanceStatus(instance="prod", status="healthy", coverage_gaps=gaps[3:])
    text = render_status_text(StatusDocument(checked_at="", week_start="", instances=[one]))
    assert "coverage gaps this week: 1 (30m in all, 1 language)" in text, text
