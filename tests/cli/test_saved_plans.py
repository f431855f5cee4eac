"""A saved plan applies exactly what it shows, or nothing: every edit of a plan file that
changes what apply would send, or where, is refused by show and apply alike, and the
instance is left as it was."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_plan_apply import MOCK_PROJECT, project
from tests.conftest import BASE_RESOURCES, MakeProject, Result, RunCli
from tests.conftest import stored as store_document

MODIFIED = "this plan file was modified or belongs elsewhere"
EXTRA = "teams:\n  legacy: {description: Old}\n"
Document = dict[str, Any]


@pytest.fixture
def saved(make_project: MakeProject, run_cli: RunCli) -> Path:
    """An applied project with a saved plan of three changes, one per action:
    ``teams.legacy`` delete, ``teams.night`` create, ``teams.tier1`` update."""
    root = project(make_project, "prune: true", {"config/extra.yaml": EXTRA})
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    (root / "config/extra.yaml").write_text("teams:\n  night: {description: Night shift}\n")
    (root / "config/base.yaml").write_text(BASE_RESOURCES.replace("Tier 1", "Front line"))
    result = run_cli("-C", root, "plan", "--out", root / "plan.json")
    assert result.exit_code == 0, result.output
    assert [(c["address"], c["action"]) for c in changes(root)] == [
        ("teams.night", "create"),
        ("teams.tier1", "update"),
        ("teams.legacy", "delete"),
    ]
    return root


def document(root: Path, name: str = "plan.json") -> Document:
    data: Document = json.loads((root / name).read_text())
    return data


def changes(root: Path) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = document(root)["changes"]
    return found


def store_bytes(root: Path) -> bytes:
    """The database and its write-ahead log: equal when nothing at all was written."""
    path = root / ".gladcfg/state/staging.db"
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def tampered(root: Path, edit: Callable[[Document], object]) -> Path:
    data = document(root)
    edit(data)
    path = root / "tampered.json"
    path.write_text(json.dumps(data))
    return path


def refused_everywhere(run_cli: RunCli, root: Path, path: Path, *words: str) -> Result:
    """show and apply both refuse ``path`` with the same reasons; nothing is sent."""
    before = store_bytes(root)
    shown = run_cli("-C", root, "show", path)
    applied = run_cli("-C", root, "apply", path, "--allow-delete", "--force")
    for result in (shown, applied):
        assert result.exit_code == 1, result.output
        assert MODIFIED in result.stderr and "nothing was sent" in result.stderr
        for word in words:
            assert word in result.stderr, result.stderr
        assert result.stdout == ""
        assert "Traceback" not in result.output and "internal error" not in result.output
    assert store_bytes(root) == before
    return applied


def update(data: Document) -> dict[str, Any]:
    change: dict[str, Any] = data["changes"][1]
    assert change["address"] == "teams.tier1"
    return change


def set_after(after: dict[str, Any]) -> Callable[[Document], object]:
    return lambda data: update(data).__setitem__("after", after)


def edit_both(after: dict[str, Any]) -> Callable[[Document], object]:
    """after edited, and the diff too so that it agrees: what a careful forger does."""

    def edit(data: Document) -> None:
        change = update(data)
        change["after"] = after
        change["diff"] = [
            {"path": key, "before": change["before"].get(key), "after": value}
            for key, value in sorted(after.items())
            if change["before"].get(key) != value
        ]

    return edit


def diff_says(text: str) -> Callable[[Document], object]:
    def edit(data: Document) -> None:
        update(data)["diff"][0]["after"] = text

    return edit


def change_field(index: int, **fields: object) -> Callable[[Document], object]:
    return lambda data: data["changes"][index].update(fields)


def recounted(edit: Callable[[Document], object]) -> Callable[[Document], object]:
    """``edit``, with the summary and safety counts made to agree: a careful forger."""

    def both(data: Document) -> None:
        edit(data)
        actions = [c["action"] for c in data["changes"]]
        for action in ("create", "update", "rename", "delete", "manual"):
            data["summary"][action] = actions.count(action)
        data["safety"]["updates"] = actions.count("update") + actions.count("rename")
        data["safety"]["deletes"] = actions.count("delete")

    return both


def duplicate_first(data: Document) -> None:
    data["changes"].append(copy.deepcopy(data["changes"][0]))
    data["summary"]["create"] += 1


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        # The example: show displays the reviewed diff, apply would write this.
        (set_after({"description": "HACKED", "evil": {"x": 1}}), ["changes[1] (teams.tier1)"]),
        (edit_both({"description": "HACKED", "evil": {"x": 1}}), ["after.evil: Extra inputs"]),
        (edit_both({"description": 5}), ["after.description: Input should be a valid string"]),
        (edit_both({"description": True}), ["after.description"]),
        (edit_both({"description": "x", "protect": True}), ["not as the teams model reads it"]),
        (edit_both({"description": "x", "renamed_from": "a"}), ["at renamed_from"]),
        (diff_says("Harmless"), ["diff is not the difference between before and after"]),
        (change_field(1, action="create"), ["a create has no before"]),
        (change_field(1, action="rename"), ["a rename needs renamed_from"]),
        (change_field(1, action="delete"), ["a delete has no after"]),
        (change_field(0, action="update"), ["an update needs before"]),
        (change_field(0, manual_action="create"), ["manual_action is given for"]),
        (change_field(1, action="manual"), ["manual_action is given for"]),
        (change_field(0, remote_id="mock-1"), ["a create has no remote_id"]),
        (change_field(2, renamed_from="tier1"), ["a delete has no renamed_from"]),
        (change_field(1, kind="widgets", address="widgets.tier1"), ["kind 'widgets' does not"]),
        (change_field(1, kind="team", address="team.tier1"), ["did you mean 'teams'?"]),
        (change_field(1, address="teams.night"), ["address 'teams.night' is not the address"]),
        (change_field(1, name="bad\nname", address="teams.bad\nname"), ["is not a valid name"]),
        (change_field(1, kind="settings", address="settings"), ["named 'settings'"]),
        (duplicate_first, ["changes an object changes[0] changes too"]),
        (lambda d: d["summary"].update(delete=0), ["summary: 0 to delete, but the changes"]),
        (lambda d: d["changes"].pop(2), ["summary: 1 to delete, but the changes hold 0"]),
        (lambda d: d["safety"].update(deletes=0), ["safety: the changes make 1 update"]),
        (lambda d: d["not_managed"].append("widgets"), ["not_managed: kind 'widgets'"]),
        (lambda d: d["unmanaged"].append("teams.tier1"), ["unmanaged: 'teams.tier1'"]),
        (lambda d: d.update(reads={"teams": []}), ["reads: 'teams' is not a kind read"]),
        (lambda d: d.update(reads={"teams": {"a": 1}}), ["reads.teams: every entry"]),
    ],
    ids=lambda value: value[0] if isinstance(value, list) else None,
)
def test_an_edited_plan_is_refused_by_show_and_apply(
    saved: Path, run_cli: RunCli, edit: Callable[[Document], object], words: list[str]
) -> None:
    refused_everywhere(run_cli, saved, tampered(saved, edit), *words)


def retyped(old: str, new: str, count: int = 1) -> Callable[[str], str]:
    """An edit of the file's text, where JSON itself cannot say it (duplicate keys, NaN)."""

    def edit(text: str) -> str:
        assert old in text
        return text.replace(old, new, count)

    return edit


