"""One instance's session: the adapter every read and write of that instance goes through,
opened once and closed however the command ends.

Planning validates the files before the instance is touched, so the adapter is opened when
first needed (invalid files are reported before credentials are looked for) and closed when
the session ends, also on errors and interrupts. An apply re-reads the remote under the
instance's lock and compares it with the plan's fingerprint, so a plan is only ever applied
to the state it was made from.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from types import TracebackType
from typing import Any, Protocol, runtime_checkable

from gladcfg import clock
from gladcfg.adapter import (
    Adapter,
    Capabilities,
    ReadHints,
    RemoteState,
    capabilities_of,
    open_adapter,
)
from gladcfg.config import DesiredState, ValidationReport, Workspace, load_desired
from gladcfg.engine.allowed import refuse_gaps
from gladcfg.engine.rollback import rollback_plan
from gladcfg.engine.writes import ApplyReport, Listener, StopRequest, send_changes
from gladcfg.errors import GladcfgError, Problem, RefusedError, TargetError
from gladcfg.hours.freezes import (
    BrokenGlass,
    Schedule,
    enforce,
    frozen_message,
    needs_state,
    schedule_of,
)
from gladcfg.hours.impact import (
    coverage_impact,
    files_state,
    opened_in_promise,
    touches_coverage,
    window_start,
)
from gladcfg.model.plan import Plan
from gladcfg.plan.binding import binding_problems, unbound
from gladcfg.plan.planner import plan_instance
from gladcfg.plan.specs import DesiredSpecs
from gladcfg.plan.verify import load_problems, refuse, remote_problems

log = logging.getLogger(__name__)


@runtime_checkable
class ReadsMore(Protocol):
    """An adapter that reads by name and asks for more than the names' specs say (Gladly's
    answers: the contents earlier reads found that the files no longer declare)."""

    def reads_for(self, hints: ReadHints) -> dict[str, dict[str, dict[str, Any]]]:
        """``hints`` as the adapter's read of them will ask for them."""
        ...


@dataclass(frozen=True)
class RemoteRead:
    """An instance as one read found it."""

    state: RemoteState
    capabilities: Capabilities  # what the adapter can do with each kind
    # What was asked for by name (:class:`~gladcfg.adapter.base.ReadHints`), when the
    # adapter cannot list some kind, as the adapter asked for it (:class:`ReadsMore`): a
    # saved plan records it, so applying the plan anywhere reads the same. None when the
    # adapter listed everything.
    hints: dict[str, dict[str, dict[str, Any]]] | None


class Sources:
    """The files of a saved plan's instance, read when the instance has been re-read under
    its lock and found as the plan found it, to plan again against that very state
    (:mod:`gladcfg.plan.binding`)."""

    def __init__(self, session: Session, where: str, *, force: bool = False) -> None:
        self._session = session
        self.where = where  # the plan file, for messages
        self.force = force  # --force: a gap opened in the promised hours is allowed

    def check(self, saved: Plan, remote: RemoteState, capabilities: Capabilities) -> Plan:
        """The plan the files (validated now: invalid files are reported as such) make of
        ``remote``, which is exactly ``saved`` or the apply is refused: with the plan-file
        checks' reasons, if ``saved`` was loaded without them and fails them, or with the
        differences. Its changes, gladcfg's own, are what is sent."""
        workspace, instance = self._session.workspace, self._session.instance
        report = load_desired(workspace, instance)
        self._session.load_freezes(report)
        workspace.release()
        desired = DesiredSpecs.of(report.states[instance], drain=True, where=True)
        config = workspace.instance(instance)
        try:
            fresh = plan_instance(desired, remote, capabilities, config, targets=saved.targets)
        except TargetError as exc:
            found = [f"targets: {exc}"]
        else:
            found = binding_problems(saved, fresh, desired.files)
            if not found:
                if not self.force:  # the impact as it is now, not as the file says
                    policy = workspace.project.policy_of(instance)
                    refuse_gaps(self._session.impact(fresh, desired), policy)
                return fresh
        edited = load_problems(saved)
        if edited:
            raise refuse(edited, self.where)
        raise unbound(found, self.where)


