"""Carry out a plan's changes: in dependency order, independent ones in parallel.

Two phases, as SPEC §5 orders them: first creates, updates and renames, each after the
objects it refers to exist; then deletes, each after everything that referred to the object
stopped doing so. A change that fails never stops an independent one; the changes that
depend on it are skipped. Manual changes are never sent, and changes needing one wait.

Another apply (or an admin) may write the instance while this one runs: a write that finds
the instance not as the plan read it (the name taken, the object changed or gone) is looked
up, and if the instance already holds what the change makes, the change is done ("already
there"), not failed; two applies of the same files at once both end as applied. One that
finds something else there is a conflict that says what differs: plan again.

Asked to stop (Ctrl-C, SIGTERM), an apply starts no more changes, lets those in flight
finish, and reports exactly what it did; the rest is left for the next apply.
"""

from __future__ import annotations

import enum
import logging
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from gladcfg.adapter.base import Adapter, Batches, LooksUp, RemoteObject, RemoteState
from gladcfg.errors import ChangedError, ExistsError, GladcfgError, GoneError, NotKeptError
from gladcfg.model.kinds import comparable, references_in, rename_references
from gladcfg.model.plan import Action, Change, Plan
from gladcfg.plan.diff import field_diff

if TYPE_CHECKING:
    from gladcfg.hours.freezes import BrokenGlass

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
    # Applied without being sent: the instance held what the change makes already (another
    # apply made it meanwhile). A rollback leaves it: this apply did not make it.
    already: bool = False


@dataclass(frozen=True)
class ApplyReport:
    outcomes: tuple[Outcome, ...]
    # The plan that undoes what was applied, when the apply was asked to record it.
    rollback: Plan | None = None
    # Stopped before every change was started: the changes without an outcome never were.
    interrupted: bool = False
    # What went wrong once the changes were made (saving them, reading for the rollback).
    error: GladcfgError | None = None
    # Made while a freeze held, with --break-glass: the reason, and which freezes.
    break_glass: BrokenGlass | None = None

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


