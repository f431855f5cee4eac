"""All errors at once: an error in one day, one language tag or one instance never hides
the checks of another."""

from __future__ import annotations

from tests.cli.test_plan_apply import MOCK_PROJECT, project
from tests.conftest import BASE_RESOURCES, MakeProject, RunCli

HOURS = """\
business_hours:
  odd:
    timezone: America/New_York
    weekly:
      mon: ["17:00-09:00"]
      tue: ["09:00-12:00", "11:00-13:00"]
      wed: ["09:00-10:00", "09:30-11:00"]
"""


def test_an_inverted_range_on_one_day_hides_no_overlap_on_another(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = project(make_project, files={"config/hours.yaml": HOURS})
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    assert (
        "config/hours.yaml:5:13: error: business_hours.odd.weekly.mon[0]: '17:00-09:00' ends"
        in (result.stderr)
    )
    assert (
        "config/hours.yaml:6:28: error: business_hours.odd.weekly.tue[1]: '11:00-13:00' on tue"
        in (result.stderr)
    )
    assert "'09:30-11:00' on wed overlaps '09:00-10:00'" in result.stderr


def test_a_bad_language_tag_hides_no_unconfigured_language(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    settings = BASE_RESOURCES.replace("languages: [en-US]", "languages: [en_US, es-US]")
    answer = "answers:\n  fr-only:\n    content:\n      fr-FR: {messaging: Bonjour}\n"
    root = project(make_project, files={"config/base.yaml": settings, "config/fr.yaml": answer})
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    assert "settings.languages[0]: 'en_US' is not a BCP 47 language tag" in result.stderr
    assert "config/fr.yaml:4:7: error: answers.fr-only.content.fr-FR: language 'fr-FR' is not" in (
        result.stderr
    )


def test_every_instance_sharing_a_store_or_an_organisation_is_named(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    instances = """\
  a: {adapter: mock, path: s.db}
  b: {adapter: mock, path: s.db}
  c: {adapter: mock, path: t.db}
  d: {adapter: mock, path: t.db}
  e: {adapter: mock, path: t.db}
  g1: {adapter: gladly, base_url: "https://x.gladly.com", user: u@x.example, token_env: T}
  g2: {adapter: gladly, base_url: "https://x.gladly.com", user: u@x.example, token_env: T}
  g3: {adapter: gladly, base_url: "https://y.gladly.com", user: u@x.example, token_env: T}
  g4: {adapter: gladly, base_url: "https://y.gladly.com", user: u@x.example, token_env: T}
"""
    root = make_project(
        {"config/base.yaml": BASE_RESOURCES}, project_yaml=(MOCK_PROJECT % "") + instances
    )
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1, result.output
    for clash in (
        "'a' and 'b' are both the mock store s.db",
        "'c' and 'd' and 'e' are all the mock store t.db",
        "'g1' and 'g2' are both the Gladly organisation at https://x.gladly.com",
        "'g3' and 'g4' are both the Gladly organisation at https://y.gladly.com",
    ):
        assert clash in result.stderr, result.stderr
