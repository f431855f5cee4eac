"""Every kind gladcfg manages, one module each (its model, and its entry here), registered
in the order that keeps every reference valid while applying (SPEC §5). Adding a kind is
its module, its line below, and what the adapters say they can do with it."""

from __future__ import annotations

from gladcfg.kinds import (
    answers,
    audiences,
    auto_reply_rules,
    business_hours,
    entry_points,
    glad_apps,
    help_centers,
    inboxes,
    settings,
    teams,
    topics,
    webhooks,
)
from gladcfg.model.resource import Kind

REGISTRY: dict[str, Kind] = {
    module.ENTRY.name: module.ENTRY
    for module in (
        settings,
        audiences,
        teams,
        topics,
        answers,
        business_hours,
        inboxes,
        entry_points,
        auto_reply_rules,
        help_centers,
        glad_apps,
        webhooks,
    )
}
