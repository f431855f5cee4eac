"""The one clock gladcfg reads: what time it is, in UTC.

Freezes, coverage impact and the next open window all ask :func:`now`, so that a single
place says what "now" is. It is the system clock and nothing else: no option or environment
variable moves it, so no user can step around a freeze by claiming another time. Tests
replace this function (in-process, or in a subprocess through a ``sitecustomize`` module on
the test's own path).
"""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)
