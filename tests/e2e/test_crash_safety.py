"""Crash safety of the mock store: an apply killed (SIGKILL) at random moments leaves a
database that is whole and holds only whole objects, and a re-run converges; two applies at
once on one instance never lose anything, and never overwrite each other."""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from gladcfg.model.kinds import KIND_MODELS

TEAMS = 400
PROJECT = """\
version: 1
instances:
  staging:
    faults: {latency_ms: 4}
"""


def project(root: Path, description: str = "first") -> None:
    (root / "config").mkdir(parents=True, exist_ok=True)
    (root / "gladcfg.yaml").write_text(PROJECT)
    teams = "".join(f"  t{i:04}: {{description: {description}}}\n" for i in range(TEAMS))
    inboxes = "".join(f"  i{i:04}: {{teams: [t{i:04}]}}\n" for i in range(0, TEAMS, 4))
    (root / "config/all.yaml").write_text(f"teams:\n{teams}inboxes:\n{inboxes}")


def gladcfg(root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "gladcfg", "--no-color", "-C", str(root), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, out + err


def check_whole(store: Path) -> int:
    """The database passes SQLite's integrity check and every object in it is whole;
    returns how many there are."""
    with contextlib.closing(sqlite3.connect(store)) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        rows = db.execute("SELECT kind, name, spec FROM objects").fetchall()
    for kind, _name, spec in rows:
        KIND_MODELS[kind].model_validate(json.loads(spec))
    return len(rows)


def test_killed_applies_leave_a_whole_store_and_converge(tmp_path: Path) -> None:
    root = tmp_path / "project"
    project(root)
    store = root / ".gladcfg/state/staging.db"
    rng = random.Random(20261123)
    killed = 0
    for round_ in range(4):
        if round_ == 2:
            project(root, "second")  # now a long run of updates
        process = gladcfg(root, "apply", "--auto-approve", "--force", "--parallelism", "8")
        deadline = time.monotonic() + 30
        while not store.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.05, 0.6))
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            killed += 1
        process.communicate(timeout=60)
        if store.exists():
            check_whole(store)
    assert killed >= 2, "the applies finished before they could be killed; make them longer"
    code, output = finish(gladcfg(root, "apply", "--auto-approve", "--force"))
    assert code == 0, output
    assert check_whole(store) == TEAMS + TEAMS // 4
    code, output = finish(gladcfg(root, "plan", "--detailed-exitcode"))
    assert code == 0, output


def test_two_applies_at_once_lose_nothing(tmp_path: Path) -> None:
    root = tmp_path / "project"
    project(root)
    first = gladcfg(root, "apply", "--auto-approve")
    second = gladcfg(root, "apply", "--auto-approve")
    results = [finish(first), finish(second)]
    for code, output in results:
        assert "Traceback" not in output and "internal error" not in output
        # The second finds each object the first made already there, as the files declare
        # it: done, not failed.
        assert code == 0, output
    code, output = finish(gladcfg(root, "plan", "--detailed-exitcode"))
    assert code == 0, output
    assert check_whole(root / ".gladcfg/state/staging.db") == TEAMS + TEAMS // 4


APPLIED = re.compile(r"^applied  ~ teams\.(t\d+)$", re.MULTILINE)


def test_two_applies_of_different_edits_never_overwrite_each_other(tmp_path: Path) -> None:
    """Each object is updated by at most one of them: the other read it before that update
    and is refused; what the store holds is what the apply that reported it wrote."""
    roots = [tmp_path / "first", tmp_path / "second"]
    project(roots[0])
    assert finish(gladcfg(roots[0], "apply", "--auto-approve"))[0] == 0
    for root, description in zip(roots, ("from-first", "from-second"), strict=True):
        project(root, description)
    (roots[1] / ".gladcfg").symlink_to(roots[0] / ".gladcfg")  # one instance, two projects
    processes = [gladcfg(root, "apply", "--auto-approve", "--force") for root in roots]
    results = [finish(process) for process in processes]
    updated = [set(APPLIED.findall(output)) for _, output in results]
    for _, output in results:
        assert "Traceback" not in output and "internal error" not in output, output
    assert not updated[0] & updated[1]
    with contextlib.closing(sqlite3.connect(roots[0] / ".gladcfg/state/staging.db")) as db:
        rows = db.execute("SELECT name, spec FROM objects WHERE kind = 'teams'").fetchall()
    held = {name: json.loads(spec)["description"] for name, spec in rows}
    for name, description in held.items():
        assert (name in updated[0]) == (description == "from-first"), name
        assert (name in updated[1]) == (description == "from-second"), name
