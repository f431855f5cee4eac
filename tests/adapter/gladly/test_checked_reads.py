"""Every read of one object by id is checked to have answered with that object: a server,
proxy or cache answering GET /answers/A with answer B's body (or another language's
content, or other business hours) is an error naming the request and what came back, and
nothing is planned, or written, from it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import respx

from gladcfg.adapter.base import RemoteObject
from gladcfg.adapter.gladly.adapter import GladlyAdapter
from gladcfg.adapter.gladly.kinds.answers import answer_id
from gladcfg.adapter.gladly.kinds.business_hours import HOURS as HOURS_SHAPE
from gladcfg.adapter.gladly.kinds.business_hours import hours_spec
from gladcfg.errors import AdapterError, BadResponseError
from tests.adapter.gladly.conftest import BASE, GLADLY_PROJECT, HOURS, lists
from tests.conftest import MakeProject, RunCli

ANSWERS = """\
answers:
  closed:
    content:
      en-US:
        email: {subject: Closed, body: We are closed.}
  refunds:
    content:
      en-US:
        email: {subject: Refunds, body: Within 30 days.}
"""
CLOSED, REFUNDS = answer_id("closed"), answer_id("refunds")


def content_path(ident: str, kind: str = "email") -> str:
    return f"/answers/{ident}/languages/en-us/type/{kind}"


def email(ident: str, subject: str, **fields: str) -> dict[str, str]:
    return {
        "answerId": ident,
        "language": "en-us",
        "type": "email",
        "subject": subject,
        "bodyHtml": f"{subject}.",
        **fields,
    }


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[respx.MockRouter]:
    monkeypatch.setenv("GLADCFG_TEST_TOKEN", "tok-test")
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        lists(router)
        yield router


def answers(api: respx.MockRouter, *, crosswise: bool = False) -> None:
    """Both answers as Gladly holds them, or as a server that mixed them up answers them."""
    bodies = {
        CLOSED: ({"id": CLOSED, "name": "closed"}, email(CLOSED, "Closed")),
        REFUNDS: ({"id": REFUNDS, "name": "refunds"}, email(REFUNDS, "Refunds")),
    }
    for ident, other in ((CLOSED, REFUNDS), (REFUNDS, CLOSED)):
        answer, content = bodies[other if crosswise else ident]
        api.get(f"/answers/{ident}").mock(return_value=httpx.Response(200, json=answer))
        api.get(content_path(ident)).mock(return_value=httpx.Response(200, json=content))


def test_a_server_answering_each_answer_with_the_other_plans_nothing(
    api: respx.MockRouter, make_project: MakeProject, run_cli: RunCli
) -> None:
    root = make_project({"config/answers.yaml": ANSWERS}, project_yaml=GLADLY_PROJECT)
    answers(api)
    assert run_cli("-C", root, "plan").exit_code == 0  # the honest server: as declared
    answers(api, crosswise=True)
    planned = run_cli("-C", root, "plan")
    assert planned.exit_code == 1, planned.output
    assert planned.stderr == (
        f"error: prod: GET /answers/{CLOSED}: Gladly answered with the answer '{REFUNDS}' "
        "named 'refunds', not what was asked for; gladcfg plans nothing from it\n"
    )
    assert "Traceback" not in planned.output
    applied = run_cli("-C", root, "apply", "--auto-approve")
    assert applied.exit_code == 1
    assert not [call for call in api.calls if call.request.method != "GET"]


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        ({"language": "fr"}, f"the 'email' content in 'fr' of the answer '{CLOSED}'"),
        ({"type": "public"}, f"the 'public' content in 'en-us' of the answer '{CLOSED}'"),
        ({"answerId": REFUNDS}, f"the 'email' content in 'en-us' of the answer '{REFUNDS}'"),
    ],
    ids=["language", "type", "answer"],
)
def test_content_that_is_not_the_one_asked_for_plans_nothing(
    api: respx.MockRouter,
    make_project: MakeProject,
    run_cli: RunCli,
    fields: dict[str, str],
    shown: str,
) -> None:
    root = make_project({"config/answers.yaml": ANSWERS}, project_yaml=GLADLY_PROJECT)
    answers(api)
    api.get(content_path(CLOSED)).mock(
        return_value=httpx.Response(200, json=email(CLOSED, "Closed", **fields))
    )
    planned = run_cli("-C", root, "plan")
    assert planned.exit_code == 1, planned.output
    assert planned.stderr == (
        f"error: prod: GET {content_path(CLOSED)}: Gladly answered with {shown}, not what "
        "was asked for; gladcfg plans nothing from it\n"
    )


@pytest.mark.parametrize(
    "fields",
    [{"language": "en-US"}, {"language": "EN-US", "type": "email"}, {}],
    ids=["language-case", "all-upper", "as-sent"],
)
def test_content_naming_itself_in_another_case_or_not_at_all_is_the_one_asked_for(
    api: respx.MockRouter, adapter: GladlyAdapter, fields: dict[str, str]
) -> None:
    api.get(f"/answers/{CLOSED}").mock(
        return_value=httpx.Response(200, json={"id": CLOSED, "name": "closed"})
    )
    body = {"subject": "Closed", "bodyHtml": "We are closed.", **fields}
    api.get(content_path(CLOSED)).mock(return_value=httpx.Response(200, json=body))
    hints = {"answers": {"closed": {"content": {"en-US": {"email": {}}}}}}
    closed = adapter.read(hints).of("answers")["closed"]
    assert closed.spec["content"] == {
        "en-US": {"email": {"subject": "Closed", "body": "We are closed."}}
    }


def test_two_reads_finding_one_name_under_two_ids_plan_nothing(
    api: respx.MockRouter, adapter: GladlyAdapter
) -> None:
    # Under its derived id, an answer of another name is one renamed since it was made,
    # taken under its name now; but Gladly's names are unique, so two of one name are not.
    api.get(f"/answers/{CLOSED}").mock(
        return_value=httpx.Response(200, json={"id": CLOSED, "name": "refunds"})
    )
    api.get(f"/answers/{REFUNDS}").mock(
        return_value=httpx.Response(200, json={"id": REFUNDS, "name": "refunds"})
    )
    hints = {"answers": {"closed": {"content": {}}, "refunds": {"content": {}}}}
    with pytest.raises(BadResponseError) as raised:
        adapter.read(hints)
    assert str(raised.value) == (
        f"prod: GET /answers/{CLOSED} and GET /answers/{REFUNDS}: Gladly answered both with "
        "an answer named 'refunds'; answer names are unique on Gladly, so one of them is not "
        "the answer asked for; gladcfg plans nothing from them"
    )
    # One answer found under both of its names (a rename in progress) is one answer.
    api.get(f"/answers/{REFUNDS}").mock(return_value=httpx.Response(404))
    found = adapter.read(hints).of("answers")
    assert list(found) == ["refunds"] and found["refunds"].id == CLOSED


def test_the_id_a_snapshot_remembers_is_checked_too(
    api: respx.MockRouter, adapter: GladlyAdapter
) -> None:
    adapter.snapshot.wrote("refund-policy", REFUNDS)  # renamed by gladcfg earlier
    api.get(f"/answers/{answer_id('refund-policy')}").mock(return_value=httpx.Response(404))
    api.get(f"/answers/{REFUNDS}").mock(
        return_value=httpx.Response(200, json={"id": CLOSED, "name": "refund-policy"})
    )
    with pytest.raises(BadResponseError, match=f"GET /answers/{REFUNDS}: Gladly answered with"):
        adapter.read({"answers": {"refund-policy": {"content": {}}}})


def test_a_lost_create_finds_only_the_answer_it_made(
    api: respx.MockRouter, adapter: GladlyAdapter
) -> None:
    adapter.read({})
    create = api.post("/answers").mock(side_effect=httpx.ReadTimeout("lost"))
    probe = api.get(f"/answers/{CLOSED}")
    probe.mock(return_value=httpx.Response(200, json={"id": REFUNDS, "name": "closed"}))
    with pytest.raises(BadResponseError, match=f"GET /answers/{CLOSED}: Gladly answered with"):
        adapter.create("answers", "closed", {"content": {}})
    probe.mock(return_value=httpx.Response(200, json={"id": CLOSED, "name": "closed (old)"}))
    with pytest.raises(AdapterError) as raised:
        adapter.create("answers", "closed", {"content": {}})
    assert str(raised.value) == (
        f"prod: answers.closed: the id gladcfg gives it, {CLOSED}, is held by the answer "
        "named 'closed (old)' (made under this name and renamed since), so this create made "
        "nothing; rename or delete that answer in Gladly, or give this one another name"
    )
    assert create.call_count == 2  # once each: never sent again on what the probe found
    assert not [call for call in api.calls if call.request.method == "PUT"]


def test_a_lost_create_that_finds_two_of_its_name_takes_neither(
    api: respx.MockRouter, adapter: GladlyAdapter
) -> None:
    adapter.read({})
    api.post("/topics").mock(side_effect=httpx.ReadTimeout("lost"))
    twins = [{"id": "top-8", "name": "vip"}, {"id": "top-9", "name": "vip"}]
    api.get("/topics").mock(return_value=httpx.Response(200, json=twins))
    with pytest.raises(BadResponseError) as raised:
        adapter.create("topics", "vip", {"disabled": False})
    assert str(raised.value) == (
        "prod: GET /topics: Gladly lists 2 objects named 'vip' (ids 'top-8', 'top-9'), so "
        "gladcfg cannot tell which is the one it looked for; nothing was taken from it"
    )


def test_business_hours_read_again_must_be_the_ones_written(
    api: respx.MockRouter, adapter: GladlyAdapter
) -> None:
    hours = HOURS_SHAPE.validate_python(HOURS)
    obj = RemoteObject("bh-1", "us", hours_spec(hours))
    outdated = {"errors": [{"code": "version_outdated"}]}
    api.put("/business-hours/bh-1").mock(return_value=httpx.Response(409, json=outdated))
    # Other business hours with the same name and hours: believed, the PUT would seem done.
    other = {**HOURS, "id": "bh-2"}
    api.get("/business-hours/bh-1").mock(return_value=httpx.Response(200, json=other))
    with pytest.raises(BadResponseError) as raised:
        adapter.update("business_hours", obj, obj.spec)
    assert str(raised.value) == (
        "prod: GET /business-hours/bh-1: Gladly answered with the business hours 'bh-2' "
        "named 'us', not what was asked for; gladcfg plans nothing from it"
    )
    api.get("/business-hours/bh-1").mock(return_value=httpx.Response(200, json=HOURS))
    assert adapter.update("business_hours", obj, obj.spec).id == "bh-1"
