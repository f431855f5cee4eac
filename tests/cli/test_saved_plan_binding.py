"""A saved plan is what the files say: ``apply PLANFILE`` plans again from the files and the
instance it re-reads under its lock, and applies only if that plan is exactly the saved one.
However consistently a plan file is edited, it is never applied; nor is a plan the files
have moved on from. A rollback plan, which no file declares, applies only when the command
line says it is one."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cli.test_saved_plans import (
    Document,
    document,
    edit_both,
    recounted,
    store_bytes,
)
from tests.conftest import RunCli, stored

UNBOUND = "do not make this plan of the instance"


def write(root: Path, data: Document, name: str = "edited.json") -> Path:
    path = root / name
    path.write_text(json.dumps(data))
    return path


def loads_cleanly(run_cli: RunCli, root: Path, path: Path) -> None:
    """The edit passes every plan-file check: only binding it to the files can catch it."""
    shown = run_cli("-C", root, "show", path)
    assert shown.exit_code == 0, shown.output


def refused_unbound(run_cli: RunCli, root: Path, path: Path, *words: str) -> str:
    before = store_bytes(root)
    applied = run_cli("-C", root, "apply", path, "--allow-delete", "--force")
    assert applied.exit_code == 1, applied.output
    assert UNBOUND in applied.stderr and "nothing was sent" in applied.stderr, applied.stderr
    for word in words:
        assert word in applied.stderr, applied.stderr
    assert "Traceback" not in applied.output and "internal error" not in applied.output
    assert store_bytes(root) == before
    return applied.stderr


def test_a_value_edited_everywhere_it_appears_is_not_applied(
    saved: Path,
    run_cli: RunCli,
) -> None:
    """``sed 's/"Front line"/"Back office"/g' plan.json``: after and diff agree."""
    text = (saved / "plan.json").read_text()
    assert text.count('"Front line"') == 2  # the after and the diff
    path = saved / "edited.json"
    path.write_text(text.replace('"Front line"', '"Back office"'))
    loads_cleanly(run_cli, saved, path)
    refused_unbound(
        run_cli,
        saved,
        path,
        'teams.tier1 (config/base.yaml): description is "Back office" in the plan, '
        '"Front line" in the files',
    )


def test_a_delete_of_a_declared_object_added_with_its_figures_fixed_is_not_applied(
    saved: Path,
    run_cli: RunCli,
) -> None:
    """The forger reads the instance, so the delete's before and id are right."""
    held = stored(saved)["objects"]["answers"]["closed"]

    def add_delete(data: Document) -> None:
        data["changes"].append(
            {
                "address": "answers.closed",
                "kind": "answers",
                "name": "closed",
                "action": "delete",
                "remote_id": held["id"],
                "before": held["spec"],
                "after": None,
                "diff": [],
            }
        )

    data = document(saved)
    recounted(add_delete)(data)
    path = write(saved, data)
    loads_cleanly(run_cli, saved, path)
    refused_unbound(
        run_cli,
        saved,
        path,
        "answers.closed (config/base.yaml): the plan deletes it, but the files (declared) "
        "and the instance need no such change",
    )


def test_a_dropped_change_is_not_applied(saved: Path, run_cli: RunCli) -> None:
    data = document(saved)
    recounted(lambda d: d["changes"].pop(0))(data)
    path = write(saved, data)
    loads_cleanly(run_cli, saved, path)
    refused_unbound(
        run_cli, saved, path, "teams.night (config/extra.yaml): the files creates it"[:40]
    )


def test_files_edited_after_the_plan_was_made_name_the_file(
    saved: Path,
    run_cli: RunCli,
) -> None:
    (saved / "config/extra.yaml").write_text("teams:\n  night: {description: Late shift}\n")
    refused_unbound(
        run_cli,
        saved,
        saved / "plan.json",
        'teams.night (config/extra.yaml): description is "Night shift" in the plan, '
        '"Late shift" in the files',
    )
    replanned = run_cli("-C", saved, "plan", "--out", saved / "plan.json")
    assert replanned.exit_code == 0, replanned.output
    applied = run_cli("-C", saved, "apply", saved / "plan.json", "--allow-delete")
    assert applied.exit_code == 0, applied.output


def test_files_that_became_invalid_are_reported_as_such(
    saved: Path,
    run_cli: RunCli,
) -> None:
    before = store_bytes(saved)
    (saved / "config/extra.yaml").write_text("teams:\n  night: {description: 5}\n")
    applied = run_cli("-C", saved, "apply", saved / "plan.json", "--allow-delete")
    assert applied.exit_code == 1
    assert "config/extra.yaml:2" in applied.stderr, applied.stderr
    assert store_bytes(saved) == before


def test_the_instance_changed_since_is_still_the_stale_plan_message(
    saved: Path,
    run_cli: RunCli,
) -> None:
    by_hand = ("teams.tier1", 'description="By hand"')
    edited = run_cli("-C", saved, "state", "edit", "-i", "staging", *by_hand)
    assert edited.exit_code == 0, edited.output
    applied = run_cli("-C", saved, "apply", saved / "plan.json", "--allow-delete")
    assert applied.exit_code == 1
    assert "is not as this plan found it" in applied.stderr, applied.stderr


