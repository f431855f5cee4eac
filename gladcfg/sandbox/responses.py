"""Gladly's error bodies: a list of errors, or (for answers and topics not found) one
object."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse


def errors(
    status: int,
    code: str,
    detail: str,
    attr: str | None = None,
    *,
    as_object: bool = False,
    meta: dict[str, str] | None = None,
) -> JSONResponse:
    error: dict[str, Any] = {"code": code, "detail": detail}
    if attr:
        error["attr"] = attr
    if meta:
        error["meta"] = meta
    return JSONResponse({"errors": error if as_object else [error]}, status_code=status)


def not_found(what: str) -> JSONResponse:
    # Gladly's 404s for answers and topics carry the object form: {"errors": {...}}.
    return errors(404, "not_exist", f"{what} does not exist", as_object=True)
