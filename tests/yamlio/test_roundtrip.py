from __future__ import annotations

import pytest

from gladcfg.yamlio.roundtrip import EditableDocument, plain_data

FILE = """\
# Support teams
teams:
  tier-1:
    description: 'First line'  # shown to agents
    members: [ana, bo]
  tier-2:
    description: Second line
    lead: di
"""


def test_a_value_written_takes_the_style_around_it_and_the_rest_stays() -> None:
    document = EditableDocument.parse(FILE)
    assert document is not None and not document.changed
    tier_1 = document.data["teams"]["tier-1"]
    document.write(tier_1, "description", "Front line")
    document.write(tier_1, "members", ["ana", "cy"])
    document.remove(document.data["teams"]["tier-2"], "lead")
    assert document.changed
    assert document.dump() == FILE.replace("'First line'", "'Front line'").replace(
        "bo]", "cy]"
    ).replace("    lead: di\n", "")


def test_a_mapping_written_over_a_mapping_keeps_the_comments_on_its_kept_keys() -> None:
    document = EditableDocument.parse(FILE)
    assert document is not None
    document.write(document.data["teams"], "tier-1", {"description": "First line", "x": 1})
    assert document.dump().splitlines()[3:5] == [
        "    description: 'First line'  # shown to agents",
        "    x: 1",
    ]
    assert plain_data(document.data["teams"]["tier-1"]) == {"description": "First line", "x": 1}


@pytest.mark.parametrize(
    "text",
    [
        "- a\n- b\n",  # not a mapping: nothing to edit by key
        "a: [1,\n",  # not YAML
        "a: &a [*a]\n",  # beyond what the loader accepts
    ],
)
def test_only_a_mapping_the_loader_accepts_is_edited(text: str) -> None:
    assert EditableDocument.parse(text) is None
