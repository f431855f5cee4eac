"""A mock instance as one JSON document: what ``gladcfg state export`` writes and ``state
import`` reads, and the format mock stores had before they were SQLite databases, which
:func:`open_store` converts once, on first use, keeping the old file beside the new one.

The document, laid out one object per line so it diffs well::

    {"format_version": 1, "next_id": 3, "objects": {
    "teams": {
    "tier1": {"id": "mock-1", "spec": {"description": "Tier 1"}},
    "vip": {"id": "mock-2", "spec": {}}
    }
    }}
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gladcfg.adapter.mock.db import SQLITE_HEADER
from gladcfg.adapter.mock.store import Store
from gladcfg.errors import AdapterError
from gladcfg.fileio import real_path

STORE_FORMAT = 1
KEPT_SUFFIX = ".migrated"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Document:
    """A decoded document: (kind, name, id, spec) per object, and the next id to give."""

    objects: list[tuple[str, str, str, dict[str, Any]]]
    next_id: int


def decode(text: str, where: str) -> Document:
    """The document in ``text``, checked whole (its ``next_id`` may be missing: the store
    gives ids past every one it holds anyway)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AdapterError(f"{where} is not valid JSON (line {exc.lineno}): {exc.msg}") from None
    if not isinstance(data, dict) or data.get("format_version") != STORE_FORMAT:
        raise AdapterError(f"{where} is not a format {STORE_FORMAT} mock store document")
    objects: list[tuple[str, str, str, dict[str, Any]]] = []
    try:
        for kind, by_name in data["objects"].items():
            for name, entry in by_name.items():
                object_id, spec = entry["id"], entry["spec"]
                if not isinstance(object_id, str) or not isinstance(spec, dict):
                    raise TypeError
                objects.append((kind, name, object_id, spec))
    except (KeyError, TypeError, AttributeError):
        raise AdapterError(
            f"{where} is not a format {STORE_FORMAT} mock store document: expected "
            '"objects": {kind: {name: {"id": "…", "spec": {…}}}}'
        ) from None
    given = data.get("next_id")
    if not isinstance(given, int) or isinstance(given, bool):
        given = 1
    return Document(objects, given)


def read_document(path: Path, where: str) -> Document:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise AdapterError(f"{where} is not UTF-8 text") from None
    except OSError as exc:
        raise AdapterError(f"cannot read {where}: {exc.strerror}") from None
    return decode(text, where)


def dump(store: Store) -> str:
    """The store as a document, kinds and names sorted, ASCII-escaped (no string holds a
    line break, so every object is one line)."""
    next_id, rows = store.rows()
    lines = [f'{{"format_version": {STORE_FORMAT}, "next_id": {next_id}, "objects": {{']
    kinds: dict[str, list[str]] = {}
    for kind, name, object_id, spec in rows:
        entry = json.dumps({"id": object_id, "spec": json.loads(spec)}, sort_keys=True)
        kinds.setdefault(kind, []).append(f"{json.dumps(name)}: {entry}")
    for k, (kind, entries) in enumerate(kinds.items(), start=1):
        lines.append(f"{json.dumps(kind)}: {{")
        lines.append(",\n".join(entries))
        lines.append("}," if k < len(kinds) else "}")
    lines.append("}}")
    return "\n".join(lines) + "\n"


def open_store(
    path: Path,
    *,
    instance: str = "",
    legacy: Path | None = None,
    unchecked: frozenset[str] = frozenset(),
) -> Store:
    """The store at ``path``; a JSON store found there, or at ``legacy`` (where the default
    store used to be) while ``path`` does not exist, is converted first."""
    real = real_path(path)
    source: Path | None = None
    head = _head(real)
    if head is not None:
        if head and head != SQLITE_HEADER and head.lstrip()[:1] in (b"{", b""):
            source = real
    elif legacy is not None and _head(legacy) not in (None, SQLITE_HEADER):
        source = legacy
    if source is not None:
        _convert(source, real, instance)
    return Store(path, instance=instance, unchecked=unchecked)


def _convert(source: Path, target: Path, instance: str) -> None:
    """Build the database beside ``target`` from ``source``, then put it in place; the
    JSON file stays beside it, renamed. Any failure leaves everything as it was."""
    where = f"the mock store {source}"
    document = read_document(source, where)
    building = target.with_name(f".{target.name}.converting")
    for stale in (building, *(building.with_name(building.name + s) for s in ("-wal", "-shm"))):
        stale.unlink(missing_ok=True)
    store = Store(building, instance=instance)
    try:
        try:
            store.load(document.objects, next_id=document.next_id)
        finally:
            store.close()
        kept = _free_name(source.with_name(source.name + KEPT_SUFFIX))
        if source == target:  # one name for both: keep the old file, then swap atomically
            _keep(source, kept)
            os.replace(building, target)
        else:
            os.replace(building, target)
            os.replace(source, kept)
    except (OSError, sqlite3.Error, AdapterError) as exc:
        building.unlink(missing_ok=True)
        why = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise AdapterError(f"cannot convert {where} to an SQLite database: {why}") from None
    log.warning(
        "converted the JSON mock store %s to an SQLite database at %s (%d objects); "
        "the JSON file is kept as %s",
        source,
        target,
        len(document.objects),
        kept,
    )


def _head(path: Path) -> bytes | None:
    """The first bytes of the file at ``path``; None if there is no file to read."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER))
    except OSError:
        return None


def _keep(source: Path, kept: Path) -> None:
    try:
        os.link(source, kept)
    except OSError:
        shutil.copy2(source, kept)


def _free_name(path: Path) -> Path:
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}.{number}")
    return candidate
