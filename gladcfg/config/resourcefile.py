"""One resource file's models: a loaded YAML document turned into settings and resources,
with every problem found in it.

A file that fails validation still gives what can be checked further (see
:func:`parse_resource_file`), so one mistake does not hide the next.
"""

from __future__ import annotations

import fnmatch
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Annotated, Any, TypeVar, cast

from pydantic import ValidationError, create_model
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from gladcfg import yamlio
from gladcfg.config.duplicates import language_twins
from gladcfg.config.problems import Source, original_path, problems_from_validation
from gladcfg.errors import Problem, Severity, YamlError
from gladcfg.fieldpath import FieldPath
from gladcfg.kinds.settings import Settings
from gladcfg.model.kinds import KIND_MODELS, KINDS, is_singleton
from gladcfg.model.project import ResourceFile
from gladcfg.model.resource import Resource
from gladcfg.model.types import is_name
from gladcfg.names import shown, suggest

M = TypeVar("M", Resource, Settings)


@dataclass
class ParsedFile:
    """What one rendering of a resource file declares, and what is wrong with it."""

    settings: Settings | None = None
    resources: dict[str, dict[str, Resource]] = field(default_factory=dict)
    invalid: set[tuple[str, str]] = field(default_factory=set)  # declared, but failed validation
    problems: list[Problem] = field(default_factory=list)
    # Invalid ones whose required fields could not all be read, built without those (None
    # there): the checks that do not read them still run (kind → name → partial model).
    partial: dict[str, dict[str, Resource | Settings]] = field(default_factory=dict)
    # Where a salvaged model lost list items: each shortened list's path, as written, and
    # the index as written of each item kept, so checks of it point at what the file says.
    renumbered: dict[FieldPath, list[int]] = field(default_factory=dict)

    def checked_in(self, source: Source) -> Source:
        """``source`` for the problems checks find in these models (:attr:`renumbered`)."""
        return replace(source, renumbered=self.renumbered) if self.renumbered else source


def parse_resource_file(source: Source, document: yamlio.Document | YamlError) -> ParsedFile:
    """The models ``document`` (``source`` loaded) declares, and its problems."""
    parsed = ParsedFile()
    if isinstance(document, YamlError):
        parsed.problems.append(
            Problem(document.message, source.rel, document.line, document.column)
        )
        return parsed
    parsed.problems.extend(duplicate_key_problems(source, document))
    data = document.data
    if data is None:
        return parsed
    if not isinstance(data, dict):
        parsed.problems.append(
            Problem(
                "a resource file is a mapping of kinds (teams:, inboxes:, …) to resources",
                source.rel,
                1,
                1,
            )
        )
        return parsed
    try:
        resource_file = ResourceFile.model_validate(data)
    except ValidationError as exc:
        parsed.problems.extend(
            problems_from_validation(exc, ResourceFile, source, data=data, top_level_noun="kind")
        )
        _salvage(data, parsed)
    else:
        for kind in KINDS:
            value = getattr(resource_file, kind)
            if is_singleton(kind):
                parsed.settings = value
            elif value:
                parsed.resources[kind] = dict(value)
    parsed.problems.extend(language_twins(source, data, parsed.resources.get("answers", {})))
    return parsed


def _salvage(data: dict[Any, Any], parsed: ParsedFile) -> None:
    """After a failed file, keep what can be checked further so one mistake does not hide
    the next: valid resources as they are, and invalid ones without their offending fields
    or list items (their other references are still checked). What cannot be rebuilt is
    remembered as declared-but-invalid, so nothing reports it as missing, and kept as a
    partial model where only required fields are lacking."""
    if isinstance(data.get("settings"), dict):
        settings = _lenient(Settings, data["settings"], ("settings",), parsed)
        if settings is None:
            parsed.invalid.add(("settings", "settings"))
            _keep_partial(parsed, "settings", "settings", Settings, data["settings"])
        parsed.settings = settings
    for kind, model in KIND_MODELS.items():
        by_name = data.get(kind)
        if not isinstance(by_name, dict):
            continue
        for name, body in by_name.items():
            # A resource whose name is refused is not kept: nothing may refer to it.
            if not is_name(name):
                parsed.invalid.add((kind, str(name)))
                continue
            resource = _lenient(model, body, (kind, name), parsed)
            if resource is None:
                parsed.invalid.add((kind, name))
                _keep_partial(parsed, kind, name, model, body)
            else:
                parsed.resources.setdefault(kind, {})[name] = resource


def _keep_partial(
    parsed: ParsedFile, kind: str, name: str, model: type[Resource] | type[Settings], body: Any
) -> None:
    where: FieldPath = ("settings",) if kind == "settings" else (kind, name)
    partial = _lenient(_partial_model(model), body, where, parsed)
    if partial is not None:
        parsed.partial.setdefault(kind, {})[name] = partial


def _lenient(model: type[M], body: Any, where: FieldPath, parsed: ParsedFile) -> M | None:
    """``body`` (at ``where`` in the file) as ``model``, without the fields (or, in lists,
    the items) that fail validation; None when that still fails. The items' indices as
    written, where lists lost some, go to ``parsed.renumbered``."""
    renumbered = _Renumbered(where)
    for _ in range(6):  # an item dropped can make its list too short: then the list goes
        try:
            built = model.model_validate(body)
        except ValidationError as exc:
            if not isinstance(body, dict):
                return None
            pruned = _without_errors(body, exc.errors(), renumbered)
            if pruned is None:
                return None
            body = pruned
        else:
            parsed.renumbered.update(renumbered.kept)
            return built
    return None