def test_a_targeted_saved_plan_is_bound_with_its_targets(
    saved: Path,
    run_cli: RunCli,
) -> None:
    planned = run_cli("-C", saved, "plan", "--target", "teams.night", "--out", saved / "t.json")
    assert planned.exit_code == 0, planned.output
    assert json.loads((saved / "t.json").read_text())["untargeted"] == 2
    applied = run_cli("-C", saved, "apply", saved / "t.json")
    assert applied.exit_code == 0, applied.output
    assert "1 applied" in applied.stdout


def test_a_rollback_plan_applies_only_when_the_command_line_says_so(
    saved: Path,
    run_cli: RunCli,
) -> None:
    rollback = saved / "undo.json"
    applied = run_cli(
        "-C", saved, "apply", saved / "plan.json", "--allow-delete", "--rollback-out", rollback
    )
    assert applied.exit_code == 0, applied.output
    assert f"gladcfg apply --rollback --allow-delete {rollback}" in applied.stderr
    assert json.loads(rollback.read_text())["rollback"] is True
    shown = run_cli("-C", saved, "show", rollback)
    assert "Rollback: this plan undoes an apply" in shown.stdout
    before = store_bytes(saved)
    plain = run_cli("-C", saved, "apply", rollback, "--allow-delete")
    assert plain.exit_code == 1 and "is a rollback plan" in plain.stderr, plain.output
    # A plan the files make is not passed off as a rollback, nor a rollback as a plan.
    replanned = run_cli("-C", saved, "plan", "--out", saved / "again.json")
    assert replanned.exit_code == 0
    wrong = run_cli("-C", saved, "apply", "--rollback", saved / "again.json", "--allow-delete")
    assert wrong.exit_code == 1 and "is not a rollback plan" in wrong.stderr, wrong.output
    data = document(saved, "undo.json")
    del data["rollback"]
    posing = write(saved, data, "posing.json")
    assert UNBOUND in run_cli("-C", saved, "apply", posing, "--allow-delete").stderr
    assert store_bytes(saved) == before
    undone = run_cli("-C", saved, "apply", "--rollback", rollback, "--allow-delete")
    assert undone.exit_code == 0, undone.output
    alone = run_cli("-C", saved, "apply", "--rollback")
    assert alone.exit_code == 1 and "give its file" in alone.stderr


# A forger's edits that every plan-file check lets through: a new after (with its diff),
# a change dropped, or an update of an object the plan does not change, each with the
# summary and safety figures fixed up.
_texts = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "Zs")), min_size=1, max_size=12
).filter(lambda t: t.strip() == t)


_HELD = ["answers.closed", "audiences.acme", "business_hours.support", "inboxes.support"]


@st.composite
def _edits(draw: st.DrawFn) -> tuple[str, Any]:
    kind = draw(st.sampled_from(["after", "drop", "add"]))
    if kind == "after":
        return kind, (draw(st.sampled_from([0, 1])), draw(_texts))
    if kind == "drop":
        return kind, draw(st.sampled_from([0, 1, 2]))
    return kind, draw(st.sampled_from(_HELD))


def _forged(data: Document, held: dict[str, Any], edit: tuple[str, Any]) -> Document:
    data = copy.deepcopy(data)
    kind, value = edit
    if kind == "after":
        index, text = value
        after = {**data["changes"][index]["after"], "description": text}
        if index == 1:
            edit_both(after)(data)
        else:
            data["changes"][index]["after"] = after
    elif kind == "drop":
        recounted(lambda d: d["changes"].pop(value))(data)
    else:
        # A delete of an object the files declare, its before and id read off the instance.
        kind_, _, name = value.partition(".")
        obj = held[kind_][name]
        delete = {
            "address": value,
            "kind": kind_,
            "name": name,
            "action": "delete",
            "remote_id": obj["id"],
            "before": obj["spec"],
            "after": None,
            "diff": [],
        }
        recounted(lambda d: d["changes"].append(delete))(data)
    return data


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(edit=_edits())
def test_no_consistent_edit_of_a_saved_plan_is_ever_applied(
    saved: Path,
    run_cli: RunCli,
    edit: tuple[str, Any],
) -> None:
    data = document(saved)
    forged = _forged(data, stored(saved)["objects"], edit)
    if forged["changes"] == data["changes"]:
        return  # the edit drew the value the plan has: nothing was forged
    path = write(saved, forged)
    before = store_bytes(saved)
    applied = run_cli("-C", saved, "apply", path, "--allow-delete", "--force")
    assert applied.exit_code == 1, applied.output
    assert "nothing was sent" in applied.stderr, applied.stderr
    assert "Traceback" not in applied.output
    assert store_bytes(saved) == before


@pytest.mark.parametrize("format_", ["text", "json"])
def test_an_unedited_plan_still_applies_in_every_form(
    saved: Path,
    run_cli: RunCli,
    format_: str,
) -> None:
    applied = run_cli("-C", saved, "apply", saved / "plan.json", "--allow-delete")
    assert applied.exit_code == 0, applied.output
    after = run_cli("-C", saved, "plan", "--detailed-exitcode", "--format", format_)
    assert after.exit_code == 0, after.output
