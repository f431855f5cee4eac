"""The process's signal handling, driven by real signals sent to this process."""

from __future__ import annotations

import importlib
import os
import signal
import sys
import threading
from collections.abc import Iterator

import pytest

from gladcfg import interrupts


@pytest.fixture(autouse=True)
def handlers() -> Iterator[None]:
    restore = interrupts.install()
    yield
    restore()


def signal_self(*signums: int) -> None:
    """Send the signals, then wait where the main thread waits during an apply: the handler
    runs there (and raises there, unless held)."""
    for signum in signums:
        os.kill(os.getpid(), signum)
    threading.Event().wait(0.05)


def test_sigterm_raises_terminated_a_kind_of_keyboard_interrupt() -> None:
    with pytest.raises(interrupts.Terminated):
        signal_self(signal.SIGTERM)
    assert isinstance(interrupts.Terminated(), KeyboardInterrupt)
    assert interrupts.received() == signal.SIGTERM


def nested_held_blocks() -> tuple[bool, bool]:
    """Two guarded blocks, both held, signalled in the inner; returns what each was told."""
    with interrupts.guarded() as outer:
        outer.hold()
        with interrupts.guarded() as inner:
            inner.hold()
            before = inner.requested
            signal_self(signal.SIGTERM, signal.SIGINT)
        # the inner block ended: still held by the outer one, so nothing raised yet
        told = (before, outer.requested)
        assert told == (False, True)
    return told


def test_a_held_guard_records_signals_and_raises_the_first_when_it_ends(
    capfd: pytest.CaptureFixture[str],
) -> None:
    seen: list[tuple[bool, bool]] = []
    with pytest.raises(interrupts.Terminated):
        seen.append(nested_held_blocks())
    assert seen == []  # raised as the outer block ended, after its work returned
    assert "terminated: finishing the changes in flight" in capfd.readouterr().err
    assert interrupts.received() == signal.SIGTERM


def unheld_block() -> None:
    with interrupts.guarded():
        signal_self(signal.SIGINT)


def test_a_guard_not_yet_held_lets_the_signal_raise() -> None:
    with pytest.raises(KeyboardInterrupt):
        unheld_block()


def failing_held_block() -> None:
    with interrupts.guarded() as guard:
        guard.hold()
        signal_self(signal.SIGTERM)
        assert guard.requested
        raise ValueError("disk full")


def test_an_error_inside_the_guard_wins_over_a_held_signal() -> None:
    with pytest.raises(ValueError, match="disk"):
        failing_held_block()
    with interrupts.guarded():  # the held signal was not left over for the next block
        pass


def test_a_forked_worker_leaves_the_signal_to_the_main_process() -> None:
    interrupts._State.owner = os.getpid() + 1  # as a forked child sees it
    signal_self(signal.SIGTERM)
    assert interrupts.received() is None


class SignalledWhileCollected:
    """An object whose finaliser receives the signal: Python cannot raise out of it."""

    def __init__(self, signum: int) -> None:
        self.signum = signum

    def __del__(self) -> None:
        signal_self(self.signum)


def test_a_signal_python_cannot_raise_is_held_by_the_next_guard_and_stops_it(
    capfd: pytest.CaptureFixture[str],
) -> None:
    """A signal arriving in a finaliser (a garbage collection, an import's lock) raises
    where nothing can catch it: it must neither print a traceback nor be lost."""
    SignalledWhileCollected(signal.SIGTERM)  # collected at once: the signal arrives in it
    assert interrupts.swallowed() == signal.SIGTERM
    assert "Traceback" not in capfd.readouterr().err
    told: list[bool] = []

    def about_to_write() -> None:
        with interrupts.guarded() as stop:
            stop.hold()  # about to write: it stops before starting anything
            told.append(stop.requested)

    with pytest.raises(interrupts.Terminated):
        about_to_write()
    assert told == [True]
    assert interrupts.swallowed() is None  # stopped for


def test_other_unraisable_errors_go_to_the_hook_there_was(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Broken:
        def __del__(self) -> None:
            raise ValueError("a finaliser's own bug")

    seen: list[BaseException | None] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: seen.append(u.exc_value))
    restore = interrupts.install()
    try:
        Broken()
        assert [str(e) for e in seen] == ["a finaliser's own bug"]
        assert interrupts.swallowed() is None
    finally:
        restore()
    assert sys.unraisablehook is not None and interrupts.swallowed() is None


def test_a_run_that_goes_on_after_a_swallowed_signal_ends_as_stopped(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    cli_main = importlib.import_module("gladcfg.cli.main")

    def finishes_anyway(**_: object) -> int:
        SignalledWhileCollected(signal.SIGINT)
        return 0

    monkeypatch.setattr(cli_main.cli, "main", finishes_anyway)
    assert cli_main._run(["validate"], verbose=False, color=False) == 130
    assert capfd.readouterr().err.rstrip().endswith("interrupted")


def test_a_signal_handled_once_the_run_is_over_is_recorded_not_raised() -> None:
    # Changing a handler first runs any still pending: the undo's own calls must not raise.
    restore = interrupts.install()
    handler = signal.getsignal(signal.SIGINT)
    restore()
    assert callable(handler)
    handler(signal.SIGINT, None)
    assert interrupts.received() == signal.SIGINT
