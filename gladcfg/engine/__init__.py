"""Plan and apply instances: the files → desired state → remote → plan → apply flow.

The engine has two entry points, :func:`plan` and :func:`apply`, each taking a request
for one instance (:class:`PlanRequest`, :class:`ApplyRequest`); a fleet is a loop over
them (:mod:`.fleet`), and a rollout a loop over fleets, wave by wave (:mod:`.rollout`).
They hold the rules that make applying safe: refusals happen before anything changes, and
the remote is re-read under the instance's lock and compared with the plan's fingerprint,
so a plan is only ever applied to the state it was made from.

* :mod:`.run`: the two entry points, and an apply as a run carries it out (shown,
  refused, confirmed, followed);
* :mod:`.session`: one instance's session (:func:`~.session.open_instance`), which owns
  its adapter, and the remote read outside planning (:func:`read_remote`);
* :mod:`.allowed`: what an apply refuses unless the user allowed it;
* :mod:`.writes`, :mod:`.rollback`: sending a plan's changes, and the plan that undoes them;
* :mod:`.fleet`, :mod:`.rollout`: several instances at once, and wave by wave;
* :mod:`.status`: each instance's health record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gladcfg.lazy import exports

# Each name is imported from its module when first used: importing one module of the
# engine (a view needs writes.py's report) does not import the others.
_EXPORTS = {
    "Applied": "gladcfg.engine.run",
    "ApplyReport": "gladcfg.engine.writes",
    "ApplyRequest": "gladcfg.engine.run",
    "InstanceResult": "gladcfg.engine.fleet",
    "Outcome": "gladcfg.engine.writes",
    "PlanRequest": "gladcfg.engine.run",
    "RemoteRead": "gladcfg.engine.session",
    "Status": "gladcfg.engine.writes",
    "Watch": "gladcfg.engine.run",
    "apply": "gladcfg.engine.run",
    "load_saved_plan": "gladcfg.engine.run",
    "plan": "gladcfg.engine.run",
    "read_remote": "gladcfg.engine.session",
}

__all__ = [
    "Applied",
    "ApplyReport",
    "ApplyRequest",
    "InstanceResult",
    "Outcome",
    "PlanRequest",
    "RemoteRead",
    "Status",
    "Watch",
    "apply",
    "load_saved_plan",
    "plan",
    "read_remote",
]

if TYPE_CHECKING:
    from gladcfg.engine.fleet import InstanceResult
    from gladcfg.engine.run import (
        Applied,
        ApplyRequest,
        PlanRequest,
        Watch,
        apply,
        load_saved_plan,
        plan,
    )
    from gladcfg.engine.session import RemoteRead, read_remote
    from gladcfg.engine.writes import ApplyReport, Outcome, Status

__getattr__ = exports(__name__, _EXPORTS)