HACKED_AFTER = '"after": {"description": "HACKED"}, "diff": '


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        # Two "after" keys: Python keeps the last, a reviewer's eye or tool may read the first.
        (
            retyped('"after": {', '"after": {"description": "Front line"}, "after": {', 1),
            ['the key "after" appears twice'],
        ),
        (retyped('"instance"', '"instance": "prod", "instance"'), ['"instance" appears twice']),
        (retyped('"existing": 9', '"existing": NaN'), ["NaN is not a JSON number"]),
        (retyped('"existing": 9', '"existing": Infinity'), ["Infinity is not a JSON number"]),
        (retyped('"existing": 9', '"existing": 9e999'), ["out of range"]),
        (retyped('"existing": 9', '"existing": 9' + "0" * 5000), ["more than 30 digits"]),
        (
            retyped('"warnings": []', '"warnings": [' + "[" * 100_000 + "]" * 100_000 + "]"),
            ["nested deeper than 64 levels"],
        ),
        (retyped('"Front line"', '"Front line\\udc00"', 2), ["lone surrogate"]),
    ],
    ids=[
        "duplicate-after",
        "duplicate-instance",
        "nan",
        "infinity",
        "overflowing-float",
        "huge-integer",
        "deep-nesting",
        "lone-surrogate",
    ],
)
def test_json_that_gladcfg_never_writes_is_refused_by_show_and_apply(
    saved: Path, run_cli: RunCli, edit: Callable[[str], str], words: list[str]
) -> None:
    """Parsers disagree on these, or crash on them: one reading only, and no crash."""
    path = saved / "tampered.json"
    path.write_text(edit((saved / "plan.json").read_text()))
    refused_everywhere(run_cli, saved, path, *words)


