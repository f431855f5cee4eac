"""The end of the day is 24:00 in files and 23:59 on Gladly (whose times of day stop there):
so that one reads back as the other, files may not write 23:59 in a range, and are told
what to write instead, where, as every other time-range error is."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from gladcfg.model.types import TimeRange
from tests.conftest import MakeProject, RunCli

ranges = TypeAdapter(TimeRange)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "00:00-23:59",
            "'00:00-23:59' ends at 23:59; write 24:00 for the end of the day "
            "(did you mean '00:00-24:00'?)",
        ),
        (
            "18:00-23:59",
            "'18:00-23:59' ends at 23:59; write 24:00 for the end of the day "
            "(did you mean '18:00-24:00'?)",
        ),
        # Both fixes at once: the hour of one digit and the end of the day.
        ("8:00-23:59", "write HH:MM-HH:MM (did you mean '08:00-24:00'?)"),
        # 23:59-24:00 would be sent as 23:59-23:59, which Gladly refuses.
        ("23:59-24:00", "'23:59-24:00' starts at 23:59, which Gladly uses for the end of the day"),
    ],
)
def test_a_range_at_23_59_is_refused_with_the_range_to_write(text: str, words: str) -> None:
    with pytest.raises(ValidationError) as info:
        ranges.validate_python(text)
    assert words in str(info.value)


@pytest.mark.parametrize("text", ["00:00-24:00", "23:58-24:00", "23:00-23:58", "08:00-17:00"])
def test_ranges_that_do_not_touch_23_59_are_as_before(text: str) -> None:
    assert ranges.validate_python(text) == text


FILE = """\
business_hours:
  support:
    timezone: America/New_York
    weekly: {mon-fri: ["00:00-23:59"]}
    holidays:
      - {date: 2026-11-26, name: Thanksgiving, hours: ["18:00-23:59"]}
"""


def test_validate_names_the_file_line_and_column_of_each_23_59(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = make_project({"config/hours.yaml": FILE})
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert (
        "config/hours.yaml:4:24: error: business_hours.support.weekly.mon-fri[0]: '00:00-23:59' "
        "ends at 23:59; write 24:00 for the end of the day (did you mean '00:00-24:00'?)"
    ) in result.stderr
    assert (
        "config/hours.yaml:6:56: error: business_hours.support.holidays[0].hours[0]: "
        "'18:00-23:59' ends at 23:59; write 24:00 for the end of the day "
        "(did you mean '18:00-24:00'?)"
    ) in result.stderr
