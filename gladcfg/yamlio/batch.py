"""Loading many documents at once, in forked worker processes when that is faster.

A project's resource files are rendered one by one for each instance; the batch takes each
text as soon as it is rendered and gives its document back when asked, so parsing runs
alongside rendering.
"""

from __future__ import annotations

import marshal
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

from gladcfg.errors import YamlError
from gladcfg.yamlio.loader import Document, DuplicateKey, load

# Below this many characters in all, documents are loaded in this process: starting
# workers would cost more than it saves.
PARALLEL_MIN_CHARS = 2 * 1024 * 1024
MAX_WORKERS = 4


class Batch:
    """Loads a batch of documents, each handed in as soon as its text is known.

    libyaml's parser holds the GIL, so a large batch (``expected_chars`` in all, over
    ``count`` documents) is parsed by worker processes, forked so nothing is imported again,
    while the caller goes on producing texts and using the documents already loaded. Workers
    return each document marshalled, the cheapest way back for plain data. Where forking is
    not safe (not Linux, or other threads running), on one core, for a small batch, and for
    any document whose worker failed, documents are loaded in this process, when asked for.

    ``submit`` returns a function giving the document (or its error); call each once.
    """

    def __init__(self, expected_chars: int, count: int) -> None:
        self._workers = _worker_count(expected_chars, count)
        self._pool: Any = None  # started by the first submit: a batch may need no parsing

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, *_: object) -> None:
        if self._pool is not None:  # joins its thread, so a later batch may fork again
            self._pool.shutdown(cancel_futures=True)

    def submit(self, text: str) -> Callable[[], Document | YamlError]:
        if self._workers < 2:
            return lambda: _load_or_error(text)
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            fork = multiprocessing.get_context("fork")
            self._pool = ProcessPoolExecutor(
                self._workers, mp_context=fork, initializer=worker_start
            )
        future = self._pool.submit(_load_marshalled, text)
        return lambda: _unmarshal(future, text)


def _unmarshal(future: Any, text: str) -> Document | YamlError:

    try:
        loaded = marshal.loads(future.result())
    except Exception:  # a worker that died (killed, out of memory): load it here
        return _load_or_error(text)
    if loaded[0] == "error":
        return YamlError(*loaded[1:])
    return Document(loaded[1], tuple(DuplicateKey(*dup) for dup in loaded[2]))


def _worker_count(expected_chars: int, count: int) -> int:
    return worker_count(expected_chars, count, PARALLEL_MIN_CHARS)


def worker_count(expected_chars: int, count: int, minimum_chars: int) -> int:
    """How many forked workers ``count`` jobs over ``expected_chars`` characters deserve:
    1 (none: do it here) below ``minimum_chars``, where forking is not safe (not Linux, or
    other threads running) and on one core."""

    if (
        count < 2
        or expected_chars < minimum_chars
        or not sys.platform.startswith("linux")
        or threading.active_count() > 1
    ):
        return 1

    return min(MAX_WORKERS, len(os.sched_getaffinity(0)), count)


def worker_start() -> None:
    """Ctrl-C reaches the whole process group: the main process stops the workers."""

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _load_or_error(text: str) -> Document | YamlError:
    try:
        return load(text)
    except YamlError as exc:
        return exc


def _load_marshalled(text: str) -> bytes:
    """In a worker: :func:`load`, as marshal data (plain values and tuples only)."""

    loaded = _load_or_error(text)
    if isinstance(loaded, YamlError):
        return marshal.dumps(("error", loaded.message, loaded.line, loaded.column))
    duplicates = tuple((dup.path, dup.line, dup.column) for dup in loaded.duplicate_keys)
    return marshal.dumps(("document", loaded.data, duplicates))
