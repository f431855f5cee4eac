from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import gladcfg.adapter.mock as mock_module
from gladcfg.adapter import mockfile
from gladcfg.adapter.base import Access, RemoteObject
from gladcfg.adapter.mock import MockAdapter
from gladcfg.errors import AdapterError, GoneError, LockedError
from gladcfg.model.project import MockInstance


def adapter(tmp_path: Path, **config: object) -> MockAdapter:
    return MockAdapter("test", MockInstance.model_validate(config), tmp_path)


def test_ids_atomic_file_and_no_temp_files(tmp_path: Path) -> None:
    mock = adapter(tmp_path)
    team = mock.create("teams", "a", {"description": "x"})
    assert team.id.startswith("mock-")
    store = json.loads((tmp_path / ".gladcfg/state/test.json").read_text())
    assert store["objects"]["teams"]["a"] == {"id": team.id, "spec": {"description": "x"}}
    assert [p.name for p in (tmp_path / ".gladcfg/state").iterdir()] == ["test.json"]
    assert mock.read().of("teams")["a"] == RemoteObject(team.id, "a", {"description": "x"})


def test_referential_integrity(tmp_path: Path) -> None:
    mock = adapter(tmp_path)
    with pytest.raises(AdapterError, match=r"teams\[0\]: teams\.t does not exist"):
        mock.create("inboxes", "i", {"teams": ["t"]})
    mock.create("teams", "t", {})
    inbox = mock.create("inboxes", "i", {"teams": ["t"]})
    with pytest.raises(AdapterError, match=r"teams\.t is in use by inboxes\.i"):
        mock.delete("teams", mock.read().of("teams")["t"])
    with pytest.raises(AdapterError, match="already exists"):
        mock.create("inboxes", "i", {})
    renamed = mock.rename("teams", mock.read().of("teams")["t"], "u", {})
    assert mock.read().of("inboxes")["i"].spec == {"teams": ["u"]}  # references follow by id
    with pytest.raises(AdapterError, match="already exists"):
        mock.rename("inboxes", inbox, "i", {})
    mock.delete("inboxes", mock.read().of("inboxes")["i"])
    mock.delete("teams", renamed)
    assert mock.read().of("teams") == {}


def test_vanished_objects_say_plan_again(tmp_path: Path) -> None:
    mock = adapter(tmp_path)
    ghost = RemoteObject("mock-99", "ghost", {})
    for call in (
        lambda: mock.update("teams", ghost, {}),
        lambda: mock.delete("teams", ghost),
        lambda: mock.rename("teams", ghost, "new", {}),
    ):
        with pytest.raises(GoneError, match="no longer exists; plan again"):
            call()


def test_capabilities_are_data(tmp_path: Path) -> None:
    mock = adapter(tmp_path, read_only=["teams"], hidden=["entry_points"])
    assert mock.access["teams"] is Access.READ_ONLY
    assert mock.access["entry_points"] is Access.HIDDEN
    assert mock.access["inboxes"] is Access.WRITE
    with pytest.raises(AdapterError, match="cannot write teams"):
        mock.create("teams", "a", {})
    mock.seed([("entry_points", "e", {"channel": "chat"}), ("teams", "t", {})])
    state = mock.read()
    assert "entry_points" not in state.objects and "t" in state.of("teams")


@pytest.mark.parametrize(
    ("content", "message"),
    [("{torn", r"not valid JSON \(line 1\)"), ('{"format_version": 9}', "not a format 1 store")],
)
def test_damaged_store_is_a_clean_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / ".gladcfg/state/test.json"
    path.parent.mkdir(parents=True)
    path.write_text(content)
    with pytest.raises(AdapterError, match=message):
        adapter(tmp_path).read()


def seeded(tmp_path: Path) -> tuple[MockAdapter, Path]:
    mock = adapter(tmp_path)
    mock.seed(
        [
            ("teams", "tier1", {"description": 'Tier 1 \u2014 "quoted"\nsecond line'}),
            ("teams", 'odd "name"', {}),
            ("audiences", "acme", {"description": "Acme"}),
            ("answers", "a", {"content": {"en-US": {"messaging": "hi"}}, "audiences": ["acme"]}),
        ]
    )
    return mock, tmp_path / ".gladcfg/state/test.json"


