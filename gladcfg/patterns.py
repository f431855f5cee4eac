"""Regular expressions that run on names and paths users choose, in linear time.

Policy patterns in ``gladcfg.yaml`` run against every resource name of a project, and
resource globs against every path under it. Python's ``re`` backtracks: a pattern as
innocent-looking as ``^([a-z0-9]+-?)+$`` takes exponential time on a 41-character name that
almost matches. RE2, Google's engine, guarantees time linear in the input and bounded
memory; the price is that it refuses the constructs that need backtracking
(backreferences, lookaround), which is then an error in the file that holds the pattern.
"""

from __future__ import annotations

from typing import Any, Protocol

MAX_PATTERN_CHARS = 1000
# RE2 compiles into automata within this much memory, or refuses the pattern.
MAX_PATTERN_MEMORY = 8 * 1024 * 1024


class Matcher(Protocol):
    def search(self, text: str) -> object | None: ...

    def fullmatch(self, text: str) -> object | None: ...


class PatternError(ValueError):
    """A pattern the engine refuses; the message says why, in RE2's words."""


def compile_pattern(pattern: str) -> Matcher:
    """``pattern`` compiled by RE2, or :class:`PatternError`."""
    import re2

    if len(pattern) > MAX_PATTERN_CHARS:
        raise PatternError(f"is {len(pattern)} characters long; the limit is {MAX_PATTERN_CHARS}")
    options: Any = re2.Options()
    options.log_errors = False  # RE2 would print to stderr; the error is reported instead
    options.max_mem = MAX_PATTERN_MEMORY
    try:
        compiled: Matcher = re2.compile(pattern, options=options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise PatternError(
            f"{reason} (patterns run on RE2, which has no backreferences or lookaround, "
            "so matching takes linear time)"
        ) from None
    return compiled
