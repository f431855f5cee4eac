"""Ctrl-C and SIGTERM: a run stops cleanly, and an apply finishes what it started first.

Both signals stop a run the way Ctrl-C always has: SIGINT raises ``KeyboardInterrupt`` and
SIGTERM (what CI runners and ``timeout`` send) raises :class:`Terminated`, a subclass, so
every path that stops cleanly on one stops cleanly on the other; the CLI exits 130 or 143.

An apply cannot stop just anywhere: a write in flight must finish, and what was written must
be saved, reported and, when asked, recorded in a rollback plan. Inside :func:`guarded`,
once the apply calls :meth:`Guard.hold` (it is about to write), a signal no longer raises:
it is recorded and asks the apply to stop, which then starts no more changes, lets those in
flight finish, persists and reports. The signal is raised when the outermost guarded block
ends. A second signal meanwhile only repeats the request.

Python cannot raise out of every place a handler runs: raised inside a ``__del__`` or a
weakref callback (a garbage collection, an import's lock), the exception is printed as
"Exception ignored" and the run goes on. Such a signal is caught by the unraisable hook
instead, quietly, and still stops the run: the next :meth:`Guard.hold` holds it as though
it had arrived then (nothing is written), and a run that ends without having stopped for it
ends as stopped (:func:`swallowed`).

Once the run is over (the undo :func:`install` returns), a late signal is only recorded: the
run's own exit code stands.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType

EXIT_CODES: dict[int, int] = {signal.SIGINT: 130, signal.SIGTERM: 143}
NAMES: dict[int, str] = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}


class Terminated(KeyboardInterrupt):
    """SIGTERM: stop as for Ctrl-C, then exit 143."""


class _State:
    owner = 0  # the process that installed the handler; forked workers ignore signals
    received: list[int] = []  # noqa: RUF012 - process-wide on purpose
    held = 0  # guards that asked to finish their work rather than be cut short
    depth = 0  # guarded blocks entered and not yet left
    pending: int | None = None  # the first signal recorded, not raised, while held
    swallowed: int | None = None  # a signal whose exception Python could not raise
    over = False  # the run has ended: a signal now is recorded, never raised
    stop = threading.Event()
    lock = threading.Lock()  # for the counters; never taken by the handler


def install() -> Callable[[], None]:
    """Handle SIGINT and SIGTERM in this process (from its main thread); returns the undo."""
    _State.owner = os.getpid()
    _State.received = []
    _State.held = _State.depth = 0
    _State.pending = _State.swallowed = None
    _State.over = False
    _State.stop = threading.Event()
    previous = {signum: signal.signal(signum, _handle) for signum in EXIT_CODES}
    hook = sys.unraisablehook

    def unraisable(unraisable: sys.UnraisableHookArgs) -> None:
        exc = unraisable.exc_value
        if isinstance(exc, KeyboardInterrupt) and _State.received:
            if _State.swallowed is None:
                _State.swallowed = signal.SIGTERM if isinstance(exc, Terminated) else signal.SIGINT
            return
        hook(unraisable)

    sys.unraisablehook = unraisable

    def restore() -> None:
        _State.over = True  # signal.signal runs a pending handler first: it must not raise
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        sys.unraisablehook = hook
        _State.swallowed = None
        if _State.received:
            _forget_unhandled_interrupt()

    return restore


def _forget_unhandled_interrupt() -> None:
    # A KeyboardInterrupt that ends a string ``exec`` (dataclasses, namedtuple and pydantic
    # build code that way) sets CPython's "unhandled Ctrl-C" flag even when a caller catches
    # it, and under ``python -m`` the interpreter then kills itself with SIGINT once it has
    # exited: the run's 130 would be lost. Every string eval clears the flag, this one too.
    exec("pass", {})


def received() -> int | None:
    """The first signal this run received, if any."""
    return _State.received[0] if _State.received else None


def swallowed() -> int | None:
    """A signal whose exception Python could not raise where the handler ran, and that
    nothing has stopped for since: the run should end as stopped by it."""
    return _State.swallowed


def exception_for(signum: int) -> KeyboardInterrupt:
    return Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


def _handle(signum: int, _: FrameType | None) -> None:
    if os.getpid() != _State.owner:
        return  # a forked worker: the main process stops it
    _State.received.append(signum)
    _State.stop.set()
    if _State.over:
        return
    if _State.held:
        if _State.pending is None:
            _State.pending = signum
            _say(f"{NAMES[signum]}: finishing the changes in flight, then saving and reporting")
        return
    raise exception_for(signum)


def _say(text: str) -> None:
    # A handler must not take locks an interrupted print may hold: one raw write.
    with contextlib.suppress(OSError):
        os.write(2, f"\n{text}\n".encode())


class Guard:
    """What a guarded block hands the work that must finish once started."""

    def __init__(self) -> None:
        self._held = False

    def hold(self) -> None:
        """From now until the guarded block ends, a signal asks to stop, never raises."""
        with _State.lock:
            if not self._held:
                self._held = True
                _State.held += 1
            if _State.swallowed is not None:  # held now, as though it had just arrived
                _State.pending = _State.pending or _State.swallowed
                _State.swallowed = None

    @property
    def requested(self) -> bool:
        """A signal asked the run to stop."""
        return _State.stop.is_set()

    def _release(self) -> None:
        with _State.lock:
            if self._held:
                self._held = False
                _State.held -= 1


@contextlib.contextmanager
def guarded() -> Iterator[Guard]:
    """A block that may hold signals back (see :class:`Guard`); when the outermost such
    block ends normally, a signal it held back is raised."""
    guard = Guard()
    with _State.lock:
        _State.depth += 1
    try:
        yield guard
    finally:
        guard._release()
        with _State.lock:
            _State.depth -= 1
            outermost = _State.depth == 0
            pending = _State.pending if outermost else None
            if outermost:
                _State.pending = None
    if pending is not None:
        raise exception_for(pending)
