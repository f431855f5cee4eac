"""A local stand-in for Gladly's REST API, as ../GLADLY_API.md describes it.

The same paths, bodies, status codes and error bodies (both the list and the object form);
no answer list; versioned business hours; topics that cannot be deleted; inboxes, teams and
audiences that the API only reads (``/_admin`` stands in for the admin UI); a per-method
requests-per-second limit with 429 and the ``Ratelimit-*`` headers; injected faults; and a
request log. State lives in one JSON file so a run can be inspected and replayed. Each
kind's collection is at the path the gladly adapter's handler for it names
(:mod:`gladcfg.adapter.gladly.kinds`), the one place gladcfg records Gladly's paths.

This module is the route table: what each path answers is in the module of its group of
endpoints, and :mod:`gladcfg.sandbox.guard` stands in front of them all.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from gladcfg.adapter.gladly.kinds import HANDLERS
from gladcfg.sandbox.answers import Answers
from gladcfg.sandbox.directory import Directory
from gladcfg.sandbox.faults import SandboxFaults
from gladcfg.sandbox.guard import Guard
from gladcfg.sandbox.hours import BusinessHours
from gladcfg.sandbox.state import Sandbox
from gladcfg.sandbox.topics import Topics
from gladcfg.sandbox.webhooks import Webhooks

__all__ = ["Sandbox", "SandboxFaults", "create_app"]


def create_app(sandbox: Sandbox) -> Starlette:
    directory = Directory(sandbox)
    topics = Topics(sandbox)
    answers = Answers(sandbox)
    business_hours = BusinessHours(sandbox)
    webhooks = Webhooks(sandbox)

    def at(kind: str) -> str:
        """A kind's collection where the gladly adapter's handler says Gladly has it; what
        each path answers, and to which methods, is the sandbox's own."""
        return "/api/v1" + HANDLERS[kind].path

    routes = [
        Route(at("settings"), directory.organization),
        Route(at("audiences"), directory.lister("audiences")),
        Route(at("teams"), directory.lister("teams")),
        Route(f"{at('teams')}/{{id}}", directory.getter("teams")),
        Route(at("inboxes"), directory.lister("inboxes")),
        Route(f"{at('inboxes')}/{{id}}", directory.getter("inboxes")),
        Route(at("topics"), topics.lister("topics"), methods=["GET"]),
        Route(at("topics"), topics.create, methods=["POST"]),
        Route(f"{at('topics')}/{{id}}", topics.getter("topics"), methods=["GET"]),
        Route(f"{at('topics')}/{{id}}", topics.update, methods=["PATCH"]),
        Route(at("answers"), answers.create, methods=["POST"]),
        Route(f"{at('answers')}/{{id}}", answers.one, methods=["GET", "PATCH", "DELETE"]),
        Route(
            f"{at('answers')}/{{id}}/languages/{{lang}}/type/{{type}}",
            answers.content,
            methods=["GET", "PUT", "DELETE"],
        ),
        Route(at("webhooks"), webhooks.list_all, methods=["GET"]),
        Route(at("webhooks"), webhooks.create, methods=["POST"]),
        Route(f"{at('webhooks')}/{{id}}", webhooks.one, methods=["GET", "PATCH", "DELETE"]),
        Route(at("business_hours"), business_hours.lister("business_hours"), methods=["GET"]),
        Route(at("business_hours"), business_hours.create, methods=["POST"]),
        Route(
            f"{at('business_hours')}/{{id}}", business_hours.one, methods=["GET", "PUT", "DELETE"]
        ),
        Route(
            "/_admin/inboxes", directory.admin_creator("inboxes", ("disabled",)), methods=["POST"]
        ),
        Route(
            "/_admin/teams",
            directory.admin_creator("teams", ("agentIds",)),
            methods=["POST"],
        ),
        Route("/_admin/audiences", directory.admin_creator("audiences", ()), methods=["POST"]),
        Route("/_admin/settings", directory.admin_settings, methods=["POST"]),
        Route("/_admin/requests", directory.admin_requests, methods=["GET"]),
    ]
    return Guard(Starlette(routes=routes), sandbox)  # type: ignore[return-value]
