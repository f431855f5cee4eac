"""What an apply refuses before anything changes, unless the user allowed it: deletes, the
safety thresholds, and gaps opened in the promised hours."""

from __future__ import annotations

from gladcfg.errors import RefusedError
from gladcfg.hours.impact import opened_in_promise
from gladcfg.model.plan import Plan
from gladcfg.model.project import Policy


def check_allowed(
    plan: Plan, *, allow_delete: bool, force: bool, policy: Policy | None = None
) -> None:
    """Refuse, before anything changes, what the user has not explicitly allowed; with a
    ``policy`` whose coverage_impact is refuse, a plan opening a gap in the promised hours."""
    if plan.deletes and not allow_delete:
        names = ", ".join(c.address for c in plan.deletes[:5])
        more = f" and {len(plan.deletes) - 5} more" if len(plan.deletes) > 5 else ""
        disabling = {c.disables for c in plan.deletes}  # Gladly's topics it only disables
        verb = (
            "deletes or disables"
            if len(disabling) > 1
            else ("deletes", "disables")[True in disabling]
        )
        raise RefusedError(
            f"the plan {verb} {len(plan.deletes)} object(s) ({names}{more}); "
            "pass --allow-delete to apply it"
        )
    if plan.safety.violations and not force:
        raise RefusedError(
            "; ".join(plan.safety.violations) + " (safety thresholds in gladcfg.yaml); "
            "pass --force to apply it anyway"
        )
    if policy is not None and not force:
        refuse_gaps(plan, policy)


def refuse_gaps(plan: Plan, policy: Policy) -> None:
    """Refuse ``plan`` if it opens a gap in the promised hours and ``policy`` says so."""
    if policy.coverage_impact != "refuse" or plan.coverage_impact is None:
        return
    opened = opened_in_promise(plan.coverage_impact)
    if opened is not None:
        raise RefusedError(
            f"{opened} (policy.coverage_impact: refuse in gladcfg.yaml); pass --force to "
            "apply it anyway"
        )
