"""Which time zone names gladcfg accepts: the canonical names of the IANA database, as the
``tzdata`` package gladcfg depends on ships it (never the machine's own zone files, so a
project validates the same everywhere).

Canonical means a name in the database's own zone tables (``zone.tab``, ``zone1970.tab``:
one ``Area/Location`` per place), the fixed offsets ``Etc/UTC`` and ``Etc/GMT±N``, and
``UTC``. Everything else a zone folder may hold is refused, each with the name to write:

* old aliases kept in IANA's ``backward`` file (``US/Eastern``, ``Asia/Calcutta``, ``GMT``):
  the database may retire them, and an instance stores the canonical name, so the alias
  would show as a change in every plan;
* ``localtime`` (whatever the machine running gladcfg is set to), ``posixrules``,
  ``Factory`` and the ``posix/`` and ``right/`` copies of the database;
* folders (``America``) and paths (``../../etc/passwd``): only names in the tables are
  looked at, nothing is opened.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import NamedTuple

from gladcfg.names import shown, suggest


class _Database(NamedTuple):
    canonical: frozenset[str]
    aliases: dict[str, str]  # backward name → the canonical name it links to
    regions: dict[str, str]  # a folder of the database → its first zone, as an example
    technical: frozenset[str]  # entries that name no place: Factory, CST6CDT, …


@functools.cache
def _database() -> _Database:
    folder = resources.files("tzdata") / "zoneinfo"
    canonical = {"UTC"}
    for table in ("zone.tab", "zone1970.tab"):
        for line in (folder / table).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                canonical.add(line.split("\t")[2])
    aliases: dict[str, str] = {}
    technical = {"posixrules"}
    for line in (folder / "tzdata.zi").read_text(encoding="utf-8").splitlines():
        if line.startswith("Z Etc/"):
            canonical.add(line.split()[1])
        elif line.startswith("Z "):
            technical.add(line.split()[1])
        elif line.startswith("L "):
            _, target, alias = line.split()
            aliases[alias] = target
    regions: dict[str, str] = {}
    for zone in sorted(canonical):
        parts = zone.split("/")
        for depth in range(1, len(parts)):
            regions.setdefault("/".join(parts[:depth]), zone)
    return _Database(frozenset(canonical), aliases, regions, frozenset(technical - canonical))


def canonical_time_zones() -> frozenset[str]:
    return _database().canonical


def time_zone_problem(value: str) -> str | None:
    """Why ``value`` is not accepted as a time zone, or None when it is."""
    database = _database()
    if value in database.canonical:
        return None
    text = shown(value)
    alias = database.aliases.get(value)
    if alias in database.canonical:
        return (
            f"{text} is an old alias of the IANA time zone '{alias}' (kept only for "
            f"backward compatibility); write '{alias}'"
        )
    if value == "localtime":
        return (
            "'localtime' is whatever the machine running gladcfg is set to; write the "
            "zone's IANA name, e.g. 'Europe/Dublin'"
        )
    first, _, rest = value.partition("/")
    if first in ("posix", "right") and rest:
        target = database.aliases.get(rest, rest)
        if target in database.canonical:
            return f"{text} is a copy of the IANA time zone '{target}'; write '{target}'"
    if value in database.technical:
        return (
            f"{text} is a technical entry of the time zone database that names no place; "
            "write an Area/Location zone, e.g. 'America/Chicago'"
        )
    if value in database.regions:
        return (
            f"{text} is a region of the time zone database, not a time zone; write a zone "
            f"in it, e.g. '{database.regions[value]}'"
        )
    hint = suggest(value, database.canonical) if len(value) <= 64 else ""
    return f"{text} is not an IANA time zone{hint}"
