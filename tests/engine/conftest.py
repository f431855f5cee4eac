"""Fixtures of the engine's tests."""

from __future__ import annotations

import pytest

from gladcfg.adapter.mock.adapter import MockAdapter


@pytest.fixture
def closed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The instances whose mock adapter was closed, in the order they were."""
    found: list[str] = []
    close = MockAdapter.close

    def recording(adapter: MockAdapter) -> None:
        found.append(adapter.instance)
        close(adapter)

    monkeypatch.setattr(MockAdapter, "close", recording)
    return found
