"""The bad-input corpus: every case in tests/corpus/ runs the real CLI in a subprocess.

A case is a folder holding a project (or the wreck of one) and ``case.json``: the command
line, the expected exit code, the words the error must contain (file, line, field), words
it must never print (``absent``: secrets the case's files hold), and files to generate
that are too large, binary or link-shaped to keep in git. No case may print a traceback,
and none may change an instance.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import gladcfg_process

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "case.json").is_file())


def generate(root: Path, spec: dict[str, Any]) -> None:
    path = root / spec["path"]
    path.parent.mkdir(parents=True, exist_ok=True)
    kind = spec["kind"]
    if kind == "text":
        path.write_text(spec["text"], encoding="utf-8")
    elif kind == "bomb":  # "billion laughs": nine levels of nine aliases each
        lines = ['a0: &a0 ["lol"]']
        lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
        path.write_text("\n".join(lines) + "\nteams: *a9\n", encoding="utf-8")
    elif kind == "deep":
        depth = spec["depth"]
        path.write_text("teams: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    elif kind == "huge":
        line = "# " + "x" * 1021 + "\n"
        with path.open("w", encoding="utf-8") as handle:
            handle.write("teams:\n")
            for _ in range(spec["mib"] * 1024):
                handle.write(line)
    elif kind == "random":
        path.write_bytes(random.Random(8).randbytes(spec["bytes"]))
    elif kind == "latin1":
        path.write_bytes("teams:\n  x: {description: 'Équipe de nuit'}\n".encode("latin-1"))
    elif kind == "symlink":
        path.symlink_to(spec["target"])
    elif kind == "fifo":  # a named pipe: reading it would wait forever for a writer
        os.mkfifo(path)
    elif kind == "store":  # a mock instance holding ``document`` (as state import writes it)
        mock_store(path, spec["document"])
    elif kind == "sqlite":  # a database of some other program
        with contextlib.closing(sqlite3.connect(path)) as db, db:
            db.executescript(spec["sql"])
    else:  # pragma: no cover - a mistake in a case
        raise ValueError(f"unknown generator {kind}")


def mock_store(path: Path, document: dict[str, Any]) -> None:
    """A store holding ``document``: a saved plan's fingerprint names what it holds."""
    from gladcfg.adapter.mock.jsonstore import decode
    from gladcfg.adapter.mock.store import Store

    loaded = decode(json.dumps(document), str(path))
    store = Store(path)
    store.load(loaded.objects, next_id=loaded.next_id)
    store.close()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of every instance's store, byte for byte (a database that was only read
    is left as it was, without its write-ahead log once it is closed)."""
    if not folder.is_dir():
        return {}
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


@pytest.mark.e2e  # a process per case
@pytest.mark.parametrize("name", CASES)
def test_bad_input_case(name: str, tmp_path: Path) -> None:
    source = CORPUS / name
    case = json.loads((source / "case.json").read_text(encoding="utf-8"))
    root = tmp_path / "project"
    shutil.copytree(source, root, ignore=shutil.ignore_patterns("case.json"))
    for spec in case.get("generate", []):
        generate(root, spec)
    stores = snapshot(root / ".gladcfg/state")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GLADCFG_CORPUS")}
    env.update(case.get("env", {}))  # e.g. a token the case's instance needs
    result = gladcfg_process(root, *case["args"], env=env)
    output = result.stdout + result.stderr
    assert result.returncode == case["exit"], output
    assert "Traceback" not in output and "internal error" not in output, output
    for words in case["contains"]:
        assert words in output, f"{words!r} not in:\n{output}"
    for secret in case.get("absent", []):  # e.g. a password the case's files hold
        assert secret not in output, f"{secret!r} printed:\n{output}"
    assert snapshot(root / ".gladcfg/state") == stores, "a failed run changed an instance"


def test_the_corpus_is_large_and_every_case_says_what_it_expects() -> None:
    assert len(CASES) >= 40
    for name in CASES:
        case = json.loads((CORPUS / name / "case.json").read_text(encoding="utf-8"))
        assert case["contains"], f"{name}: no expected words"
