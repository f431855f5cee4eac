"""Messages that tell the truth, in plain words: no internal error for a closed stdin, an
unusable CA bundle, a file name not in UTF-8 or a week past the calendar; no Python in a
template's error; file names escaped alike wherever they are shown; no help cut short; no
pointer to a plan file that was never saved; an object or instance named once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gladcfg.plan.document import parse_plan
from gladcfg.render.markdown import render_markdown
from tests.cli.test_plan_apply import project
from tests.conftest import MakeProject, RunCli


@pytest.fixture
def root(make_project: MakeProject) -> Path:
    return project(make_project)


def test_an_apply_with_stdin_closed_needs_the_approval_flag(root: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gladcfg", "-C", str(root), "apply", "-i", "staging"],
        capture_output=True,
        text=True,
        preexec_fn=lambda: os.close(0),  # as `gladcfg apply <&-` runs it
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "there is no terminal to ask on; pass --auto-approve" in result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


def test_the_command_list_is_never_cut_short(run_cli: RunCli) -> None:
    for args in (["--help"], ["state", "--help"], ["sandbox", "--help"]):
        result = run_cli(*args)
        assert result.exit_code == 0
        commands = result.stdout.partition("Commands:")[2]
        assert commands and "..." not in commands, result.stdout
    assert "hours when no inbox serving a language is" in run_cli("--help").stdout


@pytest.mark.parametrize("week", ["9999-12-27", "9999-12-31", "0001-01-01", "0001-01-07"])
@pytest.mark.parametrize("command", ["coverage", "report"])
def test_a_week_past_the_calendar_is_a_usage_error(
    root: Path, run_cli: RunCli, week: str, command: str
) -> None:
    out = ["--out", str(root / "r.html")] if command == "report" else []
    result = run_cli("-C", root, command, "-i", "staging", *out, "--week", week)
    assert result.exit_code == 1, result.output
    assert f"Invalid value for '--week': {week} is outside the weeks" in result.stderr
    assert "from 0001-01-08 to 9999-12-26" in result.stderr
    assert "internal error" not in result.output


@pytest.mark.parametrize("week", ["9999-12-26", "0001-01-08"])
def test_the_first_and_last_weeks_show(root: Path, run_cli: RunCli, week: str) -> None:
    result = run_cli("-C", root, "coverage", "-i", "staging", "--week", week)
    assert result.exit_code == 0, result.output


def test_the_markdown_points_to_the_plan_file_only_when_there_is_one(
    root: Path, run_cli: RunCli
) -> None:
    planned = run_cli("-C", root, "plan", "--format", "json", "--target", "teams.*")
    plan = parse_plan(planned.stdout)
    cut = render_markdown(plan, limit=700)
    assert "**Truncated**" in cut
    assert "`gladcfg plan -i staging --target 'teams.*' --format json`" in cut
    assert "PLANFILE" not in cut
    saved = render_markdown(plan, limit=700, saved_as="out/plan 1.json")
    assert "`gladcfg show 'out/plan 1.json' --format json`" in saved
    assert "> 🎯 staging needs 7 more change(s) outside the targets" in saved
    shown = run_cli("-C", root, "plan", "--format", "markdown", "--out", root / "p.json")
    assert shown.exit_code == 0 and "PLANFILE" not in shown.stdout
    assert json.loads((root / "p.json").read_text())["instance"] == "staging"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{ range(1000000) | list | length }}", "range() of more than 100,000 numbers is refused"),
        ("{{ lipsum(1000) }}", "lipsum makes at most"),
        (
            '{{ "".__class__ }}',
            "access to attribute '__class__' of text is unsafe: templates cannot reach",
        ),
        ("{{ 1 / 0 }}", "a division by zero"),
        ("{{ 10 ** 10000 }}", "a number of more than 4,300 digits cannot be written as text"),
        ('{{ "a" | round }}', "text cannot be rounded"),
        ("{{ none | length }}", "none has no length"),
        ('{{ 1 + "a" }}', "+ cannot combine a number and text"),
        ("{% for x in 5 %}{% endfor %}", "a number cannot be looped over or listed"),
        ('{{ "ab"[1:"b"] }}', "a slice [start:end] takes whole numbers"),
        ('{{ lipsum("many") }}', "lipsum takes a whole number of paragraphs, not text"),
    ],
)
def test_template_errors_are_in_plain_words(
    root: Path, run_cli: RunCli, template: str, message: str
) -> None:
    (root / "config/t.yaml").write_text(f"teams:\n  x:\n    description: '{template}'\n")
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    assert f"config/t.yaml:3: error: template: {message}" in result.stderr, result.stderr
    for internal in ("Error:", "MAX_RANGE", ".;", "sys.", "'int'", "'str'", "NoneType", "object"):
        assert internal not in result.stderr


def test_an_unusable_ca_bundle_is_named(
    make_project: MakeProject, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    gladly = """\
