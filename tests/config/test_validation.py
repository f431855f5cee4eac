"""Every error class of SPEC §3 through the real CLI: the message names the file, the line and
the field, suggests the near name where there is one, exits 1, and never shows a traceback."""

from __future__ import annotations

import os

import pytest

from gladcfg.yamlio import batch
from tests.conftest import BASE_RESOURCES, MakeProject, RunCli

# (id, extra file text, substrings expected on one line of the output)
CASES = [
    (
        "yaml-syntax",
        "teams:\n  a: {description: [unclosed\n",
        ["config/extra.yaml:3:1", "invalid YAML"],
    ),
    (
        "unknown-kind",
        "inboxs:\n  x: {}\n",
        ["config/extra.yaml:1:1", "inboxs", "unknown kind 'inboxs'", "did you mean 'inboxes'?"],
    ),
    (
        "unknown-field",
        "inboxes:\n  sales:\n    busines_hours: support\n",
        [
            "config/extra.yaml:3:5",
            "inboxes.sales.busines_hours",
            "unknown field",
            "did you mean 'business_hours'?",
        ],
    ),
    (
        "wrong-type",
        "inboxes:\n  sales:\n    teams: tier1\n",
        ["config/extra.yaml:3:12", "inboxes.sales.teams", "valid list", "'tier1'"],
    ),
    (
        "missing-required",
        "entry_points:\n  web:\n    address: app-1\n    inbox: support\n",
        ["config/extra.yaml:2:3", "entry_points.web.channel", "missing required field 'channel'"],
    ),
    (
        "duplicate-across-files",
        "teams:\n  tier1: {}\n",
        ["config/extra.yaml:2:3", "teams.tier1", "already declared in config/base.yaml:8"],
    ),
    (
        "duplicate-key-in-file",
        "teams:\n  x: {}\n  x: {description: again}\n",
        ["config/extra.yaml:3:3", "teams.x", "declared twice in this file (first at line 2)"],
    ),
    (
        "dangling-inbox-team",
        "inboxes:\n  sales: {teams: [tier2]}\n",
        ["config/extra.yaml:2:19", "inboxes.sales.teams[0]", "unknown team 'tier2'", "'tier1'"],
    ),
    (
        "dangling-inbox-hours",
        "inboxes:\n  sales: {business_hours: suport}\n",
        ["inboxes.sales.business_hours", "unknown business hours 'suport'", "'support'"],
    ),
    (
        "dangling-entry-point-inbox",
        "entry_points:\n  web: {channel: chat, address: app-1, inbox: suport}\n",
        ["config/extra.yaml:2:47", "entry_points.web.inbox", "unknown inbox 'suport'", "'support'"],
    ),
    (
        "dangling-entry-point-audience",
        "entry_points:\n  web: {channel: chat, address: app-1, inbox: support, audience: acm}\n",
        ["entry_points.web.audience", "unknown audience 'acm'", "did you mean 'acme'?"],
    ),
    (
        "dangling-rule-refs",
        "auto_reply_rules:\n  r:\n    entry_points: [support-mail]\n    when: always\n"
        "    answer: closd\n",
        ["config/extra.yaml:3:20", "auto_reply_rules.r.entry_points[0]", "'support-email'"],
    ),
    (
        "dangling-rule-answer",
        "auto_reply_rules:\n  r:\n    entry_points: [support-email]\n    when: always\n"
        "    answer: closd\n",
        ["config/extra.yaml:5:13", "auto_reply_rules.r.answer", "unknown answer", "'closed'"],
    ),
    (
        "dangling-answer-audience",
        "answers:\n  hi:\n    audiences: [acmee]\n    content: {en-US: {messaging: hi}}\n",
        ["answers.hi.audiences[0]", "unknown audience 'acmee'", "did you mean 'acme'?"],
    ),
    (
        "dangling-topic-parent",
        "topics:\n  refund: {parent: biling}\n  billing: {}\n",
        ["topics.refund.parent", "unknown topic 'biling'", "did you mean 'billing'?"],
    ),
    (
        "topic-cycle",
        "topics:\n  a: {parent: b}\n  b: {parent: a}\n",
        ["config/extra.yaml:", "parent", "cycle"],
    ),
    (
        "time-zone",
        "business_hours:\n  x: {timezone: America/New_Yrok}\n",
        [
            "config/extra.yaml:2:17",
            "business_hours.x.timezone",
            "not an IANA time zone",
            "did you mean 'America/New_York'?",
        ],
    ),
    (
        "inverted-range",
        "business_hours:\n  x:\n    timezone: UTC\n    weekly: {mon: ['18:00-09:00']}\n",
        ["config/extra.yaml:4:20", "business_hours.x.weekly.mon[0]", "ends before it starts"],
    ),
    (
        "bad-range",
        "business_hours:\n  x:\n    timezone: UTC\n    weekly: {mon: ['9-5']}\n",
        ["business_hours.x.weekly.mon[0]", "not a time range", "HH:MM-HH:MM"],
    ),
    (
        "overlapping-ranges",
        "business_hours:\n  x:\n    timezone: UTC\n    weekly:\n      mon-fri: ['08:00-12:00']\n"
        "      wed: ['11:00-13:00']\n",
        ["config/extra.yaml:6:13", "business_hours.x.weekly.wed[0]", "overlaps '08:00-12:00'"],
    ),
    (
        "unknown-day",
        "business_hours:\n  x:\n    timezone: UTC\n    weekly: {mon-fry: ['08:00-12:00']}\n",
        ["config/extra.yaml:4:14", "business_hours.x.weekly.mon-fry", "not a day or day range"],
    ),
    (
        "holiday-date",
        "business_hours:\n  x:\n    timezone: UTC\n    holidays: [{date: 2026-02-30}]\n",
        ["config/extra.yaml:4:23", "business_hours.x.holidays[0].date", "valid date"],
    ),
    (
        "e164",
        "entry_points:\n  line: {channel: voice, address: '555-0100', inbox: support}\n",
        ["config/extra.yaml:2:35", "entry_points.line.address", "not an E.164 phone number"],
    ),
    (
        "email-address",
        "entry_points:\n  mail: {channel: email, address: 'support@', inbox: support}\n",
        ["entry_points.mail.address", "not an email address"],
    ),
    (
        "channel-typo",
        "entry_points:\n  line: {channel: voise, address: '+14155550100', inbox: support}\n",
        ["entry_points.line.channel", "expected one of", "did you mean 'voice'?"],
    ),
    (
        "language-tag",
        "answers:\n  hi:\n    content: {english: {messaging: hi}}\n",
        ["config/extra.yaml:3:15", "answers.hi.content.english", "not a BCP 47 language tag"],
    ),
    (
        "language-not-configured",
        "answers:\n  hi:\n    content: {en-US: {messaging: hi}, fr-FR: {messaging: salut}}\n",
        ["answers.hi.content.fr-FR", "not configured for this instance"],
    ),
    (
        "empty-answer-content",
        "answers:\n  hi:\n    content: {en-US: {}}\n",
        ["answers.hi.content.en-US", "at least one of messaging, email, public or reference"],
    ),
    (
        "auto-reply-content",
        "entry_points:\n  sms: {channel: sms, address: '+14155550100', inbox: support}\n"
        "answers:\n  mail-only:\n    content: {en-US: {email: {subject: s, body: b}}}\n"
        "auto_reply_rules:\n  r: {entry_points: [sms], when: outside_business_hours, "
        "answer: mail-only}\n",
        ["auto_reply_rules.r.answer", "no messaging content in en-US", "sms"],
    ),
    (
        "auto-reply-voice",
        "entry_points:\n  line: {channel: voice, address: '+14155550100', inbox: support}\n"
        "auto_reply_rules:\n  r: {entry_points: [line], when: always, answer: closed}\n",
        ["auto_reply_rules.r.entry_points[0]", "voice line"],
    ),
    (
        "renamed-from-declared",
        "teams:\n  tier-one: {renamed_from: tier1}\n",
        ["teams.tier-one.renamed_from", "teams.tier1 is also declared"],
    ),
    (
        "yaml-bomb",
        "teams:\n  a: &l0 {description: lol}\n"
        + "".join(f"  l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 9)),
        ["config/extra.yaml:", "billion laughs"],
    ),
    (
        "deep-nesting",
        "teams:\n  a: {description: " + "[" * 5000 + "]" * 5000 + "}\n",
        ["config/extra.yaml:2:", "deeper than 64 levels"],
    ),
    (
        "python-tag",
        "teams:\n  a: !!python/object/apply:os.system [echo]\n",
        ["config/extra.yaml:2:6", "not supported"],
    ),
    (
        "duration",
        "inboxes:\n  sales: {sla: {email: 1 day}}\n",
        ["inboxes.sales.sla.email", "not a duration", "24h"],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_error_is_named_positioned_and_clean(
    make_project: MakeProject, run_cli: RunCli, text: str, expected: list[str]
) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES, "config/extra.yaml": text})
    result = run_cli("-C", root, "validate", "--all")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if all(e in line for e in expected)]
    assert lines, f"no line holds all of {expected}:\n{result.stderr}"


