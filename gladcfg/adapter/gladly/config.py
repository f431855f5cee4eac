"""The gladly adapter's configuration (an instance's ``adapter: gladly`` in ``gladcfg.yaml``),
and its declaration in the ``gladcfg.adapters`` entry-point group: light, so that a project
is validated without importing the adapter (or httpx)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import AfterValidator, Field, TypeAdapter, ValidationError

from gladcfg.model.project import AdapterPlugin, InstanceBase, Place
from gladcfg.model.types import EmailAddress, Model


class RateLimit(Model):
    """This pipeline's share of the organisation's request rate."""

    requests_per_second: float = Field(default=10, gt=0)
    budget_percent: float = Field(default=50, gt=0, le=100)


_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_HOST = re.compile(r"^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.?|\[[0-9A-Fa-f:.]+\])$")


def shown_url(value: str) -> str:
    """A URL as gladcfg may print it: no ``user:password@``, no query string, no fragment
    (any of them can carry a secret), no control characters, and short.

    Plain string surgery rather than a URL parser: a password holding ``/``, ``?`` or ``#``
    breaks parsing, and must be hidden all the same.
    """
    scheme, sep, rest = value.partition("://")
    if not sep:
        scheme, rest = "", value
    rest = rest.rpartition("@")[2]
    for mark in "?#":
        rest = rest.partition(mark)[0]
    text = f"{scheme}{sep}{rest}"
    text = "".join(c if c.isprintable() else "?" for c in text)
    return repr(text if len(text) <= 80 else text[:77] + "...")


def _check_base_url(value: str) -> str:
    """Gladly's address, and nothing else: the user and token are separate fields, so
    credentials in the URL are refused (they would be printed, logged and committed).
    Every reason a URL is refused is given at once."""
    shown = shown_url(value)
    reasons = []
    if "@" in value:
        reasons.append(
            "must not carry credentials (user:password@); the API user goes in "
            "'user' and the token in the environment variable named by 'token_env'"
        )
    if "?" in value or "#" in value:
        reasons.append("must not have a query string or fragment; give the host only")
    if any(not c.isprintable() or c.isspace() for c in value):
        reasons.append("contains a space or a control character")
    if reasons:  # the address is not parsed then (a password may hold '/', '?' or ':')
        scheme = value.partition("://")[0].lower() if "://" in value else ""
        if scheme not in ("https", "http"):
            reasons.append("must use https")
    else:
        reasons.extend(_address_problems(value))
    if reasons:
        raise ValueError(f"{shown} " + ". It also ".join(reasons))
    return value.rstrip("/")


def _address_problems(value: str) -> list[str]:
    """Why ``value``, free of credentials, query and odd characters, is not an address of
    Gladly (none when it is one)."""
    try:
        parts = urlsplit(value)
        port = parts.port  # raises ValueError on a port that is not a number in range
    except ValueError as exc:
        return [f"is not a URL ({exc}); write e.g. https://acme.gladly.com"]
    if parts.scheme and parts.scheme not in ("https", "http"):
        return ["must use https"]
    host = parts.netloc.rpartition(":")[0] if port is not None else parts.netloc
    if parts.scheme not in ("https", "http") or not parts.hostname or not _HOST.fullmatch(host):
        return ["is not a URL; write e.g. https://acme.gladly.com"]
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK_HOSTS:
        return [
            "must use https (plain http is allowed for localhost only): "
            "the API token travels in every request"
        ]
    return []


BaseUrl = Annotated[str, AfterValidator(_check_base_url)]


def tenant_url(base_url: str) -> str:
    """The organisation a base URL reaches, however it is spelled: scheme and host in any
    case, the host with its trailing dot, the scheme's default port written out or not."""
    parts = urlsplit(base_url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".").lower()
    if ":" in host:
        host = f"[{host}]"
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(scheme):
        host += f":{parts.port}"
    return urlunsplit((scheme, host, parts.path.rstrip("/"), "", ""))


_DEFAULT_PORTS = {"https": 443, "http": 80}


class GladlyInstance(InstanceBase):
    """A real Gladly instance, reached over its REST API."""

    adapter: Literal["gladly"]
    base_url: BaseUrl
    user: EmailAddress = Field(description="The API user's email address.")
    token_env: str = Field(
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="Name of the environment variable holding the API token.",
    )
    rate_limit: RateLimit = Field(default_factory=RateLimit)


def _place(name: str, body: Mapping[str, Any]) -> Place | None:
    """The Gladly organisation ``body`` (an instance as written, valid or not) reaches."""
    if "base_url" not in body:
        return None
    try:
        base_url = TypeAdapter(BaseUrl).validate_python(body["base_url"])
    except ValidationError:
        return None  # reported by the project's own validation
    return Place(f"the Gladly organisation at {tenant_url(base_url)}", "base_url", base_url)


ADAPTER = AdapterPlugin(
    name="gladly",
    config=GladlyInstance,
    factory="gladcfg.adapter.gladly.adapter:GladlyAdapter",
    place=_place,
)
