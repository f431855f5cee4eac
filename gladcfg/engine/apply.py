"""Carry out a plan's changes: in dependency order, independent ones in parallel.

Two phases, as SPEC §5 orders them: first creates, updates and renames, each after the
objects it refers to exist; then deletes, each after everything that referred to the object
stopped doing so. A change that fails never stops an independent one; the changes that
depend on it are skipped. Manual changes are never sent, and changes needing one wait.

Asked to stop (Ctrl-C, SIGTERM), an apply starts no more changes, lets those in flight
finish, and reports exactly what it did; the rest is left for the next apply.
"""

from __future__ import annotations

import enum
import logging
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Protocol

from gladcfg.adapter.base import Adapter, RemoteObject, RemoteState
from gladcfg.errors import GladcfgError
from gladcfg.model.kinds import address_of, references_in
from gladcfg.plan.model import Action, Change, Plan

log = logging.getLogger(__name__)


class Status(enum.Enum):
    APPLIED = "applied"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Outcome:
    change: Change
    status: Status
    reason: str = ""
    # An applied create that took over an object already there: that object as it was.
    adopted: RemoteObject | None = None


@dataclass(frozen=True)
class ApplyReport:
    outcomes: tuple[Outcome, ...]
    # The plan that undoes what was applied, when the apply was asked to record it.
    rollback: Plan | None = None
    # Stopped before every change was started: the changes without an outcome never were.
    interrupted: bool = False
    # What went wrong once the changes were made (saving them, reading for the rollback).
    error: GladcfgError | None = None

    def of(self, status: Status) -> list[Outcome]:
        return [o for o in self.outcomes if o.status is status]

    @property
    def ok(self) -> bool:
        return (
            not self.interrupted
            and self.error is None
            and all(o.status is Status.APPLIED for o in self.outcomes)
        )


class StopRequest(Protocol):
    """How an apply learns it should stop (see :mod:`gladcfg.interrupts`)."""

    def hold(self) -> None:
        """Writes are about to start: from now on a stop must wait for them to finish."""

    @property
    def requested(self) -> bool: ...


Listener = Callable[[Outcome], None]
Key = tuple[str, str]  # (kind, name) of the object a change leaves behind
# Change → the changes it waits for, each once (only changes that wait for some).
Deps = dict[int, tuple[int, ...]]


def refers_to(kind: str, spec: dict[str, Any] | None) -> Iterable[Key]:
    """(kind, name) of every object ``spec`` refers to."""
    return ((target, name) for _, target, name in references_in(kind, spec))


def apply_changes(
    adapter: Adapter,
    changes: Sequence[Change],
    remote: RemoteState,
    *,
    parallelism: int = 4,
    listener: Listener | None = None,
    stop: StopRequest | None = None,
) -> ApplyReport:
    """Send ``changes`` (a plan's, checked against ``remote`` already) through ``adapter``;
    once ``stop`` is requested, start no more of them."""
    notify = listener or (lambda _: None)
    writes = [c for c in changes if c.action is not Action.MANUAL and c.action is not Action.DELETE]
    deletes = [c for c in changes if c.action is Action.DELETE]
    # Objects a manual change must create first: changes referring to them have to wait.
    awaiting = {
        (c.kind, c.name): c
        for c in changes
        if c.action is Action.MANUAL and c.manual_action in (Action.CREATE, Action.RENAME)
    }
    runner = _Runner(adapter, remote, parallelism, notify, stop)
    # The change that makes each object exist (a create or a rename), by address.
    providers = {
        c.address: i for i, c in enumerate(writes) if c.action in (Action.CREATE, Action.RENAME)
    }
    write_deps: Deps = {}
    blocked: dict[int, str] = {}
    for i, change in enumerate(writes):
        needs = set()
        for key in refers_to(change.kind, change.after):
            provider = providers.get(address_of(*key))
            if provider is not None and provider != i:
                needs.add(provider)
            elif key in awaiting:
                blocked[i] = (
                    f"needs {awaiting[key].address}, a manual change: make it in the admin UI, "
                    "then apply again"
                )
        if needs:
            write_deps[i] = tuple(needs)
    written = runner.run(writes, write_deps, blocked)
    if runner.stopped:
        return ApplyReport(_started(written), interrupted=True)
    # A delete waits for the deletes of objects that refer to its object, and is skipped
    # when a change that was to stop referring to it did not apply.
    referrers: dict[Key, list[int]] = {}
    for j, other in enumerate(deletes):
        for key in refers_to(other.kind, other.before):
            referrers.setdefault(key, []).append(j)
    still_referring: dict[Key, Change] = {}
    for outcome in _started(written):
        if outcome.status is not Status.APPLIED:
            for key in refers_to(outcome.change.kind, outcome.change.before):
                still_referring.setdefault(key, outcome.change)
    delete_deps: Deps = {}
    delete_blocked: dict[int, str] = {}
    for i, change in enumerate(deletes):
        key = (change.kind, change.name)
        needs = {j for j in referrers.get(key, ()) if j != i}
        if needs:
            delete_deps[i] = tuple(needs)
        if key in still_referring:
            delete_blocked[i] = f"{still_referring[key].address} still refers to it"
    deleted = runner.run(deletes, delete_deps, delete_blocked)
    return ApplyReport(_started(written + deleted), interrupted=runner.stopped)


def _started(outcomes: list[Outcome | None]) -> tuple[Outcome, ...]:
    """The outcomes of the changes that were started (a stop leaves the others)."""
    return tuple(outcome for outcome in outcomes if outcome is not None)


