"""What every view of a plan shows the same way: action words, the summary line, the notes,
each change's field diff and manual steps, freezes and ages; each value shown as
:mod:`gladcfg.text` shows it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from gladcfg.hours.freezes import shown_time
from gladcfg.model.plan import Action
from gladcfg.text import show, visible

if TYPE_CHECKING:
    from gladcfg.model.plan import Change, Plan, Snapshot, Summary
    from gladcfg.model.status import InstanceStatus


def leaves(spec: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Flatten a spec to (dotted path, value) for display; lists stay whole."""
    for key, value in spec.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and value:
            yield from leaves(value, path)
        else:
            yield path, value


ACTION_WORDS = {
    "create": "to create",
    "update": "to update",
    "rename": "to rename",
    "delete": "to delete",
    "manual": "manual",
}


def summary_line(summary: Summary) -> str:
    parts = [f"{getattr(summary, action)} {word}" for action, word in ACTION_WORDS.items()]
    if summary.disable:
        parts[3] += f" ({summary.disable} by disabling)"
    return ", ".join(parts) + f", {summary.unchanged} unchanged"


def vars_line(plan: Plan) -> str:
    """The vars given on the command line the plan was made with: ``brand="Globex", x=3``."""
    return ", ".join(f"{visible(key)}={show(value)}" for key, value in (plan.vars or {}).items())


DISABLED_NOTE = "disabled, not deleted: it stays on the instance, disabled"


def action_label(change: Change) -> str:
    """What a change does, in a word or two: ``update``, ``disable`` (a delete the instance
    makes by disabling), ``manual (rename)``."""
    if change.action is Action.MANUAL and change.manual_action is not None:
        return f"manual ({change.manual_action.value})"
    return "disable" if change.disables else change.action.value


def untargeted_note(plan: Plan) -> str:
    """What a targeted plan leaves out (empty when it leaves nothing out)."""
    if not plan.untargeted:
        return ""
    return (
        f"{visible(plan.instance)} needs {plan.untargeted} more change(s) outside the "
        "targets: plan without --target to see them"
    )


ROLLBACK_NOTE = (
    "this plan undoes an apply: it restores what the instance held, not what the files "
    "declare; apply it with gladcfg apply --rollback PLANFILE"
)


def snapshot_note(snapshot: Snapshot, now: dt.datetime | None = None) -> str:
    """What a plan made with ``--refresh=false`` did not read again, and how old it is."""
    read_at = dt.datetime.fromisoformat(snapshot.read_at)
    now = now or dt.datetime.now(dt.UTC)
    return (
        f"{snapshot.objects} object(s) not read again (--refresh=false): as an earlier read "
        f"found them, the oldest {age(now - read_at)} ago ({read_at:%Y-%m-%d %H:%M} UTC). "
        "apply reads them again, and refuses this plan if they changed since"
    )


def age(elapsed: dt.timedelta) -> str:
    """A duration as a person says it: 45 s, 12 min, 3 h 5 min, 2 days 4 h."""
    seconds = max(0, int(elapsed.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes, hours, days = seconds // 60 % 60, seconds // 3600 % 24, seconds // 86400
    if not hours and not days:
        return f"{minutes} min"
    if not days:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    unit = "day" if days == 1 else "days"
    return f"{days} {unit} {hours} h" if hours else f"{days} {unit}"


def diff_lines(change: Change) -> list[str]:
    """The change's detail as the markdown plan's ```diff block has it: ``- path: before``
    and ``+ path: after`` per changed field, or every field of what a create makes."""
    lines: list[str] = []
    if change.diff:
        for diff in change.diff:
            if diff.before is not None:
                lines.append(f"- {visible(diff.path)}: {show(diff.before)}")
            if diff.after is not None:
                lines.append(f"+ {visible(diff.path)}: {show(diff.after)}")
    elif change.effective_action is Action.CREATE and change.after:
        lines.extend(f"+ {visible(path)}: {show(value)}" for path, value in leaves(change.after))
    return lines


def _as_is(text: str) -> str:
    return text


def manual_steps(
    change: Change, quote: Callable[[str], str] = _as_is, width: int | None = None
) -> list[str]:
    """What to do by hand for a manual change, field by field, with the exact values:
    ``set timezone to "America/Chicago" (now: "America/New_York")``, ``remove parent (now:
    "billing")``. ``quote`` marks up each path and value (markdown: code spans); ``width``
    shortens a longer value with an ellipsis (its whole is in the change's detail)."""

    def value(shown: Any) -> str:
        text = show(shown)
        if width is not None and len(text) > width:
            text = text[: max(1, width - 1)] + "…"
        return quote(text)

    if change.effective_action is Action.CREATE:
        return [
            f"set {quote(visible(path))} to {value(item)}"
            for path, item in leaves(change.after or {})
        ]
    steps = []
    for diff in change.diff:
        path = quote(visible(diff.path))
        if diff.after is None:
            steps.append(f"remove {path} (now: {value(diff.before)})")
        elif diff.before is None:
            steps.append(f"set {path} to {value(diff.after)}")
        else:
            steps.append(f"set {path} to {value(diff.after)} (now: {value(diff.before)})")
    return steps


def manual_item(
    change: Change,
    quote: Callable[[str], str] = _as_is,
    width: int | None = None,
    length: int | None = None,
) -> str:
    """One line of the admin's checklist: what to do to which object, then its steps
    (:func:`manual_steps`); ``length`` stops adding steps past that many characters, and
    says how many more there are."""
    action = change.effective_action
    subject = quote(visible(change.address))
    if action is Action.RENAME:
        subject = f"{quote(visible(f'{change.kind}.{change.renamed_from}'))} to {subject}"
    item = f"{action.value} {subject}"
    steps = manual_steps(change, quote, width) if action is not Action.DELETE else []
    for index, step in enumerate(steps):
        if length is not None and index and len(item) + len(step) > length:
            return item + f"; and {len(steps) - index} more field(s), in its detail"
        item += ("; " if index else ": ") + step
    return item


def freeze_line(record: InstanceStatus) -> str:
    """``frozen until …: names`` or ``open for changes; next freeze …``."""
    held = [f for f in record.freezes if f.in_force]
    opens = _shown(record.open_for_changes) if record.open_for_changes else None
    if held:
        names = ", ".join(f"{f.name} ({f.what})" for f in held)
        until = f"until {opens}" if opens else "for at least the next 35 days"
        return f"frozen {until}: {names}"
    coming = [f for f in record.freezes if not f.in_force]
    if not coming:
        return "open for changes; no freeze in the next 35 days"
    first = min(coming, key=lambda f: f.start)
    ends = f" to {_shown(first.end)}" if first.end else ""
    return f"open for changes; next freeze: {first.name} from {_shown(first.start)}{ends}"


def _shown(moment: str) -> str:

    return shown_time(dt.datetime.fromisoformat(moment))
