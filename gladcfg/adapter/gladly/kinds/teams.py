"""Teams: the API lists them by name (with their agents' ids, which no file declares), and
writes none. Gladly's published Team has no description: a declared one is not managed."""

from __future__ import annotations

from gladcfg.adapter.gladly.kinds.base import NamesOnly


class Teams(NamesOnly):
    kind = "teams"
    path = "/teams"