def send_changes(
    adapter: Adapter,
    changes: Sequence[Change],
    remote: RemoteState,
    *,
    parallelism: int = 4,
    listener: Listener | None = None,
    stop: StopRequest | None = None,
    recheck: bool = False,
) -> ApplyReport:
    """Send ``changes`` (a plan's, checked against ``remote`` already) through ``adapter``;
    once ``stop`` is requested, start no more of them.

    With ``recheck``, ``remote`` (read just now) is not as the changes were planned from:
    another apply wrote the instance in between. Each change whose object is still as
    planned is sent as planned; any other is not sent: it is done when the instance holds
    what it makes already, and a conflict otherwise. For a fresh plan only: a saved plan
    applies to the state it was made from, or not at all."""
    notify = listener or (lambda _: None)
    writes = [c for c in changes if c.action is not Action.MANUAL and c.action is not Action.DELETE]
    deletes = [c for c in changes if c.action is Action.DELETE]
    # Objects a manual change must create first: changes referring to them have to wait.
    awaiting = {
        (c.kind, c.name): c
        for c in changes
        if c.action is Action.MANUAL and c.manual_action in (Action.CREATE, Action.RENAME)
    }
    renames: dict[str, dict[str, str]] = {}
    for change in changes if recheck else ():
        if change.effective_action is Action.RENAME and change.renamed_from is not None:
            renames.setdefault(change.kind, {})[change.renamed_from] = change.name
    runner = _Runner(
        adapter, remote, parallelism, notify, stop, renames=renames if recheck else None
    )
    # The change that makes each object exist (a create or a rename), by kind then name (a
    # large apply's changes are many: no key of their own each).
    providers: dict[str, dict[str, int]] = {}
    for i, c in enumerate(writes):
        if c.action in (Action.CREATE, Action.RENAME):
            providers.setdefault(c.kind, {})[c.name] = i
    write_deps: Deps = {}
    blocked: dict[int, str] = {}
    for i, change in enumerate(writes):
        needs = set()
        for key in refers_to(change.kind, change.after):
            kind, name = key
            provider = providers.get(kind, {}).get(name)
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
        *,
        renames: Mapping[str, Mapping[str, str]] | None = None,
    ):
        self._adapter = adapter
        self._remote = remote
        # Set when ``remote`` is not what the changes were planned from (``recheck``): the
        # renames the plan makes, which its specs already follow.
        self._renames = renames
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
        free = [i for i in range(len(changes)) if phase.waiting[i] == 0]
        for i, change in enumerate(changes):
            if i in blocked:
                phase.settle(i, Outcome(change, Status.SKIPPED, blocked[i]))
            elif self._renames is not None:
                # Settled now (done, or a conflict), its dependents may become ready.
                early = self._as_planned(change)
                if early is not None:
                    phase.settle(i, early)
        ready, outcomes = phase.ready, phase.outcomes
        ready.extend(i for i in free if outcomes[i] is None)
        if self._parallelism == 1:
            batches = self._adapter if isinstance(self._adapter, Batches) else None
            alone = 0  # the next changes to send one by one: a batch that was not kept
            while ready and not self._stopping(ready):
                if batches is not None and not alone:
                    alone = self._batch(phase, changes, batches)
                    continue
                alone = max(0, alone - 1)
                i = ready.popleft()
                if outcomes[i] is None:
                    phase.settle(i, self._execute(changes[i]))
            return outcomes
        with ThreadPoolExecutor(max_workers=self._parallelism) as pool:
            running: dict[Future[Outcome], int] = {}
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
                    i = running.pop(future)
                    failure = future.exception()
                    if failure is None:
                        phase.settle(i, future.result())
                    else:
                        phase.settle(
                            i, Outcome(changes[i], Status.FAILED, _reason(changes[i], failure))
                        )
        return outcomes

    def _batch(self, phase: _Phase, changes: Sequence[Change], adapter: Batches) -> int:
        """Send up to ``BATCH`` of the ready changes in one batch of the adapter's, and
        settle them (report them, ready what waits for them) only once it is kept: a change
        reported applied is kept. A batch not kept kept none of its writes: its changes go
        back to the front of ``ready``, to be sent again one by one, each write on its own
        (and failing on its own, if it does), as are the changes after them up to a batch's
        worth: how many to send so is returned. A store that cannot keep a batch at all (a
        read-only file) is tried again only a batch later."""
        ready, outcomes = phase.ready, phase.outcomes
        sent: list[tuple[int, Outcome]] = []
        try:
            with adapter.batch():
                while ready and len(sent) < BATCH and not self._stopping(ready):
                    i = ready.popleft()
                    if outcomes[i] is None:
                        sent.append((i, self._execute(changes[i])))
        except NotKeptError as error:
            log.info("%d writes not kept together (%s): sending each alone", len(sent), error)
            ready.extendleft(i for i, _ in reversed(sent))
            return BATCH
        for i, outcome in sent:
            phase.settle(i, outcome)
        return 0

    def _stopping(self, ready: deque[int]) -> bool:
        """Whether a stop was asked for: then the changes not started are left (for the
        next apply) and ``ready`` is emptied."""
        if ready and self._stop is not None and self._stop.requested:
            self.stopped = True
            ready.clear()
        return self.stopped

    def _execute(self, change: Change) -> Outcome:
        """Send ``change``, and how it went."""
        try:
            adopted = self._send(change)
        except Exception as error:
            found = self._meanwhile(change, error)
            return found or Outcome(change, Status.FAILED, _reason(change, error))
        return Outcome(change, Status.APPLIED, adopted=adopted)

    def _send(self, change: Change) -> RemoteObject | None:
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

    def _meanwhile(self, change: Change, error: Exception) -> Outcome | None:
        """The outcome of a write that found the instance not as the plan read it: done,
        when it holds what the change makes already; a conflict saying what differs, when a
        create finds another object under its name. None: the failure stands as it is."""
        conflicts = (ExistsError, GoneError, ChangedError)
        if not isinstance(error, conflicts) or not isinstance(self._adapter, LooksUp):
            return None
        try:
            found = self._adapter.lookup(change.kind, change.name)
        except GladcfgError:
            return None  # the instance could not say: the write's own failure stands
        if change.action is Action.DELETE:
            if found is not None or not isinstance(error, GoneError):
                return None  # still there, or made again under the name since
            return Outcome(change, Status.APPLIED, "already gone: deleted meanwhile", already=True)
        if found is None:
            return None
        if change.action is Action.CREATE:
            return self._made(change, found) if isinstance(error, ExistsError) else None
        # An update or a rename: done if the object the plan read holds what it sends.
        planned = self._object(change, change.renamed_from or change.name)
        return self._done(change, found, planned.id)

    def _as_planned(self, change: Change) -> Outcome | None:
        """Where the instance changed since the plan (``recheck``): None when the change's
        object is still as planned, to be sent; otherwise its outcome, without sending it."""
        objects = self._remote.of(change.kind)
        now = objects.get(change.name)
        if change.action is Action.CREATE:
            return None if now is None else self._made(change, now)
        old = objects.get(change.renamed_from or change.name)
        if old is not None and old.id == change.remote_id and change.before is not None:
            assert self._renames is not None
            held = rename_references(change.kind, old.spec, self._renames)
            if _same(change.kind, held, change.before):
                return None
        if change.action is Action.DELETE and now is None:
            return Outcome(change, Status.APPLIED, "already gone: deleted meanwhile", already=True)
        done = None
        if change.action is not Action.DELETE and now is not None:
            done = self._done(change, now, change.remote_id)
        return done or Outcome(
            change, Status.FAILED, f"{change.address} changed since this plan was read; plan again"
        )

    def _made(self, change: Change, found: RemoteObject) -> Outcome:
        """A create whose name ``found`` holds: done, when it is what the files declare."""
        differs = self._differs(change, found)
        if not differs:
            return Outcome(change, Status.APPLIED, _ALREADY[change.action], already=True)
        return Outcome(
            change,
            Status.FAILED,
            f"{change.address} was made on the instance since this plan read it, and not "
            f"as the files declare it (it differs in {', '.join(differs)}); nothing was "
            "changed: plan again to see the difference",
        )

    def _done(self, change: Change, found: RemoteObject, planned: str | None) -> Outcome | None:
        """An update or rename whose object (``planned``, by id) is ``found``: done, when it
        holds what the change sends."""
        if found.id != planned or self._differs(change, found):
            return None
        return Outcome(change, Status.APPLIED, _ALREADY[change.action], already=True)

    def _differs(self, change: Change, found: RemoteObject) -> list[str]:
        """The fields in which ``found`` is not what ``change`` makes, compared as a plan
        compares them (only the fields the instance shows, each in its canonical form)."""
        kind, have, want = change.kind, found.spec, change.after or {}
        readable = self._adapter.fields.get(kind)
        if readable is not None:
            want = {key: value for key, value in want.items() if key in readable}
        if _same(kind, have, want):
            return []
        return [diff.path for diff in field_diff(comparable(kind, have), comparable(kind, want))]

    def _object(self, change: Change, name: str) -> RemoteObject:
        obj = self._remote.of(change.kind).get(name)
        if obj is None:
            obj = RemoteObject(change.remote_id or "", name, change.before or {})
        return obj


