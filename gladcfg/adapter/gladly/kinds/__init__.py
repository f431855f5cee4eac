"""Every kind the gladly adapter reads or writes: one handler module per kind, registered
here once. The adapter's capabilities, its reads and its writes are derived from this
registry; a kind with no handler here (entry points, auto-reply rules, help centers, chat
widgets) is hidden: Gladly's public API does not expose it, so gladcfg only validates it.
"""

from __future__ import annotations

from gladcfg.adapter.gladly.kinds import (
    answers,
    audiences,
    business_hours,
    inboxes,
    organisation,
    teams,
    topics,
    webhooks,
)
from gladcfg.adapter.gladly.kinds.base import Handler, Reading, ReadOnly, Writable

# In the order a read lists them (a failed list is reported in this order, too) and turns
# what they answered into objects; answers, read one by one, come last.
HANDLERS: dict[str, Handler] = {
    handler.kind: handler
    for handler in (
        organisation.Settings(),
        audiences.Audiences(),
        teams.Teams(),
        inboxes.Inboxes(),
        topics.Topics(),
        business_hours.BusinessHours(),
        webhooks.Webhooks(),
        answers.Answers(),
    )
}

__all__ = ["HANDLERS", "Handler", "ReadOnly", "Reading", "Writable"]