class _Runner:
    """Runs one phase: a DAG of changes on a bounded thread pool."""

    def __init__(
        self,
        adapter: Adapter,
        remote: RemoteState,
        parallelism: int,
        notify: Listener,
        stop: StopRequest | None,
    ):
        self._adapter = adapter
        self._remote = remote
        # Writes that do not wait on a network would only take turns on threads: one by one,
        # on this thread, they go about twice as fast (the mock's, 0.25 ms instead of 0.5).
        self._parallelism = max(1, parallelism) if adapter.concurrent_writes else 1
        self._notify = notify
        self._stop = stop
        self.stopped = False

    def run(
        self, changes: Sequence[Change], deps: Deps, blocked: dict[int, str]
    ) -> list[Outcome | None]:
        """Each change's outcome, by position: None for those a stop left unstarted."""
        phase = _Phase(changes, deps, self._notify)
        for i in range(len(changes)):
            if i in blocked:
                phase.settle(i, Outcome(changes[i], Status.SKIPPED, blocked[i]))
            elif phase.waiting[i] == 0:
                phase.ready.append(i)
        ready, outcomes = phase.ready, phase.outcomes
        if self._parallelism == 1:
            while ready and not self._stopping(ready):
                i = ready.popleft()
                if outcomes[i] is None:
                    try:
                        adopted = self._execute(changes[i])
                    except Exception as error:
                        phase.finish(i, error)
                    else:
                        phase.finish(i, None, adopted)
            return outcomes
        with ThreadPoolExecutor(max_workers=self._parallelism) as pool:
            running: dict[Future[RemoteObject | None], int] = {}
            while ready or running:
                self._stopping(ready)
                while ready and len(running) < self._parallelism:
                    i = ready.popleft()
                    if outcomes[i] is None:
                        running[pool.submit(self._execute, changes[i])] = i
                if not running:
                    continue
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    failure = future.exception()
                    adopted = None if failure is not None else future.result()
                    phase.finish(running.pop(future), failure, adopted)
        return outcomes

    def _stopping(self, ready: deque[int]) -> bool:
        """Whether a stop was asked for: then the changes not started are left (for the
        next apply) and ``ready`` is emptied."""
        if ready and self._stop is not None and self._stop.requested:
            self.stopped = True
            ready.clear()
        return self.stopped

    def _execute(self, change: Change) -> RemoteObject | None:
        """Send ``change``; for a create that took over an object already there, that
        object as it was."""
        adapter = self._adapter
        if change.action is Action.CREATE:
            assert change.after is not None
            return adapter.create(change.kind, change.name, change.after).adopted
        if change.action is Action.UPDATE:
            assert change.after is not None
            adapter.update(change.kind, self._object(change, change.name), change.after)
        elif change.action is Action.RENAME:
            assert change.after is not None and change.renamed_from is not None
            old = self._object(change, change.renamed_from)
            adapter.rename(change.kind, old, change.name, change.after)
        elif change.action is Action.DELETE:
            adapter.delete(change.kind, self._object(change, change.name))
        return None

    def _object(self, change: Change, name: str) -> RemoteObject:
        obj = self._remote.of(change.kind).get(name)
        if obj is None:
            obj = RemoteObject(change.remote_id or "", name, change.before or {})
        return obj


class _Phase:
    """One phase's bookkeeping: each change's outcome, how many changes each still waits
    for, and the changes ready to start."""

    def __init__(self, changes: Sequence[Change], deps: Deps, notify: Listener) -> None:
        self._changes = changes
        self._notify = notify
        self.outcomes: list[Outcome | None] = [None] * len(changes)
        self.waiting = [0] * len(changes)
        self._dependents: dict[int, list[int]] = {}
        for i, d in deps.items():
            self.waiting[i] = len(d)
            for j in d:
                self._dependents.setdefault(j, []).append(i)
        self.ready: deque[int] = deque()  # popped from the left: a list would be quadratic

    def finish(
        self, i: int, error: BaseException | None, adopted: RemoteObject | None = None
    ) -> None:
        change = self._changes[i]
        if error is None:
            self.settle(i, Outcome(change, Status.APPLIED, adopted=adopted))
        else:
            self.settle(i, Outcome(change, Status.FAILED, _reason(change, error)))

    def settle(self, i: int, outcome: Outcome) -> None:
        """Record an outcome: what waited for the change is ready once nothing else holds
        it back, or skipped (and what waited for that, however long the chain) when the
        change did not apply."""
        settling = [(i, outcome)]
        while settling:
            i, outcome = settling.pop()
            if self.outcomes[i] is not None:
                continue
            self.outcomes[i] = outcome
            self._notify(outcome)
            for k in reversed(self._dependents.get(i, ())):
                if self.outcomes[k] is not None:
                    continue
                if outcome.status is not Status.APPLIED:
                    reason = f"depends on {self._changes[i].address}, which {outcome.status.value}"
                    settling.append((k, Outcome(self._changes[k], Status.SKIPPED, reason)))
                    continue
                self.waiting[k] -= 1
                if self.waiting[k] == 0:
                    self.ready.append(k)


def _reason(change: Change, error: BaseException) -> str:
    if isinstance(error, GladcfgError):
        return str(error)
    # A bug, not the remote's answer: its traceback goes to the log (-v), the line stays short.
    log.info("%s: unexpected error", change.address, exc_info=error)
    return f"internal error: {type(error).__name__}: {error}"
