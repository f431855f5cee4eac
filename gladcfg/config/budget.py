"""What rendering one template may spend: time and memory.

A template is a program: loops nest, macros recurse, filters build strings. Jinja's sandbox
keeps it away from Python internals; these bounds keep it from hanging a run or exhausting
the machine, and turn either into an error that names the file and the budget:

* time: a deadline, enforced by an interval timer (``SIGALRM``) when rendering on the main
  thread (where gladcfg renders), which interrupts pure-Python loops wherever they are, and
  checked at every call a template makes and every few chunks it outputs, which also bounds
  renders that make calls or output on other threads;
* memory: on Linux, the memory the process maps is checked against what it used when the
  render started plus the budget, at the same points as the deadline; and the process's
  address-space limit is lowered to that plus some headroom while a template runs, so one
  huge allocation past it fails with ``MemoryError`` instead of driving the machine into
  swap (the headroom leaves Python room to raise it);
* single operations that could run for minutes in C without a chance to interrupt them
  (powers and products of huge integers) are refused by size before they start.
"""

from __future__ import annotations

import operator
import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Any

from gladcfg.model.project import RenderBudget

# Integers a template may build: far past any configuration value, and small enough that
# arithmetic on them is instantaneous.
MAX_INT_BITS = 100_000
MAX_REPEAT = 1_000_000
# Above the budget, the hard limit leaves this much for Python to report running out.
HEADROOM_BYTES = 64 * 1048576
# The memory in use is read at one checkpoint in this many (reading it costs a system call).
MEMORY_CHECK_EVERY = 64


class BudgetExceeded(BaseException):
    """A render ran out of its budget. A ``BaseException``, like ``KeyboardInterrupt``, so
    no ``except Exception`` in code a template calls can swallow it."""

    def __init__(self, message: str, *, of_time: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.of_time = of_time  # the deadline passed (not memory or output size)
        self.line: int | None = None  # the template line, where the render knows it


def time_message(budget: RenderBudget) -> str:
    return (
        f"rendering took longer than its budget of {budget.seconds:g} s "
        "(render_budget.seconds in gladcfg.yaml); a loop that never ends?"
    )


def memory_message(budget: RenderBudget) -> str:
    return (
        f"rendering needed more memory than its budget of {budget.memory_mib} MiB "
        "(render_budget.memory_mib in gladcfg.yaml)"
    )


_current = threading.local()
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def checkpoint() -> None:
    """Raise BudgetExceeded if the render running on this thread is past its budget."""
    guard: Guard | None = getattr(_current, "guard", None)
    if guard is not None:
        guard.check()


class Guard:
    """``with Guard(budget):`` around one render (or compile) of one template."""

    def __init__(self, budget: RenderBudget) -> None:
        self.budget = budget
        self.deadline = 0.0
        self._armed = False
        self._previous_handler: Any = None
        self._restore_memory: Callable[[], None] | None = None
        self._memory_ceiling: int | None = None
        self._checks = 0
        self._spent = False  # raised once already: the alarm must not raise again

    def __enter__(self) -> Guard:
        self.deadline = time.monotonic() + self.budget.seconds
        in_use = _mapped_bytes()
        if in_use is not None:
            self._memory_ceiling = in_use + self.budget.memory_mib * 1048576
        _current.guard = self
        if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
            self._previous_handler = signal.signal(signal.SIGALRM, self._on_alarm)
            self._armed = True
            signal.setitimer(signal.ITIMER_REAL, self.budget.seconds)
        if self._memory_ceiling is not None:
            self._restore_memory = _lower_address_space_limit(self._memory_ceiling + HEADROOM_BYTES)
        return self

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            self._exceeded(time_message(self.budget), of_time=True)
        self._checks += 1
        if self._memory_ceiling is not None and not self._checks % MEMORY_CHECK_EVERY:
            in_use = _mapped_bytes()
            if in_use is not None and in_use > self._memory_ceiling:
                self._exceeded(memory_message(self.budget))

    def _exceeded(self, message: str, *, of_time: bool = False) -> None:
        self._spent = True
        raise BudgetExceeded(message, of_time=of_time)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            _current.guard = None  # from here on, a late alarm is ignored
        finally:
            if self._armed:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, self._previous_handler or signal.SIG_DFL)
            if self._restore_memory is not None:
                self._restore_memory()

    def _on_alarm(self, signum: int, frame: FrameType | None) -> None:
        guard: Guard | None = getattr(_current, "guard", None)
        if guard is not None and not guard._spent:
            guard._exceeded(time_message(self.budget), of_time=True)


def _mapped_bytes() -> int | None:
    """The process's address space in use (Linux), or None where it cannot be read."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            return int(handle.read().split()[0]) * _PAGE_SIZE
    except (OSError, ValueError, IndexError):  # pragma: no cover - not Linux
        return None


def _lower_address_space_limit(limit: int) -> Callable[[], None] | None:
    """Cap the address space at ``limit`` bytes; returns how to undo it."""
    if not sys.platform.startswith("linux"):  # pragma: no cover - Linux runs the tests
        return None

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft != resource.RLIM_INFINITY and soft <= limit:
        return None  # someone set a tighter limit already: keep it
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    return lambda: resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _bounded_mul(left: Any, right: Any) -> Any:
    for seq, count in ((left, right), (right, left)):
        repeats = isinstance(seq, str | list | tuple) and isinstance(count, int)
        if repeats and len(seq) * max(count, 0) > MAX_REPEAT:
            raise ValueError(f"repetition would build more than {MAX_REPEAT} items")
    if _is_int(left) and _is_int(right) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
        raise ValueError(f"the product would have more than {MAX_INT_BITS} bits")
    return operator.mul(left, right)


def _bounded_pow(left: Any, right: Any) -> Any:
    if (
        _is_int(left)
        and _is_int(right)
        and abs(left) > 1
        and right > 0
        and (abs(left).bit_length() - 1) * right > MAX_INT_BITS
    ):
        raise ValueError(f"the power would have more than {MAX_INT_BITS} bits")
    return operator.pow(left, right)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


BINOPS: dict[str, Callable[[Any, Any], Any]] = {"*": _bounded_mul, "**": _bounded_pow}
