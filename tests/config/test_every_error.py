"""Validation finds every independent error: an error in one day, one language tag, one
resource or one instance never hides the checks of another, and each is reported at its
own file and line. Only what depends on the invalid value itself is left unchecked."""

from __future__ import annotations

from tests.cli.test_plan_apply import MOCK_PROJECT, project
from tests.conftest import BASE_RESOURCES, MakeProject, RunCli

GLADLY = "adapter: gladly, user: u@x.example, token_env: T"


def errors(run_cli: RunCli, root: object) -> str:
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.stderr


def test_an_inverted_range_on_one_day_hides_no_overlap_on_another(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    hours = """\
business_hours:
  odd:
    timezone: America/New_York
    weekly:
      mon: ["17:00-09:00"]
      tue: ["09:00-12:00", "11:00-13:00", "12:30-14:00"]
    holidays:
      - {date: 2026-12-24, hours: ["09:00-11:00", "10:00-12:00", "25:00-26:00"]}
"""
    stderr = errors(run_cli, project(make_project, files={"config/hours.yaml": hours}))
    for reported in (
        "config/hours.yaml:5:13: error: business_hours.odd.weekly.mon[0]: '17:00-09:00' ends "
        "before it starts",
        "config/hours.yaml:6:28: error: business_hours.odd.weekly.tue[1]: '11:00-13:00' on tue "
        "overlaps '09:00-12:00'",
        # An overlap of a range that overlaps too: it still counts for the ranges after it.
        "config/hours.yaml:6:43: error: business_hours.odd.weekly.tue[2]: '12:30-14:00' on tue "
        "overlaps '11:00-13:00'",
        # A holiday's overlap is named as the week's are, beside its invalid range.
        "config/hours.yaml:8:51: error: business_hours.odd.holidays[0].hours[1]: '10:00-12:00' "
        "overlaps '09:00-11:00' on 2026-12-24",
        "config/hours.yaml:8:66: error: business_hours.odd.holidays[0].hours[2]: '25:00-26:00' "
        "has an hour out of range",
    ):
        assert reported in stderr, stderr


def test_checks_after_an_item_set_aside_point_at_the_items_as_written(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    """An invalid item is left out so the rest can be checked; what is found in the rest
    is reported at the index and column the file has, not the index left after it, at any
    depth and however many passes setting items aside takes."""
    hours = """\
business_hours:
  odd:
    timezone: America/New_York
    weekly:
      sat: ["25:00-26:00", "09:00-12:00", "x", "11:00-13:00"]
    holidays:
      - {date: 2026-12-32}
      - {date: 2026-12-24, hours: ["9", "09:00-11:00", "10:00-12:00"]}
      - {date: 2026-12-24}
"""
    stderr = errors(run_cli, project(make_project, files={"config/hours.yaml": hours}))
    for reported in (
        "config/hours.yaml:5:48: error: business_hours.odd.weekly.sat[3]: '11:00-13:00' on sat "
        "overlaps '09:00-12:00'",
        "config/hours.yaml:8:56: error: business_hours.odd.holidays[1].hours[2]: '10:00-12:00' "
        "overlaps '09:00-11:00' on 2026-12-24",
        "config/hours.yaml:9:16: error: business_hours.odd.holidays[2].date: 2026-12-24 is "
        "listed twice",
    ):
        assert reported in stderr, stderr
    for shifted in ("sat[1]: '11:00", "holidays[0].hours", "holidays[1].date"):
        assert shifted not in stderr, stderr


def test_a_range_over_several_days_names_every_day_and_range_it_overlaps(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    hours = """\
business_hours:
  odd:
    timezone: America/New_York
    weekly:
      mon: ["09:00-10:00"]
      tue: ["09:00-10:00", "10:00-11:00"]
      mon-wed: ["09:30-10:30"]
"""
    stderr = errors(run_cli, project(make_project, files={"config/hours.yaml": hours}))
    assert (
        "config/hours.yaml:7:17: error: business_hours.odd.weekly.mon-wed[0]: '09:30-10:30' on "
        "mon, tue overlaps '09:00-10:00'; on tue overlaps '10:00-11:00'"
    ) in stderr, stderr


def test_a_bad_language_tag_hides_no_unconfigured_language_and_claims_nothing_false(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    settings = BASE_RESOURCES.replace("languages: [en-US]", "languages: [en_US, es-US]")
    center = """\
answers:
  hours:
    content:
      es-US: {public: {title: Horario, body: "De 8 a 20"}}
help_centers:
  help:
    languages: [fr-FR, en_US]
    answers: [hours]
"""
    root = project(make_project, files={"config/base.yaml": settings, "config/help.yaml": center})
    stderr = errors(run_cli, root)
    for reported in (
        "config/base.yaml:3:15: error: settings.languages[0]: 'en_US' is not a BCP 47 language tag",
        "config/help.yaml:7:24: error: help_centers.help.languages[1]: 'en_US' is not a BCP 47",
        "config/help.yaml:7:17: error: help_centers.help.languages[0]: language 'fr-FR' is not "
        "configured for this instance",
        # The answer has public content, only not in the one language left to check.
        "config/help.yaml:8:15: error: help_centers.help.answers[0]: answer 'hours' has no "
        "public content in fr-FR",
    ):
        assert reported in stderr, stderr


def test_settings_set_aside_for_a_bad_language_tag_are_still_declared(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    broken = "settings:\n  default_language: en_US\n  languages: [en-US]\n  timezone: UTC\n"
    answer = "answers:\n  fr-only:\n    content:\n      fr-FR: {messaging: Bonjour}\n"
    root = project(make_project, files={"config/a.yaml": broken, "config/fr.yaml": answer})
    stderr = errors(run_cli, root)
    for reported in (
        "config/a.yaml:2:21: error: settings.default_language: 'en_US' is not a BCP 47",
        "config/base.yaml:1:1: error: settings: settings is already declared in config/a.yaml:1",
        # Checked against the valid declaration, which can be checked further.
        "config/fr.yaml:4:7: error: answers.fr-only.content.fr-FR: language 'fr-FR' is not "
        "configured for this instance (settings.languages: en-US)",
    ):
        assert reported in stderr, stderr


def test_a_resource_missing_a_required_field_is_still_declared(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    twice = "entry_points:\n  support-email:\n    channel: email\n    address: a@acme.example\n"
    stderr = errors(run_cli, project(make_project, files={"config/a.yaml": twice}))
    for reported in (
        "config/a.yaml:2:3: error: entry_points.support-email.inbox: missing required field",
        "config/base.yaml:16:3: error: entry_points.support-email: entry_points.support-email "
        "is already declared in config/a.yaml:2",
    ):
        assert reported in stderr, stderr


def test_an_invalid_label_hides_no_answer_and_url_given_together(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    app = """\
entry_points:
  web: {channel: chat, address: web, inbox: support}
glad_apps:
  w:
    entry_point: web
    languages: [en-US]
    quick_actions: [{label: "", answer: closed, url: "https://a.example"}]
"""
    stderr = errors(run_cli, project(make_project, files={"config/app.yaml": app}))
    for reported in (
        "config/app.yaml:7:29: error: glad_apps.w.quick_actions[0].label: string should have at "
        "least 1 character",
        "config/app.yaml:7:21: error: glad_apps.w.quick_actions[0]: give exactly one of answer "
        "or url",
    ):
        assert reported in stderr, stderr


def test_every_instance_sharing_a_store_or_an_organisation_is_named_at_its_own_line(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    instances = f"""\
version: 1
instances:
  a: {{path: s.db}}
  b: {{path: s.db}}
  c: {{path: t.db, faults: {{fail_every: 0}}}}
  d: {{path: ./t.db}}
  e: {{path: t.db}}
  g1: {{{GLADLY}, base_url: "https://x.gladly.com"}}
  g2: {{{GLADLY}, base_url: "https://X.gladly.com/"}}
  g3: {{{GLADLY}, base_url: "https://y.gladly.com"}}
  g4: {{{GLADLY}, base_url: "https://y.gladly.com", bogus: 1}}
"""
    root = make_project({"config/teams.yaml": "teams: {t: {}}\n"}, project_yaml=instances)
    stderr = errors(run_cli, root)
    for reported in (
        # Errors in c and g4 themselves hide none of the instances they share a tenant with.
        "gladcfg.yaml:5:40: error: instances.c.faults.fail_every: input should be greater",
        "gladcfg.yaml:11:92: error: instances.g4.bogus: unknown field 'bogus'",
        "gladcfg.yaml:4:13: error: instances.b.path: 'a' and 'b' are both the mock store s.db",
        "gladcfg.yaml:6:13: error: instances.d.path: 'c' and 'd' and 'e' are all the mock store "
        "t.db",
        "gladcfg.yaml:9:68: error: instances.g2.base_url: 'g1' and 'g2' are both the Gladly "
        "organisation at https://x.gladly.com",
        "gladcfg.yaml:11:68: error: instances.g4.base_url: 'g3' and 'g4' are both the Gladly "
        "organisation at https://y.gladly.com",
    ):
        assert reported in stderr, stderr


def test_an_invalid_instance_hides_no_store_outside_the_project_nor_bad_glob(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = make_project(
        {"config/base.yaml": BASE_RESOURCES},
        project_yaml=(
            'version: 1\nresources: ["config/**/*.yaml", "../elsewhere/*.yaml"]\ninstances:\n'
            "  a: {path: ../s.db}\n  b: {faults: {fail_every: 0}}\n"
        ),
    )
    stderr = errors(run_cli, root)
    for reported in (
        "gladcfg.yaml:2:33: error: resources[1]: '../elsewhere/*.yaml' uses '..'",
        "gladcfg.yaml:4:13: error: instances.a.path: '../s.db' leaves the project folder",
        "gladcfg.yaml:5:28: error: instances.b.faults.fail_every: input should be greater",
    ):
        assert reported in stderr, stderr


def test_an_error_in_one_instance_hides_no_error_in_the_files_of_another(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    inverted = BASE_RESOURCES.replace('mon-fri: ["08:00-20:00"]', 'mon-fri: ["20:00-08:00"]')
    root = make_project(
        {"config/base.yaml": inverted},
        project_yaml=(MOCK_PROJECT % "")
        + "  prod: {bogus: 1, vars: {support_email: a@b.example}}\n",
    )
    stderr = errors(run_cli, root)
    for reported in (
        "gladcfg.yaml:8:10: error: instances.prod.bogus: unknown field 'bogus'",
        # Found for staging, whose declaration is valid.
        "config/base.yaml:12:24: error: business_hours.support.weekly.mon-fri[0]: '20:00-08:00' "
        "ends before it starts",
    ):
        assert reported in stderr, stderr


def test_every_reason_a_base_url_is_refused_is_given(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    url = "ftp://ops:hunter2@acme.gladly.com/?token=secret"
    root = make_project(
        {"config/base.yaml": BASE_RESOURCES},
        project_yaml=(MOCK_PROJECT % "") + f'  prod: {{{GLADLY}, base_url: "{url}"}}\n',
    )
    stderr = errors(run_cli, root)
    assert (
        "instances.prod.base_url: 'ftp://acme.gladly.com/' must not carry credentials "
        "(user:password@)"
    ) in stderr, stderr
    assert ". It also must not have a query string or fragment" in stderr
    assert ". It also must use https" in stderr
    assert "hunter2" not in stderr and "secret" not in stderr
