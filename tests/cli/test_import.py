"""gladcfg import: objects an instance holds, adopted into one file, planned unchanged."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from gladcfg import yamlio
from gladcfg.adapter.base import RemoteObject, RemoteState
from gladcfg.edit.adopt import adopt
from gladcfg.errors import ScaffoldError
from tests.conftest import BASE_RESOURCES, MakeProject, RunCli

# The organisation, without the entry point that refers to the answers.
ORGANISATION = BASE_RESOURCES[: BASE_RESOURCES.index("entry_points:")]

ANSWERS = """\
answers:
  refund:
    audiences: [acme]
    content:
      en-US:
        messaging: "Refunds take {{ '{{' }}days{{ '}}' }} days at {{ brand }}."
        email: {subject: Refunds, body: Soon.}
  shipping:
    content:
      en-US: {public: {title: Shipping, body: Two days.}}
auto_reply_rules:
  closed:
    entry_points: [support-email]
    when: outside_business_hours
    answer: refund
"""
# The organisation's entry point, which the rule refers to: the files keep it.
ENTRY_POINTS = BASE_RESOURCES[
    BASE_RESOURCES.index("entry_points:") : BASE_RESOURCES.index("answers:")
]
ANSWERS += ENTRY_POINTS


@pytest.fixture
def adoptable(make_project: MakeProject, run_cli: RunCli) -> Path:
    """A project whose staging holds two answers and a rule that no file declares any more
    (made in the admin UI, as far as the files know)."""
    root = make_project({"config/organisation.yaml": ORGANISATION, "config/answers.yaml": ANSWERS})
    applied = run_cli("-C", root, "apply", "-i", "staging", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    (root / "config/answers.yaml").write_text(ENTRY_POINTS)
    return root


def plan_json(run_cli: RunCli, root: Path, instance: str) -> dict[str, object]:
    result = run_cli("-C", root, "plan", "-i", instance, "--format", "json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert isinstance(plan, dict)
    return {key: plan[key] for key in ("changes", "summary", "unmanaged")}


def test_imported_objects_plan_unchanged_and_leave_other_instances_alone(
    adoptable: Path, run_cli: RunCli
) -> None:
    prod_before = plan_json(run_cli, adoptable, "prod")
    staging_before = plan_json(run_cli, adoptable, "staging")
    assert staging_before["unmanaged"] == [
        "answers.refund",
        "answers.shipping",
        "auto_reply_rules.closed",
    ]
    result = run_cli(
        "-C", adoptable, "import", "-i", "staging", "answers.*", "auto_reply_rules.closed",
        "--out", "config/adopted.yaml",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Imported 3 object(s) from staging; wrote config/adopted.yaml: answers.refund, "
        "answers.shipping, auto_reply_rules.closed\n"
        "'gladcfg plan -i staging' finds them unchanged.\n"
    )
    text = (adoptable / "config/adopted.yaml").read_text()
    assert text.startswith("# Imported by gladcfg from instance staging.\nanswers:\n")
    document = yamlio.load(text).data
    assert document["auto_reply_rules"]["closed"] == {
        "instances": ["staging"],  # the project has two instances: prod is not given it
        "entry_points": ["support-email"],
        "when": "outside_business_hours",
        "answer": "refund",
    }
    assert next(iter(document["auto_reply_rules"]["closed"])) == "instances"
    formatted = run_cli("-C", adoptable, "fmt", "--check", "config/adopted.yaml")
    assert formatted.exit_code == 0, formatted.output  # written as fmt lays files out
    after = run_cli("-C", adoptable, "plan", "-i", "staging", "--detailed-exitcode")
    assert after.exit_code == 0, after.output
    assert plan_json(run_cli, adoptable, "staging")["unmanaged"] == []
    assert plan_json(run_cli, adoptable, "prod") == prod_before


def test_template_syntax_held_by_the_instance_reads_back_as_itself(
    adoptable: Path, run_cli: RunCli
) -> None:
    """The answer says ``{{days}}`` literally: written as is, rendering would eat it."""
    args = ("-C", adoptable, "import", "-i", "staging", "answers.refund")
    assert run_cli(*args, "--out", "config/adopted.yaml").exit_code == 0
    assert "{{days}}" not in (adoptable / "config/adopted.yaml").read_text()
    # Rendered for staging it is the instance's text again: the plan finds nothing to do.
    assert run_cli("-C", adoptable, "plan", "-i", "staging", "--detailed-exitcode").exit_code == 0


def test_objects_are_added_to_an_existing_file_keeping_its_comments(
    adoptable: Path, run_cli: RunCli
) -> None:
    existing = "# Answers made in the admin UI, adopted.\nanswers:\n  # The refund policy.\n"
    existing += "  old: {content: {en-US: {messaging: Old.}}, instances: [prod]}  # prod only\n"
    (adoptable / "config/adopted.yaml").write_text(existing)
    args = ("-C", adoptable, "import", "-i", "staging", "answers.shipping")
    result = run_cli(*args, "--out", "config/adopted.yaml")
    assert result.exit_code == 0, result.output
    assert "added to config/adopted.yaml: answers.shipping" in result.stdout
    text = (adoptable / "config/adopted.yaml").read_text()
    assert text.startswith(existing)  # every line as it was, comments included
    assert set(yamlio.load(text).data["answers"]) == {"old", "shipping"}
    assert "answers.shipping" not in plan_json(run_cli, adoptable, "staging")["unmanaged"]  # type: ignore[operator]


def test_a_file_of_only_comments_gets_the_objects_after_them(
    adoptable: Path, run_cli: RunCli
) -> None:
    (adoptable / "config/adopted.yaml").write_text("# Adopted objects.\n")
    args = ("-C", adoptable, "import", "-i", "staging", "answers.shipping")
    assert run_cli(*args, "--out", "config/adopted.yaml").exit_code == 0
    text = (adoptable / "config/adopted.yaml").read_text()
    assert text.startswith("# Adopted objects.\n\nanswers:\n  shipping:\n")


def test_a_single_instance_project_declares_objects_for_every_instance(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    single = "version: 1\nresources: ['config/*.yaml']\nvars: {brand: Acme, "
    single += "support_email: s@acme.example}\ninstances:\n  staging: {}\n"
    root = make_project(
        {"config/organisation.yaml": ORGANISATION, "config/answers.yaml": ANSWERS}, single
    )
    assert run_cli("-C", root, "apply", "-i", "staging", "--auto-approve").exit_code == 0
    (root / "config/answers.yaml").write_text(ENTRY_POINTS)
    # One instance: -i may be left out.
    result = run_cli("-C", root, "import", "answers.shipping", "--out", "config/new.yaml")
    assert result.exit_code == 0, result.output
    assert "instances" not in (root / "config/new.yaml").read_text()


def test_settings_the_files_leave_out_are_imported_as_the_singleton(
    adoptable: Path, run_cli: RunCli
) -> None:
    organisation = ORGANISATION[ORGANISATION.index("audiences:") :]
    (adoptable / "config/organisation.yaml").write_text(organisation)
    (adoptable / "config/answers.yaml").write_text(ANSWERS)
    args = ("-C", adoptable, "import", "-i", "staging", "settings")
    result = run_cli(*args, "--out", "config/settings.yaml")
    assert result.exit_code == 0, result.output
    assert yamlio.load((adoptable / "config/settings.yaml").read_text()).data["settings"] == {
        "default_language": "en-US",
        "languages": ["en-US"],
        "timezone": "America/New_York",
        "instances": ["staging"],
    }
    assert run_cli("-C", adoptable, "plan", "-i", "staging", "--detailed-exitcode").exit_code == 0
    # Added to a file that already holds settings, it would overwrite them: refused.
    other = "settings: {default_language: en-US, languages: [en-US], timezone: UTC, "
    (adoptable / "config/other.yaml").write_text(other + "instances: [prod]}\n")
    (adoptable / "config/settings.yaml").unlink()
    refused = run_cli(*args, "--out", "config/other.yaml")
    assert refused.exit_code == 1
    assert "config/other.yaml already holds settings" in refused.stderr


def test_dry_run_shows_the_file_and_writes_nothing(adoptable: Path, run_cli: RunCli) -> None:
    args = ("-C", adoptable, "import", "-i", "staging", "answers.shipping", "--dry-run")
    result = run_cli(*args, "--out", "config/adopted.yaml")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Imported by gladcfg from instance staging.\nanswers:\n")
    assert "Dry run: 1 object(s) would be written to config/adopted.yaml." in result.stderr
    assert not (adoptable / "config/adopted.yaml").exists()


@pytest.mark.parametrize(
    ("addresses", "says"),
    [
        (
            ["answers.refnd"],
            "'answers.refnd' matches nothing on staging (nearest: answers.refund",
        ),
        (
            ["auto_reply_rules.closed"],
            "the objects refer to objects no file declares: answers.refund (from "
            "auto_reply_rules.closed.answer). Import them too (add 'answers.refund' to "
            "the addresses)",
        ),
        (
            ["inboxes.support"],
            "the files already declare inboxes.support (in config/organisation.yaml) for "
            "staging: import only adopts objects no file declares",
        ),
    ],
)
def test_refusals_write_nothing(
    adoptable: Path, run_cli: RunCli, addresses: list[str], says: str
) -> None:
    before = sorted(p.name for p in (adoptable / "config").iterdir())
    args = ("-C", adoptable, "import", "-i", "staging", *addresses)
    result = run_cli(*args, "--out", "config/adopted.yaml")
    assert result.exit_code == 1
    assert says in result.stderr and "Nothing was imported" in result.stderr
    assert "Traceback" not in result.output
    assert sorted(p.name for p in (adoptable / "config").iterdir()) == before


def test_a_name_the_file_holds_for_other_instances_is_never_overwritten(
    adoptable: Path, run_cli: RunCli
) -> None:
    held = "answers:\n  shipping: {content: {en-US: {messaging: Prod's.}}, instances: [prod]}\n"
    (adoptable / "config/prod.yaml").write_text(held)
    args = ("-C", adoptable, "import", "-i", "staging", "answers.shipping")
    result = run_cli(*args, "--out", "config/prod.yaml")
    assert result.exit_code == 1
    assert "config/prod.yaml already holds answers.shipping (for other instances?)" in (
        result.stderr
    )
    assert (adoptable / "config/prod.yaml").read_text() == held


def _templated(root: Path) -> None:
    text = "teams:\n#% for name in ['x1', 'x2']\n  {{ name }}: {}\n#% endfor\n"
    (root / "config/templated.yaml").write_text(text)


def _linked(root: Path) -> None:
    outside = root.parent / "elsewhere"
    outside.mkdir()
    (root / "notes").symlink_to(outside)


def _everything(root: Path) -> None:
    """Resource globs that match gladcfg.yaml too."""
    text = (root / "gladcfg.yaml").read_text()
    (root / "gladcfg.yaml").write_text(text.replace('["config/**/*.yaml"]', '["**/*.yaml"]'))


def _folder(root: Path) -> None:
    (root / "config/folder.yaml").mkdir()


@pytest.mark.parametrize(
    ("file", "setup", "says"),
    [
        ("notes.yaml", None, "is not matched by the project's resources globs"),
        ("../outside.yaml", None, "the file must be inside the project"),
        ("/tmp/adopted.yaml", None, "the file must be inside the project"),
        ("notes/adopted.yaml", _linked, "leads outside the project (a symlink)"),
        ("config/templated.yaml", _templated, "is not plain YAML before rendering"),
        ("config/folder.yaml", _folder, "config/folder.yaml: it is not a regular file"),
        ("gladcfg.yaml", _everything, "gladcfg.yaml is the project's gladcfg.yaml"),
        ("./gladcfg.yaml", _everything, "./gladcfg.yaml is the project's gladcfg.yaml"),
        (".gladcfg/state/x.yaml", _everything, "is in .gladcfg, a folder gladcfg never reads"),
    ],
)
def test_a_file_the_objects_cannot_go_into_is_refused(
    adoptable: Path,
    run_cli: RunCli,
    file: str,
    setup: Callable[[Path], None] | None,
    says: str,
) -> None:
    if setup is not None:
        setup(adoptable)
    before = {p: p.read_bytes() for p in adoptable.rglob("*") if p.is_file()}
    args = ("-C", adoptable, "import", "-i", "staging", "answers.shipping")
    result = run_cli(*args, "--out", file)
    assert result.exit_code == 1, result.output
    assert says in result.stderr and "Traceback" not in result.output
    assert {p: p.read_bytes() for p in adoptable.rglob("*") if p.is_file()} == before
    assert not (adoptable.parent / "elsewhere" / "adopted.yaml").exists()


def test_a_secret_the_instance_never_shows_is_named_not_written(tmp_path: Path) -> None:
    """Gladly shows a webhook's headers by name only: the object is written without them,
    and the import says which to add by hand."""
    remote = RemoteState(identity="test")
    hook = {"url": "https://hooks.acme.example/e", "events": ["CONVERSATION/CREATED"]}
    remote.objects["webhooks"] = {
        "events": RemoteObject("1", "events", {**hook, "headers_env": ["X-Acme-Hook-Key"]})
    }
    adoption = adopt(
        tmp_path, "hooks.yaml", [("webhooks", "events")], remote, instance="prod", scoped=False
    )
    assert adoption.created and adoption.addresses == ["webhooks.events"]
    assert yamlio.load(adoption.text).data == {"webhooks": {"events": hook}}
    assert adoption.notes == [
        "webhooks.events: headers_env not written (the instance shows which are set, never "
        "their secrets): add them by hand, naming the environment variables that hold the "
        "secrets"
    ]


def test_an_object_no_file_could_declare_refuses_the_import(tmp_path: Path) -> None:
    remote = RemoteState(identity="test")
    remote.objects["business_hours"] = {
        "legacy": RemoteObject("1", "legacy", {"timezone": "US/Eastern", "weekly": {}})
    }
    with pytest.raises(ScaffoldError, match=r"business_hours\.legacy: .*Nothing was imported"):
        adopt(
            tmp_path, "h.yaml", [("business_hours", "legacy")], remote, instance="p", scoped=False
        )


def test_a_kind_held_as_something_other_than_names_is_not_added_to(tmp_path: Path) -> None:
    """Validation refuses such a file before import runs; adopt itself refuses it too."""
    remote = RemoteState(identity="test")
    remote.objects["teams"] = {"tier1": RemoteObject("1", "tier1", {"description": "T1"})}
    (tmp_path / "t.yaml").write_text("teams: [tier0]\n")
    with pytest.raises(ScaffoldError, match="teams is not a mapping of names there"):
        adopt(tmp_path, "t.yaml", [("teams", "tier1")], remote, instance="p", scoped=False)


def _teams() -> RemoteState:
    remote = RemoteState(identity="test")
    remote.objects["teams"] = {"tier1": RemoteObject("1", "tier1", {"description": "T1"})}
    return remote


def test_a_kind_the_file_lacks_is_added_after_what_it_holds(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text("audiences:\n  acme: {}   # the brand\n")
    adoption = adopt(tmp_path, "t.yaml", [("teams", "tier1")], _teams(), instance="p", scoped=True)
    assert not adoption.created
    assert adoption.text.startswith("audiences:\n  acme: {}   # the brand\n")
    assert yamlio.load(adoption.text).data == {
        "audiences": {"acme": {}},
        "teams": {"tier1": {"description": "T1", "instances": ["p"]}},
    }


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"teams: {a: \xff}\n", "is not UTF-8 text"),
        (b"teams: [unclosed\n", "is not plain YAML before rendering"),
    ],
)
def test_a_file_that_cannot_be_read_as_yaml_is_refused(
    tmp_path: Path, content: bytes, says: str
) -> None:
    (tmp_path / "t.yaml").write_bytes(content)
    with pytest.raises(ScaffoldError, match=says):
        adopt(tmp_path, "t.yaml", [("teams", "tier1")], _teams(), instance="p", scoped=False)
    assert (tmp_path / "t.yaml").read_bytes() == content


def test_settings_are_added_to_a_file_that_has_none(tmp_path: Path) -> None:
    remote = RemoteState(identity="test")
    settings = {"default_language": "en-US", "languages": ["en-US"], "timezone": "UTC"}
    remote.objects["settings"] = {"settings": RemoteObject("1", "settings", settings)}
    (tmp_path / "s.yaml").write_text("teams:\n  tier1: {}\n")
    adoption = adopt(
        tmp_path, "s.yaml", [("settings", "settings")], remote, instance="p", scoped=False
    )
    assert yamlio.load(adoption.text).data == {"teams": {"tier1": {}}, "settings": settings}