def everything(mock: MockAdapter) -> dict[str, dict[str, tuple[str, dict[str, object]]]]:
    state = mock.read()
    return {
        kind: {name: (obj.id, obj.spec) for name, obj in state.of(kind).items()}
        for kind in state.objects
    }


def test_the_store_is_one_object_per_line_and_reads_the_same_in_any_layout(
    tmp_path: Path,
) -> None:
    mock, path = seeded(tmp_path)
    text = path.read_text()
    assert text.isascii()
    lines = text.splitlines()
    assert lines[0] == '{"format_version": 1, "next_id": 5, "objects": {'
    assert lines[1:3] == [
        '"answers": {',
        '"a": {"id": "mock-4", "spec": {"audiences": ["acme"], '
        '"content": {"en-US": {"messaging": "hi"}}}}',
    ]
    assert lines[-1] == "}}"
    fast = everything(mock)
    assert fast["teams"]['odd "name"'] == ("mock-2", {})
    assert fast["teams"]["tier1"][1]["description"] == 'Tier 1 \u2014 "quoted"\nsecond line'
    # Reformatted by hand (or by any JSON tool): read whole, same objects, same digest rule.
    path.write_text(json.dumps(json.loads(text), indent=2))
    assert everything(mock) == fast
    path.write_text(text)
    digest = mock.read().fingerprint()
    path.write_text(text.replace('"hi"', '"hello"'))
    assert mock.read().fingerprint() != digest


def test_a_damaged_spec_line_is_a_clean_error_when_it_is_read(tmp_path: Path) -> None:
    mock, path = seeded(tmp_path)
    path.write_text(path.read_text().replace('{"description": "Acme"}', '{"description": Acme}'))
    acme = mock.read().of("audiences")["acme"]  # specs are decoded when they are compared
    with pytest.raises(
        AdapterError, match=r"mock store .*: the spec of 'acme' is not a valid JSON object"
    ):
        _ = acme.spec
    path.write_text(path.read_text().replace('{"description": Acme}', '{"a": 1} {"b": 2}'))
    with pytest.raises(AdapterError, match="the spec of 'acme' is not a valid JSON object"):
        _ = mock.read().of("audiences")["acme"].spec


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"format_version": 1, "objects": {"teams": {"t": {"spec": {}}}}}', "format 1 store"),
        (b'{"format_version": 1, "objects": {"teams": []}}', "format 1 store"),
        (b'{"format_version": 1, "next_id": 1, "objects": {\n"teams": {\n}\n}}\n\xff', "UTF-8"),
    ],
)
def test_a_store_of_the_wrong_shape_is_a_clean_error(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / ".gladcfg/state/test.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with pytest.raises(AdapterError, match=message):
        adapter(tmp_path).read()


def test_an_empty_store_and_empty_kinds_keep_the_layout(tmp_path: Path) -> None:
    mock, path = seeded(tmp_path)
    for name in ("tier1", 'odd "name"'):
        mock.delete("teams", mock.read().of("teams")[name])
    assert '"teams": {\n}' in path.read_text()
    assert mock.read().of("teams") == {}
    assert mockfile.index(iter([b"not json\n"]), hashlib.sha256(), "here") is None
    assert mockfile.index(iter([b"}}"]), hashlib.sha256(), "here") is None  # no line break
    assert (
        mockfile.index(
            iter([path.read_bytes().splitlines(keepends=True)[0]]), hashlib.sha256(), "here"
        )
        is None
    )


def test_a_second_apply_waits_for_the_lock_then_gives_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mock_module, "LOCK_TIMEOUT_SECONDS", 0.2)
    first, second = adapter(tmp_path), adapter(tmp_path)
    with first.locked():
        started = time.monotonic()
        with pytest.raises(LockedError, match="another apply holds"), second.locked():
            pass  # pragma: no cover
        assert time.monotonic() - started >= 0.2
    released = threading.Event()

    def hold() -> None:
        with first.locked():
            released.wait(0.1)

    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(0.02)
    monkeypatch.setattr(mock_module, "LOCK_TIMEOUT_SECONDS", 5)
    with second.locked():  # waits until the first is done
        pass
    holder.join()