class _Phase:
    """One phase's bookkeeping: each change's outcome, how many changes each still waits
    for (from ``deps``, which it empties), and the changes ready to start."""

    def __init__(self, changes: Sequence[Change], deps: Deps, notify: Listener) -> None:
        self._changes = changes
        self._notify = notify
        self.outcomes: list[Outcome | None] = [None] * len(changes)
        self.waiting = [0] * len(changes)
        self._dependents: dict[int, list[int]] = {}
        for i in list(deps):  # emptied as it is read: a large apply holds it only once
            d = deps.pop(i)
            self.waiting[i] = len(d)
            for j in d:
                self._dependents.setdefault(j, []).append(i)
        self.ready: deque[int] = deque()  # popped from the left: a list would be quadratic

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


# The most writes kept together (:class:`Batches`): one commit for as many, and as many
# reported at once, a fraction of a second's worth.
BATCH = 500


_ALREADY = {
    Action.CREATE: "already there: made meanwhile as the files declare it",
    Action.UPDATE: "already done: updated meanwhile to what the files declare",
    Action.RENAME: "already done: renamed meanwhile as the files declare it",
}


def _same(kind: str, one: dict[str, Any], other: dict[str, Any]) -> bool:
    """Whether two specs are the same as a plan compares them."""
    return one == other or comparable(kind, one) == comparable(kind, other)


def _reason(change: Change, error: BaseException) -> str:
    if isinstance(error, GladcfgError):
        return str(error)
    # A bug, not the remote's answer: its traceback goes to the log (-v), the line stays short.
    log.info("%s: unexpected error", change.address, exc_info=error)
    return f"internal error: {type(error).__name__}: {error}"
