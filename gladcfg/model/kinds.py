"""What is known of every kind gladcfg manages, from its registration (:mod:`gladcfg.kinds`:
one module per kind, in apply order).

A kind is its model (fields, references, set-like lists, secrets) and one entry in the
registry. What a project may declare (``ResourceFile``), which addresses and kind
names gladcfg.yaml accepts, the published schemas, the apply order, reference checks and
the words messages use are all derived from this registry; adapters say per kind what they
can do with it. The settings are a kind like the others, with one object per instance,
addressed by the kind's name alone.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any, overload

from pydantic import ValidationError

from gladcfg.errors import SecretMissingError
from gladcfg.fieldpath import FieldPath, format_path
from gladcfg.kinds import REGISTRY
from gladcfg.kinds.settings import Settings
from gladcfg.model.resource import Resource

# Every kind's name, in apply order.
KINDS: tuple[str, ...] = tuple(REGISTRY)
# The kinds declared by name, many per instance (every kind but the singletons).
KIND_MODELS: dict[str, type[Resource]] = {
    name: kind.model
    for name, kind in REGISTRY.items()
    if not kind.singleton and issubclass(kind.model, Resource)
}
# For each kind, the kinds whose resources can refer to it.
REFERRING_KINDS: dict[str, tuple[str, ...]] = {
    kind: tuple(k for k, m in KIND_MODELS.items() if any(t == kind for _, t in m.REFERENCES))
    for kind in KINDS
}

# For each kind, (the steps to each reference it holds, the kind referred to): "[]" steps
# into every item of a list.
_REFERENCE_STEPS: dict[str, tuple[tuple[list[str], str], ...]] = {
    kind: tuple((field.replace("[]", ".[]").split("."), target) for field, target in m.REFERENCES)
    for kind, m in KIND_MODELS.items()
}


def is_singleton(kind: str) -> bool:
    registered = REGISTRY.get(kind)
    return registered is not None and registered.singleton


def address_of(kind: str, name: str) -> str:
    """How plans, errors, ``--target``, ``protect`` and ``ignore`` name an object."""
    return kind if is_singleton(kind) else f"{kind}.{name}"


def model_of(kind: str) -> type[Resource] | type[Settings] | None:
    registered = REGISTRY.get(kind)
    return registered.model if registered is not None else None


@overload
def comparable(kind: str, spec: dict[str, Any]) -> dict[str, Any]: ...
@overload
def comparable(kind: str, spec: None) -> None: ...
def comparable(kind: str, spec: dict[str, Any] | None) -> dict[str, Any] | None:
    """``spec`` as plans compare it (called only where it differs from the other side, so a
    large unchanged instance never pays for it): the one canonical form of every field —
    an instance may hold ``mon-fri``, a reordered set or a holiday without ``hours`` where
    files are read into another spelling of the same — and each write-only field
    (environment variables naming secrets the instance never shows) by the names it holds,
    so a spec read back from an instance compares equal to the one declared. Values an
    instance spells in ways files may not (an hour of one digit, ``8:00``) are read in the
    files' spelling first (:meth:`~gladcfg.model.resource.Resource.as_read`). A spec the
    kind's model still refuses (a partial one of a read-only kind) is compared as it is."""
    model = KIND_MODELS.get(kind)
    if spec is None or model is None:
        return spec
    plain = {key: value for key, value in spec.items() if key not in model.WRITE_ONLY}
    plain = model.as_read(plain)
    try:
        shown = model.model_validate(plain).canonical()
    except ValidationError:
        shown = plain
    for field in model.WRITE_ONLY:
        if field in spec:
            shown[field] = sorted(spec[field])
    return shown


def secrets_of(
    kind: str, name: str, spec: Mapping[str, Any], environ: Mapping[str, str]
) -> dict[tuple[str, str], str]:
    """The secrets a write of ``spec`` sends, (field, key) → value, read from ``environ``
    where the spec's write-only fields name them. A variable that is not set is an error
    naming it (and never a value)."""
    model = KIND_MODELS.get(kind)
    values: dict[tuple[str, str], str] = {}
    for field in model.WRITE_ONLY if model is not None else ():
        for key, variable in (spec.get(field) or {}).items():
            value = environ.get(variable)
            if not value:
                raise SecretMissingError(
                    f"{address_of(kind, name)}: the environment variable {variable} "
                    f"({field}.{key}) is not set"
                )
            values[field, key] = value
    return values


def reference_paths(kind: str, value: Any) -> Iterator[tuple[FieldPath, str, str]]:
    """(path, kind, name) of every object ``value`` refers to; ``value`` is a canonical spec
    of ``kind`` or its model (validation walks models, the engine walks specs)."""
    if value is None:
        return
    for steps, target in _REFERENCE_STEPS.get(kind, ()):
        for path, name in _walk(value, steps, ()):
            if isinstance(name, str):
                yield path, target, name


def _walk(value: Any, segments: list[str], path: FieldPath) -> Iterator[tuple[FieldPath, Any]]:
    head, *rest = segments
    child = value.get(head) if isinstance(value, Mapping) else getattr(value, head, None)
    if child is None:
        return
    if isinstance(child, list):
        for index, item in enumerate(child):
            if rest:
                yield from _walk(item, rest[1:], (*path, head, index))
            else:
                yield (*path, head, index), item
    elif rest:
        yield from _walk(child, rest, (*path, head))
    else:
        yield (*path, head), child


def references_in(kind: str, spec: Mapping[str, Any] | None) -> Iterator[tuple[str, str, str]]:
    """(field, kind, name) of every object ``spec``, a canonical spec of ``kind``, refers to;
    ``field`` is the reference's dotted path (``quick_actions[0].answer``)."""
    for path, target, name in reference_paths(kind, spec):
        yield format_path(path), target, name


def rename_references(
    kind: str, spec: dict[str, Any], renames: Mapping[str, Mapping[str, str]]
) -> dict[str, Any]:
    """``spec`` with references to renamed objects (``renames``: kind → old → new name)
    following them, as references by id do on an instance. A new dict when anything
    changed; ``spec`` itself is never edited."""
    found = [
        (path, renames[target][name])
        for path, target, name in reference_paths(kind, spec)
        if name in renames.get(target, {})
    ]
    if not found:
        return spec
    renamed = copy.deepcopy(spec)
    for path, new in found:
        holder: Any = renamed
        for step in path[:-1]:
            holder = holder[step]
        holder[path[-1]] = new
    for field in KIND_MODELS[kind].SET_FIELDS:
        if field in renamed:
            renamed[field] = sorted(renamed[field])
    return renamed
