from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from gladcfg.model.types import (
    DaySpec,
    Duration,
    LanguageTag,
    TimeRange,
    TimeZone,
    duration_seconds,
    expand_days,
    suggest,
)

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


def test_suggest() -> None:
    assert suggest("inboxs", ["inboxes", "teams"]) == " (did you mean 'inboxes'?)"
    assert suggest("INBOXES", ["inboxes"]) == " (did you mean 'inboxes'?)"
    assert suggest("zzz", ["inboxes"]) == ""
