"""Business hours on the wire as Gladly publishes them (gladcfg/spec): holidays as whole-day
RFC 3339 spans in the hours' own zone, the end of the day as 23:59, every body valid against
the document's schema, and whatever Gladly may answer read back as the files say it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
import respx
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator
from referencing import Registry
from referencing.jsonschema import DRAFT4

from gladcfg.adapter.base import RemoteObject
from gladcfg.adapter.gladly.adapter import GladlyAdapter
from gladcfg.adapter.gladly.kinds.business_hours import (
    HOURS,
    day_start,
    hours_spec,
    office_hours,
)
from gladcfg.errors import AdapterError, BadResponseError
from gladcfg.kinds.business_hours import BusinessHours
from gladcfg.model.zones import canonical_time_zones
from gladcfg.spec import document, time_of_day_pattern
from tests.adapter.gladly.conftest import HOURS as LISTED
from tests.adapter.gladly.conftest import lists

LISTED_OFFICE = cast(dict[str, Any], LISTED["officeHours"])
DOCUMENT = "urn:gladcfg:gladly-openapi"
REGISTRY: Registry[Any] = Registry().with_resource(DOCUMENT, DRAFT4.create_resource(document()))


def schema_problems(path: str, method: str, body: object) -> list[str]:
    """Where ``body`` breaks the request schema of ``method path`` (formats included)."""
    escaped = path.replace("~", "~0").replace("/", "~1")
    pointer = f"/paths/{escaped}/{method}/requestBody/content/application~1json/schema"
    validator = Draft4Validator(
        {"$ref": f"{DOCUMENT}#{pointer}"},
        registry=REGISTRY,
        format_checker=Draft4Validator.FORMAT_CHECKER,
    )
    return [
        f"{'.'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in validator.iter_errors(body)
    ]


def canonical(**declared: Any) -> dict[str, Any]:
    """A spec as the files' model makes it (what the engine hands the adapter)."""
    return BusinessHours.model_validate(declared).canonical()


def as_gladly_answers(name: str, office: dict[str, Any], offset: timezone = UTC) -> Any:
    """What Gladly would hold of ``office`` sent for ``name``: instants in ``offset``
    (UTC by default), with milliseconds."""

    def moved(text: str) -> str:
        instant = datetime.fromisoformat(text).astimezone(offset)
        return instant.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    exceptions = [
        {**e, "start": moved(e["start"]), "stop": moved(e["stop"])} for e in office["exceptions"]
    ]
    return HOURS.validate_python(
        {
            "id": "bh-9",
            "version": 1,
            "name": name,
            "officeHours": {**office, "exceptions": exceptions},
        }
    )


SPEC = canonical(
    timezone="America/New_York",
    weekly={"mon-fri": ["00:00-24:00"], "sat": ["10:00-14:00"]},
    holidays=[
        {"date": "2026-11-26", "name": "Thanksgiving", "hours": ["09:00-12:00", "18:00-24:00"]},
        {"date": "2026-12-25"},
    ],
)


def test_a_create_and_an_update_send_only_what_gladly_publishes(
    adapter: GladlyAdapter, api: respx.MockRouter
) -> None:
    lists(api)
    state = adapter.read({})
    post = api.post("/business-hours").respond(201, json={**LISTED, "id": "bh-2"})
    put = api.put("/business-hours/bh-1").respond(200, json=LISTED)
    adapter.create("business_hours", "eu", SPEC)
    adapter.update("business_hours", state.of("business_hours")["us"], SPEC)
    created = json.loads(post.calls.last.request.content)
    updated = json.loads(put.calls.last.request.content)
    assert schema_problems("/api/v1/business-hours", "post", created) == []
    assert schema_problems("/api/v1/business-hours/{businessHoursId}", "put", updated) == []
    assert created["officeHours"] == updated["officeHours"]
    office = created["officeHours"]
    assert office["monday"] == [{"start": "00:00", "stop": "23:59"}]
    assert office["exceptions"] == [
        {
            "name": "Thanksgiving",
            "start": "2026-11-26T00:00:00-05:00",
            "stop": "2026-11-27T00:00:00-05:00",
            "scheduleBlocks": [
                {"start": "09:00", "stop": "12:00"},
                {"start": "18:00", "stop": "23:59"},
            ],
        },
        # Gladly requires a name: an unnamed holiday is named by its date.
        {
            "name": "2026-12-25",
            "start": "2026-12-25T00:00:00-05:00",
            "stop": "2026-12-26T00:00:00-05:00",
            "scheduleBlocks": [],
        },
    ]


