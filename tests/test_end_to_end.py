"""The installed program, as a user runs it: a subprocess, no test harness in between."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def gladcfg(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gladcfg", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_init_validate_and_refusal(tmp_path: Path) -> None:
    target = tmp_path / "p"
    assert gladcfg("init", target).returncode == 0
    validated = gladcfg("-C", target, "validate", "--all")
    assert validated.returncode == 0, validated.stderr
    assert "valid: staging" in validated.stdout
    again = gladcfg("init", target)
    assert again.returncode == 1
    assert "Traceback" not in again.stderr


def test_errors_in_a_subprocess_are_clean(tmp_path: Path) -> None:
    target = tmp_path / "p"
    gladcfg("init", target)
    (target / "config" / "bad.yaml").write_text("teams:\n  x: {descrption: y}\n")
    result = gladcfg("-C", target, "--no-color", "validate")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "config/bad.yaml:2:7: error: teams.x.descrption: unknown field 'descrption' "
        "(did you mean 'description'?)"
    )
    assert "\x1b[" not in result.stderr
