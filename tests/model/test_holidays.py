"""Holidays compare as what Gladly can hold of them: Gladly requires a name, and gladcfg
sends an unnamed holiday named by its date, so that name and none are the same holiday."""

from __future__ import annotations

from gladcfg.kinds.business_hours import BusinessHours
from gladcfg.model.kinds import comparable


def hours(*holidays: dict[str, object]) -> dict[str, object]:
    return BusinessHours.model_validate({"timezone": "UTC", "holidays": list(holidays)}).canonical()


def test_a_holiday_named_by_its_date_is_an_unnamed_holiday() -> None:
    unnamed = hours({"date": "2026-12-25"})
    assert hours({"date": "2026-12-25", "name": "2026-12-25"}) == unnamed
    assert (
        comparable(
            "business_hours",
            {**unnamed, "holidays": [{"date": "2026-12-25", "name": "2026-12-25", "hours": []}]},
        )
        == unnamed
    )


def test_any_other_name_is_kept() -> None:
    assert hours({"date": "2026-12-25", "name": "2026-12-24"})["holidays"] == [
        {"date": "2026-12-25", "name": "2026-12-24", "hours": []}
    ]