def test_the_schema_check_refuses_what_gladcfg_used_to_send() -> None:
    """The check above can fail: a bare date and a stop of 24:00 are not Gladly's."""
    old = {
        "timezone": "UTC",
        "monday": [{"start": "00:00", "stop": "24:00"}],
        "exceptions": [{"name": "", "start": "2026-11-26", "stop": "2026-11-26"}],
    }
    problems = schema_problems("/api/v1/business-hours", "post", {"name": "x", "officeHours": old})
    assert len(problems) == 3
    assert time_of_day_pattern() == "^([01]?[0-9]|2[0-3]):[0-5][0-9]$"


@pytest.mark.parametrize(
    ("zone", "day", "start", "stop"),
    [
        (
            "America/New_York",
            "2026-11-26",
            "2026-11-26T00:00:00-05:00",
            "2026-11-27T00:00:00-05:00",
        ),
        # Spring forward (a day of 23 hours) and fall back (25): each end at its own offset.
        (
            "America/New_York",
            "2026-03-08",
            "2026-03-08T00:00:00-05:00",
            "2026-03-09T00:00:00-04:00",
        ),
        (
            "America/New_York",
            "2026-11-01",
            "2026-11-01T00:00:00-04:00",
            "2026-11-02T00:00:00-05:00",
        ),
        (
            "America/New_York",
            "2026-12-31",
            "2026-12-31T00:00:00-05:00",
            "2027-01-01T00:00:00-05:00",
        ),
        ("Europe/London", "2026-03-29", "2026-03-29T00:00:00+00:00", "2026-03-30T00:00:00+01:00"),
        ("Europe/London", "2026-10-25", "2026-10-25T00:00:00+01:00", "2026-10-26T00:00:00+00:00"),
        ("Europe/London", "2026-12-31", "2026-12-31T00:00:00+00:00", "2027-01-01T00:00:00+00:00"),
        (
            "Pacific/Auckland",
            "2026-04-05",
            "2026-04-05T00:00:00+13:00",
            "2026-04-06T00:00:00+12:00",
        ),
        (
            "Pacific/Auckland",
            "2026-09-27",
            "2026-09-27T00:00:00+12:00",
            "2026-09-28T00:00:00+13:00",
        ),
        (
            "Pacific/Auckland",
            "2026-12-31",
            "2026-12-31T00:00:00+13:00",
            "2027-01-01T00:00:00+13:00",
        ),
        # Santiago's clocks skip midnight: the day begins when they jump, at 01:00.
        (
            "America/Santiago",
            "2026-09-06",
            "2026-09-06T01:00:00-03:00",
            "2026-09-07T00:00:00-03:00",
        ),
        (
            "Pacific/Kiritimati",
            "2026-01-01",
            "2026-01-01T00:00:00+14:00",
            "2026-01-02T00:00:00+14:00",
        ),
        # An offset of seconds (local mean time) is not RFC 3339's: written in UTC.
        ("Africa/Monrovia", "1971-06-01", "1971-06-01T00:44:30+00:00", "1971-06-02T00:44:30+00:00"),
    ],
)
def test_a_holiday_is_sent_as_its_whole_local_day_and_reads_back(
    zone: str, day: str, start: str, stop: str
) -> None:
    spec = canonical(timezone=zone, holidays=[{"date": day, "name": "Closed"}])
    office = office_hours("eu", spec)
    (exception,) = office["exceptions"]
    assert (exception["start"], exception["stop"]) == (start, stop)
    assert (
        schema_problems("/api/v1/business-hours", "post", {"name": "eu", "officeHours": office})
        == []
    )
    assert hours_spec(as_gladly_answers("eu", office)) == spec