@pytest.mark.parametrize(
    ("old", "new"),
    [('"existing": 9', '"existing": 9.0'), ('"min_existing": 10', '"min_existing": true')],
    ids=["float-for-integer", "true-for-integer"],
)
def test_a_value_of_another_json_type_is_not_coerced(
    saved: Path, run_cli: RunCli, old: str, new: str
) -> None:
    path = saved / "tampered.json"
    path.write_text(retyped(old, new)((saved / "plan.json").read_text()))
    before = store_bytes(saved)
    for args in (["show", path], ["apply", path, "--allow-delete"]):
        result = run_cli("-C", saved, *args)
        assert result.exit_code == 1, result.output
        assert "not a gladcfg plan (format 1): safety." in result.stderr
    assert store_bytes(saved) == before


def test_json_spelled_differently_but_meaning_the_same_still_applies(
    saved: Path, run_cli: RunCli
) -> None:
    """Escapes and white space are JSON's to choose: the plan is the same plan."""
    text = (saved / "plan.json").read_text()
    text = text.replace('"tier1"', '"tier\\u0031"').replace('"fingerprint"', '"fingerprin\\u0074"')
    (saved / "respelled.json").write_text(text + "\n\n  ")
    applied = run_cli("-C", saved, "apply", saved / "respelled.json", "--allow-delete")
    assert applied.exit_code == 0, applied.output
    assert "3 applied" in applied.stdout


HIDING = ["\x1b[2K\x1b[1A", "\u202e", "\u200b", "\x9b", "\n"]


def test_nothing_shown_can_hide_reorder_or_restyle_what_a_reviewer_reads(
    saved: Path, run_cli: RunCli
) -> None:
    """Terminal escapes (which could erase the delete above them), bidirectional controls
    and invisible characters show as escapes in every format, and in the refusal to apply
    a plan the files do not make."""

    def edit(data: Document) -> None:
        edit_both({"description": "Front line" + "".join(HIDING)})(data)
        data["warnings"].append("careful" + "".join(HIDING))
        data["targets"].append("teams.*" + "".join(HIDING))

    path = tampered(saved, edit)
    for format_ in ("text", "markdown", "json"):
        shown = run_cli("-C", saved, "show", path, "--format", format_)
        assert shown.exit_code == 0, shown.output
        for hiding in HIDING[:-1]:
            assert hiding not in shown.stdout, (format_, hiding)
        assert "Front line\\u001b[2K" in shown.stdout or "Front line\\x1b[2K" in shown.stdout
        assert "\\u202e" in shown.stdout
    data = json.loads(run_cli("-C", saved, "show", path, "--format", "json").stdout)
    assert data["changes"][1]["after"]["description"] == "Front line" + "".join(HIDING)
    before = store_bytes(saved)
    applied = run_cli("-C", saved, "apply", path, "--allow-delete")
    assert applied.exit_code == 1, applied.output
    assert "nothing was sent" in applied.stderr
    for hiding in HIDING[:-1]:
        assert hiding not in applied.stderr, hiding
    assert "\\u202e" in applied.stderr
    assert store_bytes(saved) == before


def test_the_saved_plan_itself_shows_and_applies(saved: Path, run_cli: RunCli) -> None:
    shown = run_cli("-C", saved, "show", saved / "plan.json")
    assert shown.exit_code == 0, shown.output
    assert '~ teams.tier1\n      description: "Tier 1" → "Front line"' in shown.stdout
    applied = run_cli("-C", saved, "apply", saved / "plan.json", "--allow-delete")
    assert applied.exit_code == 0, applied.output
    assert run_cli("-C", saved, "plan", "--detailed-exitcode").exit_code == 0


def applied_refused(run_cli: RunCli, root: Path, path: Path, *words: str) -> None:
    """A plan that reads as whole (show displays it) but does not match the instance."""
    before = store_bytes(root)
    assert run_cli("-C", root, "show", path).exit_code == 0
    result = run_cli("-C", root, "apply", path, "--allow-delete", "--force")
    assert result.exit_code == 1, result.output
    for word in (MODIFIED, *words):
        assert word in result.stderr, result.stderr
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert store_bytes(root) == before