class Session:
    """``instance``'s connection for the length of a command (:func:`open_instance`)."""

    def __init__(self, workspace: Workspace, instance: str) -> None:
        self.workspace = workspace
        self.instance = instance
        self._adapter: Adapter | None = None
        # The instance's freezes, computed when its files are validated (None: it has none).
        self.freezes: Schedule | None = None
        self._freezes_known = False  # load_freezes has run

    def __enter__(self) -> Session:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def connect(self) -> Adapter:
        """The instance's adapter, opened now if it is not yet (this is when its
        configuration and credentials are checked)."""
        if self._adapter is None:
            config = self.workspace.instance(self.instance)
            self._adapter = open_adapter(self.instance, config, self.workspace.root)
        return self._adapter

    def close(self) -> None:
        """Release the adapter's connections, if it was opened."""
        adapter, self._adapter = self._adapter, None
        if adapter is not None:
            adapter.close()

    def load_freezes(self, report: ValidationReport | None = None) -> Schedule | None:
        """The instance's freezes from now on (:mod:`gladcfg.hours.freezes`), kept for the apply
        to enforce; its files are validated (or ``report`` read) only for freezes that
        follow inboxes' open hours."""
        freezes = self.workspace.project.freezes_of(self.instance)
        if not freezes:
            self._freezes_known = True
            return None
        state = None
        if needs_state(freezes):
            if report is None:
                report = load_desired(self.workspace, self.instance)
            state = report.states[self.instance]
        self.freezes = schedule_of(self.instance, freezes, state, clock.now())
        self._freezes_known = True  # only once found: a failure to find them is no freeze
        return self.freezes

    def known_freezes(self) -> Schedule | None:
        """The instance's freezes: as this session found them (planning finds them), or
        found now for a plan made on another session."""
        return self.freezes if self._freezes_known else self.load_freezes()

    def read(self, desired: Callable[[], DesiredSpecs], *, refresh: bool = True) -> RemoteRead:
        """The instance as it is now. An adapter that cannot list some kind (Gladly's
        answers) reads the names the files declare: only then is ``desired`` called.
        Without ``refresh`` it may take what is costly to read from its last read."""
        adapter = self.connect()
        hints = desired().read_hints() if adapter.reads_by_name else None
        if hints is not None and isinstance(adapter, ReadsMore):
            hints = adapter.reads_for(hints)
        state = adapter.read(hints, refresh=refresh)
        return RemoteRead(state, capabilities_of(adapter), hints)

    def plan(
        self,
        *,
        targets: Sequence[str] = (),
        report: ValidationReport | None = None,
        release: bool = False,
        refresh: bool = True,
        week: date | None = None,
    ) -> Plan:
        """Validate the instance's files (never touching the remote if they are invalid),
        read the remote, and plan; its coverage impact is of the 7 days from now, or from
        ``week`` 00:00 in the instance's time zone.

        ``report`` is the instance's validation, when the caller made it already. With
        ``release`` the caller needs neither the files nor the desired state once planned:
        the workspace forgets the files, and the desired state is emptied as it is turned
        into specs, so the memory they took is the plan's to use (a large apply needs it).
        Without ``refresh``, what the adapter read last may stand in for reading it again
        (the plan says so and how old it is); an apply never plans that way."""
        workspace, instance = self.workspace, self.instance
        if report is None:
            report = load_desired(workspace, instance)
        warnings = [_warning(p) for p in report.warnings]
        self.load_freezes(report)
        if release:
            workspace.release()
        desired = DesiredSpecs.of(report.states[instance], drain=release)
        remote = self.read(lambda: desired, refresh=refresh)
        log.info("%s: read the instance in %d request(s)", instance, remote.state.requests)
        plan = plan_instance(
            desired,
            remote.state,
            remote.capabilities,
            workspace.instance(instance),
            targets=tuple(targets),
            warnings=warnings,
            reads=remote.hints,
        )
        if workspace.variables:
            plan = plan.model_copy(update={"vars": dict(workspace.variables)})
        return self._frozen_warning(self.impact(plan, desired, week))

    def impact(self, plan: Plan, desired: DesiredSpecs, week: date | None = None) -> Plan:
        """``plan`` (made from ``desired``) with what it does to coverage, if it changes
        what coverage reads, and a warning for each gap it opens in the promised hours."""
        if not touches_coverage(plan):
            return plan
        kept = files_state(desired)
        target = self.workspace.project.policy_of(self.instance).coverage
        impact = coverage_impact(kept, plan, target, window_start(kept, week, clock.now()))
        if impact is None:
            return plan
        warning = opened_in_promise(impact)
        warnings = plan.warnings if warning is None else (*plan.warnings, warning)
        return plan.model_copy(update={"coverage_impact": impact, "warnings": warnings})

    def _frozen_warning(self, plan: Plan) -> Plan:
        """``plan``, saying so if applying it now would be refused for a freeze."""
        if self.freezes is None or not plan.writes:
            return plan
        message = frozen_message(self.freezes, clock.now())
        if message is None:
            return plan
        warning = f"applying now would be refused: {message}; --break-glass REASON applies anyway"
        return plan.model_copy(update={"warnings": (*plan.warnings, warning)})

    def sources(self, where: str, *, force: bool = False) -> Sources:
        """The instance's files, to bind the saved plan in ``where`` to (:class:`Sources`)."""
        return Sources(self, where, force=force)

    def apply(
        self,
        plan: Plan,
        *,
        parallelism: int = 4,
        listener: Listener | None = None,
        rollback: bool = False,
        stop: StopRequest | None = None,
        sources: Sources | None = None,
        fresh: bool = False,
        break_glass: str | None = None,
    ) -> ApplyReport:
        """Apply exactly ``plan`` to this instance (:func:`write_plan`), unless one of its
        freezes holds as writing would start and ``break_glass`` gives no reason to."""
        return write_plan(
            self.connect(),
            plan,
            parallelism=parallelism,
            listener=listener,
            rollback=rollback,
            stop=stop,
            sources=sources,
            fresh=fresh,
            gate=lambda: enforce(self.known_freezes(), break_glass=break_glass),
        )


