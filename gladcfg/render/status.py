"""Views of the health records ``gladcfg status`` makes: text for terminals, JSON (the
:class:`~gladcfg.model.status.StatusDocument` dump) for dashboards. Nothing is checked here."""

from __future__ import annotations

from datetime import datetime

import click

from gladcfg.model.status import CoverageGap, StatusDocument
from gladcfg.render.values import freeze_line, snapshot_note
from gladcfg.text import duration

_COLOURS = {"healthy": "green", "drift": "yellow", "error": "red"}


def render_status_json(document: StatusDocument) -> str:
    return document.model_dump_json(indent=2, exclude_none=True) + "\n"


def render_status_text(document: StatusDocument) -> str:
    lines = [click.style(f"Status at {document.checked_at}", bold=True)]
    for record in document.instances:
        lines.append("")
        lines.append(
            click.style(f"{record.instance}: ", bold=True)
            + click.style(record.status, fg=_COLOURS[record.status], bold=True)
        )
        if record.error:
            lines.append(f"  {record.error}")
            continue
        if record.drift and record.drift.addresses:
            lines.append(f"  drift: {_listed(record.drift.addresses)}")
        if record.unmanaged:
            lines.append(f"  unmanaged: {_listed(record.unmanaged)}")
        if record.not_managed:
            # Declared, never read nor written: a reader must not take "healthy" for them.
            lines.append(f"  not managed (validated only): {_listed(record.not_managed, limit=20)}")
        lines.append(f"  warnings: {len(record.warnings)}")
        gaps = record.coverage_gaps
        lines.append(
            f"  coverage gaps this week: {len(gaps)}" + (f" ({_uncovered(gaps)})" if gaps else "")
        )
        if record.silent_after_hours:
            silent = ", ".join(s.entry_point for s in record.silent_after_hours)
            lines.append(f"  no after-hours reply: {silent}")
        if record.open_for_changes is not None or record.freezes:
            lines.append(f"  {freeze_line(record)}")
        if record.snapshot is not None:
            lines.append(f"  snapshot: {snapshot_note(record.snapshot)}")
    return "\n".join(lines) + "\n"


def _uncovered(gaps: list[CoverageGap]) -> str:
    """``9h in all, 2 languages``: the time some language is uncovered (gaps of several
    languages at once counted once) and how many languages."""
    spans = sorted((datetime.fromisoformat(g.start), datetime.fromisoformat(g.end)) for g in gaps)
    minutes, reach = 0, spans[0][0]
    for start, end in spans:
        counted_from = max(start, reach)
        if end > counted_from:
            minutes += int((end - counted_from).total_seconds()) // 60
            reach = end
    languages = len({g.language for g in gaps})
    return f"{duration(minutes)} in all, {languages} language" + ("s" if languages > 1 else "")


def _listed(addresses: list[str], limit: int = 8) -> str:
    shown = ", ".join(addresses[:limit])
    return shown + (f" and {len(addresses) - limit} more" if len(addresses) > limit else "")
