"""The two tiers of tests: ``make check``, the fast one, leaves out exactly the end-to-end
tests (marker ``e2e``: every test under tests/e2e/, by that folder's conftest, and the few
elsewhere marked by hand); ``make test``, which CI runs, leaves out none."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# pytest's exit code when every test collected was deselected.
NO_TESTS_COLLECTED = 5


def test_every_test_under_tests_e2e_is_marked_e2e() -> None:
    collect = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
    result = subprocess.run(
        [*collect, "-m", "not e2e", "tests/e2e"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == NO_TESTS_COLLECTED, result.stdout + result.stderr
    deselected = re.search(r"no tests collected \((\d+) deselected\)", result.stdout)
    assert deselected and int(deselected[1]) > 0, result.stdout


def commands(target: str) -> list[list[str]]:
    """The commands ``make TARGET`` runs, as ``make -n`` shows them."""
    # Not the make running this suite's own flags (its jobserver, its directory messages).
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    shown = subprocess.run(
        ["make", "--no-print-directory", "-n", target],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    return [shlex.split(line) for line in shown.splitlines() if line.strip()]


def runs_of(program: str, target: str) -> list[list[str]]:
    """The arguments of each run of ``program`` in ``make TARGET``."""
    return [argv[1:] for argv in commands(target) if Path(argv[0]).name == program]


def test_make_check_lints_and_leaves_out_exactly_the_e2e_tests() -> None:
    assert ["check", "gladcfg", "tests", "bench"] in runs_of("ruff", "check")
    assert ["format", "--check", "gladcfg", "tests", "bench"] in runs_of("ruff", "check")
    # Only the marker: no path, -k or --deselect narrowing the tests further.
    assert runs_of("pytest", "check") == [["-q", "-m", "not e2e"]]


def test_make_test_runs_every_test() -> None:
    (arguments,) = runs_of("pytest", "test")
    assert "-m" not in arguments and "-k" not in arguments and "--cov" in arguments
