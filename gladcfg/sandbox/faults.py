"""The faults a sandbox injects (``--faults``): which request meets which."""

from __future__ import annotations

from dataclasses import dataclass

FAULT_NAMES = {
    "429_every": "rate_limit_every",
    "500_every": "error_every",
    "html_every": "html_every",
    "drop_every": "drop_every",
    "truncate_every": "truncate_every",
    "latency_ms": "latency_ms",
}


@dataclass
class SandboxFaults:
    """Every Nth request (counted over all requests) meets one fault; the first that
    applies wins, in this order: 429; 500 (every other one after the API handled the
    request: a server can fail on either side of its commit); a proxy's HTML page with
    status 200, the request never reaching the API; ``drop``: the request handled, then the
    connection closed without an answer (the response is lost); ``truncate``: the request
    handled, then half its response and the connection closed. Every request waits
    ``latency_ms``."""

    rate_limit_every: int = 0
    error_every: int = 0
    html_every: int = 0
    drop_every: int = 0
    truncate_every: int = 0
    latency_ms: int = 0

    @classmethod
    def parse(cls, text: str | None) -> SandboxFaults:
        """``429_every=5,500_every=7,drop_every=11,latency_ms=20``"""
        faults = cls()
        for item in (text or "").split(","):
            if not item.strip():
                continue
            key, _, value = item.partition("=")
            name = FAULT_NAMES.get(key.strip())
            if name is None:
                raise ValueError(f"unknown fault {key.strip()!r}; use {', '.join(FAULT_NAMES)}")
            if not value.strip().isdigit():
                raise ValueError(f"{key.strip()} needs a whole number, not {value.strip()!r}")
            setattr(faults, name, int(value))
        return faults

    def at(self, count: int) -> str | None:
        """The fault request number ``count`` meets, if any."""
        for name in ("error_every", "html_every", "drop_every", "truncate_every"):
            every = getattr(self, name)
            if every and count % every == 0:
                return name.removesuffix("_every")
        return None