def test_writes_in_an_apply_are_flushed_at_the_end(tmp_path: Path) -> None:
    mock = adapter(tmp_path)
    path = tmp_path / ".gladcfg/state/test.json"
    path.parent.mkdir(parents=True)
    killed = path.with_name(".test.json.k1ll3d.tmp")
    killed.write_text('{"format_version": 1, "ne')  # what a SIGKILLed apply leaves
    with mock.locked():
        for i in range(20):
            mock.create("teams", f"t{i}", {})
    assert len(json.loads(path.read_text())["objects"]["teams"]) == 20
    assert not killed.exists()


def test_injected_failures_and_latency(tmp_path: Path) -> None:
    mock = adapter(tmp_path, faults={"fail_every": 2, "rate_limit_every": 3, "latency_ms": 1})
    mock.create("teams", "a", {})
    with pytest.raises(AdapterError, match="injected failure"):
        mock.create("teams", "b", {})
    mock.create("teams", "c", {})  # the third write meets a 429 and is retried
    assert mock.retries == 1
    assert set(mock.read().of("teams")) == {"a", "c"}


# -- promises any store must keep (the JSON file today) --------------------------------------


@pytest.fixture
def disk_full(monkeypatch: pytest.MonkeyPatch) -> Callable[[int | None], None]:
    """``disk_full(errno.ENOSPC)``: from now the store cannot be saved; ``None``: it can."""
    failing: list[int] = []
    real = mock_module.write_atomically

    def write(path: Path, text: str, **kwargs: bool) -> os.stat_result:
        if failing:
            raise OSError(failing[0], os.strerror(failing[0]))
        return real(path, text, **kwargs)

    monkeypatch.setattr(mock_module, "write_atomically", write)

    def set_failing(code: int | None) -> None:
        failing[:] = [] if code is None else [code]

    return set_failing


def stored(mock: MockAdapter) -> dict[str, dict[str, dict[str, object]]]:
    """What a fresh adapter reads from the store: what was saved, not what is in memory."""
    state = adapter(Path(str(mock.path).removesuffix("/.gladcfg/state/test.json"))).read()
    return {
        kind: {n: o.spec for n, o in state.of(kind).items()}
        for kind in state.objects
        if state.of(kind)
    }


@pytest.mark.parametrize("in_an_apply", [False, True], ids=["alone", "in-an-apply"])
@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS], ids=["disk-full", "read-only"])
def test_a_write_that_cannot_be_saved_fails_cleanly_and_no_later_write_saves_it(
    tmp_path: Path,
    disk_full: Callable[[int | None], None],
    monkeypatch: pytest.MonkeyPatch,
    in_an_apply: bool,
    code: int,
) -> None:
    monkeypatch.setattr(mock_module, "FLUSH_INTERVAL_SECONDS", 0)  # every write saved at once
    mock = adapter(tmp_path)
    team = mock.create("teams", "t", {"description": "old"})
    inbox = mock.create("inboxes", "i", {"teams": ["t"]})
    gone = mock.create("teams", "gone", {})
    session = mock.locked() if in_an_apply else contextlib.nullcontext()
    with session:
        disk_full(code)
        attempts: list[Callable[[], object]] = [
            lambda: mock.create("teams", "new", {}),
            lambda: mock.update("teams", team, {"description": "new"}),
            lambda: mock.rename("teams", team, "renamed", {"description": "old"}),
            lambda: mock.delete("teams", gone),
        ]
        for attempt in attempts:
            with pytest.raises(
                AdapterError, match=f"cannot write the mock store .*: {os.strerror(code)}"
            ):
                attempt()
        disk_full(None)
        mock.create("audiences", "later", {})  # a later write saves the store again
    assert stored(mock) == {
        "teams": {"t": {"description": "old"}, "gone": {}},
        "inboxes": {"i": {"teams": ["t"]}},
        "audiences": {"later": {}},
    }
    assert mock.create("teams", "next", {}).id == "mock-5"  # failed creates took no id
    assert inbox.id == "mock-2"


