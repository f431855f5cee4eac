"""Time zones: only the canonical IANA names are accepted, everywhere, and every other name a
zone folder can hold is refused with the name to write instead."""

from __future__ import annotations

import zoneinfo
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from gladcfg.model.types import TimeZone, check_time_zone
from gladcfg.model.zones import canonical_time_zones, time_zone_problem

zones = TypeAdapter(TimeZone)
TZDATA = Path(str(resources.files("tzdata") / "zoneinfo"))


def _links() -> dict[str, str]:
    text = (TZDATA / "tzdata.zi").read_text(encoding="utf-8")
    return {line.split()[2]: line.split()[1] for line in text.splitlines() if line[:2] == "L "}


def test_every_canonical_name_is_a_zone_python_can_load() -> None:
    names = canonical_time_zones()
    assert {"UTC", "Etc/UTC", "America/New_York", "Europe/Dublin", "Etc/GMT+5"} <= names
    assert len(names) > 400
    for name in names:
        assert zones.validate_python(name) == name
        zoneinfo.ZoneInfo(name)


def test_every_alias_is_refused_with_its_canonical_name() -> None:
    links = _links()
    refused = {alias: target for alias, target in links.items() if alias not in {"UTC"}}
    refused = {a: t for a, t in refused.items() if a not in canonical_time_zones()}
    assert {"US/Eastern", "Asia/Calcutta", "GMT", "Europe/Kiev"} <= set(refused)
    for alias, target in refused.items():
        with pytest.raises(ValidationError, match=f"old alias .* write '{target}'"):
            zones.validate_python(alias)


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("America", "a region of the time zone database, not a time zone; .* 'America/"),
        ("America/Argentina", "e.g. 'America/Argentina/"),
        ("Etc", "e.g. 'Etc/"),
        ("localtime", "whatever the machine running gladcfg is set to"),
        ("posixrules", "technical entry .* names no place"),
        ("Factory", "technical entry"),
        ("CST6CDT", "technical entry"),
        ("posix/Europe/Dublin", "a copy of the IANA time zone 'Europe/Dublin'"),
        ("right/Europe/Dublin", "a copy of the IANA time zone 'Europe/Dublin'"),
        ("posix/US/Eastern", "write 'America/New_York'"),
        ("right/", "not an IANA time zone"),
        ("../../etc/passwd", "not an IANA time zone"),
        ("Europe/../Europe/Dublin", "not an IANA time zone"),
        ("/usr/share/zoneinfo/UTC", "not an IANA time zone"),
        ("", "not an IANA time zone"),
        ("America/New_Yrok", r"did you mean 'America/New_York'\?"),
        ("america/new_york", r"did you mean 'America/New_York'\?"),
        ("America/New_York\u200b", r"'America/New_York\\u200b' is not an IANA time zone \(did"),
        ("x" * 5000, r"'x{77}\.\.\.' is not an IANA time zone$"),
    ],
)
def test_names_that_are_not_canonical_zones(value: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        check_time_zone(value)
    with pytest.raises(ValidationError):
        zones.validate_python(value)


def test_names_in_zone_folders_are_accepted_only_when_canonical() -> None:
    """Whatever a zone folder holds (the tzdata package's, and this machine's if it has one,
    with its posix/, right/, localtime), a name is accepted exactly when canonical: nothing
    is opened, so a folder is refused like any other name."""
    folders = [TZDATA, *(p for p in [Path("/usr/share/zoneinfo")] if p.is_dir())]
    seen = 0
    for folder in folders:
        for path in folder.rglob("*"):
            name = path.relative_to(folder).as_posix()
            problem = time_zone_problem(name)
            assert (problem is None) == (name in canonical_time_zones()), name
            seen += 1
    assert seen > 500


@given(st.text(max_size=40) | st.sampled_from(sorted(canonical_time_zones())))
def test_any_text_is_accepted_exactly_when_canonical(value: str) -> None:
    if value in canonical_time_zones():
        assert check_time_zone(value) == value
    else:
        with pytest.raises(ValueError, match="time zone"):
            check_time_zone(value)


@given(st.sampled_from(sorted(canonical_time_zones())))
def test_suggestions_only_ever_name_canonical_zones(name: str) -> None:
    problem = time_zone_problem(name.lower() + "x")
    assert problem is not None
    if "did you mean" in problem:
        suggested = problem.split("did you mean '")[1].split("'")[0]
        assert suggested in canonical_time_zones()