def stored(root: Path, kind: str, name: str) -> dict[str, Any]:
    entry: dict[str, Any] = store_document(root)["objects"][kind][name]
    return entry


def test_a_plan_for_staging_edited_to_say_prod_never_applies_to_prod(
    saved: Path, run_cli: RunCli
) -> None:
    """prod is staging's twin, object for object; the plan still belongs to staging."""
    state = saved / ".gladcfg/state"
    (state / "prod.db").write_bytes((state / "staging.db").read_bytes())
    (saved / "gladcfg.yaml").write_text(
        (saved / "gladcfg.yaml").read_text() + "  prod: {prune: true}\n"
    )
    path = tampered(saved, lambda d: d.update(instance="prod"))
    result = run_cli("-C", saved, "apply", path, "--allow-delete")
    assert result.exit_code == 1 and MODIFIED in result.stderr, result.output
    assert (state / "prod.db").read_bytes() == (state / "staging.db").read_bytes()
    unknown = tampered(saved, lambda d: d.update(instance="qa"))
    refused_everywhere(run_cli, saved, unknown, "made for qa, an instance gladcfg.yaml does not")


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (lambda d: d.update(adapter="gladly"), ["made for a gladly instance; staging is mock"]),
        (lambda d: d.update(gladcfg_version="9.9.9"), ["made by gladcfg 9.9.9; this is"]),
        (lambda d: d.update(gladcfg_version=""), ["made by gladcfg ?"]),
        (lambda d: d["safety"].update(max_delete_percent=100), ["other safety limits"]),
        (lambda d: d.update(ignore=["answers.*"]), ["other ignore globs"]),
        (
            recounted(change_field(1, action="manual", manual_action="update")),
            ["but mock writes teams"],
        ),
        (lambda d: d["not_managed"].append("teams"), ["not_managed: mock manages teams"]),
    ],
    ids=lambda value: value[0] if isinstance(value, list) else None,
)
def test_a_plan_that_does_not_fit_the_project_is_refused(
    saved: Path, run_cli: RunCli, edit: Callable[[Document], object], words: list[str]
) -> None:
    refused_everywhere(run_cli, saved, tampered(saved, edit), *words)


def test_changes_the_adapter_cannot_make_or_gladcfg_yaml_ignores(
    saved: Path, run_cli: RunCli
) -> None:
    path = tampered(saved, lambda d: d.update(ignore=["teams.night"]))
    config = saved / "gladcfg.yaml"
    config.write_text(MOCK_PROJECT % "prune: true\n    ignore: [teams.night]")
    refused_everywhere(run_cli, saved, path, "(teams.night): ignored in gladcfg.yaml")
    config.write_text(MOCK_PROJECT % "prune: true\n    read_only: [teams]")
    refused_everywhere(run_cli, saved, saved / "plan.json", "a create change, but mock only reads")
    config.write_text(MOCK_PROJECT % "prune: true\n    hidden: [teams]")
    refused_everywhere(run_cli, saved, saved / "plan.json", "can neither read nor write teams")


def test_a_protected_object_is_never_deleted_by_a_saved_plan(saved: Path, run_cli: RunCli) -> None:
    (saved / "gladcfg.yaml").write_text(MOCK_PROJECT % "prune: true\n    protect: [teams.leg*]")
    before = store_bytes(saved)
    result = run_cli("-C", saved, "apply", saved / "plan.json", "--allow-delete")
    assert result.exit_code == 1
    assert "deletes teams.legacy, which gladcfg.yaml protects" in result.stderr
    assert store_bytes(saved) == before


def consistent_before(name: str, spec: dict[str, Any]) -> Callable[[Document], object]:
    """The update's before (and its diff) edited to read as if the instance held ``spec``."""

    def edit(data: Document) -> None:
        change = update(data)
        change["before"] = spec
        change["diff"] = [
            {
                "path": "description",
                "before": spec.get("description"),
                "after": change["after"]["description"],
            }
        ]
        change["name"], change["address"] = name, f"teams.{name}"

    return edit


