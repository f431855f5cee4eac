"""How a plan says how old the answers it did not read again are."""

from __future__ import annotations

import datetime as dt

import pytest

from gladcfg.model.plan import Snapshot
from gladcfg.render.values import age, snapshot_note


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (-5, "0 s"),
        (45, "45 s"),
        (12 * 60 + 59, "12 min"),
        (3 * 3600, "3 h"),
        (3 * 3600 + 5 * 60, "3 h 5 min"),
        (86400, "1 day"),
        (2 * 86400 + 4 * 3600 + 59, "2 days 4 h"),
    ],
)
def test_an_age_reads_as_a_person_says_it(seconds: int, said: str) -> None:
    assert age(dt.timedelta(seconds=seconds)) == said


def test_the_note_names_the_count_the_age_and_the_time() -> None:
    snapshot = Snapshot(objects=2000, read_at="2026-11-30T09:00:00+00:00")
    now = dt.datetime(2026, 11, 30, 12, 5, tzinfo=dt.UTC)
    assert snapshot_note(snapshot, now) == (
        "2000 object(s) not read again (--refresh=false): as an earlier read found them, the "
        "oldest 3 h 5 min ago (2026-11-30 09:00 UTC). apply reads them again, and refuses "
        "this plan if they changed since"
    )
