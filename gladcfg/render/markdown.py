"""The plan as a pull-request comment: a heading with the counts, a table of changes, each
change's detail folded in ``<details>`` with a ```diff fence, and warnings last.

GitHub refuses comments over 65,536 characters, so the comment is built to a budget: what
does not fit is counted in a note, and a block is either whole or absent, so the markup
never breaks. The budget counts UTF-8 bytes, never fewer than characters: a comment of CJK
or emoji values stays under the limit however it is counted.
"""

from __future__ import annotations

import shlex

from gladcfg.errors import path_shown
from gladcfg.model.plan import Action, Change, CoverageImpact, Plan
from gladcfg.render.impact import impact_head, impact_items
from gladcfg.render.values import (
    ROLLBACK_NOTE,
    action_label,
    diff_lines,
    manual_item,
    snapshot_note,
    summary_line,
    untargeted_note,
    vars_line,
)
from gladcfg.text import cell, code, duration, longest_backtick_run, visible

LIMIT = 65_536
# The manual checklist stays well inside the limit: so many items, each so long at most,
# values cut to so many characters (whole in the change's detail block).
_MANUAL_SHOWN, _ITEM_LENGTH, _VALUE_WIDTH = 50, 400, 80
_ICONS = {
    Action.CREATE: "➕",
    Action.UPDATE: "✏️",
    Action.RENAME: "🔀",
    Action.DELETE: "🗑️",
    Action.MANUAL: "✋",
}


def render_markdown(plan: Plan, limit: int = LIMIT, *, saved_as: str | None = None) -> str:
    """The plan as a pull-request comment within ``limit`` bytes; ``saved_as`` names the
    file it was saved to, which the notes on what was left out point to."""
    full = _full_plan(plan, saved_as)
    head = [f"### gladcfg plan for {code(plan.instance, table=False)}", ""]
    outside = untargeted_note(plan)
    if plan.changes:
        head.append(f"**{summary_line(plan.summary)}**")
    elif outside:
        head.append("**No changes in the targets.**")
    else:
        head.append(f"**No changes.** ({plan.unchanged} unchanged)")
    head.append("")
    head += _notes(plan, outside)
    tail = _tail(plan, full)
    budget = limit - _size("\n".join(head + tail)) - 400  # room for the truncation note
    rows = ["| | action | address | fields |", "|---|---|---|---|"]
    details: list[str] = []
    shown_rows = shown_details = 0
    if plan.changes:
        budget -= sum(_size(r) + 1 for r in rows)
        for change in plan.changes:
            row = _row(change)
            if _size(row) + 1 > budget:
                break
            rows.append(row)
            budget -= _size(row) + 1
            shown_rows += 1
        for change in plan.changes[:shown_rows]:
            block = _details(change)
            if block is None:
                continue
            if _size(block) + 1 > budget:
                break
            details.append(block)
            budget -= _size(block) + 1
            shown_details += 1
    body = head[:]
    if plan.changes:
        body += [*rows, "", *details]
    omitted_rows = len(plan.changes) - shown_rows
    expandable = sum(1 for c in plan.changes if _has_details(c))
    omitted_details = expandable - shown_details
    if omitted_rows or omitted_details:
        body.append(
            f"> **Truncated** to fit a comment: {omitted_rows} more change(s) not listed, "
            f"{omitted_details} detail block(s) left out. The full plan: {full}."
        )
        body.append("")
    text = "\n".join(body + tail).rstrip("\n") + "\n"
    assert _size(text) <= limit
    return text


def _size(text: str) -> int:
    """What ``text`` counts against the limit: its UTF-8 bytes (at least its characters)."""
    return len(text.encode("utf-8"))


def _notes(plan: Plan, outside: str) -> list[str]:
    """What the plan's head says of how it was made, a quoted line each."""
    notes = []
    if plan.vars:
        notes.append(f"> 🔧 vars given with `--var`: {_html(vars_line(plan))}")
    if outside:
        notes.append(f"> 🎯 {_html(outside)}.")
    if plan.rollback:
        notes.append(f"> ↩️ {ROLLBACK_NOTE}.")
    if plan.snapshot is not None:
        notes.append(f"> 🕓 {snapshot_note(plan.snapshot)}.")
    return [line for note in notes for line in (note, "")]


def _row(change: Change) -> str:
    action = action_label(change)
    fields = ", ".join(code(d.path) for d in change.diff[:8])
    if len(change.diff) > 8:
        fields += f", … ({len(change.diff)} fields)"
    address = code(change.address)
    if change.renamed_from:
        address = f"{code(change.kind + '.' + change.renamed_from)} → {address}"
    icon = "🚫" if change.disables else _ICONS[change.action]
    return f"| {icon} | {action} | {address} | {fields} |"


