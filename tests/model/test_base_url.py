"""``base_url`` of a gladly instance: Gladly's address and nothing else, never echoed with
what could be a secret (``user:password@``, a query string, a fragment)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from gladcfg.adapter.gladly.config import GladlyInstance, shown_url
from tests.conftest import MakeProject, RunCli

SECRET = "pw-UNMISTAKABLE-91c3"


def instance(base_url: str) -> GladlyInstance:
    return GladlyInstance.model_validate(
        {"adapter": "gladly", "base_url": base_url, "user": "ops@acme.example", "token_env": "T"}
    )


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://acme.gladly.com", "https://acme.gladly.com"),
        ("https://acme.gladly.com/", "https://acme.gladly.com"),
        ("https://sandbox.gladly.qa:8443", "https://sandbox.gladly.qa:8443"),
        ("http://localhost:8787", "http://localhost:8787"),
        ("http://127.0.0.1:55/", "http://127.0.0.1:55"),
        ("http://[::1]:8787", "http://[::1]:8787"),
    ],
)
def test_good_addresses(url: str, kept: str) -> None:
    assert instance(url).base_url == kept


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (f"http://ops:{SECRET}@acme.gladly.com", "must not carry credentials"),
        (f"https://ops:{SECRET}@acme.gladly.com", "must not carry credentials"),
        (f"https://{SECRET}@acme.gladly.com", "must not carry credentials"),
        (f"https://:{SECRET}@acme.gladly.com", "must not carry credentials"),
        (f"https://ops:a/{SECRET}@acme.gladly.com", "must not carry credentials"),
        (f"https://ops:a?{SECRET}@acme.gladly.com", "must not carry credentials"),
        (f"https://ops:a#{SECRET}@acme.gladly.com", "must not carry credentials"),
        (f"https://ops:{SECRET}@acme.gladly.com:99999", "must not carry credentials"),
        (f"https://acme.gladly.com?token={SECRET}", "must not have a query string"),
        (f"https://acme.gladly.com/?token={SECRET}", "must not have a query string"),
        (f"https://acme.gladly.com#{SECRET}", "must not have a query string"),
        ("https://acme.gladly.com:99999", "Port out of range"),
        ("https://acme.gladly.com:http", "is not a URL"),
        ("https://acme gladly.com", "contains a space or a control character"),
        ("https://acme.gladly.com\n", "contains a space or a control character"),
        ("https://acme.gladly.com\x1b[31m", "contains a space or a control character"),
        ("https://[::1", "is not a URL"),
        ("https://acme_gladly!.com", "is not a URL"),
        ("ftp://acme.gladly.com", "must use https"),
        ("http://acme.gladly.com", "must use https"),
        ("acme.gladly.com", "is not a URL"),
        ("https://", "is not a URL"),
    ],
)
def test_bad_addresses_are_refused_without_echoing_secrets(url: str, reason: str) -> None:
    with pytest.raises(ValidationError) as info:
        instance(url)
    message = info.value.errors()[0]["msg"]
    assert reason in message
    assert SECRET not in message and "\x1b" not in message and "\n" not in message


@given(
    user=st.text(min_size=1, max_size=20),
    password=st.text(min_size=1, max_size=20),
    tail=st.sampled_from(["", "/x", "?a=1", "#f", ":443"]),
)
def test_shown_urls_never_hold_userinfo_query_or_fragment(
    user: str, password: str, tail: str
) -> None:
    shown = shown_url(f"https://{user}:{password}@acme.gladly.com{tail}")
    kept = tail if tail in ("/x", ":443") else ""
    assert shown == f"'https://acme.gladly.com{kept}'"


def test_validate_names_the_line_and_never_the_password(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project(
        {},
        project_yaml=f"""\
version: 1
instances:
  prod:
    adapter: gladly
    base_url: http://ops:{SECRET}@acme.gladly.com
    user: ops@acme.example
    token_env: T
""",
    )
    for verbose in ((), ("-v",), ("-vv",)):
        result = run_cli("-C", root, *verbose, "validate")
        assert result.exit_code == 1
        assert (
            "gladcfg.yaml:5:15: error: instances.prod.base_url: 'http://acme.gladly.com' must "
            "not carry credentials" in result.stderr
        )
        assert SECRET not in result.output and "Traceback" not in result.output
