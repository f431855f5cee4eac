from __future__ import annotations

import pytest

from gladcfg.cli.progress import Progress
from gladcfg.engine.writes import ApplyReport, Outcome, Status
from gladcfg.model.plan import Action, Change, Plan

FINGERPRINT = "sha256:" + "0" * 64


def test_terminal_progress_bar_then_report(capsys: pytest.CaptureFixture[str]) -> None:
    ok = Change.of("teams", "a", Action.CREATE, after={})
    bad = Change.of("teams", "b", Action.CREATE, after={})
    manual = Change.of("inboxes", "c", Action.MANUAL, after={}, manual_action=Action.CREATE)
    outcomes = (Outcome(ok, Status.APPLIED), Outcome(bad, Status.FAILED, "refused"))
    progress = Progress(2, color=False, interactive=True)
    with progress:
        for outcome in outcomes:
            progress.update(outcome)
    progress.report(
        ApplyReport(outcomes), Plan.of("prod", "mock", FINGERPRINT, (ok, bad, manual), 0)
    )
    out = capsys.readouterr().out
    # Every change's line is kept above the bar, once, in the order applied.
    assert out.count("failed   + teams.b: refused") == 1
    assert out.count("applied  + teams.a") == 1
    assert out.index("applied  + teams.a") < out.index("failed   + teams.b")
    assert "Apply to prod: 1 applied, 1 failed, 0 skipped." in out
    assert "1 manual change(s) remain" in out
