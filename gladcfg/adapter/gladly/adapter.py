"""The ``gladly`` adapter: what Gladly's public REST API can do, and nothing it cannot.

What it can do with each kind is its handler's (:mod:`gladcfg.adapter.gladly.kinds`):
writable kinds are applied; read-only kinds are compared on the fields the API shows, and
their differences are manual changes; kinds without a handler are hidden (validated only).
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
from gladcfg.adapter.gladly.kinds import HANDLERS, Reading, ReadOnly, Writable
from gladcfg.adapter.gladly.ratelimit import Clock, RateLimiter
from gladcfg.adapter.gladly.session import Session
from gladcfg.adapter.gladly.snapshot import Snapshot
from gladcfg.errors import AdapterError, GladcfgError
from gladcfg.model.project import GladlyInstance, tenant_url

ACCESS = {kind: handler.access for kind, handler in HANDLERS.items()}
# What the API shows of the read-only kinds: only these fields are compared.
FIELDS = {
    kind: handler.fields for kind, handler in HANDLERS.items() if isinstance(handler, ReadOnly)
}
READ_WORKERS = 8


def http_client(config: GladlyInstance, token: str) -> httpx.Client:
    """The one place the HTTP client is made: Basic auth, timeouts, a bounded pool."""
    return httpx.Client(
        base_url=config.base_url + "/api/v1",
        auth=httpx.BasicAuth(config.user, token),
        headers={"User-Agent": f"gladcfg/{__version__}", "Accept": "application/json"},
        timeout=httpx.Timeout(30.0, connect=10.0),
        limits=httpx.Limits(max_connections=READ_WORKERS, max_keepalive_connections=READ_WORKERS),
    )


class GladlyAdapter:
    name = "gladly"
    access = ACCESS
    fields = FIELDS
    # Some kind has no list (answers): it is read by name from the read hints.
    reads_by_name = any(handler.listing is None for handler in HANDLERS.values())
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
        self.session = Session(client, environ=env, snapshot=self.snapshot)

    @staticmethod
    def access_for(config: GladlyInstance) -> Mapping[str, Access]:
        return ACCESS

    # -- reading -------------------------------------------------------------------------

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
            self.session.learn(listed)
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
                found = handler.objects(self.session, reading)
                state.objects[kind] = {obj.name: obj for obj in found}
        state.requests = self.client.requests
        if self.snapshot.reused:
            state.snapshot = Reuse(self.snapshot.reused, self.snapshot.oldest or 0.0)
        self.snapshot.save()
        return state

    # -- writing -------------------------------------------------------------------------

    def create(self, kind: str, name: str, spec: dict[str, Any]) -> RemoteObject:
        return self._writer(kind).create(self.session, name, spec)

    def update(self, kind: str, obj: RemoteObject, spec: dict[str, Any]) -> RemoteObject:
        return self._writer(kind).update(self.session, obj, obj.name, spec)

    def rename(
        self, kind: str, obj: RemoteObject, new_name: str, spec: dict[str, Any]
    ) -> RemoteObject:
        return self._writer(kind).update(self.session, obj, new_name, spec)

    def delete(self, kind: str, obj: RemoteObject) -> None:
        self._writer(kind).delete(self.session, obj)

    def close(self) -> None:
        self.snapshot.save()
        self.client.close()

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        # Gladly offers no lock; versioned business hours and the plan's fingerprint guard
        # against concurrent changes instead.
        yield

    def _writer(self, kind: str) -> Writable:
        handler = HANDLERS.get(kind)
        if not isinstance(handler, Writable):
            raise AdapterError(f"Gladly's API cannot write {kind}")
        return handler