def open_instance(workspace: Workspace, instance: str) -> Session:
    """A session with ``instance``; use it in a ``with`` block, which closes its adapter."""
    return Session(workspace, instance)


def read_remote(
    workspace: Workspace,
    instance: str,
    desired: Callable[[], DesiredState],
    *,
    refresh: bool = True,
) -> RemoteRead:
    """``instance`` as it is now, read outside planning (diff, export). ``desired`` gives
    the desired state whose names an adapter that reads by name is asked for; it is not
    called for an adapter that lists everything."""
    with open_instance(workspace, instance) as session:
        return session.read(lambda: DesiredSpecs.of(desired()), refresh=refresh)


def write_plan(
    adapter: Adapter,
    plan: Plan,
    *,
    parallelism: int = 4,
    listener: Listener | None = None,
    rollback: bool = False,
    stop: StopRequest | None = None,
    sources: Sources | None = None,
    fresh: bool = False,
    gate: Callable[[], BrokenGlass | None] | None = None,
) -> ApplyReport:
    """Apply exactly ``plan``, under the instance's lock, if the remote is as it was read
    and, with ``sources``, if the files make exactly ``plan`` of it (a saved plan).

    A ``fresh`` plan (made by this run, moments ago) still applies when another writer
    changed the instance in between, as two applies of the same files at once do: each
    change whose object is as planned is sent, one whose object already holds what it
    makes is done, any other is a conflict (``recheck`` in :func:`send_changes`). Nothing
    outside the plan is ever sent, so what was shown and confirmed bounds what is written.

    With ``rollback``, the instance is read again before the lock is released and the
    report carries the plan that undoes what was applied (see :mod:`.rollback`), however
    the apply ended. Until the first write, a stop (``stop``) is the caller's to raise;
    from then on the apply finishes what it started, persists, and reports. ``gate`` is
    asked last before the first write (a freeze refuses there; a broken one is recorded in
    the report and the rollback plan)."""
    report: ApplyReport | None = None
    try:
        with adapter.locked():
            remote = adapter.read(plan.read_hints)
            changed = remote.fingerprint() != plan.fingerprint
            if changed and not fresh:
                raise RefusedError(
                    f"{plan.instance} is not as this plan found it (fingerprint "
                    f"{plan.fingerprint[:15]}… no longer matches): it changed since this plan "
                    "was made, or this plan file was modified or belongs elsewhere; run plan "
                    "again"
                )
            # The plan's befores are checked against the instance it was made from; once
            # that changed, each change is checked on its own as it is sent (recheck).
            reasons = [] if changed else remote_problems(plan, remote, adapter.access)
            if reasons:
                raise refuse(reasons)
            changes = plan.changes
            if sources is not None:
                changes = sources.check(plan, remote, capabilities_of(adapter)).changes
            broken = gate() if gate is not None else None
            if stop is not None:
                stop.hold()
            report = send_changes(
                adapter,
                changes,
                remote,
                parallelism=parallelism,
                listener=listener,
                stop=stop,
                recheck=changed,
            )
            report = replace(report, break_glass=broken)
            if rollback:
                after = adapter.read(plan.read_hints)
                undo = rollback_plan(
                    plan,
                    report,
                    remote,
                    after,
                    adapter.access,
                    unsettable=adapter.unsettable,
                    disables=adapter.disables,
                )
                if broken is not None:
                    undo = undo.model_copy(update={"break_glass": broken.describe()})
                report = replace(report, rollback=undo)
    except GladcfgError as exc:
        if report is None:
            raise
        # Changes were made: the report must still be given, with what went wrong after.
        report = replace(report, error=exc)
    return report


def _warning(problem: Problem) -> str:
    where = problem.location()
    prefix = f"{where}: " if where else ""
    address = f"{problem.address}: " if problem.address else ""
    return f"{prefix}{address}{problem.message}"
