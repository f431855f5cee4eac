"""Value types shared by the models: each one validates, and normalises where the same value
has several spellings (``90m`` and ``1h30m``, ``en-us`` and ``en-US``), so that two
declarations that mean the same thing compare equal in a plan."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any, NoReturn

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from gladcfg.model.zones import time_zone_problem
from gladcfg.names import hidden_character, name_problem, shown, suggest


class Model(BaseModel):
    """Base of every model read from a file: unknown fields are errors, values immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def raise_with_field_errors(
    model: type[BaseModel], message: str, data: Any, handler: Callable[[Any], Any]
) -> NoReturn:
    """Refuse ``data`` as a whole ``model`` with ``message``, and with every error the
    model's own validation (``handler``, a wrap validator's) finds in its fields: a check of
    the whole model never hides an error in one field, nor one field's error that check."""
    errors: list[InitErrorDetails] = []
    try:
        handler(data)
    except ValidationError as exc:
        errors = [
            # Each error as reported: its type, message and context kept as they are.
            {
                "type": PydanticCustomError(error["type"], error["msg"], error.get("ctx")),
                "loc": error["loc"],
                "input": error["input"],
            }
            for error in exc.errors(include_url=False)
        ]
    errors.append({"type": PydanticCustomError("value_error", message), "loc": (), "input": data})
    raise ValidationError.from_exception_data(model.__name__, errors)


# Every pattern below is matched whole (``fullmatch``: ``$`` alone would let a trailing
# newline through) and in ASCII (``\d`` alone matches any script's digits).

# The same few values (en-US, 24h, 09:00-17:00) are validated over and over in a large
# project: each validator below is a pure function of its text, so it runs once per value.
# Errors are not cached; they are raised again.
_memoised = functools.lru_cache(maxsize=4096)


def check_name(value: str) -> str:
    """A name shows as what it is (gladcfg/names.py). Nearly every name is printable ASCII
    without spaces at its ends: that is checked first, at the cost of two string methods."""
    if value.isascii() and value.isprintable() and value[0] != " " and value[-1] != " ":
        return value
    problem = name_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


# Names of resources: what users key resources by, and what plans and errors print.
Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200),
    AfterValidator(check_name),
    Field(json_schema_extra={"pattern": r"^[^\s\x00-\x1f](?:[^\x00-\x1f]*[^\s])?$"}),
]


@functools.cache
def _name_adapter() -> TypeAdapter[str]:
    return TypeAdapter(Name)


def is_name(value: object) -> bool:
    """Whether ``value`` is a name a resource may have (:data:`Name`)."""
    try:
        _name_adapter().validate_python(value)
    except ValidationError:
        return False
    return True


_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$", re.ASCII)
_UNITS = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))


def duration_seconds(value: str) -> int:
    match = _DURATION.fullmatch(value)
    if not value or match is None:
        raise ValueError(f"'{value}' is not a duration; write e.g. 24h, 15m, 90s or 1h30m")
    return sum(int(n) * size for n, (_, size) in zip(match.groups(), _UNITS, strict=True) if n)


@_memoised
def _normalise_duration(value: str) -> str:
    seconds = duration_seconds(value)
    if seconds == 0:
        raise ValueError("a duration must be longer than 0s")
    parts = []
    for unit, size in _UNITS[1:]:  # days are accepted, but SLAs read best in hours
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


Duration = Annotated[
    str,
    AfterValidator(_normalise_duration),
    Field(
        description="A duration such as 24h, 15m, 90s or 1h30m.",
        json_schema_extra={"pattern": r"^(\d+d)?(\d+h)?(\d+m)?(\d+s)?$"},
    ),
]

_TIME_RANGE = re.compile(r"^([0-2]\d):([0-5]\d)-([0-2]\d):([0-5]\d)$", re.ASCII)


def range_minutes(value: str) -> tuple[int, int]:
    """Minutes since midnight of an ``HH:MM-HH:MM`` range (already validated)."""
    match = _TIME_RANGE.fullmatch(value)
    assert match is not None
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    return h1 * 60 + m1, h2 * 60 + m2


# How an instance may spell a range that files write as HH:MM-HH:MM: an hour of one digit.
_LOOSE_TIME_RANGE = re.compile(r"^(\d{1,2}):(\d\d)-(\d{1,2}):(\d\d)$", re.ASCII)

# Gladly's times of day stop at 23:59 (gladcfg.spec.time_of_day_pattern()): the gladly
# adapter sends the end of the day, 24:00, as 23:59 and reads 23:59 back as 24:00. For that
# to be one-to-one, files write the end of the day only as 24:00, never as 23:59.
END_OF_DAY = "24:00"
GLADLY_END_OF_DAY = "23:59"


