"""The one place gladcfg reads and writes YAML, one module per job.

* :mod:`~gladcfg.yamlio.loader`: one document loaded into plain values, within bounds that
  make hostile input an error rather than an outage (size, depth, alias expansion);
  :mod:`~gladcfg.yamlio.scalars` reads its scalars by the YAML 1.2 core schema;
* :mod:`~gladcfg.yamlio.batch`: many documents loaded at once, in worker processes when
  that is faster;
* :mod:`~gladcfg.yamlio.positions`: where a path sits in a text, found only when a problem
  is reported there;
* :mod:`~gladcfg.yamlio.writer`: new files written as people write YAML by hand;
* :mod:`~gladcfg.yamlio.roundtrip`: files people maintain edited in place, their comments
  and style kept (ruamel.yaml, imported only when a file is edited).
"""

from __future__ import annotations

from gladcfg.yamlio.batch import MAX_WORKERS, PARALLEL_MIN_CHARS, Batch
from gladcfg.yamlio.loader import (
    MAX_ALIAS_EXPANSION,
    MAX_DEPTH,
    MAX_DOCUMENT_CHARS,
    Document,
    DuplicateKey,
    load,
)
from gladcfg.yamlio.positions import key_text, locate
from gladcfg.yamlio.roundtrip import EditableDocument
from gladcfg.yamlio.scalars import MAX_INT_DIGITS
from gladcfg.yamlio.writer import dump

__all__ = [
    "MAX_ALIAS_EXPANSION",
    "MAX_DEPTH",
    "MAX_DOCUMENT_CHARS",
    "MAX_INT_DIGITS",
    "MAX_WORKERS",
    "PARALLEL_MIN_CHARS",
    "Batch",
    "Document",
    "DuplicateKey",
    "EditableDocument",
    "dump",
    "key_text",
    "load",
    "locate",
]