def test_an_apply_whose_last_save_fails_says_what_is_lost(
    tmp_path: Path, disk_full: Callable[[int | None], None]
) -> None:
    mock = adapter(tmp_path)
    mock.create("teams", "saved", {})

    def apply_then_fill_the_disk() -> None:
        with mock.locked():
            mock.create("teams", "pending", {})  # saved with the next flush, at the latest
            disk_full(errno.ENOSPC)

    with pytest.raises(AdapterError, match="applied since it was last saved are not in it"):
        apply_then_fill_the_disk()
    disk_full(None)
    assert stored(mock) == {"teams": {"saved": {}}}
    mock.create("teams", "after", {})
    assert stored(mock) == {"teams": {"saved": {}, "after": {}}}  # nothing lost came back


def test_objects_another_process_adds_during_an_apply_are_kept(tmp_path: Path) -> None:
    mock, other = adapter(tmp_path), adapter(tmp_path)  # other: another process, or a person
    mock.create("teams", "before", {})
    with mock.locked():
        mock.create("teams", "a", {})
        added = other.create("teams", "theirs", {"description": "added meanwhile"})
        other.create("audiences", "acme", {})
        with pytest.raises(AdapterError, match=r"teams\.theirs already exists"):
            mock.create("teams", "theirs", {})
        inbox = mock.create("inboxes", "i", {"teams": ["theirs"]})  # refers to it: it exists
        mock.create("teams", "b", {})
    assert stored(mock) == {
        "teams": {"before": {}, "a": {}, "b": {}, "theirs": {"description": "added meanwhile"}},
        "audiences": {"acme": {}},
        "inboxes": {"i": {"teams": ["theirs"]}},
    }
    ids = [o.id for _, o in mock.read()]
    assert len(ids) == len(set(ids)) and added.id in ids and inbox.id in ids


def test_a_symlinked_store_is_written_through_to_its_target(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "store.json").symlink_to("shared/instance.json")  # dangling until first write
    mock = adapter(tmp_path, path="store.json")
    with mock.locked():
        mock.create("teams", "a", {})
    mock.create("teams", "b", {})
    assert (tmp_path / "store.json").is_symlink()
    assert set(json.loads((tmp_path / "shared/instance.json").read_text())["objects"]["teams"]) == {
        "a",
        "b",
    }
    assert (tmp_path / "shared/instance.json.lock").exists()  # one lock, whichever link is used
    assert set(adapter(tmp_path, path="shared/instance.json").read().of("teams")) == {"a", "b"}


@pytest.mark.parametrize(
    "next_id", [None, 2, "7", True], ids=["missing", "too-low", "text", "bool"]
)
def test_a_hand_written_store_gets_ids_past_every_id_it_holds(
    tmp_path: Path, next_id: object
) -> None:
    document: dict[str, object] = {
        "format_version": 1,
        "objects": {"teams": {"a": {"id": "mock-7", "spec": {}}, "b": {"id": "x-1", "spec": {}}}},
    }
    if next_id is not None:
        document["next_id"] = next_id
    path = tmp_path / ".gladcfg/state/test.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(document))
    mock = adapter(tmp_path)
    assert mock.create("teams", "c", {}).id == "mock-8"
    assert {o.id for o in mock.read().of("teams").values()} == {"mock-7", "x-1", "mock-8"}


@pytest.mark.parametrize(
    "document",
    [
        {"format_version": 1},
        {"format_version": 1, "objects": []},
        {"format_version": 1, "objects": {"teams": {"a": {"spec": {}}}}},
        {"format_version": 1, "objects": {"teams": {"a": {"id": 1, "spec": {}}}}},
        {"format_version": 1, "objects": {"teams": {"a": {"id": "m", "spec": []}}}},
    ],
)
def test_a_store_of_the_wrong_shape_is_a_clean_error_when_written(
    tmp_path: Path, document: dict[str, object]
) -> None:
    path = tmp_path / ".gladcfg/state/test.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(document))
    with pytest.raises(AdapterError, match="not a format 1 store"):
        adapter(tmp_path).create("teams", "x", {})
