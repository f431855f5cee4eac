"""Where a value sits in a file or a spec, and how plans and messages spell that place.

A field path is the keys and list indexes that lead from the root to the value:
``('inboxes', 'us-email', 'teams', 0)``, spelled ``inboxes.us-email.teams[0]``. Validation
errors, reference checks, plan diffs and pull all speak of places this way.
"""

from __future__ import annotations

from collections.abc import Sequence

# Keys and list indexes from the root. A key of a file as loaded may also be a null, a
# boolean or a number (YAML allows them; validation reports them).
FieldPath = tuple[str | int, ...]


def format_path(path: Sequence[object]) -> str:
    """``('inboxes', 'us-email', 'teams', 0)`` → ``inboxes.us-email.teams[0]``: keys joined
    by dots, list indexes in brackets. The text is as the path holds it; a message that
    quotes it escapes it (:func:`gladcfg.names.escaped`)."""
    if not path:
        return ""
    text = str(path[0])
    for item in path[1:]:
        text += f"[{item}]" if isinstance(item, int) else f".{item}"
    return text
