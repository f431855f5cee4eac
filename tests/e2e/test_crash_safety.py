"""Crash safety of the mock store: an apply killed (SIGKILL) at random moments leaves a store
that parses, holds only whole objects, and a re-run converges; two applies at once on one
instance never lose anything."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from gladcfg.model.resources import KIND_MODELS

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
    """The store parses and every object in it is whole; returns how many there are."""
    data = json.loads(store.read_text())  # a torn file would not parse
    count = 0
    for kind, objects in data["objects"].items():
        for name, entry in objects.items():
            assert set(entry) == {"id", "spec"}, (kind, name)
            KIND_MODELS[kind].model_validate(entry["spec"])
            count += 1
    return count


def test_killed_applies_leave_a_whole_store_and_converge(tmp_path: Path) -> None:
    root = tmp_path / "project"
    project(root)
    store = root / ".gladcfg/state/staging.json"
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
    assert not list(store.parent.glob("*.tmp"))  # what a killed apply left, swept
    code, output = finish(gladcfg(root, "plan", "--detailed-exitcode"))
    assert code == 0, output


def test_two_applies_at_once_lose_nothing(tmp_path: Path) -> None:
    root = tmp_path / "project"
    project(root)
    first = gladcfg(root, "apply", "--auto-approve")
    second = gladcfg(root, "apply", "--auto-approve")
    results = [finish(first), finish(second)]
    for code, output in results:
        assert "Traceback" not in output
        assert code == 0 or (
            code == 1
            and ("changed since this plan was made" in output or "another apply" in output)
        ), output
    assert any(code == 0 for code, _ in results)
    code, output = finish(gladcfg(root, "plan", "--detailed-exitcode"))
    assert code == 0, output
    assert check_whole(root / ".gladcfg/state/staging.json") == TEAMS + TEAMS // 4
