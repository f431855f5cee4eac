from __future__ import annotations

import re

from gladcfg.plan.model import Action, Change, FieldDiff, Plan, SafetyReport
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
