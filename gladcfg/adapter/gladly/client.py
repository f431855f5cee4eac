"""Gladly's REST API over an injected httpx client: rate limited, retried, and translated.

Everything above this module sees gladcfg errors only, never httpx. Credentials are in the
httpx client's auth; no message built here contains them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx

from gladcfg.adapter.gladly.ratelimit import Clock, RateLimiter, SystemClock
from gladcfg.errors import AdapterError, TransientError

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
_RETRY_STATUS = frozenset({429, 502, 503, 504})
_REQUEST_ID_HEADERS = ("x-request-id", "gladly-request-id", "x-amzn-requestid")


class AuthError(AdapterError):
    """401/403: the token or the user's permission."""


class NotFoundError(AdapterError):
    """404: the adapter decides whether that means "absent" or "gone, plan again"."""


class LostResponseError(TransientError):
    """A request may have reached Gladly but its response did not reach us."""


@dataclass(frozen=True)
class Response:
    status: int
    body: Any
    headers: httpx.Headers


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
    ) -> None:
        self._http = http
        self._instance = instance
        self._user = user
        self._token_env = token_env
        self.limiter = limiter
        self._clock = clock or SystemClock()
        self.requests = 0
        self.retries = 0

    def close(self) -> None:
        self._http.close()

    def get(self, path: str) -> Any:
        return self.request("GET", path).body

    def request(self, method: str, path: str, body: Any = None) -> Response:
        """Send one request; retry what is safe to retry; translate every failure.

        A POST is never re-sent after a lost response (it may have created something):
        LostResponseError tells the caller to look before trying again.
        """
        for attempt in range(MAX_ATTEMPTS):
            self.limiter.acquire()
            self.requests += 1
            try:
                response = self._http.request(method, path, json=body)
            except (httpx.TimeoutException, httpx.NetworkError) as exc:
                what = type(exc).__name__
                if method == "POST":
                    raise LostResponseError(
                        f"{method} {path}: {what}; the response was lost"
                    ) from None
                if attempt + 1 == MAX_ATTEMPTS:
                    raise TransientError(
                        f"{self._instance}: {method} {path} failed {MAX_ATTEMPTS} times ({what})"
                    ) from None
                self.retries += 1
                self._clock.sleep(min(8.0, 0.25 * 2**attempt))
                continue
            self.limiter.observe(response.headers)
            log.debug("%s %s → %s", method, path, response.status_code)
            if method == "POST" and response.status_code in (502, 504):
                # A gateway gave up waiting: the create may have happened behind it.
                raise LostResponseError(f"{method} {path}: HTTP {response.status_code}")
            if response.status_code in _RETRY_STATUS and attempt + 1 < MAX_ATTEMPTS:
                self.retries += 1
                retry_after = response.headers.get("retry-after")
                if response.status_code == 429 or retry_after is not None:
                    # The server said when to come back: every worker waits, not just this one.
                    delay = self.limiter.backoff(attempt, retry_after)
                else:
                    delay = min(8.0, 0.25 * 2**attempt)
                    self._clock.sleep(delay)
                log.info(
                    "%s %s: HTTP %s, retrying in %.2fs", method, path, response.status_code, delay
                )
                continue
            return self._result(method, path, response)
        raise AssertionError("unreachable")  # pragma: no cover

    def _result(self, method: str, path: str, response: httpx.Response) -> Response:
        status = response.status_code
        if status < 300:
            if response.headers.get("gladly-limited-data"):
                raise AdapterError(
                    f"{self._instance}: {method} {path} returned truncated data "
                    "(Gladly-Limited-Data); gladcfg will not plan on a partial list"
                )
            body = response.json() if response.content else None
            return Response(status, body, response.headers)
        if status in (401, 403):
            raise AuthError(
                f"{self._instance}: Gladly refused the request (HTTP {status}); check the API "
                f"token in ${self._token_env} and that {self._user} has the API User permission"
            )
        detail = gladly_errors(response)
        if status == 404:
            raise NotFoundError(f"{method} {path}: not found{detail}")
        if status >= 500 or status in _RETRY_STATUS:
            raise TransientError(
                f"{self._instance}: {method} {path}: HTTP {status} from Gladly after "
                f"{MAX_ATTEMPTS} attempts{_request_id(response)}{detail}"
            )
        raise AdapterError(f"{method} {path}: HTTP {status}{detail}")


def gladly_errors(response: httpx.Response) -> str:
    """Gladly's ``{"errors": [{"attr", "code", "detail"}]}``, also in its object form."""
    try:
        data = response.json()
    except ValueError:
        return ""
    errors = data.get("errors") if isinstance(data, dict) else None
    if isinstance(errors, dict):
        errors = [errors]
    if not isinstance(errors, list):
        return ""
    parts = []
    for error in errors:
        if not isinstance(error, dict):
            continue
        text = ": ".join(str(error[k]) for k in ("attr", "code", "detail") if error.get(k))
        if text:
            parts.append(text)
    return f" ({'; '.join(parts)})" if parts else ""


def _request_id(response: httpx.Response) -> str:
    for header in _REQUEST_ID_HEADERS:
        if header in response.headers:
            return f" (request id {response.headers[header]})"
    return ""
