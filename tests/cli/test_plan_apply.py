"""plan / apply / show end to end through the CLI, against the real mock adapter."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from gladcfg.cli.main import cli
from gladcfg.model.project import adapters_for
from tests.conftest import BASE_RESOURCES, MakeProject, RunCli, stored

REPO = Path(__file__).resolve().parents[2]

MOCK_PROJECT = """\
version: 1
resources: ["config/**/*.yaml"]
vars: {brand: Acme}
instances:
  staging:
    vars: {support_email: support@staging.acme.example}
    %s
"""


def project(
    make_project: MakeProject, extra: str = "", files: dict[str, str] | None = None
) -> Path:
    return make_project(
        {"config/base.yaml": BASE_RESOURCES, **(files or {})}, project_yaml=MOCK_PROJECT % extra
    )


def store(root: Path) -> dict:  # type: ignore[type-arg]
    return stored(root)


def edit_store(root: Path, kind: str, name: str, **spec: object) -> None:
    """Change the instance the way the admin UI would: ``gladcfg state edit``."""
    pairs = [f"{key}={json.dumps(value)}" for key, value in spec.items()]
    result = CliRunner().invoke(
        cli, ["-C", str(root), "state", "edit", "-i", "staging", f"{kind}.{name}", *pairs]
    )
    assert result.exit_code == 0 and "updated" in result.output, result.output


def test_first_plan_apply_then_no_changes(make_project: MakeProject, run_cli: RunCli) -> None:
    root = project(make_project)
    first = run_cli("-C", root, "plan", "--detailed-exitcode")
    assert first.exit_code == 2, first.output
    assert "+ teams.tier1" in first.stdout
    assert "8 to create" in first.stdout
    applied = run_cli("-C", root, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "Apply to staging: 8 applied, 0 failed, 0 skipped." in applied.stdout
    again = run_cli("-C", root, "plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert "No changes." in again.stdout and "8 unchanged" in again.stdout


def test_an_edited_field_in_all_three_formats(make_project: MakeProject, run_cli: RunCli) -> None:
    root = project(make_project)
    run_cli("-C", root, "apply", "--auto-approve")
    base = (root / "config/base.yaml").read_text()
    (root / "config/base.yaml").write_text(
        base.replace("description: Tier 1", "description: Front line")
    )
    text = run_cli("-C", root, "plan", "--out", root / "plan.json")
    assert text.exit_code == 0
    assert '  ~ teams.tier1\n      description: "Tier 1" → "Front line"\n' in text.stdout
    assert "0 to create, 1 to update" in text.stdout
    markdown = run_cli("-C", root, "show", root / "plan.json", "--format", "markdown").stdout
    assert "| ✏️ | update | `teams.tier1` | `description` |" in markdown
    assert '- description: "Tier 1"\n+ description: "Front line"' in markdown
    document = json.loads(run_cli("-C", root, "plan", "--format", "json").stdout)
    schema = json.loads((REPO / "schemas/plan.schema.json").read_text())
    jsonschema.validate(document, schema)
    (change,) = document["changes"]
    assert change["address"] == "teams.tier1" and change["action"] == "update"
    assert change["diff"] == [{"path": "description", "before": "Tier 1", "after": "Front line"}]
    assert document["summary"]["update"] == 1 and document["summary"]["unchanged"] == 7
    saved = json.loads((root / "plan.json").read_text())
    jsonschema.validate(saved, schema)


def test_drift_is_an_update_and_a_saved_plan_goes_stale(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = project(make_project)
    run_cli("-C", root, "apply", "--auto-approve")
    (root / "config/base.yaml").write_text(BASE_RESOURCES.replace("Tier 1", "Tier one"))
    assert run_cli("-C", root, "plan", "--out", root / "plan.json").exit_code == 0
    edit_store(root, "inboxes", "support", teams=[])
    drift = run_cli("-C", root, "plan")
    assert '  ~ inboxes.support\n      teams: [] → ["tier1"]' in drift.stdout
    stale = run_cli("-C", root, "apply", root / "plan.json")
    assert stale.exit_code == 1
    assert "changed since this plan was made" in stale.stderr and "plan again" in stale.stderr
    assert store(root)["objects"]["teams"]["tier1"]["spec"]["description"] == "Tier 1"


def test_a_saved_plan_applies_without_prompt(make_project: MakeProject, run_cli: RunCli) -> None:
    root = project(make_project)
    run_cli("-C", root, "plan", "--out", root / "plan.json")
    result = run_cli("-C", root, "apply", root / "plan.json")
    assert result.exit_code == 0, result.output
    assert run_cli("-C", root, "plan", "--detailed-exitcode").exit_code == 0
    wrong = run_cli("-C", root, "apply", root / "plan.json", "-i", "prod")
    assert wrong.exit_code == 1 and "is a plan for staging" in wrong.stderr


def test_unmanaged_prune_delete_and_protect(make_project: MakeProject, run_cli: RunCli) -> None:
    extra = "teams:\n  legacy: {}\n  keep-me: {}\n"
    root = project(make_project, files={"config/extra.yaml": extra})
    run_cli("-C", root, "apply", "--auto-approve")
    (root / "config/extra.yaml").unlink()
    listed = run_cli("-C", root, "plan", "--detailed-exitcode")
    assert listed.exit_code == 0
    assert "Unmanaged" in listed.stdout and "teams.legacy\n" in listed.stdout
    (root / "gladcfg.yaml").write_text(MOCK_PROJECT % "prune: true\n    protect: [teams.keep-*]")
    pruned = run_cli("-C", root, "plan", "--format", "json")
    document = json.loads(pruned.stdout)
    assert [(c["address"], c["action"]) for c in document["changes"]] == [
        ("teams.legacy", "delete")
    ]
    assert "teams.keep-me is not declared but protected: not deleted" in document["warnings"]
    refused = run_cli("-C", root, "apply", "--auto-approve")
    assert refused.exit_code == 1 and "--allow-delete" in refused.stderr
    assert "legacy" in store(root)["objects"]["teams"]
    deleted = run_cli("-C", root, "apply", "--auto-approve", "--allow-delete")
    assert deleted.exit_code == 0, deleted.output
    assert set(store(root)["objects"]["teams"]) == {"tier1", "keep-me"}


def test_protect_true_on_a_resource_of_another_instance(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = project(make_project, "prune: true", {"config/extra.yaml": "teams:\n  vip: {}\n"})
    run_cli("-C", root, "apply", "--auto-approve")
    (root / "config/extra.yaml").write_text("teams:\n  vip: {instances: [prod], protect: true}\n")
    plan = run_cli("-C", root, "plan", "--detailed-exitcode")
    assert plan.exit_code == 0
    assert "teams.vip is not declared but protected" in plan.stdout


def test_renamed_from_plans_a_rename(make_project: MakeProject, run_cli: RunCli) -> None:
    root = project(make_project, "prune: true")
    run_cli("-C", root, "apply", "--auto-approve")
    team_id = store(root)["objects"]["teams"]["tier1"]["id"]
    renamed = BASE_RESOURCES.replace(
        "  tier1: {description: Tier 1}", "  first-line: {renamed_from: tier1, description: Tier 1}"
    )
    renamed = renamed.replace("teams: [tier1]", "teams: [first-line]")
    (root / "config/base.yaml").write_text(renamed)
    plan = run_cli("-C", root, "plan", "--format", "json")
    actions = {c["address"]: c["action"] for c in json.loads(plan.stdout)["changes"]}
    assert actions == {"teams.first-line": "rename"}  # the inbox follows the rename by id
    text = run_cli("-C", root, "plan").stdout
    assert "→ teams.tier1 → teams.first-line" in text
    result = run_cli("-C", root, "apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    teams = store(root)["objects"]["teams"]
    assert "tier1" not in teams and teams["first-line"]["id"] == team_id
    assert run_cli("-C", root, "plan", "--detailed-exitcode").exit_code == 0


def test_safety_thresholds_and_force(make_project: MakeProject, run_cli: RunCli) -> None:
    extra = "teams:\n" + "".join(f"  t{i}: {{description: old}}\n" for i in range(12))
    root = project(make_project, files={"config/extra.yaml": extra})
    run_cli("-C", root, "apply", "--auto-approve")
    (root / "config/extra.yaml").write_text(extra.replace("old", "new"))
    plan = run_cli("-C", root, "plan")
    assert "Unsafe: would update 12 of 20 managed objects (60%)" in plan.stdout
    refused = run_cli("-C", root, "apply", "--auto-approve")
    assert refused.exit_code == 1 and "--force" in refused.stderr
    assert store(root)["objects"]["teams"]["t0"]["spec"]["description"] == "old"
    forced = run_cli("-C", root, "apply", "--auto-approve", "--force")
    assert forced.exit_code == 0, forced.output
    assert store(root)["objects"]["teams"]["t0"]["spec"]["description"] == "new"


def test_faults_fail_and_skip_then_converge(make_project: MakeProject, run_cli: RunCli) -> None:
    root = project(make_project, "faults: {fail_every: 3}")
    result = run_cli("-C", root, "apply", "--auto-approve", "--parallelism", "1")
    assert result.exit_code == 1
    assert "failed" in result.stdout and "injected failure" in result.stdout
    assert "skipped" in result.stdout and "depends on" in result.stdout
    assert "did not finish" in result.stderr
    left = json.loads(run_cli("-C", root, "plan", "--format", "json").stdout)
    stored = store(root)["objects"]
    planned = {c["address"] for c in left["changes"]}
    existing = {f"{k}.{n}" if k != "settings" else k for k, by in stored.items() for n in by}
    assert planned and planned.isdisjoint(existing)  # exactly what is left
    assert len(planned) + len(existing) == 8
    (root / "gladcfg.yaml").write_text(MOCK_PROJECT % "")
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    assert run_cli("-C", root, "plan", "--detailed-exitcode").exit_code == 0


def test_rate_limits_are_retried(make_project: MakeProject, run_cli: RunCli) -> None:
    root = project(make_project, "faults: {rate_limit_every: 2, latency_ms: 1}")
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    assert run_cli("-C", root, "plan", "--detailed-exitcode").exit_code == 0


def test_read_only_kinds_are_manual_and_hidden_not_managed(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = project(make_project, "read_only: [teams]\n    hidden: [entry_points, auto_reply_rules]")
    plan = run_cli("-C", root, "plan", "--format", "json")
    document = json.loads(plan.stdout)
    manual = {
        c["address"]: c["manual_action"] for c in document["changes"] if c["action"] == "manual"
    }
    assert manual == {"teams.tier1": "create"}
    assert document["not_managed"] == ["entry_points", "auto_reply_rules"]
    text = run_cli("-C", root, "plan").stdout
    assert "! teams.tier1  (manual: create it in the admin UI)" in text
    assert (
        "Not managed by the mock adapter (validated only): entry_points, auto_reply_rules" in text
    )
    markdown = run_cli("-C", root, "plan", "--format", "markdown").stdout
    assert "- [ ] create `teams.tier1`" in markdown
    applied = run_cli("-C", root, "apply", "--auto-approve")
    assert applied.exit_code == 1  # the inbox waits for its team, a manual change
    assert "skipped  + inboxes.support: needs teams.tier1, a manual change" in applied.stdout
    assert "1 manual change(s) remain" in applied.stdout
    objects = store(root)["objects"]
    assert "teams" not in objects and "inboxes" not in objects and "answers" in objects
    # Done in the admin UI (here: by a project that can write teams), the next apply finishes.
    done = run_cli(
        "-C",
        root,
        "state",
        "set",
        "-i",
        "staging",
        "teams.tier1",
        "--json",
        '{"description": "Tier 1"}',
    )
    assert done.exit_code == 0 and "created teams.tier1" in done.stdout, done.output
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    assert run_cli("-C", root, "plan", "--detailed-exitcode").exit_code == 0


def test_target_limits_the_plan_and_brings_dependencies(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = project(make_project)
    result = run_cli("-C", root, "plan", "--format", "json", "--target", "inboxes.*")
    addresses = {c["address"] for c in json.loads(result.stdout)["changes"]}
    assert addresses == {"inboxes.support", "teams.tier1", "business_hours.support"}
    applied = run_cli("-C", root, "apply", "--auto-approve", "--target", "teams.*")
    assert applied.exit_code == 0
    assert set(store(root)["objects"]) == {"teams"}
    with_file = run_cli("-C", root, "apply", root / "x.json", "--target", "teams.*")
    assert with_file.exit_code == 1 and "applies whole" in with_file.stderr


def test_apply_needs_a_terminal_or_auto_approve(
    make_project: MakeProject, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(make_project)
    refused = run_cli("-C", root, "apply")
    assert refused.exit_code == 1 and "--auto-approve" in refused.stderr
    assert not (root / ".gladcfg/state/staging.db").exists()
    monkeypatch.setattr("gladcfg.cli.apply.is_terminal", lambda: True)
    monkeypatch.setattr("click.prompt", lambda *a, **k: "no")
    cancelled = run_cli("-C", root, "apply")
    assert cancelled.exit_code == 1 and "cancelled" in cancelled.stderr
    monkeypatch.setattr("click.prompt", lambda *a, **k: "yes")
    assert run_cli("-C", root, "apply").exit_code == 0
    nothing = run_cli("-C", root, "apply")
    assert nothing.exit_code == 0 and "No changes." in nothing.stdout


def test_invalid_files_never_touch_the_instance(make_project: MakeProject, run_cli: RunCli) -> None:
    root = project(make_project, files={"config/extra.yaml": "teams:\n  x: {nope: 1}\n"})
    for args in (("plan",), ("apply", "--auto-approve")):
        result = run_cli("-C", root, *args)
        assert result.exit_code == 1 and "unknown field 'nope'" in result.stderr
    assert not (root / ".gladcfg").exists()


def test_instance_choice_and_multi_instance_plans(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES})  # staging and prod
    ambiguous = run_cli("-C", root, "plan")
    assert ambiguous.exit_code == 1
    assert "choose the instance with -i NAME (one of: staging, prod), or --all" in (
        ambiguous.stderr
    )
    # A command of one instance never suggests --all, which it does not take.
    pulled = run_cli("-C", root, "pull")
    assert pulled.exit_code == 1 and "(one of: staging, prod)\n" in pulled.stderr
    both = run_cli("-C", root, "plan", "--all", "--format", "json")
    assert [d["instance"] for d in json.loads(both.stdout)] == ["staging", "prod"]
    text = run_cli("-C", root, "plan", "--all", "--detailed-exitcode")
    assert (
        text.exit_code == 2 and "plan for staging" in text.stdout and "plan for prod" in text.stdout
    )
    out = run_cli("-C", root, "plan", "--all", "--out", root / "p.json")
    assert out.exit_code == 1 and "one instance" in out.stderr


def test_bad_plan_files(make_project: MakeProject, run_cli: RunCli, tmp_path: Path) -> None:
    root = project(make_project)
    (tmp_path / "junk.json").write_text("{not json")
    (tmp_path / "other.json").write_text('{"format_version": 2}')
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe")
    for name, words in [
        ("junk.json", "invalid JSON"),
        ("other.json", "not a gladcfg plan"),
        ("missing.json", "cannot read"),
        ("bin.json", "not UTF-8"),
    ]:
        result = run_cli("-C", root, "show", tmp_path / name)
        assert result.exit_code == 1 and words in result.stderr, result.stderr


def test_gladly_instance_without_its_token_and_unregistered_adapters(
    make_project: MakeProject, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    yaml_text = (
        "version: 1\ninstances:\n  prod: {adapter: gladly, base_url: 'https://a.gladly.com', "
        "user: o@acme.example, token_env: GLADCFG_TEST_TOKEN}\n"
    )
    root = make_project({}, project_yaml=yaml_text)
    monkeypatch.delenv("GLADCFG_TEST_TOKEN", raising=False)
    missing = run_cli("-C", root, "plan")
    assert missing.exit_code == 1
    assert "environment variable GLADCFG_TEST_TOKEN (its API token) is not set" in missing.stderr
    monkeypatch.delitem(adapters_for(["gladly"]), "gladly")  # after validation
    result = run_cli("-C", root, "plan")
    assert result.exit_code == 1 and "adapter is not available" in result.stderr


def test_ignored_addresses_are_never_read_planned_or_touched(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    extra = "teams:\n  legacy-a: {}\n  legacy-b: {}\n"
    root = project(make_project, files={"config/extra.yaml": extra})
    run_cli("-C", root, "apply", "--auto-approve")
    (root / "gladcfg.yaml").write_text(MOCK_PROJECT % "prune: true\n    ignore: [teams.legacy-*]")
    (root / "config/extra.yaml").write_text("teams:\n  legacy-b: {description: changed}\n")
    document = json.loads(run_cli("-C", root, "plan", "--format", "json").stdout)
    assert document["changes"] == [] and document["unmanaged"] == []
    assert run_cli("-C", root, "apply", "--auto-approve", "--allow-delete").exit_code == 0
    assert store(root)["objects"]["teams"]["legacy-b"]["spec"] == {}
    assert "legacy-a" in store(root)["objects"]["teams"]