def test_base_project_is_valid(make_project: MakeProject, run_cli: RunCli) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    result = run_cli("-C", root, "validate", "--all", "--strict")
    assert result.exit_code == 0, result.output
    assert "valid" in result.stdout


def test_two_unrelated_errors_in_one_file_are_both_reported(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    text = """\
        teams:
          sales: {descripton: Sales}
        business_hours:
          x: {timezone: Mars/Olympus}
        """
    root = make_project({"config/base.yaml": BASE_RESOURCES, "config/extra.yaml": text})
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    assert "config/extra.yaml:2:11: error: teams.sales.descripton" in result.stderr
    assert "config/extra.yaml:4:17: error: business_hours.x.timezone" in result.stderr
    assert "invalid: 2 errors" in result.stderr


def test_an_invalid_resource_is_not_reported_again_as_missing(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    text = "teams:\n  sales: {descripton: x}\ninboxes:\n  sales: {teams: [sales]}\n"
    root = make_project({"config/base.yaml": BASE_RESOURCES, "config/extra.yaml": text})
    result = run_cli("-C", root, "validate")
    assert "descripton" in result.stderr
    assert "unknown team" not in result.stderr


def test_finding_shared_by_instances_is_reported_once(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = make_project(
        {"config/base.yaml": BASE_RESOURCES, "config/extra.yaml": "teams:\n  x: {nope: 1}\n"}
    )
    result = run_cli("-C", root, "validate", "--all")
    assert result.stderr.count("teams.x.nope") == 1
    # Found in every instance validated: no instance list is appended.
    assert "[staging" not in result.stderr


def test_finding_in_one_instance_names_it(make_project: MakeProject, run_cli: RunCli) -> None:
    extra = "teams:\n  x: {description: '{{ 1 if instance == \"prod\" else [] }}'}\n"
    extra = 'inboxes:\n  x: {teams: [\'{{ "tier1" if instance == "staging" else "tier9" }}\']}\n'
    root = make_project({"config/base.yaml": BASE_RESOURCES, "config/extra.yaml": extra})
    result = run_cli("-C", root, "validate", "--all")
    assert result.exit_code == 1
    assert "unknown team 'tier9'" in result.stderr
    assert "[prod]" in result.stderr


def test_translation_gap_is_a_warning_and_strict_makes_it_an_error(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    base = BASE_RESOURCES.replace("languages: [en-US]", "languages: [en-US, fr-CA]")
    root = make_project({"config/base.yaml": base})
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 0, result.output
    assert "warning: answers.closed.content: no content in fr-CA" in result.stderr
    strict = run_cli("-C", root, "validate", "--strict")
    assert strict.exit_code == 1
    assert "--strict: warnings are errors" in strict.stderr


def test_sms_entry_point_without_after_hours_rule_warns(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    extra = "entry_points:\n  text: {channel: sms, address: '+14155550100', inbox: support}\n"
    root = make_project({"config/base.yaml": BASE_RESOURCES, "config/extra.yaml": extra})
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 0
    assert "config/extra.yaml:2:3: warning: entry_points.text" in result.stderr
    assert "after hours hear nothing" in result.stderr


def test_instances_selector_limits_a_resource(make_project: MakeProject, run_cli: RunCli) -> None:
    extra = "teams:\n  only-prod: {instances: [prod]}\n  typo: {instances: [prdo]}\n"
    root = make_project({"config/base.yaml": BASE_RESOURCES, "config/extra.yaml": extra})
    result = run_cli("-C", root, "validate", "--all")
    assert result.exit_code == 0, result.output
    assert "staging (8 resources), prod (9 resources)" in result.stdout
    assert "'prdo' matches no instance (did you mean 'prod'?)" in result.stderr


def test_an_invalid_resource_still_has_its_references_checked(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    text = "inboxes:\n  vip:\n    teams: [tier-1]\n    busines_hours: support\n"
    root = make_project({"config/base.yaml": BASE_RESOURCES, "config/extra.yaml": text})
    result = run_cli("-C", root, "validate")
    assert "config/extra.yaml:3:13: error: inboxes.vip.teams[0]: unknown team 'tier-1'" in (
        result.stderr
    )
    assert "config/extra.yaml:4:5: error: inboxes.vip.busines_hours: unknown field" in result.stderr
    assert "invalid: 2 errors" in result.stderr


def test_files_loaded_by_workers_give_the_same_findings(
    make_project: MakeProject, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every case above in one project: loaded in this process, then (forced) by workers."""
    files = {f"config/case-{i:02}.yaml": c[1] for i, c in enumerate(CASES)}
    root = make_project({"config/base.yaml": BASE_RESOURCES, **files})
    here = run_cli("-C", root, "validate", "--all")
    monkeypatch.setattr(batch, "PARALLEL_MIN_CHARS", 0)
    assert batch._worker_count(0, len(files)) >= 2 or len(os.sched_getaffinity(0)) == 1
    by_workers = run_cli("-C", root, "validate", "--all")
    assert here.exit_code == by_workers.exit_code == 1
    assert len({line for line in here.stderr.splitlines() if "case-" in line}) >= len(CASES)
    assert (by_workers.stdout, by_workers.stderr) == (here.stdout, here.stderr)


def test_a_released_workspace_reads_its_files_anew(make_project: MakeProject) -> None:
    """Once planned, an apply frees what the workspace read and parsed; validating again
    after that reads the files as they are now."""
    from gladcfg.config import Workspace, load_desired

    root = make_project({"config/base.yaml": BASE_RESOURCES})
    workspace = Workspace.open(root)
    first = load_desired(workspace, "staging").states["staging"]
    assert first.declared("teams")["tier1"].model.description == "Tier 1"  # type: ignore[attr-defined]
    (root / "config/base.yaml").write_text(BASE_RESOURCES.replace("Tier 1", "Front line"))
    cached = load_desired(workspace, "staging").states["staging"]
    assert cached.declared("teams")["tier1"].model.description == "Tier 1"  # type: ignore[attr-defined]
    workspace.release()
    fresh = load_desired(workspace, "staging").states["staging"]
    assert fresh.declared("teams")["tier1"].model.description == "Front line"  # type: ignore[attr-defined]


def test_a_resource_with_a_type_or_enum_error_still_has_its_cross_checks_run(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    """A broken field, even a required one, hides nothing else: the references and the
    checks that do not read it are reported in the same run."""
    text = """\
        entry_points:
          web: {channel: fax, address: app-1, inbox: suport}
          mail: {channel: email, address: not-an-address, inbox: [support]}
          phone: {channel: voice, address: '+14155550100', inbox: support}
        auto_reply_rules:
          r: {entry_points: [nope, phone], when: sometimes, answer: closd}
        business_hours:
          bh: {timezone: Mars/Olympus, weekly: {mon: ["10:00-12:00", "11:00-13:00"]}}
        inboxes:
          i: {teams: [tier9, 5]}
        """
    root = make_project({"config/base.yaml": BASE_RESOURCES, "config/extra.yaml": text})
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    expected = [
        "config/extra.yaml:2:18: error: entry_points.web.channel: expected one of",
        "config/extra.yaml:2:46: error: entry_points.web.inbox: unknown inbox 'suport' "
        "(did you mean 'support'?)",
        "config/extra.yaml:3:58: error: entry_points.mail.inbox: input should be a valid string",
        "error: entry_points.mail.address: 'not-an-address'",
        "config/extra.yaml:6:42: error: auto_reply_rules.r.when: expected one of",
        "config/extra.yaml:6:22: error: auto_reply_rules.r.entry_points[0]: unknown entry "
        "point 'nope'",
        "error: auto_reply_rules.r.entry_points[1]: entry point 'phone' is a voice line",
        "error: auto_reply_rules.r.answer: unknown answer 'closd'",
        "config/extra.yaml:8:18: error: business_hours.bh.timezone: 'Mars/Olympus'",
        "error: business_hours.bh.weekly.mon[1]: '11:00-13:00' on mon overlaps '10:00-12:00'",
        "config/extra.yaml:10:22: error: inboxes.i.teams[1]: input should be a valid string",
        "config/extra.yaml:10:15: error: inboxes.i.teams[0]: unknown team 'tier9'",
    ]
    missing = [line for line in expected if line not in result.stderr]
    assert not missing, result.stderr
    assert "invalid: 12 errors" in result.stderr


def test_broken_settings_still_have_their_languages_checked(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    base = BASE_RESOURCES.replace(
        "timezone: America/New_York\naudiences", "timezone: Mars/Olympus\naudiences"
    ).replace("default_language: en-US", "default_language: fr-CA")
    assert "Mars/Olympus" in base
    root = make_project({"config/base.yaml": base})
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    assert "error: settings.timezone: 'Mars/Olympus'" in result.stderr
    assert "error: settings.default_language: default_language 'fr-CA' is not one of" in (
        result.stderr
    )
