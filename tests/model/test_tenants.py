"""Two instances that are one (the same mock store, the same Gladly organisation however
its URL is spelled) are refused when the project is read, naming both, at the second."""

from __future__ import annotations

import pytest

from tests.conftest import MakeProject, RunCli


def gladly(url: str) -> str:
    return f"adapter: gladly, base_url: '{url}', user: ops@acme.example, token_env: T"


@pytest.mark.parametrize(
    ("first", "second", "tenant"),
    [
        ("path: state/x.db", "path: state/../state/x.db", "the mock store state/x.db"),
        ("", "path: .gladcfg/state/a.db", "the mock store .gladcfg/state/a.db"),
        (
            gladly("https://acme.gladly.com"),
            gladly("HTTPS://Acme.Gladly.com.:443/"),
            "the Gladly organisation at https://acme.gladly.com",
        ),
    ],
    ids=["mock-path", "mock-default", "gladly-url"],
)
def test_two_instances_of_one_tenant_are_refused(
    make_project: MakeProject, run_cli: RunCli, first: str, second: str, tenant: str
) -> None:
    project = f"version: 1\ninstances:\n  a: {{{first}}}\n  b: {{{second}}}\n"
    root = make_project({"config/x.yaml": "teams: {t: {}}\n"}, project_yaml=project)
    result = run_cli("-C", root, "validate")
    assert result.exit_code == 1, result.output
    field = "base_url" if "gladly" in second else "path"
    column = f"  b: {{{second}}}".index(f"{field}:") + len(f"{field}: ") + 1  # its value's
    assert (
        f"gladcfg.yaml:4:{column}: error: instances.b.{field}: 'a' and 'b' are both {tenant}: "
        "each instance needs its own"
    ) in result.output
    assert "Traceback" not in result.output


def test_instances_of_different_tenants_are_fine(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    project = (
        "version: 1\ninstances:\n  a: {}\n  b: {}\n  c: {path: other.db}\n"
        f"  d: {{{gladly('https://acme.gladly.com')}}}\n"
        f"  e: {{{gladly('https://acme.gladly.com:8443')}}}\n"
    )
    root = make_project({"config/x.yaml": "teams: {t: {}}\n"}, project_yaml=project)
    assert run_cli("-C", root, "validate").exit_code == 0
