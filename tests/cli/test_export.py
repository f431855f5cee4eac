"""export, then plan against the same instance: no changes, for every kind."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gladcfg import yamlio
from gladcfg.export import fold_days
from gladcfg.model.resources import KINDS
from tests.conftest import RunCli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "acme"


@pytest.mark.parametrize("instance", ["staging", "prod-us", "prod-eu"])
def test_export_round_trip_on_the_example(tmp_path: Path, run_cli: RunCli, instance: str) -> None:
    source = tmp_path / "acme"
    shutil.copytree(EXAMPLE, source)
    assert run_cli("-C", source, "apply", "-i", instance, "--auto-approve").exit_code == 0
    adopted = tmp_path / "adopted"
    (adopted / ".gladcfg/state").mkdir(parents=True)
    store = next((source / ".gladcfg/state").glob(f"{instance}.db"))
    shutil.copy(store, adopted / ".gladcfg/state" / f"{instance}.db")
    (adopted / "gladcfg.yaml").write_text(f"version: 1\ninstances:\n  {instance}: {{}}\n")
    exported = run_cli("-C", adopted, "export", "-i", instance, "--out", adopted / "config")
    assert exported.exit_code == 0, exported.output
    files = sorted(p.name for p in (adopted / "config").iterdir())
    assert files == sorted(f"{kind}.yaml" for kind in KINDS)
    assert run_cli("-C", adopted, "validate", "--strict").exit_code == 0
    assert run_cli("-C", adopted, "plan", "-i", instance, "--detailed-exitcode").exit_code == 0
    hours = (adopted / "config/business_hours.yaml").read_text()
    assert hours.startswith(f"# Exported by gladcfg from instance {instance}.\nbusiness_hours:\n")
    assert "    timezone: Europe/Dublin\n    weekly:\n      mon-fri: ['08:00-18:00']\n" in hours
    assert "hours: []" not in hours  # defaults are left out, as people write them
    assert "mock-" not in "".join((adopted / "config" / f).read_text() for f in files)  # no ids
    again = run_cli("-C", adopted, "export", "-i", instance, "--out", adopted / "config")
    assert again.exit_code == 1 and "never overwrites" in again.stderr


def test_fold_days() -> None:
    r, s = ["08:00-12:00"], ["10:00-14:00"]
    week = {"mon": r, "tue": r, "wed": r, "thu": s, "fri": r, "sun": r}
    assert fold_days(week) == {"mon-wed": r, "thu": s, "fri": r, "sun": r}
    assert yamlio.load(yamlio.dump(fold_days(week))).data == fold_days(week)
