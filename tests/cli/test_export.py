"""export, then plan against the same instance: no changes, for every kind."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gladcfg import yamlio
from gladcfg.adapter.base import Access, RemoteObject, RemoteState
from gladcfg.edit.export import export_state
from gladcfg.model.kinds import KINDS
from gladcfg.model.types import fold_days
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


def test_an_object_the_files_could_not_declare_is_skipped_saying_why() -> None:
    """An instance may hold what files refuse (an old time zone alias, a field it does not
    show): export names the field and the reason instead of writing a file that fails."""
    remote = RemoteState(identity="test")
    remote.objects["business_hours"] = {
        "legacy": RemoteObject(
            "1", "legacy", {"timezone": "US/Eastern", "weekly": {"mon": ["08:00-12:00"]}}
        ),
        "support": RemoteObject(
            "2", "support", {"timezone": "Europe/Dublin", "weekly": {"mon": ["08:00-12:00"]}}
        ),
    }
    remote.objects["settings"] = {"settings": RemoteObject("3", "settings", {"timezone": "UTC"})}
    export = export_state(remote, dict.fromkeys(KINDS, Access.WRITE), instance="prod")
    assert "support:" in export.files["business_hours.yaml"]
    assert "legacy" not in export.files["business_hours.yaml"]
    legacy, settings = sorted(export.skipped)
    assert legacy.startswith("business_hours.legacy: it holds what gladcfg refuses in files")
    assert "timezone: 'US/Eastern' is an old alias" in legacy and "America/New_York" in legacy
    assert legacy.endswith("; declare it by hand")
    assert settings.startswith("settings: the instance does not show default_language, languages")


def test_hours_an_instance_spells_with_one_digit_are_exported_as_files_write_them() -> None:
    remote = RemoteState(identity="test")
    spec = {
        "timezone": "Europe/Dublin",
        "weekly": {"mon-fri": ["8:00-12:00", "13:00-17:30"]},
        "holidays": [{"date": "2026-12-24", "hours": ["9:00-12:00"]}],
    }
    remote.objects["business_hours"] = {"support": RemoteObject("1", "support", spec)}
    export = export_state(remote, dict.fromkeys(KINDS, Access.WRITE), instance="prod")
    assert export.skipped == []
    written = yamlio.load(export.files["business_hours.yaml"]).data["business_hours"]["support"]
    assert written["weekly"] == {"mon-fri": ["08:00-12:00", "13:00-17:30"]}
    assert written["holidays"] == [{"date": "2026-12-24", "hours": ["09:00-12:00"]}]
