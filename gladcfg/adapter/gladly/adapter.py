"""The ``gladly`` adapter: what Gladly's public REST API can do, and nothing it cannot.

What it can do with each kind is its handler's (:mod:`gladcfg.adapter.gladly.kinds`):
writable kinds are applied, except that clearing a field the API cannot clear is a manual
change; read-only kinds are compared on the fields the API shows, their differences are
manual changes and their other declared fields not managed; kinds without a handler are
hidden (validated only).
No request is sent for what the API cannot do, and none is invented. This module does what
every kind shares: the client, listing in parallel, and handing each write to its kind.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from gladcfg import __version__
from gladcfg.adapter.base import (
    Access,
    ReadHints,
    RemoteObject,
    RemoteState,
    Reuse,
    tenant_identity,
)
from gladcfg.adapter.gladly.client import GladlyClient, basic_auth_forms
from gladcfg.adapter.gladly.config import GladlyInstance, tenant_url
from gladcfg.adapter.gladly.connection import Connection
from gladcfg.adapter.gladly.deadline import bound_exchanges
from gladcfg.adapter.gladly.kinds import HANDLERS, Reading, ReadOnly, Writable, answer_pairs
from gladcfg.adapter.gladly.ratelimit import Clock, RateLimiter
from gladcfg.adapter.gladly.snapshot import Snapshot
from gladcfg.errors import AdapterError, GladcfgError

ACCESS = {kind: handler.access for kind, handler in HANDLERS.items()}
# What the API shows of the read-only kinds: only these fields are compared, and a plan
# names every other declared field as not managed.
FIELDS = {
    kind: handler.fields for kind, handler in HANDLERS.items() if isinstance(handler, ReadOnly)
}
# What the API sets but never clears, of the writable kinds: clearing one is a manual change.
UNSETTABLE = {
    kind: handler.unsettable
    for kind, handler in HANDLERS.items()
    if isinstance(handler, Writable) and handler.unsettable
}
# The writable kinds of which the API refuses to delete some objects.
UNDELETABLE = frozenset(
    kind
    for kind, handler in HANDLERS.items()
    if isinstance(handler, Writable) and handler.refuses_some_deletes
)
# The writable kinds the API never deletes: a delete disables the object.
DISABLES = frozenset(
    kind
    for kind, handler in HANDLERS.items()
    if isinstance(handler, Writable) and handler.deletes_by_disabling
)
READ_WORKERS = 8


def http_client(config: GladlyInstance, token: str) -> httpx.Client:
    """The one place the HTTP client is made: Basic auth, timeouts for each wait and a
    deadline for each whole exchange (:mod:`.deadline`), a bounded pool. A CA bundle that
    cannot be loaded is an error naming it (httpx loads it here, before any request)."""
    import ssl

    try:
        return _client(config, token)
    except (ssl.SSLError, OSError) as exc:
        raise AdapterError(
            f"cannot set up TLS for {config.base_url}: the CA certificates in "
            f"{ca_bundle()} could not be loaded ({_why(exc)}); "
            "point SSL_CERT_FILE at a PEM file of CA certificates (or SSL_CERT_DIR at a "
            "folder of them), or unset both to use the certifi bundle gladcfg installs"
        ) from None


def _why(exc: OSError) -> str:
    """An SSL or file error in words: OpenSSL's reason, or the system's."""
    return str(getattr(exc, "reason", None) or exc.strerror or exc)


def ca_bundle() -> str:
    """Where the CA certificates come from, as httpx looks for them."""
    for variable in ("SSL_CERT_FILE", "SSL_CERT_DIR"):
        if os.environ.get(variable):
            return f"{os.environ[variable]} ({variable})"
    import certifi

    return f"{certifi.where()} (certifi)"


def _client(config: GladlyInstance, token: str) -> httpx.Client:
    return bound_exchanges(
        httpx.Client(
            base_url=config.base_url + "/api/v1",
            auth=httpx.BasicAuth(config.user, token),
            headers={"User-Agent": f"gladcfg/{__version__}", "Accept": "application/json"},
            timeout=httpx.Timeout(30.0, connect=10.0),
            limits=httpx.Limits(
                max_connections=READ_WORKERS, max_keepalive_connections=READ_WORKERS
            ),
        )
    )


class GladlyAdapter:
    name = "gladly"
    access = ACCESS
    fields = FIELDS
    unsettable = UNSETTABLE
    undeletable = UNDELETABLE
    disables = DISABLES
    # Some kind has no list (answers): it is read by name from the read hints.
    unlisted = frozenset(kind for kind, handler in HANDLERS.items() if handler.listing is None)
    reads_by_name = bool(unlisted)
    concurrent_writes = True  # each write waits on the network

    def __init__(
        self,
        instance: str,
        config: GladlyInstance,
        root: Path,
        *,
        http: httpx.Client | None = None,
        clock: Clock | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        env = os.environ if environ is None else environ
        token = env.get(config.token_env)
        if http is None and not token:
            raise GladcfgError(
                f"instance '{instance}': the environment variable {config.token_env} (its API "
                "token) is not set"
            )
        limiter = RateLimiter(
            config.rate_limit.requests_per_second, config.rate_limit.budget_percent, clock=clock
        )
        self.client = client = GladlyClient(
            http if http is not None else http_client(config, token or ""),
            instance=instance,
            user=config.user,
            token_env=config.token_env,
            limiter=limiter,
            clock=clock,
            secrets=basic_auth_forms(config.user, token) if token else (),
        )
        self.identity = tenant_identity(self.name, instance, tenant_url(config.base_url))
        # The cache's place is the user's (os.environ), whatever environment is injected.
        self.snapshot = Snapshot.open(self.identity)
        self.connection = Connection(client, environ=env, snapshot=self.snapshot)

    @staticmethod
    def access_for(config: GladlyInstance) -> Mapping[str, Access]:
        return ACCESS

    # -- reading -------------------------------------------------------------------------

    def reads_for(self, hints: ReadHints) -> dict[str, dict[str, dict[str, Any]]]:
        """What a read for ``hints`` asks for (:mod:`.kinds.answer_pairs`): also the
        language × type pairs that earlier reads found, or writes left, on the answers
        declared, and the files no longer declare, so their removal is planned. A saved
        plan records these hints, and its apply reads exactly them."""
        return answer_pairs.widen(hints, self.snapshot.pairs_of)

    def read(self, hints: ReadHints | None = None, *, refresh: bool = True) -> RemoteState:
        """Every list at once on the read's workers; then each kind's handler turns what its
        list answered into objects (answers, which have no list, are read by name there,
        or without ``refresh`` taken from the snapshot where it saw them)."""
        hints = hints or {}
        state = RemoteState(identity=self.identity)
        self.snapshot.begin_read()
        with ThreadPoolExecutor(READ_WORKERS) as pool:
            pending = {
                kind: pool.submit(self.client.get, handler.path, handler.listing)
                for kind, handler in HANDLERS.items()
                if handler.listing is not None
            }
            listed = {kind: future.result() for kind, future in pending.items()}
            self.connection.learn(listed)
            for kind, handler in HANDLERS.items():
                reading = Reading(
                    listed=listed.get(kind),
                    names={
                        used: {item.id: item.name for item in listed[used]} for used in handler.uses
                    },
                    declared=hints.get(kind, {}),
                    pool=pool,
                    reuse=not refresh,
                )
                found = handler.objects(self.connection, reading)
                state.objects[kind] = {obj.name: obj for obj in found}
        state.requests = self.client.requests
        if self.snapshot.reused:
            state.snapshot = Reuse(self.snapshot.reused, self.snapshot.oldest or 0.0)
        self.snapshot.save()
        return state

    # -- writing -------------------------------------------------------------------------

    def create(self, kind: str, name: str, spec: dict[str, Any]) -> RemoteObject:
        return self._writer(kind).create(self.connection, name, spec)

    def update(self, kind: str, obj: RemoteObject, spec: dict[str, Any]) -> RemoteObject:
        return self._writer(kind, obj, spec).update(self.connection, obj, obj.name, spec)

    def rename(
        self, kind: str, obj: RemoteObject, new_name: str, spec: dict[str, Any]
    ) -> RemoteObject:
        return self._writer(kind, obj, spec).update(self.connection, obj, new_name, spec)

    def delete(self, kind: str, obj: RemoteObject) -> None:
        self._writer(kind).delete(self.connection, obj)

    def close(self) -> None:
        self.snapshot.save()
        self.client.close()

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        # Gladly offers no lock; versioned business hours and the plan's fingerprint guard
        # against concurrent changes instead.
        yield

    def _writer(
        self, kind: str, obj: RemoteObject | None = None, spec: dict[str, Any] | None = None
    ) -> Writable:
        """The handler that writes ``kind``; given the object and the spec it is to hold,
        once it is known that the write clears nothing the API cannot clear."""
        handler = HANDLERS.get(kind)
        if not isinstance(handler, Writable):
            raise AdapterError(f"Gladly's API cannot write {kind}")
        if obj is not None and spec is not None:
            handler.refuse_clearing(obj, spec)
        return handler
