"""The process's signal handling, driven by real signals sent to this process."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator

import pytest

from gladcfg import interrupts


@pytest.fixture(autouse=True)
def handlers() -> Iterator[None]:
    restore = interrupts.install()
    yield
    restore()


def test_sigterm_raises_terminated_a_kind_of_keyboard_interrupt() -> None:
    with pytest.raises(interrupts.Terminated):
        os.kill(os.getpid(), signal.SIGTERM)
        threading.Event().wait(5)  # the handler raises here, in the main thread
    assert isinstance(interrupts.Terminated(), KeyboardInterrupt)
    assert interrupts.received() == signal.SIGTERM


def test_a_held_guard_records_signals_and_raises_the_first_when_it_ends(
    capfd: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(interrupts.Terminated), interrupts.guarded() as outer:
        outer.hold()
        with interrupts.guarded() as inner:
            inner.hold()
            assert not inner.requested
            os.kill(os.getpid(), signal.SIGTERM)
            os.kill(os.getpid(), signal.SIGINT)
            threading.Event().wait(0.05)
            assert inner.requested and outer.requested
        # the inner block ended: still held by the outer one, nothing raised yet
    assert "terminated: finishing the changes in flight" in capfd.readouterr().err
    assert interrupts.received() == signal.SIGTERM


def test_a_guard_not_yet_held_lets_the_signal_raise() -> None:
    with pytest.raises(KeyboardInterrupt), interrupts.guarded():
        os.kill(os.getpid(), signal.SIGINT)
        threading.Event().wait(5)


def test_an_error_inside_the_guard_wins_over_a_held_signal() -> None:
    with pytest.raises(ValueError, match="disk"), interrupts.guarded() as guard:
        guard.hold()
        os.kill(os.getpid(), signal.SIGTERM)
        threading.Event().wait(0.05)
        raise ValueError("disk full")
    with interrupts.guarded():  # the held signal was not left over for the next block
        pass


def test_a_forked_worker_leaves_the_signal_to_the_main_process() -> None:
    interrupts._State.owner = os.getpid() + 1  # as a forked child sees it
    os.kill(os.getpid(), signal.SIGTERM)
    threading.Event().wait(0.05)
    assert interrupts.received() is None
