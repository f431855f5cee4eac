"""An apply that meets a store it cannot save, or a bug: clean lines, nothing lost or
half-saved, and -v has the detail."""

from __future__ import annotations

import errno
import json
import math
import os
from pathlib import Path
from typing import Any

import pytest

import gladcfg.adapter.mock as mock_module
from gladcfg.adapter.mock import MockAdapter
from tests.cli.test_plan_apply import project, store
from tests.conftest import MakeProject, RunCli


def test_a_full_disk_fails_changes_cleanly_and_plan_shows_exactly_them(
    make_project: MakeProject, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(make_project)
    monkeypatch.setattr(mock_module, "FLUSH_INTERVAL_SECONDS", 0)
    real = mock_module.write_atomically
    saves: list[Path] = []

    def fills_up(path: Path, text: str, **kwargs: bool) -> os.stat_result:
        saves.append(path)
        if len(saves) > 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(path, text, **kwargs)

    monkeypatch.setattr(mock_module, "write_atomically", fills_up)
    result = run_cli("-C", root, "apply", "--auto-approve", "--parallelism", "1")
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert "No space left on device" in result.output
    assert "Apply to staging: 3 applied," in result.stdout
    monkeypatch.setattr(mock_module, "write_atomically", real)
    saved = {
        f"{k}.{n}" if k != "settings" else k for k, by in store(root)["objects"].items() for n in by
    }
    assert len(saved) == 3  # the changes reported failed were not saved by any later write
    left = json.loads(run_cli("-C", root, "plan", "--format", "json").stdout)["changes"]
    assert len(left) == 5 and saved.isdisjoint(c["address"] for c in left)
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0


def test_an_unexpected_error_is_one_short_line_and_its_traceback_is_logged_at_v(
    make_project: MakeProject, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(make_project)
    create = MockAdapter.create

    def buggy(self: MockAdapter, kind: str, name: str, spec: dict[str, Any]) -> Any:
        if kind == "teams":
            raise RuntimeError("a bug in the adapter")
        return create(self, kind, name, spec)

    monkeypatch.setattr(MockAdapter, "create", buggy)
    quiet = run_cli("-C", root, "apply", "--auto-approve")
    assert quiet.exit_code == 1
    assert "failed   + teams.tier1: internal error: RuntimeError: a bug in the adapter" in (
        quiet.stdout
    )
    assert "Traceback" not in quiet.output
    assert run_cli("-C", root, "plan", "--detailed-exitcode").exit_code == 2
    verbose = run_cli("-C", root, "-v", "apply", "--auto-approve")
    assert "teams.tier1: unexpected error" in verbose.stderr
    assert "Traceback (most recent call last)" in verbose.stderr
    assert 'in buggy\n    raise RuntimeError("a bug in the adapter")' in verbose.stderr


def test_when_the_last_save_fails_the_report_is_still_given_and_says_so(
    make_project: MakeProject, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(make_project)
    monkeypatch.setattr(mock_module, "FLUSH_INTERVAL_SECONDS", math.inf)  # saved at the end only

    def full(path: Path, text: str, **kwargs: bool) -> os.stat_result:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(mock_module, "write_atomically", full)
    result = run_cli("-C", root, "apply", "--auto-approve", "--rollback-out", root / "undo.json")
    assert result.exit_code == 1, result.output
    assert "Apply to staging: 8 applied, 0 failed, 0 skipped." in result.stdout
    assert "No space left on device; the changes applied since it was last saved are not in it" in (
        result.stderr
    )
    assert "internal error" not in result.output
    assert not (root / ".gladcfg/state/staging.json").exists()
    assert not (root / "undo.json").exists()  # nothing to undo