def test_a_plan_that_does_not_match_the_instance_is_refused(saved: Path, run_cli: RunCli) -> None:
    tier1 = stored(saved, "teams", "tier1")
    cases = [
        (consistent_before("tier1", {"description": "Tier one"}), "before is not what the"),
        (consistent_before("tier9", tier1["spec"]), "teams.tier9 is not on the instance"),
        (change_field(1, remote_id="mock-999"), "remote_id 'mock-999', but the instance's is"),
        (change_field(2, remote_id=tier1["id"]), "(teams.legacy): remote_id"),
        (
            change_field(0, kind="audiences", address="audiences.acme", name="acme"),
            "audiences.acme exists on the instance already",
        ),
    ]
    for edit, words in cases:
        applied_refused(run_cli, saved, tampered(saved, edit), words)


def remove_delete(data: Document) -> None:
    data["changes"].pop(2)
    data["summary"]["delete"] = 0
    data["safety"]["deletes"] = 0


def test_a_smuggled_delete_still_needs_allow_delete(saved: Path, run_cli: RunCli) -> None:
    acme = stored(saved, "audiences", "acme")

    def smuggle(data: Document) -> None:
        remove_delete(data)
        data["changes"].append(
            {
                "address": "audiences.acme",
                "kind": "audiences",
                "name": "acme",
                "action": "delete",
                "remote_id": acme["id"],
                "before": acme["spec"],
                "after": None,
                "diff": [],
            }
        )
        data["summary"]["delete"] = data["safety"]["deletes"] = 1

    clean = tampered(saved, remove_delete)
    assert run_cli("-C", saved, "show", clean).exit_code == 0
    path = tampered(saved, smuggle)
    shown = run_cli("-C", saved, "show", path)
    assert "- audiences.acme" in shown.stdout and "1 to delete" in shown.stdout
    before = store_bytes(saved)
    refused = run_cli("-C", saved, "apply", path)
    assert refused.exit_code == 1 and "deletes 1 object(s) (audiences.acme)" in refused.stderr
    disguised = tampered(saved, recounted(change_field(2, action="manual", manual_action="delete")))
    refused_everywhere(run_cli, saved, disguised, "a manual change, but mock writes teams")
    assert store_bytes(saved) == before


