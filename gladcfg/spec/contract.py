"""Requests and responses judged by Gladly's published API (:func:`gladcfg.spec.document`):
the sandbox refuses a request outside it as Gladly would, and the conformance tests check
every exchange the gladly adapter has with it.

openapi-core does the judging (paths, methods, parameters, security, bodies: types, enums,
patterns, formats, required fields, nullability); the one rule an OpenAPI document cannot
state, which fields an answer content's PUT needs for its type (``x-required-by-type``), is
checked here. Needs openapi-core, which the ``sandbox`` and ``test`` extras install.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from gladcfg.spec import document

CONTENT_PATH = "/api/v1/answers/{answerId}/languages/{language}/type/{type}"
_CONTENT = re.compile(r"^/api/v1/answers/[^/]+/languages/[^/]+/type/(?P<type>[^/]+)$")


@dataclass(frozen=True)
class Violation:
    """One thing an exchange does that the API does not allow."""

    operation: str  # "PUT /api/v1/business-hours/{businessHoursId}"
    field: str  # where in the body or parameters ("officeHours.exceptions[0].start"), or ""
    detail: str
    code: str = "invalid"  # Gladly's error code for it: "blank" for a missing field

    def __str__(self) -> str:
        where = f" {self.field}:" if self.field else ""
        return f"{self.operation}:{where} {self.detail}"


@dataclass(frozen=True)
class Exchange:
    """One request as it went out and, once answered, its response."""

    method: str
    path: str  # as sent, without the query
    request_headers: Mapping[str, str]
    request_body: bytes
    status: int = 0
    response_headers: Mapping[str, str] | None = None
    response_body: bytes = b""
    query: str = ""


class Contract:
    """Gladly's API as the document describes it, for judging exchanges."""

    def __init__(self, spec: dict[str, Any] | None = None) -> None:
        from openapi_core import OpenAPI

        self._spec = document() if spec is None else spec
        self._api = OpenAPI.from_dict(self._spec)

    def operation(self, method: str, path: str) -> str | None:
        """The document's name for ``method path`` ("GET /api/v1/topics/{topicId}"), or
        None when the document has no such operation."""
        for template, item in self._spec["paths"].items():
            if _matches(template, path):
                return f"{method.upper()} {template}" if method.lower() in item else None
        return None

    def request(self, exchange: Exchange) -> list[Violation]:
        """What is wrong with the request of ``exchange`` (nothing: an empty list)."""
        operation = self.operation(exchange.method, exchange.path)
        if operation is None:
            return [Violation(f"{exchange.method} {exchange.path}", "", "not in Gladly's API")]
        if exchange.request_body and not _is_json(exchange.request_body):
            return [Violation(operation, "", "the body is not JSON")]
        result = self._api.unmarshal_request(_request(exchange))
        found = [v for error in result.errors for v in _violations(operation, error)]
        return _unique(found + _required_by_type(operation, exchange))

    def response(self, exchange: Exchange) -> list[Violation]:
        """What is wrong with the response of ``exchange``."""
        operation = self.operation(exchange.method, exchange.path)
        if operation is None:
            return [Violation(f"{exchange.method} {exchange.path}", "", "not in Gladly's API")]
        from openapi_core.testing import MockResponse

        headers = dict(exchange.response_headers or {})
        response = MockResponse(
            exchange.response_body,
            status_code=exchange.status,
            headers=headers,
            content_type=_media_type(headers),
        )
        result = self._api.unmarshal_response(_request(exchange), response)
        where = f"{operation} → {exchange.status}"
        return _unique(v for error in result.errors for v in _violations(where, error))


@functools.cache
def contract() -> Contract:
    """The contract of the document gladcfg keeps, built once per process."""
    return Contract()


def error_body(violation: Violation) -> dict[str, Any]:
    """Gladly's 400 body for ``violation``: ``{"errors": [{attr, code, detail}]}``."""
    error: dict[str, Any] = {"code": violation.code, "detail": violation.detail}
    if violation.field:
        error["attr"] = violation.field
    return {"errors": [error]}


def _request(exchange: Exchange) -> Any:
    from openapi_core.testing import MockRequest

    headers = dict(exchange.request_headers)
    return MockRequest(
        "http://gladly.invalid",
        exchange.method.lower(),
        exchange.path,
        args=_query(exchange.query),
        data=exchange.request_body or None,
        headers=headers,
        content_type=_media_type(headers),
    )


