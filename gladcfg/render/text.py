"""The plan for a terminal: Terraform-like symbols, old → new values, colour on a tty."""

from __future__ import annotations

from collections.abc import Iterator

import click

from gladcfg.model.plan import Action, Change, CoverageImpact, Plan
from gladcfg.render.impact import impact_head, impact_items
from gladcfg.render.values import (
    DISABLED_NOTE,
    ROLLBACK_NOTE,
    leaves,
    manual_steps,
    snapshot_note,
    summary_line,
    untargeted_note,
    vars_line,
)
from gladcfg.text import show, visible

SYMBOLS = {
    Action.CREATE: ("+", "green"),
    Action.UPDATE: ("~", "yellow"),
    Action.RENAME: ("→", "cyan"),
    Action.DELETE: ("-", "red"),
    Action.MANUAL: ("!", "magenta"),
}
DISABLE = ("⊘", "red")  # a delete the instance makes by disabling the object


def symbol_of(change: Change) -> tuple[str, str]:
    """The symbol a change is shown by, and its colour."""
    return DISABLE if change.disables else SYMBOLS[change.action]


_MANUAL_VERBS = {
    Action.CREATE: "create it",
    Action.UPDATE: "change it",
    Action.RENAME: "rename it",
    Action.DELETE: "delete it",
}


def render_text(plan: Plan) -> str:
    return "".join(text_chunks(plan))


def text_chunks(plan: Plan, lines_per_chunk: int = 2000) -> Iterator[str]:
    """The text view in pieces of whole lines, so a plan of 100,000 changes is printed
    without ever holding all of its text at once."""
    batch: list[str] = []
    for line in text_lines(plan):
        batch.append(line)
        if len(batch) >= lines_per_chunk:
            yield "\n".join(batch) + "\n"
            batch.clear()
    if batch:
        yield "\n".join(batch) + "\n"


def text_lines(plan: Plan) -> Iterator[str]:
    yield click.style(
        f"gladcfg plan for {visible(plan.instance)} ({visible(plan.adapter)})", bold=True
    )
    if plan.targets:
        yield f"targets: {visible(', '.join(plan.targets))}"
    if plan.vars:
        yield f"vars (--var): {vars_line(plan)}"
    if plan.snapshot is not None:
        yield click.style("Snapshot: ", fg="yellow", bold=True) + snapshot_note(plan.snapshot)
    if plan.rollback:
        yield click.style("Rollback: ", fg="cyan", bold=True) + ROLLBACK_NOTE + "."
    yield ""
    outside = untargeted_note(plan)
    if not plan.changes and outside:
        yield click.style("No changes in the targets.", bold=True) + f" {outside}."
    elif not plan.changes:
        yield (
            click.style("No changes.", fg="green", bold=True)
            + f" {visible(plan.instance)} matches the configuration ({plan.unchanged} unchanged)."
        )
    for change in plan.changes:
        yield from _change(change)
    if plan.changes:
        yield ""
        yield click.style("Plan: ", bold=True) + summary_line(plan.summary) + "."
        if outside:
            yield click.style("Not shown: ", fg="yellow", bold=True) + f"{outside}."
    if plan.unmanaged:
        yield ""
        yield "Unmanaged (on the instance, declared nowhere; left alone unless prune: true):"
        yield from (f"  {visible(address)}" for address in plan.unmanaged)
    if plan.not_managed:
        yield ""
        yield (
            f"Not managed by the {visible(plan.adapter)} adapter (validated only): "
            + visible(", ".join(plan.not_managed))
        )
    for violation in plan.safety.violations:
        yield ""
        yield (
            click.style("Unsafe: ", fg="red", bold=True)
            + f"{visible(violation)}; apply refuses without --force."
        )
    if plan.coverage_impact is not None:
        yield ""
        yield from impact_lines(plan.coverage_impact)
    if plan.warnings:
        yield ""
        yield click.style("Warnings:", fg="yellow", bold=True)
        yield from (f"  - {visible(warning)}" for warning in plan.warnings)


def _change(change: Change) -> list[str]:
    symbol, colour = symbol_of(change)
    head = f"  {symbol} {visible(change.address)}"
    if change.disables:
        head += f"  ({DISABLED_NOTE})"
    if change.action is Action.RENAME or change.manual_action is Action.RENAME:
        old = visible(f"{change.kind}.{change.renamed_from}")
        head = f"  {symbol} {old} → {visible(change.address)}"
    if change.action is Action.MANUAL and change.manual_action is not None:
        head += click.style(
            f"  (manual: {_MANUAL_VERBS[change.manual_action]} in the admin UI)", bold=True
        )
    lines = [click.style(head, fg=colour)]
    if change.effective_action is Action.CREATE and change.after is not None:
        lines.extend(
            f"      {visible(path)} = {show(value)}" for path, value in leaves(change.after)
        )
    if change.action is Action.MANUAL and change.diff:
        # The admin's checklist: what to set or remove by hand, with the exact values.
        lines.extend(f"      {step}" for step in manual_steps(change))
        return lines
    for diff in change.diff:
        old, new = show(diff.before), show(diff.after)
        if len(old) + len(new) > 90:
            lines.append(f"      {visible(diff.path)}:")
            lines.append(click.style(f"        - {old}", fg="red"))
            lines.append(click.style(f"        + {new}", fg="green"))
        else:
            lines.append(f"      {visible(diff.path)}: {old} → {new}")
    return lines


def impact_lines(impact: CoverageImpact) -> Iterator[str]:
    """The coverage impact: a line per language and per inbox whose hours change, each gap
    with its causes, then the inboxes and entry points the plan leaves unanswered (twenty of
    each at most: the JSON plan lists them all)."""
    yield click.style(visible(impact_head(impact)) + ":", bold=True)
    if impact.unchanged:
        yield "  no change to the hours any language is answered"
    for item in impact_items(impact, _SHOWN):
        yield f"  {visible(item.text)}"
        yield from (f"      {visible(line)}" for line in item.detail)


_SHOWN = 20
