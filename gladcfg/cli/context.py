"""What the global options decide, handed to every command."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class AppContext:
    root: Path
    color: bool | None  # None: colour when the stream is a terminal
    verbose: int

    @property
    def use_color(self) -> bool | None:
        if self.color is False or os.environ.get("NO_COLOR"):
            return False
        return self.color