def padded_time_range(value: str) -> str | None:
    """``value`` with its hours written in two digits (``8:00-20:00`` → ``08:00-20:00``)
    when that makes it a valid range and it was not one already; else None. Instances are
    read so (the same hours, no drift); in files it is the fix an error suggests."""
    padded = _padded(value)
    if padded is None or padded == value:
        return None
    try:
        return _check_time_range(padded)
    except ValueError:
        return None


def _padded(value: str) -> str | None:
    match = _LOOSE_TIME_RANGE.fullmatch(value)
    if match is None:
        return None
    h1, m1, h2, m2 = match.groups()
    return f"{int(h1):02}:{m1}-{int(h2):02}:{m2}"


def _fix_for(value: str) -> str | None:
    """The range a file most likely means by ``value``, if that one is valid: hours of two
    digits, and the end of the day as 24:00."""
    padded = _padded(value)
    if padded is None:
        return None
    if padded.endswith("-" + GLADLY_END_OF_DAY):
        padded = padded[: -len(GLADLY_END_OF_DAY)] + END_OF_DAY
    try:
        return _check_time_range(padded)
    except ValueError:
        return None


def _did_you_mean(value: str) -> str:
    fix = _fix_for(value)
    return f" (did you mean '{fix}'?)" if fix is not None and fix != value else ""


@_memoised
def _check_time_range(value: str) -> str:
    match = _TIME_RANGE.fullmatch(value)
    if match is None:
        hint = _did_you_mean(value) or ", e.g. 08:00-17:30"
        raise ValueError(f"'{value}' is not a time range; write HH:MM-HH:MM{hint}")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 24 or (h2 == 24 and m2 != 0):
        raise ValueError(f"'{value}' has an hour out of range (00:00 to 24:00)")
    if h1 * 60 + m1 >= h2 * 60 + m2:
        raise ValueError(
            f"'{value}' ends before it starts; a range must have start < end "
            "(split a range that crosses midnight at 24:00)"
        )
    _check_end_of_day(value)
    return value


def _check_end_of_day(value: str) -> None:
    """23:59 is how Gladly holds the end of the day, so a file may neither stop there (it
    would read back as 24:00) nor start there (the range would be sent as 23:59-23:59)."""
    start, _, stop = value.partition("-")
    if stop == GLADLY_END_OF_DAY:
        raise ValueError(
            f"'{value}' ends at 23:59; write 24:00 for the end of the day{_did_you_mean(value)}"
        )
    if start == GLADLY_END_OF_DAY:
        raise ValueError(
            f"'{value}' starts at 23:59, which Gladly uses for the end of the day "
            "(24:00); start at 23:58 at the latest"
        )


TimeRange = Annotated[
    str,
    AfterValidator(_check_time_range),
    Field(json_schema_extra={"pattern": r"^\d\d:\d\d-\d\d:\d\d$"}),
]


@_memoised
def check_time_zone(value: str) -> str:
    """One check for every place a time zone is accepted (see model/zones.py for which)."""
    problem = time_zone_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


TimeZone = Annotated[
    str,
    AfterValidator(check_time_zone),
    Field(description="An IANA time zone, e.g. America/New_York.", examples=["Europe/Dublin"]),
]

# BCP 47: language, optional script, optional region, optional variants (RFC 5646 §2.1).
_LANGUAGE_TAG = re.compile(
    r"^(?P<lang>[a-z]{2,3})(?:-(?P<script>[a-z]{4}))?(?:-(?P<region>[a-z]{2}|\d{3}))?"
    r"(?P<rest>(?:-(?:[a-z0-9]{5,8}|\d[a-z0-9]{3}))*)$",
    re.IGNORECASE | re.ASCII,
)


@_memoised
def normalise_language(value: str) -> str:
    match = _LANGUAGE_TAG.fullmatch(value)
    if match is None:
        hidden = hidden_character(value)
        why = f" (it contains {hidden})" if hidden else ""
        raise ValueError(
            f"{shown(value)} is not a BCP 47 language tag{why}; write e.g. en-US, fr-CA, es-419"
        )
    tag = match["lang"].lower()
    if match["script"]:
        tag += "-" + match["script"].title()
    if match["region"]:
        tag += "-" + match["region"].upper()
    return tag + match["rest"].lower()


LanguageTag = Annotated[
    str,
    AfterValidator(normalise_language),
    Field(description="A BCP 47 language tag such as en-US, fr-CA or es-419."),
]

