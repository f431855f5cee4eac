"""``gladcfg state``: look at and change a mock instance the way an admin would in the UI
(for demos, drift tests and offline trials), and move it in and out as one JSON document.

Edits go to the store directly, not through the adapter: the UI is not the API, so kinds
the mock plays read-only or hidden are editable here, and no faults are injected. Every
edit is one transaction, checked like any write (references must resolve), and makes
saved plans of the instance stale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gladcfg.cli.context import AppContext, Group
from gladcfg.errors import GladcfgError, RefusedError

if TYPE_CHECKING:
    from gladcfg.adapter.mock.store import Store

_instance = click.option("-i", "--instance", required=True, metavar="NAME", help="Mock instance.")


@click.group(cls=Group)
def state() -> None:
    """Look at and change a mock instance: show, edit, set, delete, import, export."""


@state.command()
@_instance
@click.option("--format", "format_", type=click.Choice(["text", "json"]), default="text")
@click.pass_obj
def show(app: AppContext, instance: str, format_: str) -> int:
    """Print the instance's objects: one line each, or (json) the document export writes."""
    from gladcfg.adapter.mock.jsonstore import dump

    store = _store(app, instance)
    if format_ == "json":
        click.echo(dump(store), nl=False)
        return 0
    _, rows = store.rows()
    for kind, name, object_id, spec in rows:
        click.echo(f"{_address(kind, name)}  {object_id}  {spec}")
    click.echo(f"{len(rows)} object(s) in {store.path}")
    return 0


@state.command()
@_instance
@click.argument("address")
@click.argument("assignments", nargs=-1, metavar="KEY=VALUE...")
@click.option("--unset", multiple=True, metavar="KEY", help="Remove this field (repeatable).")
@click.pass_obj
def edit(
    app: AppContext, instance: str, address: str, assignments: tuple[str, ...], unset: tuple[str]
) -> int:
    """Change fields of ADDRESS (kind.name), creating it if it does not exist.

    KEY is a field, dotted for nested ones (sla.email=12h); VALUE is read as JSON when it
    is JSON (true, 3, ["tier1"]), else as text.
    """
    store = _store(app, instance)
    kind, name = _parse(address)
    current = store.get(kind, name)
    spec = dict(current.spec) if current is not None else {}
    for assignment in assignments:
        key, equals, value = assignment.partition("=")
        if not equals or not key:
            raise click.UsageError(f"{assignment!r}: expected KEY=VALUE")
        _set(spec, key.split("."), _value(value))
    for key in unset:
        _set(spec, key.split("."), None)
    return _write(store, kind, name, spec)


@state.command("set")
@_instance
@click.argument("address")
@click.option("--json", "text", required=True, metavar="SPEC", help="The whole spec, as JSON.")
@click.pass_obj
def set_(app: AppContext, instance: str, address: str, text: str) -> int:
    """Replace the spec of ADDRESS (kind.name), creating it if it does not exist."""
    store = _store(app, instance)
    kind, name = _parse(address)
    try:
        spec = json.loads(text)
    except json.JSONDecodeError as exc:
        raise click.UsageError(f"--json is not valid JSON: {exc.msg}") from None
    if not isinstance(spec, dict):
        raise click.UsageError("--json must be a JSON object")
    return _write(store, kind, name, spec)


@state.command()
@_instance
@click.argument("address")
@click.pass_obj
def delete(app: AppContext, instance: str, address: str) -> int:
    """Delete ADDRESS (kind.name); refused while another object refers to it."""
    store = _store(app, instance)
    kind, name = _parse(address)
    current = store.get(kind, name)
    if current is None:
        raise GladcfgError(f"{instance} has no {address}")
    store.delete(current, kind)
    click.echo(f"deleted {address}")
    return 0


@state.command("import")
@_instance
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace a non-empty instance without asking.")
@click.pass_obj
def import_(app: AppContext, instance: str, source: Path, yes: bool) -> int:
    """Replace everything the instance holds with the document in SOURCE (as export writes);
    over an instance that holds anything, only once confirmed (or with --yes)."""
    from gladcfg.adapter.mock.jsonstore import read_document

    store = _store(app, instance)
    document = read_document(source, str(source))
    held = sum(len(objects) for objects in store.read()[1].values())
    if held and not yes:
        _confirm_replace(instance, held, len(document.objects))
    count = store.load(document.objects, next_id=document.next_id, replace=True)
    click.echo(f"imported {count} object(s) into {instance}")
    return 0


@state.command("export")
@_instance
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Default: stdout.")
@click.pass_obj
def export_(app: AppContext, instance: str, out: Path | None) -> int:
    """Write the instance as one JSON document, one object per line."""
    from gladcfg.adapter.mock.jsonstore import dump
    from gladcfg.fileio import save

    text = dump(_store(app, instance))
    if out is None:
        click.echo(text, nl=False)
    else:
        save(out, text, f"the export of {instance}")
        click.echo(f"wrote {out}")
    return 0


def _confirm_replace(instance: str, held: int, incoming: int) -> None:
    from gladcfg.cli import context

    what = f"{instance} holds {held} object(s); importing replaces them all with {incoming}"
    if not context.stdin_is_terminal():
        raise RefusedError(f"{what}, and there is no terminal to ask on; pass --yes")
    answer = click.prompt(
        f"{what}. Replace them? Only 'yes' is accepted", default="", show_default=False
    )
    if answer.strip() != "yes":
        raise RefusedError(f"import cancelled; {instance} is unchanged")


def _store(app: AppContext, instance: str) -> Store:
    from gladcfg.adapter.mock.adapter import store_of
    from gladcfg.adapter.mock.config import MockInstance
    from gladcfg.config import Workspace

    workspace = Workspace.open(app.root)
    (name,) = workspace.select([instance])
    config = workspace.instance(name)
    if not isinstance(config, MockInstance):
        raise GladcfgError(
            f"instance '{name}' uses the {config.adapter} adapter; "
            "gladcfg state works on mock instances only"
        )
    return store_of(name, config, workspace.root)


def _write(store: Store, kind: str, name: str, spec: dict[str, Any]) -> int:
    current = store.get(kind, name)
    if current is None:
        store.create(kind, name, spec)
        click.echo(f"created {_address(kind, name)}")
    else:
        store.update(current, kind, spec)
        click.echo(f"updated {_address(kind, name)}")
    return 0


def _parse(address: str) -> tuple[str, str]:
    from gladcfg.model.kinds import KIND_MODELS, KINDS, is_singleton

    if is_singleton(address):
        return address, address
    kind, _, name = address.partition(".")
    if kind not in KIND_MODELS or not name:
        singletons = " or ".join(k for k in KINDS if is_singleton(k))
        raise click.UsageError(
            f"{address!r}: expected kind.name (kinds: {', '.join(KIND_MODELS)}) or {singletons}"
        )
    return kind, name


def _address(kind: str, name: str) -> str:
    from gladcfg.model.kinds import address_of

    return address_of(kind, name)


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _set(spec: dict[str, Any], keys: list[str], value: Any) -> None:
    """Set (or, with None, remove) the field at ``keys``, making the mappings on the way."""
    *parents, last = keys
    for key in parents:
        child = spec.get(key)
        if not isinstance(child, dict):
            if value is None:
                return
            child = spec[key] = {}
        spec = child
    if value is None:
        spec.pop(last, None)
    else:
        spec[last] = value