def test_safety_violations_cannot_be_edited_away(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    extra = "safety: {max_update_percent: 10, min_existing: 1}"
    root = project(make_project, extra)
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    (root / "config/base.yaml").write_text(BASE_RESOURCES.replace("Tier 1", "Front line"))
    assert run_cli("-C", root, "plan", "--out", root / "plan.json").exit_code == 0
    assert document(root)["safety"]["violations"]
    dropped = tampered(root, lambda d: d["safety"].update(violations=[]))
    refused_everywhere(run_cli, root, dropped, "with 1 threshold(s) exceeded; the plan says")
    relaxed = tampered(root, lambda d: d["safety"].update(violations=[], max_update_percent=100))
    refused_everywhere(run_cli, root, relaxed, "other safety limits")
    inflated = tampered(root, lambda d: d["safety"].update(violations=[], existing=1000))
    applied_refused(
        run_cli, root, inflated, "the instance has 8 managed objects; the plan says 1000"
    )
    refused = run_cli("-C", root, "apply", root / "plan.json")
    assert refused.exit_code == 1 and "--force" in refused.stderr
    assert run_cli("-C", root, "apply", root / "plan.json", "--force").exit_code == 0


def test_show_outside_a_project_checks_the_plan_on_its_own(
    saved: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shown = run_cli("-C", elsewhere, "show", saved / "plan.json")
    assert shown.exit_code == 0, shown.output
    assert "checked on its own, not against its project" in shown.stderr
    assert "~ teams.tier1" in shown.stdout
    # What needs the project (the version, here) is not checked; the rest is.
    other = tampered(saved, lambda d: d.update(gladcfg_version="9.9.9"))
    assert run_cli("-C", elsewhere, "show", other).exit_code == 0
    hacked = tampered(saved, set_after({"description": "HACKED", "evil": {"x": 1}}))
    refused = run_cli("-C", elsewhere, "show", hacked)
    assert refused.exit_code == 1 and MODIFIED in refused.stderr


def test_renames_and_manual_changes_round_trip(make_project: MakeProject, run_cli: RunCli) -> None:
    """A saved rename (with the update of an inbox that follows it) and a manual checklist
    apply as saved; the manual change is never sent."""
    root = project(make_project, "read_only: [audiences]")
    (root / "config/base.yaml").write_text(
        BASE_RESOURCES.replace("acme: {}", "acme: {description: A}")
    )
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 1  # audiences: manual
    ui = ("state", "set", "-i", "staging", "audiences.acme", "--json", "{}")
    assert run_cli("-C", root, *ui).exit_code == 0
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    renamed = BASE_RESOURCES.replace(
        "  tier1: {description: Tier 1}", "  first-line: {renamed_from: tier1, description: One}"
    ).replace("teams: [tier1],", "teams: [first-line], description: Support,")
    (root / "config/base.yaml").write_text(renamed.replace("acme: {}", "acme: {description: B}"))
    assert run_cli("-C", root, "plan", "--out", root / "plan.json").exit_code == 0
    assert sorted((c["address"], c["action"]) for c in changes(root)) == [
        ("audiences.acme", "manual"),
        ("inboxes.support", "update"),
        ("teams.first-line", "rename"),
    ]
    inbox = next(c for c in changes(root) if c["kind"] == "inboxes")
    assert inbox["before"]["teams"] == ["first-line"]  # shown as it will read after the rename
    assert run_cli("-C", root, "show", root / "plan.json").exit_code == 0
    applied = run_cli("-C", root, "apply", root / "plan.json")
    assert applied.exit_code == 0, applied.output
    objects = store_document(root)["objects"]
    assert set(objects["teams"]) == {"first-line"}
    assert objects["audiences"]["acme"]["spec"] == {}
    left = json.loads(run_cli("-C", root, "plan", "--format", "json").stdout)["changes"]
    assert [(c["address"], c["action"]) for c in left] == [("audiences.acme", "manual")]


def test_a_rollback_plan_is_judged_like_any_saved_plan(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    extra = "teams:\n" + "".join(f"  t{i}: {{description: old}}\n" for i in range(12))
    root = project(make_project, files={"config/extra.yaml": extra})
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    (root / "config/extra.yaml").write_text(extra.replace("old", "new"))
    rollback = root / "rollback.json"
    forced = run_cli("-C", root, "apply", "--auto-approve", "--force", "--rollback-out", rollback)
    assert forced.exit_code == 0, forced.output
    safety = document(root, "rollback.json")["safety"]
    assert (safety["existing"], safety["updates"], safety["deletes"]) == (20, 12, 0)
    assert safety["violations"] and safety["max_update_percent"] == 30
    assert run_cli("-C", root, "show", rollback).exit_code == 0
    refused = run_cli("-C", root, "apply", "--rollback", rollback)
    assert refused.exit_code == 1 and "--force" in refused.stderr
    undone = run_cli("-C", root, "apply", "--rollback", rollback, "--force")
    assert undone.exit_code == 0, undone.output
    assert stored(root, "teams", "t0")["spec"] == {"description": "old"}


def test_a_plan_file_that_is_not_a_regular_file_is_refused_without_waiting(
    saved: Path, run_cli: RunCli
) -> None:
    pipe = saved / "plan.fifo"
    os.mkfifo(pipe)
    for command in ("show", "apply"):
        result = run_cli("-C", saved, command, pipe)
        assert result.exit_code == 1
        assert "is a FIFO (named pipe), not a regular file" in result.stderr
        assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("on_instance", "in_files"),
    [
        ("caf\u00e9", "cafe\u0301"),
        ("cafe\u0301", "caf\u00e9"),
        ("\u212a9", "K9"),
        ("K9", "\u212a9"),
    ],
    ids=["nfc-then-nfd", "nfd-then-nfc", "kelvin-then-k", "k-then-kelvin"],
)
def test_a_create_never_makes_a_lookalike_twin_of_an_object_on_the_instance(
    make_project: MakeProject, run_cli: RunCli, on_instance: str, in_files: str
) -> None:
    """Two spellings of one name (NFC and NFD, the Kelvin sign and K) look the same in a
    reviewed plan: applying a create of one beside the other is refused, saying why."""
    root = project(make_project, files={"config/twin.yaml": f"teams:\n  {on_instance}: {{}}\n"})
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    (root / "config/twin.yaml").write_text(f"teams:\n  {in_files}: {{}}\n")
    assert run_cli("-C", root, "plan", "--out", root / "twin.json").exit_code == 0
    result = run_cli("-C", root, "apply", root / "twin.json")
    assert result.exit_code == 1, result.output
    assert "the same name once Unicode-normalised; spell it as the instance does" in result.stderr
    assert "Traceback" not in result.output
