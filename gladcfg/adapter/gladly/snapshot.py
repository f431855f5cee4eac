"""What the last reads of one Gladly instance found of its answers, the kind read one
request at a time: kept per user and instance between runs.

Gladly has no answer list, so reading 2,000 answers in two languages takes some 6,000
requests — twenty minutes at the default budget. The snapshot lets a plan skip them
(``plan --refresh=false``): an answer the snapshot read, with every language × type the
files now declare, is taken as it was then, and the plan says how old that is. It also
remembers under which id each answer was found or written, so an answer renamed by gladcfg
is found again once ``renamed_from`` is gone (its id is derived from its first name), and
which language × type pairs each answer was last found or left holding, so a pair removed
from the files is still asked for, found and planned as removed
(:mod:`~gladcfg.adapter.gladly.kinds.answer_pairs`).

It is a hint, never the truth: ``apply`` reads everything it is about to change and compares
the plan's fingerprint, so a snapshot that no longer holds makes a saved plan stale, never a
wrong write. It lives in the user's cache folder (:mod:`gladcfg.cachedir`), never in the
project, holds only what Gladly answered (no secret is read from Gladly), and a missing,
foreign or corrupt file is simply no snapshot.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gladcfg.cachedir import cache_folder, private_folder, read_own, write_entry

log = logging.getLogger(__name__)

FORMAT = 1
MAX_BYTES = 256 * 1024 * 1024
Pair = tuple[str, str]  # language, content type


@dataclass(frozen=True)
class Seen:
    """One answer as a read found it: its metadata as Gladly shows it (None: it was not
    there), and the content of each language × type pair asked for (a pair asked for and
    absent is in ``asked`` and not in ``contents``)."""

    read_at: float
    metadata: dict[str, Any] | None
    asked: frozenset[Pair] = frozenset()
    contents: Mapping[Pair, Any] = field(default_factory=dict)

    def covers(self, pairs: Iterable[Pair]) -> bool:
        return self.asked.issuperset(pairs)


class Snapshot:
    """The answers of the instance ``identity`` as last read, by name; thread-safe."""

    def __init__(self, identity: str, folder: Path | None) -> None:
        self.identity = identity
        self._folder = folder
        self._seen: dict[str, Seen] = {}
        self._ids: dict[str, str] = {}  # name → the id it was last found or written under
        # name → the pairs it was last found holding, or may hold since a write to it
        self._pairs: dict[str, frozenset[Pair]] = {}
        self._lock = threading.Lock()
        self._changed = False
        self.reused = 0  # answers the current read took from the snapshot
        self.oldest: float | None = None  # when the oldest of them was read

    @classmethod
    def open(cls, identity: str, environ: Mapping[str, str] | None = None) -> Snapshot:
        """The snapshot kept for ``identity``; empty when there is none or it is unusable."""
        folder = cache_folder("snapshots", environ)
        snapshot = cls(identity, private_folder(folder) if folder is not None else None)
        snapshot._load()
        return snapshot

    @property
    def path(self) -> Path | None:
        if self._folder is None:
            return None
        return self._folder / (hashlib.sha256(self.identity.encode()).hexdigest()[:32] + ".json")

    # -- reading ---------------------------------------------------------------------------

    def begin_read(self) -> None:
        with self._lock:
            self.reused, self.oldest = 0, None

    def reuse(
        self, name: str, pairs: Iterable[Pair], usable: Callable[[Seen], bool]
    ) -> Seen | None:
        """What the snapshot saw of ``name``, if it saw every pair in ``pairs`` and it is
        ``usable`` (in the shape a read gives); counted as reused."""
        with self._lock:
            seen = self._seen.get(name)
            if seen is None or not seen.covers(pairs) or not usable(seen):
                return None
            self.reused += 1
            self.oldest = seen.read_at if self.oldest is None else min(self.oldest, seen.read_at)
            return seen

    def id_of(self, name: str) -> str | None:
        with self._lock:
            return self._ids.get(name)

    def pairs_of(self, name: str) -> frozenset[Pair]:
        """The pairs ``name`` held when last read, and any a write since may have left."""
        with self._lock:
            return self._pairs.get(name, frozenset())

    def saw(self, name: str, seen: Seen) -> None:
        """Record a fresh read of ``name``."""
        with self._lock:
            self._seen[name] = seen
            if seen.metadata is not None:
                self._ids[name] = str(seen.metadata["id"])
            found = frozenset(seen.contents) if seen.metadata is not None else frozenset()
            self._set_pairs(name, found)
            self._changed = True

    def may_hold(self, name: str, pairs: Iterable[Pair]) -> None:
        """A write about to be sent may leave ``name`` holding ``pairs``: kept with those it
        held, whether or not the write's answer comes back."""
        with self._lock:
            self._set_pairs(name, self._pairs.get(name, frozenset()).union(pairs))
            self._changed = True

    def holds(self, name: str, pairs: Iterable[Pair]) -> None:
        """A write left ``name`` holding exactly ``pairs`` (of those gladcfg knows)."""
        with self._lock:
            self._set_pairs(name, frozenset(pairs))
            self._changed = True

    def _set_pairs(self, name: str, pairs: frozenset[Pair]) -> None:
        if pairs:
            self._pairs[name] = pairs
        else:
            self._pairs.pop(name, None)

    def writing(self, *names: str) -> None:
        """A write to ``names`` is about to be sent: whether or not its answer comes back,
        what was seen of them may no longer hold, and their next read is a real one."""
        with self._lock:
            for name in names:
                self._seen.pop(name, None)
            self._changed = True

    def wrote(self, name: str, object_id: str | None, *, old_name: str | None = None) -> None:
        """``name`` was just written (under ``object_id``; None: deleted): what was seen of
        it no longer holds, and its next read is a real one. A renamed answer's pairs are
        its new name's now."""
        with self._lock:
            pairs = self._pairs.pop(old_name or name, frozenset()) | self._pairs.pop(
                name, frozenset()
            )
            for gone in (name, old_name or name):
                self._seen.pop(gone, None)
                self._ids.pop(gone, None)
            if object_id is not None:
                self._ids[name] = object_id
                self._set_pairs(name, pairs)
            self._changed = True

    # -- keeping ---------------------------------------------------------------------------

    def save(self) -> None:
        """Write what changed since loading; a failure (a full disk) costs only speed."""
        path = self.path
        with self._lock:
            if path is None or not self._changed:
                return
            document = {
                "format": FORMAT,
                "identity": self.identity,
                "ids": dict(sorted(self._ids.items())),
                "answers": {name: _dump(seen) for name, seen in sorted(self._seen.items())},
                "pairs": {name: sorted(map(list, p)) for name, p in sorted(self._pairs.items())},
            }
            self._changed = False
        data = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
        try:
            write_entry(path.parent, path.name, data)
        except OSError as exc:
            log.info("snapshot: cannot write %s: %s", path, exc)

    def _load(self) -> None:
        path = self.path
        if path is None:
            return
        try:
            document = json.loads(read_own(path, MAX_BYTES))
            if document.get("format") != FORMAT or document.get("identity") != self.identity:
                raise ValueError("another format or another instance")
            ids = {str(k): str(v) for k, v in document["ids"].items()}
            seen = {str(name): _load(entry) for name, entry in document["answers"].items()}
            # A snapshot kept before pairs were: what its reads found.
            read = {name: frozenset(entry.contents) for name, entry in seen.items()}
            pairs = {
                str(name): frozenset((str(lang), str(kind)) for lang, kind in entry)
                for name, entry in document.get("pairs", read).items()
            }
        except FileNotFoundError:
            return
        except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            log.info("snapshot: %s is not usable (%s); reading everything", path, exc)
            return
        self._ids, self._seen = ids, seen
        self._pairs = {name: held for name, held in pairs.items() if held}


def _dump(seen: Seen) -> dict[str, Any]:
    return {
        "read_at": seen.read_at,
        "metadata": seen.metadata,
        "asked": sorted([list(pair) for pair in seen.asked]),
        "contents": [[lang, kind, content] for (lang, kind), content in seen.contents.items()],
    }


def _load(entry: Any) -> Seen:
    read_at = float(entry["read_at"])
    if not read_at <= time.time() + 60:  # also refuses NaN
        raise ValueError("a read from the future")
    metadata = entry["metadata"]
    if metadata is not None and not isinstance(metadata, dict):
        raise ValueError("metadata is not an object")
    return Seen(
        read_at=read_at,
        metadata=metadata,
        asked=frozenset((str(lang), str(kind)) for lang, kind in entry["asked"]),
        contents={(str(lang), str(kind)): content for lang, kind, content in entry["contents"]},
    )
