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


CREATED = re.compile(r"^applied  \+ teams\.(t\d+)$", re.MULTILINE)


def test_a_change_reported_applied_is_kept_when_a_batched_apply_is_killed(
    tmp_path: Path,
) -> None:
    """Without emulated waits the mock keeps writes in batches of one transaction: an apply
    killed mid-batch loses that batch's writes, never reported, and nothing reported."""
    root = tmp_path / "project"
    (root / "config").mkdir(parents=True)
    (root / "gladcfg.yaml").write_text("version: 1\ninstances:\n  staging: {}\n")
    teams = "".join(f"  t{i:05}: {{description: team {i}}}\n" for i in range(6000))
    (root / "config/teams.yaml").write_text(f"teams:\n{teams}")
    store = root / ".gladcfg/state/staging.db"
    process = gladcfg(root, "apply", "--auto-approve")
    assert process.stdout is not None
    reported: list[str] = []
    for line in process.stdout:  # each line flushed as it is printed
        reported += CREATED.findall(line)
        if len(reported) >= 1200:  # mid-apply, some batches in: kill it while it writes
            os.kill(process.pid, signal.SIGKILL)
            break
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL, "the apply finished before it was killed"
    with contextlib.closing(sqlite3.connect(store)) as db:
        held = {name for (name,) in db.execute("SELECT name FROM objects")}
    assert set(reported) <= held
    assert len(held) < 6000  # killed mid-apply: its open batch was not kept
    check_whole(store)
    code, output = finish(gladcfg(root, "apply", "--auto-approve"))
    assert code == 0, output
    assert check_whole(store) == 6000


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
PLANNED = re.compile(r'^  ~ teams\.(t\d+)\n      description: "([^"]*)" → ', re.MULTILINE)


def test_two_applies_of_different_edits_never_overwrite_each_other(tmp_path: Path) -> None:
    """No update is lost and none is claimed that was not made. An object both applies
    report updating was updated by one of them after the other's update, which its plan
    shows it read (they ran one after the other there, as a loaded machine may run them);
    otherwise the later write would have overwritten an edit it never saw, and is refused."""
    roots = [tmp_path / "first", tmp_path / "second"]
    project(roots[0])
    assert finish(gladcfg(roots[0], "apply", "--auto-approve"))[0] == 0
    store = roots[0] / ".gladcfg/state/staging.db"
    before = teams_held(store)
    values = ("from-first", "from-second")
    for root, description in zip(roots, values, strict=True):
        project(root, description)
    (roots[1] / ".gladcfg").symlink_to(roots[0] / ".gladcfg")  # one instance, two projects
    processes = [gladcfg(root, "apply", "--auto-approve", "--force") for root in roots]
    results = [finish(process) for process in processes]
    updated = [set(APPLIED.findall(output)) for _, output in results]
    planned_from = [dict(PLANNED.findall(output)) for _, output in results]
    for _, output in results:
        assert "Traceback" not in output and "internal error" not in output, output
    held = teams_held(store)
    for name, (description, version) in held.items():
        reported = [i for i in (0, 1) if name in updated[i]]
        # An update reported was made; an object no apply reports was never written.
        assert (version != before[name][1]) == bool(reported), name
        if not reported:
            assert description == "first", name
        elif len(reported) == 1:
            assert description == values[reported[0]], name
        else:  # the one that wrote last planned it from the other's value, and holds its own
            last = values.index(description)
            assert planned_from[last][name] == values[1 - last], name


def teams_held(store: Path) -> dict[str, tuple[str, int]]:
    with contextlib.closing(sqlite3.connect(store)) as db:
        rows = db.execute("SELECT name, spec, version FROM objects WHERE kind = 'teams'")
        return {name: (json.loads(spec)["description"], version) for name, spec, version in rows}
