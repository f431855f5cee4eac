"""Audiences: the API lists them, by name only, and writes none."""

from __future__ import annotations

from gladcfg.adapter.gladly.kinds.base import NamesOnly


class Audiences(NamesOnly):
    kind = "audiences"
    path = "/audiences"
