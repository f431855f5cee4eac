"""gladcfg pull: the instance's values written back into the files, in place."""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

from tests.cli.test_plan_apply import project, store
from tests.conftest import MakeProject, RunCli, store_document

FILE = """\
# Support organisation for the Acme brand.
settings:
  default_language: en-US
  languages: [en-US]
  timezone: America/New_York   # head office
audiences:
  acme: {}
teams:
  # The first line answers everything it can.
  tier1:
    description: Tier 1          # shown to agents
  billing: {description: 'Billing specialists'}
business_hours:
  support:
    timezone: America/New_York
    weekly:
      mon-fri: ["08:00-20:00"]  # weekdays
    holidays:
      - {date: 2026-12-25, name: Christmas Day}
inboxes:
  support:
    description: Main queue
    teams: [tier1, billing]
    business_hours: support
entry_points:
  support-email:
    channel: email
    address: "{{ support_email }}"   # differs per instance
    inbox: support
    audience: acme
"""


def edit(root: Path, kind: str, name: str, **fields: object) -> None:
    """Change the instance as someone in the admin UI would."""
    data = store(root)
    spec = data["objects"][kind][name]["spec"]
    for key, value in fields.items():
        if value is None:
            spec.pop(key, None)
        else:
            spec[key] = value
    store_document(root, data)


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_pull_writes_only_the_changed_values(make_project: MakeProject, run_cli: RunCli) -> None:
    root = project(make_project, files={"config/base.yaml": FILE})
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    edit(root, "teams", "tier1", description="Front line")
    edit(root, "teams", "billing", description="Billing and refunds")
    edit(root, "inboxes", "support", description=None)
    edit(root, "entry_points", "support-email", address="help@acme.example")
    pulled = run_cli("-C", root, "pull", "-i", "staging")
    assert pulled.exit_code == 0, pulled.output
    assert 'config/base.yaml: teams.tier1.description: "Tier 1" → "Front line"' in pulled.stdout
    assert 'inboxes.support.description: "Main queue" → (removed)' in pulled.stdout
    assert (
        "entry_points.support-email.address: its value comes from a template (vars); "
        "change the vars instead"
    ) in pulled.stdout
    after = (root / "config/base.yaml").read_text()
    assert changed_lines(FILE, after) == [
        "-    description: Tier 1          # shown to agents",
        "-  billing: {description: 'Billing specialists'}",
        "+    description: Front line      # shown to agents",
        "+  billing: {description: 'Billing and refunds'}",
        "-    description: Main queue",
    ]
    plan = run_cli("-C", root, "plan", "--format", "json")
    changes = json.loads(plan.stdout)["changes"]
    assert [c["address"] for c in changes] == ["entry_points.support-email"]  # the template


def test_pull_folds_hours_and_adds_fields(make_project: MakeProject, run_cli: RunCli) -> None:
    root = project(make_project, files={"config/base.yaml": FILE})
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    weekdays = {day: ["09:00-17:00"] for day in ("mon", "tue", "wed", "thu", "fri")}
    edit(root, "business_hours", "support", weekly={**weekdays, "sat": ["10:00-12:00"]})
    edit(root, "teams", "tier1", description="Tier 1")  # unchanged
    dry = run_cli("-C", root, "pull", "-i", "staging", "--dry-run")
    assert "Dry run: 1 field(s) would be written to 1 file(s)." in dry.stdout
    assert (root / "config/base.yaml").read_text() == FILE
    assert run_cli("-C", root, "pull", "-i", "staging").exit_code == 0
    after = (root / "config/base.yaml").read_text()
    assert changed_lines(FILE, after) == [
        '-      mon-fri: ["08:00-20:00"]  # weekdays',
        '+      mon-fri: ["09:00-17:00"]  # weekdays',
        '+      sat: ["10:00-12:00"]',
    ]
    assert run_cli("-C", root, "plan", "--detailed-exitcode").exit_code == 0
    again = run_cli("-C", root, "pull", "-i", "staging")
    assert "Nothing to pull: the files match staging." in again.stdout