def _without_errors(
    body: dict[Any, Any], errors: Sequence[ErrorDetails], renumbered: _Renumbered
) -> dict[Any, Any] | None:
    """``body`` without what ``errors`` point at, each removed as deep as it is found (one
    day's range, not the whole week; one language, not the list); None when that removes
    nothing. The lists shortened are recorded in ``renumbered``."""
    removals: dict[tuple[Any, ...], set[Any]] = {}
    for error in errors:
        path = _present(body, error["loc"])
        if path:  # empty: the whole model's, or a required field missing: nothing to remove
            removals.setdefault(path[:-1], set()).add(path[-1])
    if not removals:
        return None
    for path, dropped in removals.items():
        value = _at(body, path)
        if isinstance(value, list):
            renumbered.shorten(path, [i for i in range(len(value)) if i not in dropped])
    kept: dict[Any, Any] = _pruned(body, (), removals)
    return kept


class _Renumbered:
    """The lists of one model (at ``where`` in its file) that lost items while it was
    salvaged: by each list's path as written, the index as written of each item kept."""

    def __init__(self, where: FieldPath) -> None:
        self._where = where
        self.kept: dict[FieldPath, list[int]] = {}

    def shorten(self, path: tuple[Any, ...], kept: list[int]) -> None:
        """The list at ``path`` (in the body as pruned so far) keeps the items ``kept``."""
        written = original_path(self.kept, (*self._where, *path))
        before = self.kept.get(written)
        self.kept[written] = kept if before is None else [before[i] for i in kept]


def _at(body: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        body = body[step]
    return body


def _present(body: Any, loc: Sequence[Any]) -> tuple[Any, ...]:
    """The longest start of ``loc`` that is a path into ``body`` (pydantic adds steps of its
    own, such as a union's member, that the data does not have)."""
    path: list[Any] = []
    value = body
    for step in loc:
        in_dict = isinstance(value, dict) and step in value
        if not (in_dict or (isinstance(value, list) and isinstance(step, int) and step >= 0)):
            break
        if not in_dict and step >= len(value):
            break
        value = value[step]
        path.append(step)
    return tuple(path)


def _pruned(value: Any, path: tuple[Any, ...], removals: dict[tuple[Any, ...], set[Any]]) -> Any:
    drop = removals.get(path, set())
    if isinstance(value, dict):
        return {
            key: _pruned(item, (*path, key), removals)
            for key, item in value.items()
            if key not in drop
        }
    if isinstance(value, list):
        return [
            _pruned(item, (*path, index), removals)
            for index, item in enumerate(value)
            if index not in drop
        ]
    return value


@functools.cache
def _partial_model(model: type[M]) -> type[M]:
    """``model`` with every required field optional (None when absent), for an invalid
    resource whose required fields failed: the checks that do not need them still run."""
    optional: dict[str, Any] = {}
    fields: dict[str, FieldInfo] = model.model_fields
    for name, info in fields.items():
        if info.is_required():
            annotation: Any = info.annotation
            if info.metadata:  # the constraints and validators kept, for a value given
                annotation = _annotated(annotation, *info.metadata)
            optional[name] = (annotation | None, None)
    return cast(type[M], create_model(f"Partial{model.__name__}", __base__=model, **optional))


def _annotated(annotation: Any, *metadata: Any) -> Any:
    return Annotated.__class_getitem__((annotation, *metadata))  # type: ignore[attr-defined]


def unmatched_instance_globs(
    source: Source, parsed: ParsedFile, instances: Iterable[str]
) -> list[Problem]:
    """A warning for each ``instances:`` pattern in the file that matches none of the
    project's instances: a misspelt one would leave its resource out everywhere, silently."""
    names = list(instances)
    declared: list[tuple[tuple[str, ...], Resource | Settings]] = [
        ((kind, name), model)
        for kind, by_name in parsed.resources.items()
        for name, model in by_name.items()
    ]
    if parsed.settings is not None:
        declared.append((("settings",), parsed.settings))
    problems = []
    for path, model in declared:
        for index, glob in enumerate(model.instances or []):
            if not any(fnmatch.fnmatchcase(name, glob) for name in names):
                problems.append(
                    source.problem(
                        f"{shown(glob)} matches no instance{suggest(glob, names)}",
                        (*path, "instances", index),
                        severity=Severity.WARNING,
                    )
                )
    return problems


def duplicate_key_problems(source: Source, document: yamlio.Document) -> list[Problem]:
    """Each key declared twice in a mapping, at its second place, naming the line of the
    first: YAML itself would keep the last without a word."""
    problems = []
    for dup in document.duplicate_keys:
        *_, key = dup.path
        what = f"'{yamlio.key_text(key)}'"
        if len(dup.path) == 2 and dup.path[0] in KIND_MODELS:
            what = f"{dup.path[0]}.{yamlio.key_text(key)}"
        first_line, _ = yamlio.locate(source.text, dup.path, key=True)
        problems.append(
            Problem(
                f"{what} is declared twice in this file (first at line {first_line}); "
                "YAML would silently keep only the last",
                source.rel,
                dup.line,
                dup.column,
                address=".".join(yamlio.key_text(p) for p in dup.path),
            )
        )
    return problems