@pytest.mark.parametrize(
    ("start", "stop"),
    [
        ("2026-12-25T05:00:00Z", "2026-12-26T05:00:00Z"),
        ("2026-12-25T05:00:00.000Z", "2026-12-26T05:00:00.000000Z"),
        ("2026-12-25T00:00:00-05:00", "2026-12-26T00:00:00-05:00"),
        ("2026-12-25T14:00:00+09:00", "2026-12-26T06:00:00+01:00"),
        ("2026-12-25t05:00:00z", "2026-12-26 05:00:00-00:00"),
        ("2026-12-25T05:00:00.000000000Z", "2026-12-26T05:00:00.0+00:00"),
        # Another offset's date is not the holiday's: the day is New York's.
        ("2026-12-24T18:00:00-11:00", "2026-12-25T18:00:00-11:00"),
    ],
)
def test_any_rfc_3339_spelling_gladly_answers_reads_as_the_same_day(
    adapter: GladlyAdapter, api: respx.MockRouter, start: str, stop: str
) -> None:
    office = {
        **LISTED_OFFICE,
        "exceptions": [{"name": "Christmas", "start": start, "stop": stop}],
    }
    lists(api, **{"/business-hours": [{**LISTED, "officeHours": office}]})
    spec = adapter.read({}).of("business_hours")["us"].spec
    assert spec["holidays"] == [{"date": "2026-12-25", "name": "Christmas", "hours": []}]


def read_holidays(exceptions: list[dict[str, Any]], **weekly: list[dict[str, str]]) -> Any:
    office = {"timezone": "America/New_York", **weekly, "exceptions": exceptions}
    return hours_spec(HOURS.validate_python({"id": "b", "name": "us", "officeHours": office}))[
        "holidays"
    ]


def test_a_span_of_several_whole_days_is_a_holiday_per_day() -> None:
    span = {"name": "Winter break", "start": "2026-12-24T05:00:00Z", "stop": "2026-12-27T05:00:00Z"}
    assert read_holidays([span]) == [
        {"date": f"2026-12-{day}", "name": "Winter break", "hours": []} for day in (24, 25, 26)
    ]


NINE_TO_EIGHT = [{"start": "08:00", "stop": "20:00"}]


@pytest.mark.parametrize(
    ("start", "stop", "blocks", "read"),
    [
        # Closed from noon: open as the week says until the span begins.
        ("2026-11-26T12:00:00-05:00", "2026-11-27T00:00:00-05:00", [], {"26": ["08:00-12:00"]}),
        # Blocks open within the span, and only there.
        (
            "2026-11-26T12:00:00-05:00",
            "2026-11-27T00:00:00-05:00",
            [{"start": "07:00", "stop": "09:00"}, {"start": "14:00", "stop": "16:00"}],
            {"26": ["08:00-12:00", "14:00-16:00"]},
        ),
        # Over midnight: each day it touches, each as the week says outside it.
        (
            "2026-11-26T18:00:00-05:00",
            "2026-11-27T10:00:00-05:00",
            [],
            {"26": ["08:00-18:00"], "27": ["10:00-20:00"]},
        ),
        # Blocks ending at 23:59 are the end of the day.
        (
            "2026-11-26T12:00:00-05:00",
            "2026-11-27T00:00:00-05:00",
            [{"start": "22:00", "stop": "23:59"}],
            {"26": ["08:00-12:00", "22:00-24:00"]},
        ),
    ],
)
def test_a_span_of_part_of_a_day_reads_as_what_is_open_that_day(
    start: str, stop: str, blocks: list[dict[str, str]], read: dict[str, list[str]]
) -> None:
    span = {"name": "Thanksgiving", "start": start, "stop": stop, "scheduleBlocks": blocks}
    holidays = read_holidays([span], thursday=NINE_TO_EIGHT, friday=NINE_TO_EIGHT)
    assert holidays == [
        {"date": f"2026-11-{day}", "name": "Thanksgiving", "hours": hours}
        for day, hours in read.items()
    ]


ALL_DAY = [{"start": "00:00", "stop": "23:59"}]