E164_PATTERN = r"^\+[1-9]\d{6,14}$"
# RFC 5322 addr-spec in its dot-atom form, which is what mail providers accept in practice.
EMAIL_PATTERN = (
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
_E164 = re.compile(E164_PATTERN, re.ASCII)
_EMAIL = re.compile(EMAIL_PATTERN, re.ASCII)


def check_e164(value: str) -> str:
    if not _E164.fullmatch(value):
        raise ValueError(
            f"'{value}' is not an E.164 phone number; write '+' then the country code and "
            "number, digits only, e.g. +14155550100"
        )
    return value


def check_email(value: str) -> str:
    if len(value) > 254 or not _EMAIL.fullmatch(value):
        raise ValueError(f"'{value}' is not an email address (RFC 5322), e.g. support@acme.example")
    return value


EmailAddress = Annotated[
    str, AfterValidator(check_email), Field(json_schema_extra={"format": "email"})
]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_ITEM = r"(?:mon|tue|wed|thu|fri|sat|sun)(?:-(?:mon|tue|wed|thu|fri|sat|sun))?"
DAY_SPEC_PATTERN = rf"^{_DAY_ITEM}(?:,{_DAY_ITEM})*$"


def expand_days(spec: str) -> list[str]:
    """``mon-fri`` → the five weekdays; ``fri-mon`` wraps over the weekend; ``sat,sun`` lists.
    A day named twice (``mon,mon-wed``) is one day: its hours are not opened twice."""
    days: dict[str, None] = {}
    for item in spec.split(","):
        first, _, last = item.partition("-")
        start = WEEKDAYS.index(first)
        stop = WEEKDAYS.index(last or first)
        span = (stop - start) % 7
        days.update((WEEKDAYS[(start + i) % 7], None) for i in range(span + 1))
    return list(days)


def hours_by_day(weekly: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """A ``weekly`` mapping (day specs → open ranges) as each day's ranges, sorted, in the
    order of the week; closed days are left out. How a business week is compared, sent to
    an instance and checked for coverage."""
    days: dict[str, list[str]] = {}
    for spec, ranges in weekly.items():
        for day in expand_days(spec):
            days.setdefault(day, []).extend(ranges)
    return {day: sorted(days[day]) for day in WEEKDAYS if days.get(day)}


def _check_day_spec(value: str) -> str:
    if not re.fullmatch(DAY_SPEC_PATTERN, value):
        raise ValueError(
            f"'{value}' is not a day or day range; write mon, mon-fri or sat,sun"
            f"{suggest(value, WEEKDAYS)}"
        )
    return value


DaySpec = Annotated[
    str, AfterValidator(_check_day_spec), Field(json_schema_extra={"pattern": DAY_SPEC_PATTERN})
]

_INSTANCE_GLOB = r"^[A-Za-z0-9_.*?\[\]!-]+$"
# Globs of instances and addresses run through fnmatch, whose compile time grows with the
# glob: far past any name (200 characters at most), short enough to be instantaneous.
MAX_GLOB_CHARS = 512


def spelled_as(pattern: str, subject: str, rule: str) -> Callable[[str], str]:
    """A validator: the whole value matches ``pattern``; if not, the error names a hidden
    character when there is one (what a reader cannot see matters most), else ``rule``."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            hidden = hidden_character(value)
            what = f"{subject}{shown(value)}"
            raise ValueError(f"{what} contains {hidden}" if hidden else f"{what} {rule}")
        return value

    return check


_check_instance_glob = spelled_as(
    _INSTANCE_GLOB,
    "",
    "is not an instance name or glob: letters, digits, '.', '_', '-' and the wildcards * ? [ ] !",
)


InstanceGlob = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_GLOB_CHARS),
    AfterValidator(_check_instance_glob),
    Field(json_schema_extra={"pattern": _INSTANCE_GLOB}),
]


_ENV_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
# The name of an environment variable that holds a secret: files name where a secret is,
# never what it is.
EnvName = Annotated[
    str,
    StringConstraints(max_length=256),
    AfterValidator(
        spelled_as(
            _ENV_NAME,
            "the environment variable name ",
            "may hold only letters, digits and '_', and does not start with a digit",
        )
    ),
    Field(json_schema_extra={"pattern": f"^{_ENV_NAME}$"}),
]


def _https(value: str) -> str:
    if not value.startswith("https://") or len(value) <= len("https://"):
        raise ValueError(f"'{value}' is not an https URL")
    return value


HttpsUrl = Annotated[str, AfterValidator(_https)]


def fold_days(weekly: dict[str, list[str]]) -> dict[str, list[str]]:
    """``{mon: R, tue: R, …, fri: R, sat: S}`` → ``{mon-fri: R, sat: S}``."""
    folded: dict[str, list[str]] = {}
    run: list[str] = []
    for day in [*WEEKDAYS, None]:
        if run and (day is None or weekly.get(day) != weekly[run[0]]):
            key = run[0] if len(run) == 1 else f"{run[0]}-{run[-1]}"
            folded[key] = weekly[run[0]]
            run = []
        if day is not None and weekly.get(day):
            run.append(day)
    return folded
