"""A gladly adapter names its tenant by base URL, so fingerprints tell organisations apart."""

from __future__ import annotations

from pathlib import Path

import httpx
import respx

from gladcfg.adapter.gladly.adapter import GladlyAdapter
from gladcfg.adapter.gladly.config import GladlyInstance
from tests.adapter.gladly.conftest import BASE, FakeClock


def adapter(clock: FakeClock, base_url: str, instance: str = "prod") -> GladlyAdapter:
    config = GladlyInstance.model_validate(
        {"adapter": "gladly", "base_url": base_url, "user": "a@b.example", "token_env": "T"}
    )
    return GladlyAdapter(instance, config, Path("."), http=httpx.Client(base_url=BASE), clock=clock)


def test_a_tenant_is_its_base_url_however_capitalised(clock: FakeClock) -> None:
    def identity(base_url: str, instance: str = "prod") -> str:
        return adapter(clock, base_url, instance).identity

    assert identity("https://Acme.Gladly.com/") == identity("https://acme.gladly.com")
    # The default port written out, or the host's trailing dot: the same organisation.
    assert identity("https://acme.gladly.com:443") == identity("https://acme.gladly.com")
    assert identity("HTTPS://acme.gladly.com.:443/") == identity("https://acme.gladly.com")
    assert identity("http://localhost:80") == identity("http://localhost")
    assert identity("https://acme.gladly.com:8443") != identity("https://acme.gladly.com")
    assert identity("http://localhost:8080") != identity("http://localhost:8081")
    assert identity("https://acme.gladly.com") != identity("https://acme2.gladly.com")
    assert identity("https://acme.gladly.com") != identity("https://acme.gladly.com", "x")


def test_a_read_is_stamped_with_its_tenant(api: respx.MockRouter, clock: FakeClock) -> None:
    for path in ("/audiences", "/teams", "/inboxes", "/topics", "/business-hours", "/webhooks"):
        api.get(path).respond(json=[])
    api.get("/organization").respond(json={"id": "org", "timezone": "UTC"})
    gladly = adapter(clock, "https://acme.gladly.com")
    assert gladly.read().identity == gladly.identity
