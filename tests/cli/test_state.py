"""gladcfg state: look at and change a mock instance as an admin would, move it in and out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_plan_apply import project
from tests.conftest import BASE_RESOURCES, MakeProject, RunCli, stored


def state(run_cli: RunCli, root: Path, *args: str | Path) -> str:
    result = run_cli("-C", root, "state", args[0], "-i", "staging", *args[1:])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_show_edit_set_and_delete(make_project: MakeProject, run_cli: RunCli) -> None:
    root = project(make_project)
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    shown = state(run_cli, root, "show")
    assert "teams.tier1  mock-" in shown and '{"description":"Tier 1"}' in shown
    assert shown.endswith(f"8 object(s) in {root / '.gladcfg/state/staging.db'}\n")
    assert "settings  mock-1  " in shown
    edited = state(
        run_cli, root, "edit", "inboxes.support", "sla.email=12h", "description=VIP line", "x=3"
    )
    assert edited == "updated inboxes.support\n"
    state(run_cli, root, "edit", "inboxes.support", "--unset", "x", "--unset", "nothing.here")
    inbox = stored(root)["objects"]["inboxes"]["support"]["spec"]
    assert inbox == {
        "business_hours": "support",
        "teams": ["tier1"],
        "sla": {"email": "12h"},
        "description": "VIP line",
    }
    assert state(run_cli, root, "set", "teams.vip", "--json", '{"description": "VIP"}') == (
        "created teams.vip\n"
    )
    assert state(run_cli, root, "edit", "settings", 'languages=["en-US", "es-US"]') == (
        "updated settings\n"
    )
    plan = json.loads(run_cli("-C", root, "plan", "--format", "json").stdout)
    assert {c["address"] for c in plan["changes"]} == {"inboxes.support", "settings"}
    assert plan["unmanaged"] == ["teams.vip"]
    assert state(run_cli, root, "delete", "teams.vip") == "deleted teams.vip\n"
    in_use = run_cli("-C", root, "state", "delete", "-i", "staging", "teams.tier1")
    assert in_use.exit_code == 1 and "teams.tier1 is in use by inboxes.support" in in_use.stderr
    dangling = run_cli("-C", root, "state", "edit", "-i", "staging", "inboxes.x", 'teams=["a"]')
    assert dangling.exit_code == 1 and "teams[0]: teams.a does not exist" in dangling.stderr


def test_export_and_import_move_a_whole_instance(
    make_project: MakeProject, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    assert run_cli("-C", root, "apply", "-i", "staging", "--auto-approve").exit_code == 0
    printed = state(run_cli, root, "export")
    assert printed == state(run_cli, root, "show", "--format", "json")
    out = tmp_path / "staging.json"
    assert state(run_cli, root, "export", "--out", out) == f"wrote {out}\n"
    assert out.read_text() == printed
    result = run_cli("-C", root, "state", "import", "-i", "prod", out)
    assert result.exit_code == 0 and result.stdout == "imported 8 object(s) into prod\n"
    assert stored(root, "prod") == stored(root, "staging")
    emptied = tmp_path / "empty.json"
    emptied.write_text('{"format_version": 1, "objects": {}}')
    # Over an instance that holds anything, only once confirmed.
    refused = run_cli("-C", root, "state", "import", "-i", "staging", emptied)
    assert refused.exit_code == 1 and stored(root)["objects"] != {}
    assert refused.stderr == (
        "error: staging holds 8 object(s); importing replaces them all with 0, "
        "and there is no terminal to ask on; pass --yes\n"
    )
    asked: list[str] = []
    answers = iter(["no", "yes"])
    monkeypatch.setattr("gladcfg.cli.context.stdin_is_terminal", lambda: True)
    monkeypatch.setattr("click.prompt", lambda text, **_: asked.append(text) or next(answers))
    declined = run_cli("-C", root, "state", "import", "-i", "staging", emptied)
    assert declined.exit_code == 1 and stored(root)["objects"] != {}
    assert declined.stderr == "error: import cancelled; staging is unchanged\n"
    confirmed = run_cli("-C", root, "state", "import", "-i", "staging", emptied)
    assert confirmed.exit_code == 0 and stored(root)["objects"] == {}
    assert (
        asked
        == [
            "staging holds 8 object(s); importing replaces them all with 0. "
            "Replace them? Only 'yes' is accepted"
        ]
        * 2
    )
    monkeypatch.undo()
    state(run_cli, root, "import", out, "--yes")
    assert stored(root) == stored(root, "prod")
    state(run_cli, root, "import", emptied, "--yes")
    assert stored(root)["objects"] == {}
    assert stored(root)["next_id"] == json.loads(printed)["next_id"]  # ids are never reused


def test_state_refuses_what_it_cannot_do(make_project: MakeProject, run_cli: RunCli) -> None:
    root = make_project(
        {"config/base.yaml": "teams: {}\n"},
        project_yaml="version: 1\ninstances:\n  staging: {}\n  live:\n    adapter: gladly\n"
        "    base_url: https://acme.gladly.com\n    user: a@b.example\n    token_env: T\n",
    )
    for args, message in [
        (("show", "-i", "live"), "uses the gladly adapter; gladcfg state works on mock"),
        (("show", "-i", "nope"), "nope"),
        (("edit", "-i", "staging", "widgets.x", "a=1"), "expected kind.name"),
        (("edit", "-i", "staging", "teams", "a=1"), "expected kind.name"),
        (("edit", "-i", "staging", "teams.x", "novalue"), "expected KEY=VALUE"),
        (("set", "-i", "staging", "teams.x", "--json", "{"), "--json is not valid JSON"),
        (("set", "-i", "staging", "teams.x", "--json", "[]"), "--json must be a JSON object"),
        (("delete", "-i", "staging", "teams.x"), "staging has no teams.x"),
        (("import", "-i", "staging", root / "missing.json"), "cannot read"),
    ]:
        result = run_cli("-C", root, "state", *args)
        assert result.exit_code == 1 and message in result.output, (args, result.output)
        assert "Traceback" not in result.output
    assert not (root / ".gladcfg").exists()


def test_a_json_store_is_converted_once_and_says_so(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = project(make_project)
    legacy = root / ".gladcfg/state/staging.json"
    legacy.parent.mkdir(parents=True)
    document = {"format_version": 1, "objects": {"teams": {"tier1": {"id": "m-1", "spec": {}}}}}
    legacy.write_text(json.dumps(document))
    first = run_cli("-C", root, "plan")
    assert first.exit_code == 0, first.output
    assert f"converted the JSON mock store {legacy} to an SQLite database" in first.stderr
    assert f"the JSON file is kept as {legacy}.migrated" in first.stderr
    assert "~ teams.tier1" in first.stdout
    again = run_cli("-C", root, "plan")
    assert again.exit_code == 0 and "converted" not in again.stderr
