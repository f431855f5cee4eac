"""The handler registry: one handler per kind Gladly's API shows, and the adapter can do
exactly what the handlers declare."""

from __future__ import annotations

from gladcfg.adapter.base import Access
from gladcfg.adapter.gladly.adapter import GladlyAdapter
from gladcfg.adapter.gladly.kinds import HANDLERS, ReadOnly, Writable
from gladcfg.kinds import REGISTRY
from gladcfg.model.kinds import is_singleton, model_of


def test_each_handler_is_registered_under_a_kind_gladcfg_knows() -> None:
    for kind, handler in HANDLERS.items():
        assert handler.kind == kind and kind in REGISTRY
        assert handler.path.startswith("/") and not handler.path.endswith("/")
    paths = [handler.path for handler in HANDLERS.values()]
    assert len(set(paths)) == len(paths)


def test_the_adapter_can_do_what_the_handlers_declare() -> None:
    assert GladlyAdapter.access == {kind: h.access for kind, h in HANDLERS.items()}
    assert GladlyAdapter.fields == {
        kind: h.fields for kind, h in HANDLERS.items() if isinstance(h, ReadOnly)
    }
    for handler in HANDLERS.values():
        assert isinstance(handler, Writable) == (handler.access is Access.WRITE)
        assert isinstance(handler, ReadOnly) == (handler.access is Access.READ_ONLY)


def test_read_only_kinds_compare_only_fields_their_model_has() -> None:
    for kind, handler in HANDLERS.items():
        if isinstance(handler, ReadOnly):
            model = model_of(kind)
            assert model is not None and handler.fields <= set(model.model_fields)


def test_kinds_without_a_list_are_read_by_name_after_every_list() -> None:
    unlisted = [kind for kind, handler in HANDLERS.items() if handler.listing is None]
    assert unlisted == ["answers"] and GladlyAdapter.reads_by_name
    assert list(HANDLERS)[-len(unlisted) :] == unlisted


def test_a_handler_uses_only_kinds_a_read_lists() -> None:
    for handler in HANDLERS.values():
        for used in handler.uses:
            assert HANDLERS[used].listing is not None and not is_singleton(used)