def _is_json(body: bytes) -> bool:
    try:
        json.loads(body.decode("utf-8"))
    except ValueError:  # UnicodeDecodeError is one
        return False
    return True


def _query(query: str) -> dict[str, str]:

    return dict(parse_qsl(query, keep_blank_values=True))


def _media_type(headers: Mapping[str, str]) -> str:
    for name, value in headers.items():
        if name.lower() == "content-type":
            return value.split(";", 1)[0].strip()
    return "application/json"


def _matches(template: str, path: str) -> bool:
    pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
    return re.fullmatch(pattern, path) is not None


def _violations(operation: str, error: BaseException) -> list[Violation]:
    """openapi-core's error (and its cause, which holds the schema errors) as violations."""
    cause = error.__cause__
    schema_errors = getattr(cause, "schema_errors", None) or getattr(error, "schema_errors", None)
    prefix = ""
    name = getattr(cause, "name", None) or getattr(error, "name", None)
    kind = type(error).__name__
    if kind.startswith(("InvalidParameter", "MissingRequiredParameter", "Missing", "Invalid")):
        prefix = str(name or "")
    if kind.startswith("MissingRequiredHeader") or kind.startswith("MissingHeader"):
        return [Violation(operation, f"header {prefix}", f"the {prefix} header is missing")]
    if schema_errors:
        return [_from_schema(operation, prefix, e) for e in schema_errors]
    if kind.startswith("Security"):
        return [Violation(operation, "", "no valid Basic credentials", code="unauthorized")]
    if kind.startswith("MissingRequired"):
        return [Violation(operation, prefix, f"{prefix or 'the body'} is required", "blank")]
    detail = str(cause or error)
    return [Violation(operation, prefix, detail)]


def _from_schema(operation: str, prefix: str, error: Any) -> Violation:
    """One jsonschema error: where (a dotted path into the body) and what, in words."""
    path = list(error.absolute_path)
    validator = error.validator
    if validator == "required":
        missing = _quoted(error.message)
        return Violation(
            operation, _field(prefix, [*path, missing]), f"{missing} cannot be blank", "blank"
        )
    if validator == "additionalProperties":
        known = set((error.schema or {}).get("properties") or {})
        extra = sorted(k for k in (error.instance or {}) if k not in known)
        names = ", ".join(extra)
        return Violation(
            operation,
            _field(prefix, [*path, extra[0]] if len(extra) == 1 else path),
            f"{names} {'is' if len(extra) == 1 else 'are'} not a field Gladly's API has",
        )
    where = _field(prefix, path)
    if error.instance is None:
        return Violation(operation, where, f"{where or 'the value'} cannot be null")
    return Violation(operation, where, _shortened(error.message))


def _field(prefix: str, path: Iterable[Any]) -> str:
    text = prefix
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _quoted(message: str) -> str:
    match = re.match(r"'([^']*)'", message)
    return match.group(1) if match else message


def _shortened(message: str) -> str:
    """jsonschema's message, an enum's whole list left out."""
    return re.sub(r" is not one of \[.*\]$", " is not one of the values Gladly's API has", message)


def _required_by_type(operation: str, exchange: Exchange) -> list[Violation]:
    spec_operation = document()["paths"][CONTENT_PATH]["put"]
    if operation != f"PUT {CONTENT_PATH}":
        return []
    match = _CONTENT.match(exchange.path)
    required = spec_operation["x-required-by-type"].get(match["type"] if match else "")
    try:
        body = json.loads(exchange.request_body or b"null")
    except ValueError:
        return []  # openapi-core says it is not JSON
    if required is None or not isinstance(body, dict):
        return []
    return [
        Violation(operation, name, f"{name} cannot be blank", "blank")
        for name in required
        if not body.get(name)
    ]


def _unique(violations: Iterable[Violation]) -> list[Violation]:
    """One violation per field: jsonschema says "None for not nullable" and "None is not
    of type 'string'" of the same null."""
    seen: dict[tuple[str, str], Violation] = {}
    for violation in violations:
        seen.setdefault((violation.operation, violation.field), violation)
    return list(seen.values())