@pytest.mark.parametrize(
    ("start", "stop", "hours"),
    [
        # Fall back: 01:30 EDT to 01:10 EST covers 01:30-02:00 once and 01:00-01:10 again.
        (
            "2026-11-01T05:30:00Z",
            "2026-11-01T06:10:00Z",
            ["00:00-01:00", "01:10-01:30", "02:00-24:00"],
        ),
        # Spring forward: 01:00 EST to 04:00 EDT covers the hour the clocks skip.
        ("2026-03-08T06:00:00Z", "2026-03-08T08:00:00Z", ["00:00-01:00", "04:00-24:00"]),
    ],
)
def test_a_span_on_a_day_the_clocks_change_reads_by_the_wall_clock(
    start: str, stop: str, hours: list[str]
) -> None:
    (holiday,) = read_holidays([{"name": "x", "start": start, "stop": stop}], sunday=ALL_DAY)
    assert holiday["hours"] == hours


def test_spans_on_one_day_are_one_holiday() -> None:
    morning = {
        "name": "Inventory",
        "start": "2026-11-26T08:00:00-05:00",
        "stop": "2026-11-26T10:00:00-05:00",
    }
    evening = {
        "name": "Party",
        "start": "2026-11-26T17:00:00-05:00",
        "stop": "2026-11-26T20:00:00-05:00",
    }
    assert read_holidays([evening, morning], thursday=NINE_TO_EIGHT) == [
        {"date": "2026-11-26", "name": "Inventory / Party", "hours": ["10:00-17:00"]}
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start", "2026-12-25"),  # what gladcfg used to send
        ("start", "2026-12-25T00:00:00"),  # no offset: an instant of no known zone
        ("start", "yesterday"),
        ("stop", "2026-13-01T00:00:00Z"),
        ("stop", ""),
    ],
)
def test_an_unreadable_instant_is_a_clean_error_naming_the_field(
    adapter: GladlyAdapter, api: respx.MockRouter, field: str, value: str
) -> None:
    exception = {
        "name": "Christmas",
        "start": "2026-12-25T05:00:00Z",
        "stop": "2026-12-26T05:00:00Z",
    }
    office = {**LISTED_OFFICE, "exceptions": [{**exception, field: value}]}
    lists(api, **{"/business-hours": [{**LISTED, "officeHours": office}]})
    with pytest.raises(BadResponseError) as info:
        adapter.read({})
    assert str(info.value).startswith(
        f"business_hours.us: officeHours.exceptions[0].{field}: Gladly answered {value!r}, not "
        "an RFC 3339 date-time"
    )


@pytest.mark.parametrize(
    ("office", "words"),
    [
        (
            {
                "timezone": "UTC",
                "exceptions": [
                    {"name": "x", "start": "2026-12-25T05:00:00Z", "stop": "2026-12-25T05:00:00Z"}
                ],
            },
            "business_hours.us: officeHours.exceptions[0].stop: Gladly answered a span that "
            "ends before it starts",
        ),
        (
            {
                "timezone": "Mars/Olympus",
                "exceptions": [
                    {"name": "x", "start": "2026-12-25T05:00:00Z", "stop": "2026-12-26T05:00:00Z"}
                ],
            },
            "business_hours.us: officeHours.timezone: Gladly answered 'Mars/Olympus'",
        ),
        (
            {
                "timezone": "UTC",
                "exceptions": [
                    {"name": "x", "start": "2000-01-01T00:00:00Z", "stop": "2099-01-01T00:00:00Z"}
                ],
            },
            "business_hours.us: officeHours.exceptions[0]: Gladly answered a span of more than",
        ),
    ],
)
def test_spans_that_cannot_be_holidays_are_clean_errors(
    adapter: GladlyAdapter, api: respx.MockRouter, office: dict[str, Any], words: str
) -> None:
    lists(api, **{"/business-hours": [{**LISTED, "officeHours": office}]})
    with pytest.raises(BadResponseError, match=words.replace("[", r"\[").replace("]", r"\]")):
        adapter.read({})


