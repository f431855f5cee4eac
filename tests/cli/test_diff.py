"""diff A B: the var-driven differences of the example, in three formats, and live states."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import BASE_RESOURCES, PROJECT_YAML, MakeProject, RunCli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "acme"


def test_staging_and_prod_differ_exactly_where_vars_do(run_cli: RunCli) -> None:
    result = run_cli(
        "-C", EXAMPLE, "diff", "staging", "prod-us", "--format", "json", "--detailed-exitcode"
    )
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    changed = {d["address"]: d["diff"] for d in document["differences"]}
    assert set(changed) == {
        f"entry_points.{brand}-{channel}"
        for brand in ("acme", "globex")
        for channel in ("chat", "email", "sms", "voice")
    }
    assert all([f["path"] for f in fields] == ["address"] for fields in changed.values())
    assert changed["entry_points.acme-email"][0] == {
        "path": "address",
        "before": "staging-support@acme.example",
        "after": "support@acme.example",
    }
    assert document["identical"] == 35
    text = run_cli("-C", EXAMPLE, "diff", "staging", "prod-us").stdout
    assert '  ~ entry_points.acme-sms\n      address: "+14155550100" → "+18005550100"\n' in text
    assert text.endswith("8 differ, 35 identical.\n")
    markdown = run_cli("-C", EXAMPLE, "diff", "staging", "prod-us", "--format", "markdown").stdout
    assert (
        '| `entry_points.acme-sms` | `address`: `"+14155550100"` → `"+18005550100"` |' in markdown
    )
    same = run_cli("-C", EXAMPLE, "diff", "staging", "staging", "--detailed-exitcode")
    assert same.exit_code == 0 and "0 differ, 43 identical." in same.stdout


def test_regions_differ_in_what_only_one_has(run_cli: RunCli) -> None:
    text = run_cli("-C", EXAMPLE, "diff", "prod-us", "prod-eu").stdout
    assert "  ~ settings\n" in text
    assert "answers.acme-after-hours" in text and "content" in text


def test_remote_compares_live_states(tmp_path: Path, run_cli: RunCli) -> None:
    project = tmp_path / "acme"
    shutil.copytree(EXAMPLE, project)
    assert run_cli("-C", project, "apply", "-i", "staging", "--auto-approve").exit_code == 0
    result = run_cli("-C", project, "diff", "staging", "prod-us", "--remote")
    assert "  - teams.billing  (only in staging)" in result.stdout
    assert result.stdout.endswith("43 differ, 0 identical.\n")
    assert "(remote)" in result.stdout
    markdown = run_cli(
        "-C", project, "diff", "prod-us", "staging", "--remote", "--format", "markdown"
    )
    assert "| `teams.billing` | only in `staging` |" in markdown.stdout


def test_unknown_instance(run_cli: RunCli) -> None:
    result = run_cli("-C", EXAMPLE, "diff", "staging", "prod")
    assert result.exit_code == 1 and "unknown instance 'prod'" in result.stderr


def test_markdown_code_spans_hold_values_with_backticks_whole(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    from tests.render.test_markdown import inline_code

    project = PROJECT_YAML.replace(
        "vars: {support_email: support@staging.acme.example}",
        "vars: {support_email: support@staging.acme.example, note: 'run `make` | ``x'}",
    ).replace(
        "vars: {support_email: support@acme.example}",
        "vars: {support_email: s@a.example, note: '`'}",
    )
    extra = "teams:\n  '`quoted``':\n    description: '{{ note }}'\n"
    root = make_project(
        {"config/base.yaml": BASE_RESOURCES, "config/extra.yaml": extra}, project_yaml=project
    )
    result = run_cli("-C", root, "diff", "staging", "prod", "--format", "markdown")
    assert result.exit_code == 0, result.output
    shown = inline_code(result.stdout)
    for expected in ("teams.`quoted``", "description", '"run `make` | ``x"', '"`"', "staging"):
        assert expected in shown, (expected, shown, result.stdout)
