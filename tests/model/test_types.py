from __future__ import annotations

from typing import Annotated

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import AfterValidator, TypeAdapter, ValidationError

from gladcfg.kinds.business_hours import BusinessHours
from gladcfg.model.project import InstanceName
from gladcfg.model.types import (
    DaySpec,
    Duration,
    EmailAddress,
    InstanceGlob,
    LanguageTag,
    TimeRange,
    TimeZone,
    check_e164,
    duration_seconds,
    expand_days,
    hours_by_day,
)
from gladcfg.names import suggest
from tests.conftest import MakeProject, RunCli

durations = TypeAdapter(Duration)
languages = TypeAdapter(LanguageTag)
ranges = TypeAdapter(TimeRange)
zones = TypeAdapter(TimeZone)
days = TypeAdapter(DaySpec)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [("24h", "24h"), ("2d", "48h"), ("90m", "1h30m"), ("90s", "1m30s"), ("1h30m", "1h30m")],
)
def test_durations_normalise(text: str, canonical: str) -> None:
    assert durations.validate_python(text) == canonical


@pytest.mark.parametrize("text", ["", "0s", "1 day", "h", "-5m", "5x"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValidationError):
        durations.validate_python(text)


@given(st.integers(1, 10**7))
def test_duration_normalisation_keeps_the_length_and_is_stable(seconds: int) -> None:
    canonical = durations.validate_python(f"{seconds}s")
    assert duration_seconds(canonical) == seconds
    assert durations.validate_python(canonical) == canonical


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("en-us", "en-US"),
        ("EN-US", "en-US"),
        ("es-419", "es-419"),
        ("zh-hant-tw", "zh-Hant-TW"),
        ("fr", "fr"),
    ],
)
def test_language_tags_normalise(text: str, canonical: str) -> None:
    assert languages.validate_python(text) == canonical


@pytest.mark.parametrize("text", ["english", "e", "en_US", "en-USA1"])
def test_bad_language_tags(text: str) -> None:
    with pytest.raises(ValidationError, match="BCP 47"):
        languages.validate_python(text)


def test_time_ranges() -> None:
    assert ranges.validate_python("08:00-24:00") == "08:00-24:00"
    for bad, why in [
        ("09:00-09:00", "ends before it starts"),
        ("25:00-26:00", "out of range"),
        ("08:00-24:30", "out of range"),
        ("8-5", "not a time range"),
    ]:
        with pytest.raises(ValidationError, match=why):
            ranges.validate_python(bad)


def test_time_zones_suggest_the_near_name() -> None:
    assert zones.validate_python("Europe/Dublin") == "Europe/Dublin"
    with pytest.raises(ValidationError, match="did you mean 'Europe/Dublin'"):
        zones.validate_python("Europe/Dublinn")
    with pytest.raises(ValidationError, match="not an IANA time zone"):
        zones.validate_python("../../etc/passwd")


def test_day_specs_expand() -> None:
    assert expand_days("mon-fri") == ["mon", "tue", "wed", "thu", "fri"]
    assert expand_days("fri-mon") == ["fri", "sat", "sun", "mon"]
    assert expand_days("sat,sun") == ["sat", "sun"]
    assert days.validate_python("mon-wed,fri") == "mon-wed,fri"
    with pytest.raises(ValidationError, match="did you mean 'mon'"):
        days.validate_python("mom")


def test_a_day_named_twice_in_one_day_spec_is_open_once() -> None:
    """Validation finds no overlap in ``mon,mon-tue``; the week compared with the instance
    and sent to it must not list Monday's hours twice either."""
    assert expand_days("mon,mon-wed") == ["mon", "tue", "wed"]
    assert expand_days("fri-mon,sun") == ["fri", "sat", "sun", "mon"]
    hours = BusinessHours(timezone="UTC", weekly={"mon,mon-tue": ["08:00-09:00"]})
    assert hours.canonical()["weekly"] == {"mon": ["08:00-09:00"], "tue": ["08:00-09:00"]}


def test_a_week_is_each_open_day_in_order_with_its_ranges_sorted() -> None:
    weekly = {"sat": ["15:00-18:00", "10:00-14:00"], "mon-fri": ["08:00-20:00"], "sun": []}
    assert hours_by_day(weekly) == {
        **{day: ["08:00-20:00"] for day in ("mon", "tue", "wed", "thu", "fri")},
        "sat": ["10:00-14:00", "15:00-18:00"],
    }


def test_suggest() -> None:
    assert suggest("inboxs", ["inboxes", "teams"]) == " (did you mean 'inboxes'?)"
    assert suggest("INBOXES", ["inboxes"]) == " (did you mean 'inboxes'?)"
    assert suggest("zzz", ["inboxes"]) == ""


Phone = Annotated[str, AfterValidator(check_e164)]

# Each value made to pass a `$`-anchored or `\d` check: a trailing newline (a YAML block
# scalar ends in one) or digits of another script (Arabic-Indic, Devanagari, fullwidth).
LOOKALIKES = [
    (Duration, "24h\n"),
    (Duration, "\u0662\u0664h"),
    (TimeRange, "08:00-17:00\n"),
    (TimeRange, "0\u0668:00-17:00"),
    (LanguageTag, "en-US\n"),
    (LanguageTag, "es-\u0664\u0661\u0669"),
    (DaySpec, "mon\n"),
    (DaySpec, "mon-fri\n"),
    (InstanceGlob, "prod-*\n"),
    (InstanceName, "prod\n"),
    (Phone, "+14155550100\n"),
    (Phone, "+1415555\uff10\uff11\uff10\uff10"),
    (Phone, "+1\u0969\u0967\u096b5550100"),
    (EmailAddress, "support@acme.example\n"),
]


@pytest.mark.parametrize(("kind", "text"), LOOKALIKES)
def test_values_are_matched_whole_and_in_ascii(kind: object, text: str) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(kind).validate_python(text)
    if text.endswith("\n"):  # the same value without the newline is fine
        assert TypeAdapter(kind).validate_python(text[:-1])


def test_an_app_id_is_matched_whole(make_project: MakeProject, run_cli: RunCli) -> None:
    chat = (
        "inboxes: {support: {}}\n"
        "entry_points:\n  chat:\n    channel: chat\n    inbox: support\n"
        "    address: |\n      app-1\n"
    )
    root = make_project({"config/base.yaml": chat})
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    assert "entry_points.chat.address" in result.output
