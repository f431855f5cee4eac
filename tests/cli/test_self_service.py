"""glad_apps (chat widgets) and help_centers, through the CLI: validation, plan, apply."""

from __future__ import annotations

import json

from tests.cli.test_plan_apply import project, store
from tests.conftest import MakeProject, RunCli

SELF_SERVICE = """\
answers:
  welcome:
    content:
      en-US: {messaging: Hi!}
  returns:
    content:
      en-US: {public: {title: Returns, body: Within 30 days.}}
entry_points:
  web:
    channel: chat
    address: acme-web
    inbox: support
auto_reply_rules:
  web-closed:
    entry_points: [web]
    when: outside_business_hours
    answer: closed
help_centers:
  help:
    languages: [en-US]
    audiences: [acme]
    answers: [returns]
glad_apps:
  web-chat:
    entry_point: web
    languages: [en-US]
    greeting: welcome
    quick_actions:
      - {label: Returns, answer: returns}
      - {label: Orders, url: "https://acme.example/orders"}
"""


def test_plan_apply_and_a_rename_that_references_follow(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = project(make_project, files={"config/self.yaml": SELF_SERVICE})
    applied = run_cli("-C", root, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    objects = store(root)["objects"]
    assert objects["glad_apps"]["web-chat"]["spec"]["quick_actions"][0] == {
        "label": "Returns",
        "answer": "returns",
    }
    assert objects["help_centers"]["help"]["spec"]["answers"] == ["returns"]
    renamed = SELF_SERVICE.replace("  returns:\n", "  returns-policy:\n    renamed_from: returns\n")
    renamed = renamed.replace("answer: returns}", "answer: returns-policy}")
    renamed = renamed.replace("answers: [returns]", "answers: [returns-policy]")
    (root / "config/self.yaml").write_text(renamed)
    planned = run_cli("-C", root, "plan", "--format", "json")
    assert planned.exit_code == 0, planned.output
    plan = json.loads(planned.stdout)
    # The widget and the help center follow the renamed answer, as references by id do.
    assert [(c["address"], c["action"]) for c in plan["changes"]] == [
        ("answers.returns-policy", "rename")
    ]
    assert run_cli("-C", root, "apply", "--auto-approve").exit_code == 0
    objects = store(root)["objects"]
    assert objects["glad_apps"]["web-chat"]["spec"]["quick_actions"][0]["answer"] == (
        "returns-policy"
    )
    assert run_cli("-C", root, "plan", "--detailed-exitcode").exit_code == 0


def test_self_service_validation(make_project: MakeProject, run_cli: RunCli) -> None:
    bad = (
        SELF_SERVICE.replace("entry_point: web", "entry_point: support-email")
        .replace("greeting: welcome", "greeting: returns")
        .replace("answer: returns}", "answer: welcom}")
        .replace("languages: [en-US]\n    audiences", "languages: [en-US, de-DE]\n    audiences")
    )
    root = project(make_project, files={"config/self.yaml": bad})
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    for expected in (
        "config/self.yaml:20:24: error: help_centers.help.languages[1]: language 'de-DE' is "
        "not configured for this instance (settings.languages: en-US)",
        "config/self.yaml:22:15: warning: help_centers.help.answers[0]: answer 'returns' has "
        "no public content in de-DE",
        "config/self.yaml:25:18: error: glad_apps.web-chat.entry_point: entry point "
        "'support-email' is an email entry point; a chat widget needs a chat one",
        "config/self.yaml:27:15: error: glad_apps.web-chat.greeting: answer 'returns' has no "
        "messaging content",
        "config/self.yaml:29:34: error: glad_apps.web-chat.quick_actions[0].answer: unknown "
        "answer 'welcom' (did you mean 'welcome'?)",
    ):
        assert expected in result.stderr, result.stderr
    assert "Traceback" not in result.output


def test_quick_actions_need_an_answer_or_a_url_and_public_content(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    bad = SELF_SERVICE.replace(
        '      - {label: Orders, url: "https://acme.example/orders"}',
        "      - {label: Both, answer: returns, url: 'https://acme.example'}\n"
        "      - {label: Hello, answer: welcome}\n"
        "      - {label: Plain, url: 'http://acme.example'}",
    ).replace("answers: [returns]", "answers: [welcome]")
    root = project(make_project, files={"config/self.yaml": bad})
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1
    assert "glad_apps.web-chat.quick_actions[1]: give exactly one of answer or url" in (
        result.stderr
    )
    assert "help_centers.help.answers[0]: answer 'welcome' has no public content" in result.stderr
    assert "quick_actions[3].url: 'http://acme.example' is not an https URL" in result.stderr