def _has_details(change: Change) -> bool:
    return bool(change.diff) or (change.effective_action is Action.CREATE and bool(change.after))


def _details(change: Change) -> str | None:
    if not _has_details(change):
        return None
    content = "\n".join(diff_lines(change))
    fence = "`" * max(3, longest_backtick_run(content) + 1)
    summary = f"<code>{_html(visible(change.address))}</code> ({action_label(change)})"
    return (
        f"<details><summary>{summary}</summary>\n\n{fence}diff\n{content}\n{fence}\n\n</details>\n"
    )


def _full_plan(plan: Plan, saved_as: str | None) -> str:
    """The command that shows all of ``plan``: of its file, if it was saved to one."""
    if saved_as is not None:
        # As every message shows a file name: ``code`` alone shows a byte that is not UTF-8
        # as the surrogate Python holds it in (``\udce9``), not as the byte (``\xe9``).
        shown = shlex.quote(path_shown(saved_as))
        return code(f"gladcfg show {shown} --format json", table=False)
    targets = "".join(f" --target {shlex.quote(target)}" for target in plan.targets)
    command = f"gladcfg plan -i {shlex.quote(plan.instance)}{targets} --format json"
    return code(command, table=False)


def _tail(plan: Plan, full: str) -> list[str]:
    tail: list[str] = []
    manual = [c for c in plan.changes if c.action is Action.MANUAL]
    if manual:
        tail += ["#### Manual changes: make them in the admin UI", ""]
        tail += [
            "- [ ] "
            + manual_item(c, lambda text: code(text, table=False), _VALUE_WIDTH, _ITEM_LENGTH)
            for c in manual[:_MANUAL_SHOWN]
        ]
        if len(manual) > _MANUAL_SHOWN:
            tail.append(f"- … and {len(manual) - _MANUAL_SHOWN} more: {full} lists them")
        tail.append("")
    if plan.unmanaged:
        shown = ", ".join(code(a, table=False) for a in plan.unmanaged[:50])
        more = f" and {len(plan.unmanaged) - 50} more" if len(plan.unmanaged) > 50 else ""
        tail += [f"**Unmanaged** (declared nowhere, left alone): {shown}{more}", ""]
    if plan.not_managed:
        tail += [
            f"**Not managed** by the {_html(visible(plan.adapter))} adapter (validated only): "
            + _html(visible(", ".join(plan.not_managed))),
            "",
        ]
    if plan.coverage_impact is not None:
        tail += _impact(plan.coverage_impact)
    notes = [f"⛔ {v}; apply refuses without `--force`" for v in plan.safety.violations]
    notes += [f"⚠️ {w}" for w in plan.warnings]
    if notes:
        tail += ["#### Warnings", ""] + [f"- {_html(visible(n))}" for n in notes[:100]]
        if len(notes) > 100:
            tail.append(f"- … and {len(notes) - 100} more")
        tail.append("")
    return tail


def _impact(impact: CoverageImpact) -> list[str]:
    """A table of the languages whose hours change, the gaps and what is left unanswered
    as a list, and the inboxes' hours folded: a few of each, each item cut short, so the
    section stays small whatever the plan."""
    lines = [f"#### {_html(visible(impact_head(impact)))}", ""]
    if impact.unchanged:
        return [*lines, "No change to the hours any language is answered.", ""]
    languages = [(row.language, row.gained_minutes, row.lost_minutes) for row in impact.languages]
    lines += _hours_table("Language", languages)
    for item in impact_items(impact, _IMPACT_SHOWN):
        if item.group in ("languages", "inboxes"):
            continue
        text = item.text + "".join(f" — {line}" for line in item.detail)
        if len(text) > _ITEM_LENGTH:
            text = text[: _ITEM_LENGTH - 1] + "…"
        lines.append(f"- {_html(visible(text))}")
    if impact.inboxes:
        inboxes = [(row.inbox, row.gained_minutes, row.lost_minutes) for row in impact.inboxes]
        lines += ["", f"<details><summary>Hours by inbox ({len(inboxes)})</summary>", ""]
        lines += [*_hours_table("Inbox", inboxes), "</details>"]
    return [*lines, ""]


def _hours_table(heading: str, rows: list[tuple[str, int, int]]) -> list[str]:
    """Gained and lost hours of the first rows, and how many more there are."""
    if not rows:
        return []
    table = [f"| {heading} | Gained | Lost |", "|---|---|---|"]
    table += [
        f"| {cell(name)} | {duration(gained)} | {duration(lost)} |"
        for name, gained, lost in rows[:_IMPACT_SHOWN]
    ]
    if len(rows) > _IMPACT_SHOWN:
        table.append(f"| … and {len(rows) - _IMPACT_SHOWN} more | | |")
    return [*table, ""]


_IMPACT_SHOWN = 10


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