@pytest.mark.parametrize("timezone_field", [{}, {"timezone": ""}])
def test_business_hours_without_a_time_zone_are_never_sent(
    adapter: GladlyAdapter, api: respx.MockRouter, timezone_field: dict[str, str]
) -> None:
    lists(api)
    post = api.post("/business-hours").respond(201, json={**LISTED, "id": "bh-2"})
    put = api.put("/business-hours/bh-1").respond(200, json=LISTED)
    spec = {**timezone_field, "weekly": {}, "holidays": []}
    with pytest.raises(AdapterError, match=r"business_hours.eu: no time zone"):
        adapter.create("business_hours", "eu", spec)
    with pytest.raises(AdapterError, match=r"business_hours.us: no time zone"):
        adapter.update("business_hours", RemoteObject("bh-1", "us", {}), spec)
    assert not post.called and not put.called


def test_a_date_the_clocks_skipped_is_refused_not_sent_empty() -> None:
    spec = canonical(timezone="Pacific/Apia", holidays=[{"date": "2011-12-30"}])
    with pytest.raises(AdapterError, match=r"holidays\[0\].date: 2011-12-30 never happened"):
        office_hours("samoa", spec)


def test_a_holiday_named_by_its_date_plans_unchanged() -> None:
    named = canonical(timezone="UTC", holidays=[{"date": "2026-12-25", "name": "2026-12-25"}])
    assert hours_spec(as_gladly_answers("x", office_hours("x", named))) == canonical(
        timezone="UTC", holidays=[{"date": "2026-12-25"}]
    )
    assert named == canonical(timezone="UTC", holidays=[{"date": "2026-12-25"}])


# -- the round trip, for any zone and date --------------------------------------------------

ZONES = sorted(canonical_time_zones())
BOUNDS = st.integers(min_value=0, max_value=24 * 4).map(lambda q: q * 15)


@st.composite
def day_ranges(draw: st.DrawFn) -> list[str]:
    """Ranges of one day that files may declare: apart, ending at 24:00 or before 23:59."""
    cuts = sorted(draw(st.sets(BOUNDS, max_size=6)))
    pairs = list(zip(cuts[::2], cuts[1::2], strict=False))
    return [f"{a // 60:02}:{a % 60:02}-{b // 60:02}:{b % 60:02}" for a, b in pairs]


@st.composite
def specs(draw: st.DrawFn) -> dict[str, Any]:
    zone = draw(st.sampled_from(ZONES))
    days = draw(st.sets(st.dates(date(1970, 1, 1), date(2100, 12, 31)), min_size=1, max_size=4))
    for day in days:
        tz = ZoneInfo(zone)
        assume(day_start(day, tz) < day_start(day + timedelta(days=1), tz))
    holidays = [
        {
            "date": day.isoformat(),
            "hours": draw(day_ranges()),
            **({"name": name} if (name := draw(st.sampled_from([None, "Closed", "Fête"]))) else {}),
        }
        for day in days
    ]
    weekly = {draw(st.sampled_from(["mon", "sat", "mon-fri"])): draw(day_ranges())}
    return canonical(timezone=zone, weekly=weekly, holidays=holidays)


OFFSETS = st.integers(min_value=-14 * 4, max_value=14 * 4).map(
    lambda q: timezone(timedelta(minutes=15 * q))
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=specs(), offset=OFFSETS)
def test_whatever_is_declared_reads_back_as_declared_in_any_offset_gladly_answers(
    spec: dict[str, Any], offset: timezone
) -> None:
    office = office_hours("x", spec)
    assert (
        schema_problems("/api/v1/business-hours", "post", {"name": "x", "officeHours": office})
        == []
    )
    zone = ZoneInfo(spec["timezone"])
    for holiday, exception in zip(spec["holidays"], office["exceptions"], strict=True):
        # Never a day early or late: the span is the holiday's own local date, all of it.
        first = datetime.fromisoformat(exception["start"])
        last = datetime.fromisoformat(exception["stop"]) - timedelta(microseconds=1)
        assert {first.astimezone(zone).date(), last.astimezone(zone).date()} == {
            date.fromisoformat(holiday["date"])
        }
        assert (first - timedelta(microseconds=1)).astimezone(zone).date() < first.astimezone(
            zone
        ).date()
    assert hours_spec(as_gladly_answers("x", office, offset)) == spec
    assert hours_spec(as_gladly_answers("x", office)) == spec
