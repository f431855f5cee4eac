"""Inboxes: the API lists them by name, shows nothing gladcfg declares of one (its teams,
business hours, languages, SLA), and writes none."""

from __future__ import annotations

from gladcfg.adapter.gladly.kinds.base import NamesOnly


class Inboxes(NamesOnly):
    kind = "inboxes"
    path = "/inboxes"