version: 1
resources: ["config/**/*.yaml"]
instances:
  prod: {adapter: gladly, base_url: "https://acme.gladly.com", user: ops@acme.example,
         token_env: ACME_TOKEN}
"""
    root = make_project({"config/t.yaml": "teams:\n  x: {}\n"}, project_yaml=gladly)
    monkeypatch.setenv("ACME_TOKEN", "t0ken-value")
    for bundle in (Path("/dev/null"), tmp_path / "absent.pem"):
        monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
        result = run_cli("-C", root, "plan", "-i", "prod")
        assert result.exit_code == 1, result.output
        assert f"the CA certificates in {bundle} (SSL_CERT_FILE) could not be loaded" in (
            result.stderr
        )
        assert "internal error" not in result.output and "t0ken-value" not in result.output


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses file names not in UTF-8")
def test_file_names_not_in_utf8_or_holding_bidi_controls_are_shown_escaped(
    root: Path, run_cli: RunCli
) -> None:
    latin1 = os.fsencode(root / "config") + b"/caf\xe9.yaml"
    with open(latin1, "w", encoding="utf-8") as file:
        file.write("teams:\n  x: {descriptio: one}\n")
    (root / "config" / "ev\u202eil.yaml").write_text("teams:\n  y: {descriptio: two}\n")
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1, result.output
    assert "config/caf\\xe9.yaml:2:7: error: teams.x.descriptio: unknown field" in result.stderr
    assert "config/ev\\u202eil.yaml:2:7: error: teams.y.descriptio" in result.stderr
    assert "\u202e" not in result.output and "internal error" not in result.output
    with open(latin1, "w", encoding="utf-8") as file:
        file.write("teams:\n  x: {description: one}\n")
    (root / "config" / "ev\u202eil.yaml").write_text("teams:\n  y: {description: two}\n")
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    assert run_cli("-C", root, "plan", "--detailed-exitcode").exit_code == 0


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses file names not in UTF-8")
def test_a_file_name_is_escaped_the_same_way_in_every_message(
    root: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    latin1 = os.fsencode(root / "config") + b"/a\xe9.yaml"  # sorted before base.yaml
    with open(latin1, "w", encoding="utf-8") as file:
        file.write("teams:\n  tier1: {}\n")
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1, result.output
    # The file a message names is written as its location would be.
    assert "is already declared in config/a\\xe9.yaml:2;" in result.stderr, result.stderr
    os.remove(latin1)
    for typed in ("ev\u202eil", os.fsdecode(b"caf\xe9")):
        missing = run_cli("-C", tmp_path / typed, "validate")
        assert missing.exit_code == 1
        assert "\u202e" not in missing.stderr and "\\udc" not in missing.stderr
        assert f"no gladcfg.yaml in {tmp_path}/" in missing.stderr
        assert ("ev\\u202eil" if "\u202e" in typed else "caf\\xe9") in missing.stderr
    planned = run_cli("-C", root, "plan", "--format", "json", "--target", "teams.*")
    saved = render_markdown(parse_plan(planned.stdout), limit=700, saved_as="caf\udce9\u202e.json")
    assert "`gladcfg show 'caf\\xe9\\u202e.json' --format json`" in saved


def test_a_missing_secret_names_its_object_and_its_instance_once(
    make_project: MakeProject, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    fleet = """\
version: 1
resources: ["config/**/*.yaml"]
instances:
  staging: {}
  prod: {adapter: gladly, base_url: "https://acme.gladly.com", user: ops@acme.example,
         token_env: ACME_PROD_TOKEN}
"""
    hook = """\
webhooks:
  events:
    url: https://hooks.example.com/gladly
    events: [CONVERSATION/CLOSED]
    headers_env: {X-Key: ACME_HOOK_KEY}
"""
    root = make_project({"config/hooks.yaml": hook}, project_yaml=fleet)
    monkeypatch.delenv("ACME_PROD_TOKEN", raising=False)
    monkeypatch.delenv("ACME_HOOK_KEY", raising=False)
    applied = run_cli("-C", root, "apply", "-i", "staging", "--auto-approve")
    assert applied.exit_code == 1
    assert "webhooks.events: the environment variable ACME_HOOK_KEY" in applied.stdout
    assert "webhooks.events: webhooks.events" not in applied.output
    token = "the environment variable ACME_PROD_TOKEN (its API token) is not set"
    alone = run_cli("-C", root, "plan", "-i", "prod")
    assert alone.exit_code == 1 and f"error: instance 'prod': {token}" in alone.stderr
    text = run_cli("-C", root, "plan", "--all")
    assert f"prod:\nerror: {token}\n" in text.stderr
    documents = json.loads(run_cli("-C", root, "plan", "--all", "--format", "json").stdout)
    assert {"instance": "prod", "error": token} in documents
    status = run_cli("-C", root, "status", "--all")
    assert f"prod: error\n  {token}" in status.stdout
    assert "instance 'prod'" not in text.stderr + status.output
