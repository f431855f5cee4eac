"""Plan and apply instances: the files → desired state → remote → plan → apply flow.

The CLI calls these; they hold the rules that make applying safe: refusals happen before
anything changes, and the remote is re-read under the instance's lock and compared with
the plan's fingerprint, so a plan is only ever applied to the state it was made from.

* :mod:`.session`: one instance's session (:func:`open_instance`), which owns its adapter:
  plan, apply, and the remote read outside planning (:func:`read_remote`);
* :mod:`.run`: an apply as a run carries it out (shown, refused, confirmed, followed);
* :mod:`.fleet`: several instances at once, and the fleet apply's policy;
* :mod:`.status`: each instance's health record;
* :mod:`.apply`, :mod:`.rollback`: sending a plan's changes, and the plan that undoes them.
"""

from __future__ import annotations

from gladcfg.engine.apply import ApplyReport, Outcome, Status, StopRequest
from gladcfg.engine.run import (
    Applied,
    apply_instance,
    apply_saved,
    check_allowed,
    load_saved_plan,
)
from gladcfg.engine.session import RemoteRead, Session, apply_plan, open_instance, read_remote

__all__ = [
    "Applied",
    "ApplyReport",
    "Outcome",
    "RemoteRead",
    "Session",
    "Status",
    "StopRequest",
    "apply_instance",
    "apply_plan",
    "apply_saved",
    "check_allowed",
    "load_saved_plan",
    "open_instance",
    "read_remote",
]
