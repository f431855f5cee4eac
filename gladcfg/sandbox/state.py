"""The sandbox's state: one JSON file, read when the sandbox starts and written whole after
every change, so a run can be inspected and replayed."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gladcfg.fileio import write_atomically
from gladcfg.sandbox.faults import SandboxFaults


def empty_state() -> dict[str, Any]:
    return {
        "organization": {"id": "org-1", "name": "Sandbox", "timezone": "America/New_York"},
        "languages": ["en-us"],
        "audiences": {},
        "teams": {},
        "inboxes": {},
        "topics": {},
        "business_hours": {},
        "answers": {},
        "webhooks": {},
    }


@dataclass
class Sandbox:
    state_path: Path
    token: str | None = None
    requests_per_second: int = 10
    faults: SandboxFaults = field(default_factory=SandboxFaults)
    log: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.state_path.exists():
            self.state = {
                **empty_state(),
                **json.loads(self.state_path.read_text(encoding="utf-8")),
            }
        else:
            self.state = empty_state()
            self.save()

    def save(self) -> None:
        # Atomic but not fsynced: a stand-in needs no durability, and a flush per write
        # would stall the event loop that timestamps arrivals for the rate limit.
        text = json.dumps(self.state, indent=1, sort_keys=True) + "\n"
        write_atomically(self.state_path, text, durable=False)

    def new_id(self) -> str:
        return secrets.token_hex(6)


def now() -> str:
    """The time a write stamps on what it creates or changes, as Gladly writes it."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
