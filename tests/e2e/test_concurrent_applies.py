"""Two real ``gladcfg apply`` processes at once on one mock instance, as two pipelines
retrying each other's job would run them: both end green, the instance holds what the
files declare, and the next plan is empty. What the other made first is already there,
not failed, whether it made it before this apply re-read the instance or after."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import gladcfg_process

ROUNDS = 5
# Each read and write of the instance takes 10 ms, as a remote's would: the two applies
# overlap (one reads while the other writes) in most rounds, not in a lucky few.
SLOW = "  staging:\n    faults: {latency_ms: 10}\n"


def apply(root: Path) -> subprocess.Popen[str]:
    command = ["apply", "-i", "staging", "--auto-approve"]
    return subprocess.Popen(
        [sys.executable, "-m", "gladcfg", "--no-color", "-C", str(root), *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=root,
    )


def test_two_applies_at_once_both_succeed_and_converge(tmp_path: Path) -> None:
    root = tmp_path / "project"
    assert gladcfg_process(tmp_path, "init", str(root)).returncode == 0
    project = root / "gladcfg.yaml"
    assert "\n  staging:\n" in project.read_text()
    project.write_text(project.read_text().replace("  staging:\n", SLOW, 1))
    state = root / ".gladcfg/state"
    for round_ in range(ROUNDS):
        for old in state.glob("staging.db*"):  # a new instance: every object is a create
            old.unlink()
        processes = [apply(root), apply(root)]
        outputs = [process.communicate(timeout=60)[0] for process in processes]
        for process, output in zip(processes, outputs, strict=True):
            assert process.returncode == 0, f"round {round_}:\n{output}"
            assert "failed " not in output and "Traceback" not in output, output
        again = gladcfg_process(root, "plan", "-i", "staging", "--detailed-exitcode")
        assert again.returncode == 0, again.stdout + again.stderr
        assert "No changes" in again.stdout
