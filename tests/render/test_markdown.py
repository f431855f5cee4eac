from __future__ import annotations

import re

from gladcfg.model.plan import Action, Change, FieldDiff, Plan, SafetyReport
from gladcfg.render.markdown import LIMIT, render_markdown

FINGERPRINT = "sha256:" + "0" * 64


def big_plan(count: int) -> Plan:
    changes = tuple(
        Change.of(
            "answers",
            f"answer-{i:05d}",
            Action.UPDATE,
            before={"description": "old " * 20},
            after={"description": "new " * 20},
            diff=(FieldDiff(path="description", before="old " * 20, after="new " * 20),),
        )
        for i in range(count)
    )
    return Plan.of(
        "prod",
        "mock",
        FINGERPRINT,
        changes,
        unchanged=5,
        warnings=("something to know",),
        safety=SafetyReport.of(2000, count, 0, ("would update too much",)),
    )


def test_large_plans_are_truncated_cleanly_under_the_comment_limit() -> None:
    text = render_markdown(big_plan(1500))
    assert len(text) <= LIMIT
    assert text.count("<details>") == text.count("</details>")
    assert text.count("```") % 2 == 0
    assert "**Truncated**" in text and "more change(s) not listed" in text
    assert text.rstrip().endswith("- ⚠️ something to know")  # warnings last, always shown
    assert "⛔ would update too much" in text
    rows = [line for line in text.splitlines() if line.startswith("| ✏️ |")]
    assert 100 < len(rows) < 1500


def test_small_plans_are_whole() -> None:
    text = render_markdown(big_plan(3))
    assert "Truncated" not in text
    assert text.count("<details>") == 3
    assert text.startswith("### gladcfg plan for `prod`\n\n**0 to create, 3 to update")


def test_markup_in_values_cannot_break_out() -> None:
    change = Change.of(
        "answers",
        "a|b",
        Action.CREATE,
        after={"content": {"en-US": {"messaging": "``` </details> <b>"}}},
    )
    text = render_markdown(Plan.of("prod", "mock", FINGERPRINT, (change,), 0))
    assert "`answers.a\\|b`" in text
    fences = re.findall(r"^(`{3,})diff$", text, flags=re.M)
    assert fences == ["````"]
    # Inside the fence the tag is code (escaped by the renderer); one real closing tag.
    assert re.findall(r"^</details>$", text, flags=re.M) == ["</details>"]


def inline_code(text: str) -> list[str]:
    """What a CommonMark (+ GFM tables) reader shows as inline code in ``text``."""
    from markdown_it import MarkdownIt

    found = []
    for token in MarkdownIt("commonmark").enable("table").parse(text):
        found += [c.content for c in token.children or () if c.type == "code_inline"]
    return found


def test_backticks_in_names_stay_inside_their_code_spans() -> None:
    """A code span is fenced by one backtick more than the longest run it holds, padded
    where it starts or ends with one, so every name shows whole and as written."""
    changes = (
        Change.of(
            "teams",
            "`tick`",
            Action.RENAME,
            renamed_from="a``b",
            before={"description": "x"},
            after={"description": "y"},
            diff=(FieldDiff(path="description", before="x", after="y"),),
        ),
        Change.of("inboxes", "q|`", Action.MANUAL, before={}, after={"description": "d"}),
    )
    plan = Plan.of("prod", "mock", FINGERPRINT, changes, 0, unmanaged=("topics.``odd",))
    text = render_markdown(plan)
    shown = inline_code(text)
    for expected in ("teams.`tick`", "teams.a``b", "description", "inboxes.q|`", "topics.``odd"):
        assert expected in shown, (expected, shown, text)
    assert shown.count("inboxes.q|`") == 2  # in the table and in the checklist


def test_a_plan_of_multibyte_values_stays_under_the_limit_in_utf8_bytes() -> None:
    """GitHub's limit holds for the bytes sent too: CJK and emoji take three and four
    bytes a character, so a budget of characters alone would overflow it."""
    body = "営業時間外のお問い合わせ🙏🏽" * 6
    changes = tuple(
        Change.of(
            "answers",
            f"回答-{i:05d}",
            Action.CREATE,
            after={"content": {"ja-JP": {"messaging": body}}},
        )
        for i in range(300)
    )
    plan = Plan.of("prod", "mock", FINGERPRINT, changes, 0, warnings=("注意 ⚠️",) * 3)
    text = render_markdown(plan)
    assert len(text.encode("utf-8")) <= LIMIT
    assert "**Truncated** to fit a comment: 0 more change(s) not listed" in text
    assert 0 < text.count("<details>") == text.count("</details>") < 300
    assert text.rstrip().endswith("- ⚠️ 注意 ⚠️")
