"""The clock gladcfg reads (:mod:`gladcfg.clock`), set by tests: in-process with
:func:`set_clock`, and for a subprocess with :func:`clock_path`, a folder holding a
``sitecustomize`` module that sets it as the interpreter starts. Neither is anything a user
could reach: gladcfg itself reads only the system clock."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from gladcfg import clock


def set_clock(monkeypatch: pytest.MonkeyPatch, when: datetime) -> None:
    """gladcfg's clock reads ``when`` (aware) for the rest of the test."""
    assert when.tzinfo is not None, "give an aware time"
    monkeypatch.setattr(clock, "now", lambda: when)


def clock_path(folder: Path, when: datetime) -> str:
    """A folder to put first on a subprocess's ``PYTHONPATH`` so that its gladcfg reads
    ``when`` (aware) as the time."""
    assert when.tzinfo is not None, "give an aware time"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(
        "from datetime import datetime\n"
        "import gladcfg.clock\n"
        f"gladcfg.clock.now = lambda: datetime.fromisoformat({when.isoformat()!r})\n"
    )
    return str(folder)
