"""policy: in gladcfg.yaml: naming rules and required languages, checked by validate."""

from __future__ import annotations

from tests.conftest import BASE_RESOURCES, PROJECT_YAML, MakeProject, RunCli

POLICY = """\
policy:
  naming:
    teams: "^(us|eu)-"
    inboxes: "^support$"
  required_languages: [en-us]
"""


def test_names_that_break_the_naming_policy_are_errors(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES}, project_yaml=PROJECT_YAML + POLICY)
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    assert (
        "config/base.yaml:8:3: error: teams.tier1: the name 'tier1' does not follow the naming "
        "policy for teams ('^(us|eu)-' in gladcfg.yaml)"
    ) in result.stderr
    assert "inboxes.support" not in result.stderr
    fixed = BASE_RESOURCES.replace("tier1", "us-tier1")
    (root / "config/base.yaml").write_text(fixed)
    assert run_cli("-C", root, "validate").exit_code == 0


def test_required_languages_per_instance(make_project: MakeProject, run_cli: RunCli) -> None:
    project = PROJECT_YAML.replace(
        "    vars: {support_email: support@acme.example}",
        "    vars: {support_email: support@acme.example}\n"
        "    policy: {required_languages: [en-US, fr-CA]}",
    )
    root = make_project({"config/base.yaml": BASE_RESOURCES}, project_yaml=project + POLICY)
    (root / "config/base.yaml").write_text(BASE_RESOURCES.replace("tier1", "us-tier1"))
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    assert (
        "config/base.yaml:3:14: error: settings.languages: the policy requires fr-CA "
        "(policy.required_languages) [prod]" in result.stderr
    )
    assert "answers.closed.content: no content in fr-CA, which the policy requires" in result.stderr
    assert run_cli("-C", root, "validate", "-i", "staging").exit_code == 0


def test_a_bad_policy_is_an_error_in_gladcfg_yaml(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    bad = "policy:\n  naming: {teams: '^(us', widgets: '^x'}\n  required_languages: [english!]\n"
    root = make_project({"config/base.yaml": BASE_RESOURCES}, project_yaml=PROJECT_YAML + bad)
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    assert "gladcfg.yaml:10:" in result.stderr and "is not a regular expression" in result.stderr
    assert "widgets" in result.stderr and "english!" in result.stderr
    assert "Traceback" not in result.output


def test_a_backtracking_pattern_on_a_long_name_answers_at_once(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    """``^([a-z0-9]+-?)+$`` against a 41-character near-miss takes minutes in a backtracking
    engine; policy patterns run on RE2, in time linear in the name."""
    policy = "policy:\n  naming:\n    teams: '^([a-z0-9]+-?)+$'\n"
    name = "a" * 41 + "!"
    resources = BASE_RESOURCES.replace("  tier1: {", f"  {name}: {{description: x}}\n  tier1: {{")
    root = make_project({"config/base.yaml": resources}, project_yaml=PROJECT_YAML + policy)
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    assert f"the name '{name}' does not follow the naming policy for teams" in result.stderr


def test_a_pattern_re2_refuses_is_a_positioned_error_in_gladcfg_yaml(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    policy = (
        "policy:\n  naming:\n    teams: '^(a)\\1$'\n    inboxes: '^(?!tmp)'\n"
        f"    topics: '{'x' * 1001}'\n"
    )
    root = make_project({"config/base.yaml": BASE_RESOURCES}, project_yaml=PROJECT_YAML + policy)
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    assert (
        "gladcfg.yaml:11:12: error: policy.naming.teams: '^(a)\\1$' is not a regular expression "
        "gladcfg can run: invalid escape sequence: \\1 (patterns run on RE2" in result.stderr
    )
    assert "policy.naming.inboxes" in result.stderr and "invalid perl operator" in result.stderr
    assert "policy.naming.topics" in result.stderr and "the limit is 1000" in result.stderr
    assert "re2.cc" not in result.output  # RE2's own logging stays quiet
