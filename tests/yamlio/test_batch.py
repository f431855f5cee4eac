from __future__ import annotations

import marshal
import os
import signal
import sys
import threading
from pathlib import Path

import pytest

from gladcfg import yamlio
from gladcfg.errors import YamlError
from gladcfg.yamlio import batch

BATCH = [
    "teams:\n  a: {description: x}\n",
    "a: 1\na: 2\n",  # a duplicate key
    "key: [unclosed\n",  # a syntax error
    "weekly: {mon: ['09:00-17:00'], 1: .inf, no: ~}\n",  # core-schema scalars survive marshal
    "",
]


def load_all(texts: list[str]) -> list[yamlio.Document | YamlError]:
    """As the workspace uses a batch: every text handed over first, then each result."""
    with yamlio.Batch(sum(map(len, texts)), len(texts)) as loading:
        loaders = [loading.submit(text) for text in texts]
        return [load() for load in loaders]


def outcome(loaded: yamlio.Document | YamlError) -> object:
    if isinstance(loaded, YamlError):
        return ("error", loaded.message, loaded.line, loaded.column)
    return (loaded.data, loaded.duplicate_keys)


def workers(texts: list[str]) -> int:
    return batch._worker_count(sum(map(len, texts)), len(texts))


def parallel_possible() -> bool:
    return (
        sys.platform.startswith("linux")
        and len(os.sched_getaffinity(0)) > 1
        and threading.active_count() == 1
    )


def test_a_large_batch_is_loaded_by_workers_with_the_same_results(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    serial = [outcome(d) for d in load_all(BATCH)]
    assert workers(BATCH) == 1  # small: loaded in this process
    assert serial == [outcome(batch._load_or_error(text)) for text in BATCH]
    assert marshal.loads(batch._load_marshalled("a: 1\na: 2\n")) == (
        "document",
        {"a": 2},
        ((("a",), 2, 1),),
    )
    assert marshal.loads(batch._load_marshalled("["))[0] == "error"
    monkeypatch.setattr(batch, "PARALLEL_MIN_CHARS", 0)
    if not parallel_possible():
        pytest.skip("needs Linux, two cores and no other thread")
    assert workers(BATCH) >= 2
    assert [outcome(d) for d in load_all(BATCH)] == serial
    with yamlio.Batch(10**9, 10) as nothing_to_parse:  # every file parsed for another instance
        pass
    assert nothing_to_parse._pool is None  # so no worker was started


def _dies_on_teams(text: str) -> bytes:
    """Stands in for the worker's function; pickled by reference, so module-level."""
    if text.startswith("teams"):
        Path(os.environ["GLADCFG_TEST_DIED"]).touch()
        os._exit(3)
    return ORIGINAL_LOAD_MARSHALLED(text)


ORIGINAL_LOAD_MARSHALLED = batch._load_marshalled


def test_a_worker_that_dies_is_replaced_by_loading_here(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(batch, "PARALLEL_MIN_CHARS", 0)
    if not parallel_possible():
        pytest.skip("needs Linux, two cores and no other thread")
    monkeypatch.setenv("GLADCFG_TEST_DIED", str(tmp_path / "died"))
    monkeypatch.setattr(batch, "_load_marshalled", _dies_on_teams)
    loaded = [outcome(d) for d in load_all(BATCH)]
    assert (tmp_path / "died").exists()
    assert loaded == [outcome(batch._load_or_error(text)) for text in BATCH]


def _reports_sigint(text: str) -> bytes:
    """Stands in for the worker's function: is Ctrl-C ignored in the worker?"""
    return marshal.dumps(("document", signal.getsignal(signal.SIGINT) == signal.SIG_IGN, ()))


def test_workers_leave_ctrl_c_to_the_main_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "PARALLEL_MIN_CHARS", 0)
    if not parallel_possible():
        pytest.skip("needs Linux, two cores and no other thread")
    monkeypatch.setattr(batch, "_load_marshalled", _reports_sigint)
    loaded = list(load_all(BATCH))
    assert [d.data for d in loaded if isinstance(d, yamlio.Document)] == [True] * len(BATCH)
    assert signal.getsignal(signal.SIGINT) is not signal.SIG_IGN  # here, untouched


def test_no_workers_while_other_threads_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "PARALLEL_MIN_CHARS", 0)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert workers(BATCH) == 1  # forking now could copy a held lock
    finally:
        stop.set()
        other.join()


def test_a_text_that_repeats_in_a_file_is_held_once_also_past_a_worker() -> None:
    """Values repeat (teams named by every inbox, zones, channels); a desired state keeps
    them for every resource, so a file's equal texts come back as one object."""
    text = "".join(
        f"inbox-{i}: {{teams: [tier-1, tier-2], zone: Europe/Paris}}\n" for i in range(3)
    )
    for document in (
        yamlio.load(text),
        batch._unmarshal(Finished(batch._load_marshalled(text)), text),
    ):
        assert isinstance(document, yamlio.Document)
        inboxes = list(document.data.values())
        assert inboxes[0] == {"teams": ["tier-1", "tier-2"], "zone": "Europe/Paris"}
        for inbox in inboxes[1:]:
            assert inbox["teams"][0] is inboxes[0]["teams"][0]
            assert inbox["zone"] is inboxes[0]["zone"]


class Finished:
    """A future whose result is ready."""

    def __init__(self, value: bytes) -> None:
        self._value = value

    def result(self) -> bytes:
        return self._value
