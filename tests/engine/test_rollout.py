"""Which wave each instance is in, and what stops a rollout: a wave that fails its
verification stops every wave after it."""

from __future__ import annotations

import pytest

from gladcfg.model.plan import Plan
from gladcfg.model.schedule import Wave, assign_waves, waves_of
from tests.cli.test_rollout import FLEET, ROLLOUT, declared, project, summary
from tests.conftest import MakeProject, RunCli

INSTANCES = ["staging", "prod-us", "prod-eu", "prod-ap"]


def wave(name: str, *globs: str, parallel: int = 1) -> Wave:
    return Wave(name=name, instances=list(globs), parallel=parallel)


def test_an_instance_is_in_the_first_wave_that_matches_it() -> None:
    waves = [wave("canary", "staging"), wave("first", "prod-us"), wave("rest", "prod-*", "*")]
    assert [(w.name, names) for w, names in waves_of(waves, INSTANCES)] == [
        ("canary", ["staging"]),
        ("first", ["prod-us"]),
        ("rest", ["prod-eu", "prod-ap"]),
    ]
    # Within a wave, gladcfg.yaml's order, whatever the order of the globs.
    (_, names), *_ = waves_of([wave("all", "prod-ap", "*")], INSTANCES)
    assert names == INSTANCES


def test_what_makes_a_rollout_wrong() -> None:
    found = assign_waves(
        [wave("a", "staging"), wave("a", "prod-uss", "prod-eu"), wave("b", "staging")],
        INSTANCES,
    )
    assert found.unplaced == ["prod-us", "prod-ap"]
    assert found.unmatched == [(1, 0)]
    assert found.repeated == [(1, 0)]
    assert [names for _, names in found.waves] == [["staging"], ["prod-eu"], []]


def test_a_wave_that_fails_verification_stops_the_rollout(
    make_project: MakeProject, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The coverage-impact check plugs in at ``opened_coverage_gaps``: a gap it reports
    makes the wave unverified, as a fresh plan with changes would."""
    seen: list[tuple[str, int, int]] = []

    def gaps(applied: Plan, fresh: Plan) -> list[str]:
        seen.append((applied.instance, len(applied.writes), len(fresh.writes)))
        return ["en-US closed Mon 08:00-09:00"] if applied.instance == "staging" else []

    monkeypatch.setattr("gladcfg.engine.rollout.opened_coverage_gaps", gaps)
    root = project(make_project, FLEET + ROLLOUT)
    result = run_cli("-C", root, "apply", "--all", "--auto-approve")
    assert result.exit_code == 1
    assert seen == [("staging", 8, 0)]
    assert (
        "error: wave canary: staging not verified: the apply opened coverage gaps: "
        "en-US closed Mon 08:00-09:00\n"
    ) in result.stderr
    assert summary(result.stdout) == [
        "Rollout: stopped at wave canary",
        "  canary  failed       staging: applied, not verified",
        "  first   not started  prod-us",
        "  rest    not started  prod-eu, prod-ap",
        "Applied: staging.",
        "Failed: staging.",
        "Not started: first (prod-us), rest (prod-eu, prod-ap).",
        "Run the same command again to resume: up-to-date instances are skipped.",
    ]
    assert "teams.tier1" in declared(root, "staging")
    assert not (root / ".gladcfg/state/prod-us.db").exists()
