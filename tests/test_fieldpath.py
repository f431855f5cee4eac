"""How a place in a file or a spec is spelled, the same in messages, plans and pull."""

from __future__ import annotations

import pytest

from gladcfg.config.problems import resource_address
from gladcfg.fieldpath import format_path


@pytest.mark.parametrize(
    ("path", "spelled"),
    [
        ((), ""),
        (("settings",), "settings"),
        (("inboxes", "us-email", "teams", 0), "inboxes.us-email.teams[0]"),
        (
            ("glad_apps", "web", "quick_actions", 2, "answer"),
            "glad_apps.web.quick_actions[2].answer",
        ),
        (("weekly", "mon-fri", 0), "weekly.mon-fri[0]"),
    ],
)
def test_keys_are_joined_by_dots_and_list_indexes_are_bracketed(
    path: tuple[str | int, ...], spelled: str
) -> None:
    assert format_path(path) == spelled


def test_a_problem_address_is_the_same_spelling_escaped() -> None:
    assert resource_address(("inboxes", "us\u202eemail", "teams", 1)) == (
        "inboxes.us\\u202eemail.teams[1]"
    )
    assert resource_address(()) is None
