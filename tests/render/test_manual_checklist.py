"""The admin's checklist of manual changes says what to do with the exact values, in every
view, and stays within a pull-request comment however many there are."""

from __future__ import annotations

from gladcfg.model.plan import Action, Change, Plan
from gladcfg.plan.diff import field_diff
from gladcfg.render.html import plan_view
from gladcfg.render.markdown import LIMIT, render_markdown
from gladcfg.render.text import render_text
from gladcfg.render.values import manual_item

FINGERPRINT = "sha256:" + "0" * 64


def manual(
    kind: str,
    name: str,
    action: Action,
    before: dict[str, object] | None,
    after: dict[str, object] | None,
    **extra: str,
) -> Change:
    diff = field_diff(before, after) if before is not None and after is not None else ()
    return Change.of(
        kind,
        name,
        Action.MANUAL,
        before=before,
        after=after,
        diff=diff,
        manual_action=action,
        remote_id=None if action is Action.CREATE else "1",
        **extra,
    )


UNPARENT = manual(
    "topics", "refund", Action.UPDATE, {"disabled": False, "parent": "billing"}, {"disabled": False}
)
TIMEZONE = manual(
    "settings", "settings", Action.UPDATE, {"timezone": "UTC"}, {"timezone": "Europe/Paris"}
)


def test_each_manual_change_says_what_to_set_and_what_to_remove() -> None:
    assert manual_item(UNPARENT) == 'update topics.refund: remove parent (now: "billing")'
    assert manual_item(TIMEZONE) == ('update settings: set timezone to "Europe/Paris" (now: "UTC")')
    created = manual("teams", "vip", Action.CREATE, None, {"description": "VIP"})
    assert manual_item(created) == 'create teams.vip: set description to "VIP"'
    renamed = manual(
        "topics",
        "new",
        Action.RENAME,
        {"disabled": False, "parent": "a"},
        {"disabled": False},
        renamed_from="old",
    )
    assert manual_item(renamed) == 'rename topics.old to topics.new: remove parent (now: "a")'
    gone = manual("teams", "old", Action.DELETE, {"description": "x"}, None)
    assert manual_item(gone) == "delete teams.old"


def test_the_views_give_the_checklist() -> None:
    plan = Plan.of("prod", "gladly", FINGERPRINT, (TIMEZONE, UNPARENT), 0)
    text = render_text(plan)
    assert '      set timezone to "Europe/Paris" (now: "UTC")\n' in text
    assert '      remove parent (now: "billing")\n' in text
    markdown = render_markdown(plan)
    assert '- [ ] update `topics.refund`: remove `parent` (now: `"billing"`)\n' in markdown
    assert plan_view(plan).manual == [manual_item(TIMEZONE), manual_item(UNPARENT)]


def test_a_long_checklist_stays_within_a_comment() -> None:
    changes = tuple(
        manual(
            "teams",
            f"team-{i:05d}",
            Action.CREATE,
            None,
            {"description": "`long` " * 200, **{f"f{j}": j for j in range(40)}},
        )
        for i in range(3000)
    )
    markdown = render_markdown(Plan.of("prod", "gladly", FINGERPRINT, changes, 0))
    assert len(markdown.encode()) <= LIMIT
    assert "- … and 2950 more: `gladcfg plan -i prod --format json` lists them" in markdown
    item = next(line for line in markdown.splitlines() if line.startswith("- [ ] create"))
    assert len(item) < 600 and item.endswith("more field(s), in its detail")