def test_what_pull_does_not_write(make_project: MakeProject, run_cli: RunCli) -> None:
    templated = "teams:\n#% for n in [1]\n  tier{{ n }}x: {description: T}\n#% endfor\n"
    loop = "topics: {% for t in ['a'] %}{ {{ t }}: {} }{% endfor %}\n"
    root = project(
        make_project,
        files={"config/base.yaml": FILE, "config/t.yaml": templated, "config/loop.yaml": loop},
    )
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    edit(root, "teams", "tier1x", description="U")
    edit(root, "topics", "a", disabled=True)
    data = store(root)
    data["objects"]["teams"]["extra"] = {"id": "x-9", "spec": {}}
    del data["objects"]["audiences"]["acme"]
    store_document(root, data)
    pulled = run_cli("-C", root, "pull", "-i", "staging")
    assert pulled.exit_code == 0, pulled.output
    assert "teams.tier1x.description: its name comes from a template" in pulled.stdout
    assert "topics.a.disabled: config/loop.yaml is not plain YAML before rendering" in pulled.stdout
    assert "audiences.acme: declared in the files but not on the instance" in pulled.stdout
    assert "Pulled 0 field(s)" in pulled.stdout


def test_values_holding_jinja_comments_or_line_statements_are_not_overwritten(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    """A value whose text in the file renders to something else is the template's: a
    ``{# comment #}`` and ``#%`` lines inside a block scalar are template syntax too."""
    commented = 'teams:\n  tier1x:\n    description: "Tier 1{# shown to agents #}"\n'
    looped = (
        "teams:\n  tier2x:\n    description: |\n      Tier 2\n"
        "      #% if true\n      and escalations\n      #% endif\n"
    )
    root = project(
        make_project,
        files={"config/base.yaml": FILE, "config/c.yaml": commented, "config/l.yaml": looped},
    )
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    edit(root, "teams", "tier1x", description="Front line")
    edit(root, "teams", "tier2x", description="Escalations")
    pulled = run_cli("-C", root, "pull", "-i", "staging")
    assert pulled.exit_code == 0, pulled.output
    for address in ("teams.tier1x", "teams.tier2x"):
        assert f"{address}.description: its value comes from a template" in pulled.stdout
    assert (root / "config/c.yaml").read_text() == commented
    assert (root / "config/l.yaml").read_text() == looped


def test_three_fields_changed_from_another_project(
    make_project: MakeProject, run_cli: RunCli, tmp_path: Path
) -> None:
    root = project(make_project, files={"config/base.yaml": FILE})
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    # A second project manages the same instance and changes three fields. (A mock store
    # belongs to its project folder, so the instance travels there and back.)
    other = tmp_path / "other"
    (other / "config").mkdir(parents=True)
    (other / "gladcfg.yaml").write_text("version: 1\ninstances:\n  staging: {}\n")
    moved = tmp_path / "staging.json"
    assert run_cli("-C", root, "state", "export", "-i", "staging", "--out", moved).exit_code == 0
    assert run_cli("-C", other, "state", "import", "-i", "staging", moved).exit_code == 0
    changed = (
        FILE.replace("description: Tier 1", "description: First line")
        .replace("'Billing specialists'", "'Billing'")
        .replace('mon-fri: ["08:00-20:00"]', 'mon-fri: ["07:00-19:00"]')
        .replace('"{{ support_email }}"', "support@acme.example")
    )
    (other / "config/base.yaml").write_text(changed)
    assert run_cli("-C", other, "apply", "--auto-approve").exit_code == 0
    assert run_cli("-C", other, "state", "export", "-i", "staging", "--out", moved).exit_code == 0
    assert run_cli("-C", root, "state", "import", "-i", "staging", moved, "--yes").exit_code == 0
    pulled = run_cli("-C", root, "pull", "-i", "staging")
    assert pulled.exit_code == 0, pulled.output
    assert "Pulled 3 field(s) from staging into 1 file(s)." in pulled.stdout
    assert "entry_points.support-email.address: its value comes from a template" in pulled.stdout
    after = (root / "config/base.yaml").read_text()
    assert changed_lines(FILE, after) == [
        "-    description: Tier 1          # shown to agents",
        "-  billing: {description: 'Billing specialists'}",
        "+    description: First line      # shown to agents",
        "+  billing: {description: 'Billing'}",
        '-      mon-fri: ["08:00-20:00"]  # weekdays',
        '+      mon-fri: ["07:00-19:00"]  # weekdays',
    ]
    assert "# Support organisation for the Acme brand." in after
    # Every literal field now matches; the templated one is for the vars.
    plan = json.loads(run_cli("-C", root, "plan", "--format", "json").stdout)
    assert [(c["address"], [d["path"] for d in c["diff"]]) for c in plan["changes"]] == [
        ("entry_points.support-email", ["address"])
    ]


def test_text_hidden_from_rendering_is_not_round_tripped_unless_it_loads(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    """Pull edits the file before rendering, which validation never loaded: what a
    ``#% if false`` block hides (an integer no one can print, a billion laughs) makes the
    file one to edit by hand, not a crash."""
    bomb = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    bomb += [f"l{i}: &l{i} [{','.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 9)]
    hidden = {
        "config/int.yaml": f"#% if false\nbig: {'9' * 5000}\n#% endif\n",
        "config/bomb.yaml": "#% if false\n" + "\n".join(bomb) + "\n#% endif\n",
    }
    for name, text in hidden.items():
        root = project(make_project, files={"config/base.yaml": FILE + text})
        assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
        edit(root, "teams", "tier1", description="Front line")
        pulled = run_cli("-C", root, "pull", "-i", "staging")
        assert pulled.exit_code == 0, (name, pulled.output)
        assert "config/base.yaml is not plain YAML before rendering" in pulled.stdout, name
        assert (root / "config/base.yaml").read_text() == FILE + text
        shutil.rmtree(root)


def test_a_value_holding_template_syntax_is_pulled_to_read_back_as_itself(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = project(make_project, files={"config/base.yaml": FILE})
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    greeting = "Hi {{customer.firstName}}, {% not a tag %}\n#% not a statement"
    edit(root, "teams", "tier1", description=greeting)
    pulled = run_cli("-C", root, "pull", "-i", "staging")
    assert pulled.exit_code == 0, pulled.output
    assert "teams.tier1.description" in pulled.stdout
    assert run_cli("-C", root, "plan", "--detailed-exitcode").exit_code == 0


def test_pull_shows_the_files_hours_before_the_instances(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    """A field edited in place (the week's ranges) shows what the file held, then what it
    holds now: never the new value on both sides."""
    root = project(make_project, files={"config/base.yaml": FILE})
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    weekdays = {day: ["09:00-17:00"] for day in ("mon", "tue", "wed", "thu", "fri")}
    edit(root, "business_hours", "support", weekly={**weekdays, "sat": ["10:00-12:00"]})
    for args in (("--dry-run",), ()):
        pulled = run_cli("-C", root, "pull", "-i", "staging", *args)
        assert pulled.exit_code == 0, pulled.output
        assert (
            'config/base.yaml: business_hours.support.weekly: {"mon-fri": ["08:00-20:00"]} → '
            '{"mon-fri": ["09:00-17:00"], "sat": ["10:00-12:00"]}'
        ) in pulled.stdout


def test_pull_lists_objects_created_on_the_instance_and_points_at_export(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = project(make_project, files={"config/base.yaml": FILE})
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    data = store(root)
    data["objects"]["teams"]["night-shift"] = {"id": "x-9", "spec": {"description": "Night"}}
    data["objects"]["topics"] = {"refunds": {"id": "x-10", "spec": {"disabled": False}}}
    store_document(root, data)
    pulled = run_cli("-C", root, "pull", "-i", "staging")
    assert pulled.exit_code == 0, pulled.output
    assert "Nothing to pull" not in pulled.stdout
    lines = pulled.stdout.splitlines()
    start = lines.index("On staging but declared in no file (created in the UI?):")
    assert lines[start + 1 : start + 3] == ["  teams.night-shift", "  topics.refunds"]
    assert "gladcfg export -i staging --out DIR" in pulled.stdout
    assert "Pulled 0 field(s)" in pulled.stdout
    assert (root / "config/base.yaml").read_text() == FILE


def test_pull_shows_a_changed_holiday_list_its_dates_as_written(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    """The files' dates are YAML dates: pull shows them as the files write them, and never
    fails on them."""
    root = project(make_project, files={"config/base.yaml": FILE})
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    holidays = [{"date": "2026-12-24", "name": "Christmas Eve", "hours": ["08:00-12:00"]}]
    edit(root, "business_hours", "support", holidays=holidays)
    pulled = run_cli("-C", root, "pull", "-i", "staging", "--dry-run")
    assert pulled.exit_code == 0, pulled.output
    assert '"date": "2026-12-25"' in pulled.stdout and '"date": "2026-12-24"' in pulled.stdout
