"""Gladly's REST API over an injected httpx client: rate limited, retried, and translated.

Everything above this module sees gladcfg errors only, never httpx. Credentials are in the
httpx client's auth; no message built here contains them, and text that comes from the
server (error details, headers) is cleaned of them, of control characters and of length
before it is shown.

What is retried, and how often, is honest: a request that may already have changed Gladly
is sent again only when sending it twice does no harm (GET, PUT, PATCH, DELETE). A POST
whose response was lost raises LostResponseError so the caller can look before re-sending;
a POST that never left (no connection) is simply sent again. Messages give the number of
attempts actually made.

Every exchange, from connecting to the last byte, must end within MAX_RESPONSE_SECONDS
(:mod:`.deadline`). One that has not had its response's headers by then failed as a timeout
does, and is retried as one; one whose body is still coming is an answer that will not end,
and asking again would not help.
"""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import pydantic_core
from pydantic import TypeAdapter

from gladcfg.adapter.gladly import deadline, shapes
from gladcfg.adapter.gladly.ratelimit import Clock, RateLimiter, SystemClock
from gladcfg.errors import (
    AdapterError,
    AuthError,
    BadResponseError,
    LostResponseError,
    NotFoundError,
    TransientError,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_ATTEMPTS = 5
# How long one request may be paced by 429s before gladcfg gives up on it.
MAX_PACED_SECONDS = 300.0
IDEMPOTENT = frozenset({"GET", "PUT", "PATCH", "DELETE"})
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_REQUEST_ID_HEADERS = ("x-request-id", "gladly-request-id", "x-amzn-requestid")
# Transport failures after which the request may have reached Gladly, and those before it
# left this machine (safe to send again, whatever the method).
_TRANSPORT = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_SHOWN_TEXT = 200
# No answer of Gladly's comes near these: a larger or slower one is not Gladly's. The time
# is the whole exchange's, from connecting to the last byte of the body.
MAX_RESPONSE_BYTES = 64 * 2**20
MAX_RESPONSE_SECONDS = 120.0
_BODY_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


class _Unfinished(Exception):
    """A response body that would not end, or not in time."""


class _Overdue(httpx.TimeoutException):
    """The exchange's deadline passed before the response's headers came: a timeout, sent
    or not as its ``cause`` was."""

    def __init__(
        self, cause: httpx.TimeoutException, seconds: float, request: httpx.Request
    ) -> None:
        super().__init__(str(cause), request=request)
        self.cause = cause
        self.seconds = seconds


@dataclass(frozen=True)
class Response:
    where: str  # "instance: METHOD /path", for messages
    status: int
    content: bytes
    headers: httpx.Headers
    parsed: object = None  # the body as the shape the request asked for

    def body(self, shape: TypeAdapter[T]) -> T:
        """The body as ``shape``, or a BadResponseError saying what was wrong with it."""
        try:
            return shapes.parse(shape, self.content)
        except ValueError as exc:
            raise BadResponseError(f"{self.where}: {unreadable(self, exc)}") from None


def unreadable(response: Response | httpx.Response, problem: Exception) -> str:
    status = response.status if isinstance(response, Response) else response.status_code
    kind = clean_text(response.headers.get("content-type", "no content type"), 60)
    return f"HTTP {status}, but {problem} ({kind})"


class GladlyClient:
    def __init__(
        self,
        http: httpx.Client,
        *,
        instance: str,
        user: str,
        token_env: str,
        limiter: RateLimiter,
        clock: Clock | None = None,
        secrets: Iterable[str] = (),
    ) -> None:
        self._http = http
        self._instance = instance
        self._user = user
        self._token_env = token_env
        self.limiter = limiter
        self._clock = clock or SystemClock()
        self._secrets = tuple(s for s in secrets if s)
        self.requests = 0
        self.retries = 0

    @property
    def instance(self) -> str:
        return self._instance

    def close(self) -> None:
        self._http.close()

    def shown(self, value: object, limit: int = 120) -> str:
        """A value a server sent, as a message shows it: quoted, printable, bounded, and
        never one of the secrets, even echoed back."""
        if isinstance(value, str):
            value = blank_secrets(value, self._secrets)
        return clean_text(repr(value), limit)

    def keep_secret(self, *values: str) -> None:
        """Values a request is about to send that must never be shown, even if the server
        echoes them back in an error (a webhook's credentials and header values)."""
        self._secrets = (*self._secrets, *(v for v in values if v and v not in self._secrets))

    def get(self, path: str, shape: TypeAdapter[T]) -> T:
        return self.request("GET", path, shape=shape).parsed  # type: ignore[return-value]

    def request(
        self, method: str, path: str, body: object = None, *, shape: TypeAdapter[T] | None = None
    ) -> Response:
        """Send one request; retry what is safe to retry; translate every failure.

        A 2xx must carry ``shape`` (any JSON, or nothing, without one): a body that is not
        Gladly's (a proxy's HTML page) means the request may never have reached it.
        """
        where = f"{self._instance}: {method} {path}"
        maybe_applied = False  # an earlier attempt may have reached Gladly
        # A 429 is Gladly pacing us, not a failure: its retries are bounded by the time
        # waited (MAX_PACED_SECONDS), not counted against the attempts failures get.
        attempt = sends = 0
        pacing = _Pacing()
        while True:
            attempt += 1
            self.limiter.acquire()
            self.requests += 1
            sends += 1
            try:
                response = self._send(method, path, body)
            except _Unfinished as exc:  # the server answered, endlessly: asking again won't help
                problem = f"{exc} (an answer Gladly would never send)"
                if method not in IDEMPOTENT:
                    raise LostResponseError(
                        f"{where}: {problem}; it may have reached Gladly"
                    ) from None
                raise BadResponseError(f"{where}: {problem}") from None
            except _TRANSPORT as exc:
                maybe_applied = self._after_transport(where, method, exc, attempt) or maybe_applied
                continue
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                raise AdapterError(f"{where}: {transport_failure(exc)}") from None
            status = response.status_code
            self.limiter.observe(response.headers)
            log.debug("%s %s → %s", method, path, status)
            if status == 429 and pacing.seconds < MAX_PACED_SECONDS:
                attempt -= 1  # not a failure
                self._pace(where, pacing, response)
                continue
            if status in _RETRY_STATUS and status != 429 and method not in IDEMPOTENT:
                raise LostResponseError(
                    f"{where}: HTTP {status}{self._detail(response)}; it may have reached Gladly"
                )
            if status in _RETRY_STATUS and status != 429 and attempt < MAX_ATTEMPTS:
                maybe_applied = True
                self._retry(where, f"HTTP {status}", attempt, response)
                continue
            try:
                parsed = _parse(response, shape)
            except ValueError as exc:
                problem = unreadable(response, exc)
                if method not in IDEMPOTENT:
                    raise LostResponseError(
                        f"{where}: {problem}; it may have reached Gladly"
                    ) from None
                if attempt == MAX_ATTEMPTS:
                    raise BadResponseError(f"{where}: {problem}, {attempt} attempts") from None
                maybe_applied = True
                self._retry(where, problem, attempt, None)
                continue
            return self._result(
                where, method, response, sends, maybe_applied=maybe_applied, parsed=parsed
            )

    def _after_transport(self, where: str, method: str, exc: Exception, attempt: int) -> bool:
        """After a request that got no answer: raise, or wait to retry it. Whether it may
        have reached Gladly."""
        what = transport_failure(exc)
        sent = not isinstance(exc.cause if isinstance(exc, _Overdue) else exc, _NOT_SENT)
        if sent and method not in IDEMPOTENT:
            raise LostResponseError(f"{where}: {what}; it may have reached Gladly") from None
        if attempt == MAX_ATTEMPTS:
            raise TransientError(f"{where}: {what}, {attempt} attempts") from None
        self._retry(where, what, attempt, None)
        return sent

    def _pace(self, where: str, pacing: _Pacing, response: httpx.Response) -> None:
        """After a 429: wait as the server and the shared limiter say."""
        pacing.count += 1
        self.retries += 1
        pacing.seconds += self.pause(pacing.count, response)
        log.info("%s: HTTP 429, paced for %.1fs so far", where, pacing.seconds)

    def _send(self, method: str, path: str, body: object) -> httpx.Response:
        """One exchange, its body read whole but bounded in size, and all of it in time:
        httpx's timeouts bound each wait for bytes, not headers or a body that trickle or
        never end (the network waits are held to the deadline below httpx, and the body is
        checked against it here, by the client's clock)."""
        seconds = MAX_RESPONSE_SECONDS
        late = f"the response did not finish within {seconds:g} s"
        request = self._http.build_request(method, path, json=body)
        with deadline.exchange(seconds) as limit:
            ends = self._clock.monotonic() + seconds
            try:
                response = self._http.send(request, stream=True)
            except httpx.TimeoutException as exc:
                if limit.passed:
                    raise _Overdue(exc, seconds, request) from None
                raise
            content = bytearray()
            try:
                for chunk in response.iter_bytes():  # decoded: a gzip bomb is bounded too
                    content += chunk
                    if len(content) > MAX_RESPONSE_BYTES:
                        raise _Unfinished(
                            f"the response is larger than {MAX_RESPONSE_BYTES // 2**20} MiB"
                        )
                    if self._clock.monotonic() > ends:
                        raise _Unfinished(late)
            except httpx.TimeoutException:
                if limit.passed:
                    raise _Unfinished(late) from None
                raise
            finally:
                response.close()
        headers = [(k, v) for k, v in response.headers.multi_items() if k not in _BODY_HEADERS]
        return httpx.Response(
            response.status_code, headers=headers, content=bytes(content), request=request
        )

    def pause(self, attempt: int, response: httpx.Response | None = None) -> float:
        """Wait before attempt ``attempt + 1``: every worker waits when the server said so
        (429, Retry-After), only this one otherwise; exponential with jitter, bounded."""
        retry_after = response.headers.get("retry-after") if response is not None else None
        if retry_after is not None or (response is not None and response.status_code == 429):
            return self.limiter.backoff(attempt - 1, retry_after)
        delay = self.limiter.delay(attempt - 1, base=0.25, cap=8.0)
        self._clock.sleep(delay)
        return delay

    def _retry(self, where: str, what: str, attempt: int, response: httpx.Response | None) -> None:
        self.retries += 1
        delay = self.pause(attempt, response)
        log.info("%s: %s, attempt %d of %d in %.2fs", where, what, attempt + 1, MAX_ATTEMPTS, delay)

    def _result(
        self,
        where: str,
        method: str,
        response: httpx.Response,
        attempts: int,
        *,
        maybe_applied: bool,
        parsed: object,
    ) -> Response:
        status = response.status_code
        if status < 300:
            if response.headers.get("gladly-limited-data"):
                raise BadResponseError(
                    f"{where} returned truncated data (Gladly-Limited-Data); gladcfg will not "
                    "plan on a partial list"
                )
            return Response(where, status, response.content, response.headers, parsed)
        request_id = self._request_id(response)
        facts: dict[str, Any] = {
            "status": status,
            "codes": gladly_error_codes(response.content),
            "request_id": request_id,
            "meta": gladly_error_meta(response.content),
        }
        if status in (401, 403):
            raise AuthError(
                f"{self._instance}: Gladly refused the request (HTTP {status}); check the API "
                f"token in ${self._token_env} and that {self._user} has the API User "
                "permission",
                **facts,
            )
        detail = self._detail(response)
        if status == 404 and method == "DELETE" and maybe_applied:
            log.info("%s: gone after an attempt whose response was lost: deleted", where)
            return Response(where, 204, b"", response.headers)
        if status == 404:
            raise NotFoundError(f"{where}: not found{detail}", **facts)
        if status >= 500 or status == 429:
            after = f" after {attempts} attempts" if attempts > 1 else ""
            shown_id = f" (request id {request_id})" if request_id else ""
            raise TransientError(
                f"{where}: HTTP {status} from Gladly{after}{shown_id}{detail}", **facts
            )
        raise AdapterError(f"{where}: HTTP {status}{detail}", **facts)

    def _detail(self, response: httpx.Response) -> str:
        return self._clean(gladly_errors(response.content))

    def _request_id(self, response: httpx.Response) -> str | None:
        for header in _REQUEST_ID_HEADERS:
            if header in response.headers:
                return self._clean(response.headers[header])
        return None

    def _clean(self, text: str) -> str:
        """Server text as gladcfg shows it: never one of our secrets, even echoed back."""
        text = blank_secrets(text, self._secrets)
        return clean_text(text, _SHOWN_TEXT * 3)


# A secret this short is blanked only where it stands alone: inside other words it is
# everywhere ("u" in "business hours"), and blanking it there would garble every message
# while hiding nothing.
_SHORT_SECRET = 4


def blank_secrets(text: str, secrets: Iterable[str]) -> str:
    """``text`` with each of ``secrets`` shown as ``***``, the longest first (one may hold
    another); a short one only where no letter or digit touches it."""
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= _SHORT_SECRET:
            text = text.replace(secret, "***")
        elif secret in text:
            alone = rf"(?<![^\W_]){re.escape(secret)}(?![^\W_])"
            text = re.sub(alone, "***", text)
    return text


@dataclass
class _Pacing:
    """How often, and how long, 429s have held one request back."""

    count: int = 0
    seconds: float = 0.0


def _parse(response: httpx.Response, shape: TypeAdapter[T] | None) -> object:
    """A 2xx body as ``shape``; ValueError when it is not. Other statuses are not parsed."""
    if not 200 <= response.status_code < 300:
        return None
    if shape is not None:
        return shapes.parse(shape, response.content)
    if response.content.strip():
        try:
            pydantic_core.from_json(response.content)
        except ValueError:
            raise ValueError("the body is not valid JSON") from None
    return None


def basic_auth_forms(user: str, token: str) -> tuple[str, ...]:
    """The token and the Authorization header value that carries it: what a server could
    echo back and gladcfg must never print."""
    return (token, base64.b64encode(f"{user}:{token}".encode()).decode())


# What went wrong on the wire, in words; the first class an exception is an instance of wins
# (a ConnectTimeout is a ConnectError too, so it comes first).
_TRANSPORT_FAILURES: tuple[tuple[type[Exception], str], ...] = (
    (httpx.ConnectTimeout, "connecting timed out"),
    (httpx.ConnectError, "could not connect"),
    (httpx.PoolTimeout, "no connection was free in time"),
    (httpx.ReadTimeout, "no response in time"),
    (httpx.WriteTimeout, "sending the request timed out"),
    (httpx.RemoteProtocolError, "the server closed the connection without a complete response"),
    (httpx.NetworkError, "the connection broke"),
    (httpx.DecodingError, "the response could not be decoded"),
)


def transport_failure(exc: Exception) -> str:
    """What went wrong on the wire, in words, with httpx's name for it (never its message,
    which may hold the URL)."""
    if isinstance(exc, _Overdue):
        return f"no response within the {exc.seconds:g} s deadline ({type(exc.cause).__name__})"
    what = next(
        (words for kind, words in _TRANSPORT_FAILURES if isinstance(exc, kind)),
        "the request could not be sent",
    )
    return f"{what} ({type(exc).__name__})"


def _error_entries(content: bytes) -> list[dict[str, Any]]:
    """Gladly's ``{"errors": [{"attr", "code", "detail"}]}``, also in its object form;
    anything else (HTML, garbage, other shapes) has none."""
    try:
        data = pydantic_core.from_json(content) if content else None
    except ValueError:
        return []
    errors = data.get("errors") if isinstance(data, dict) else None
    if isinstance(errors, dict):
        errors = [errors]
    if not isinstance(errors, list):
        return []
    return [error for error in errors[:5] if isinstance(error, dict)]


def gladly_error_codes(content: bytes) -> tuple[str, ...]:
    """The ``code`` of each of Gladly's errors in a response body (``taken``, …)."""
    return tuple(
        error["code"] for error in _error_entries(content) if isinstance(error.get("code"), str)
    )


def gladly_error_meta(content: bytes) -> dict[str, str]:
    """The ``meta`` of Gladly's errors (``{"existingAnswerId": …}`` after a ``taken``): its
    short text values only."""
    meta: dict[str, str] = {}
    for error in _error_entries(content):
        found = error.get("meta")
        if isinstance(found, dict):
            for key, value in found.items():
                if isinstance(key, str) and isinstance(value, str) and len(value) <= 500:
                    meta.setdefault(key, value)
    return meta


def gladly_errors(content: bytes) -> str:
    """Gladly's errors in a response body as one line of text for a message."""
    parts = []
    for error in _error_entries(content):
        text = ": ".join(
            clean_text(str(error[k]), _SHOWN_TEXT)
            for k in ("attr", "code", "detail")
            if isinstance(error.get(k), str | int) and str(error[k])
        )
        if text:
            parts.append(text)
    return f" ({'; '.join(parts)})" if parts else ""


def clean_text(text: str, limit: int) -> str:
    """Printable, one line, at most ``limit`` characters: a server's words cannot move the
    cursor, colour the terminal or flood the screen."""
    text = "".join(c if c.isprintable() else " " for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
