"""Requests generated from Gladly's published API, valid and invalid, sent to the sandbox:
it refuses every one the document forbids (4xx), never fails (5xx), and answers only as the
document says (documented statuses, bodies in their schemas). schemathesis makes the
requests: its coverage phase walks each operation's edge cases (missing and extra fields,
wrong types, values off the patterns), its fuzzing phase adds a few more, seeded, so a run
is repeatable."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from gladcfg.sandbox import BackgroundServer
from gladcfg.spec import document

TOKEN = "tok-fuzz-3b7e"
CHECKS = [
    not_a_server_error,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
]

schema = schemathesis.openapi.from_dict(document())
schema.config.phases.update(phases=["coverage", "fuzzing"])
# Credentials are the guard's own check (tests/e2e/test_sandbox_api.py): every generated
# request carries good ones, so what is judged is the request itself.
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], with_security_parameters=False
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackgroundServer]:
    state = tmp_path_factory.mktemp("fuzz") / "sandbox.json"
    with BackgroundServer(state, token=TOKEN, requests_per_second=1_000_000) as running:
        yield running


@schema.parametrize()
@settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_sandbox_answers_generated_requests_as_gladly_documents(
    case: Any, server: BackgroundServer
) -> None:
    response = case.call(base_url=server.url, auth=("ops@acme.example", TOKEN))
    case.validate_response(response, checks=CHECKS)
