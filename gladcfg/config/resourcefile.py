"""One resource file's models: a loaded YAML document turned into settings and resources,
with every problem found in it.

A file that fails validation still gives what can be checked further (see
:func:`parse_resource_file`), so one mistake does not hide the next.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import ValidationError

from gladcfg import yamlio
from gladcfg.config.duplicates import language_twins
from gladcfg.config.problems import Source, problems_from_validation
from gladcfg.errors import Problem, Severity, YamlError
from gladcfg.model.kinds import KIND_MODELS, KINDS, is_singleton
from gladcfg.model.names import shown
from gladcfg.model.project import ResourceFile
from gladcfg.model.resources import Resource, Settings
from gladcfg.model.types import is_name, suggest

M = TypeVar("M", Resource, Settings)


@dataclass
class ParsedFile:
    """What one rendering of a resource file declares, and what is wrong with it."""

    settings: Settings | None = None
    resources: dict[str, dict[str, Resource]] = field(default_factory=dict)
    invalid: set[tuple[str, str]] = field(default_factory=set)  # declared, but failed validation
    problems: list[Problem] = field(default_factory=list)


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
    (their other references are still checked). What cannot be rebuilt is remembered as
    declared-but-invalid, so nothing reports it as missing."""
    if isinstance(data.get("settings"), dict):
        settings = _lenient(Settings, data["settings"])
        if settings is None:
            parsed.invalid.add(("settings", "settings"))
        parsed.settings = settings
    for kind, model in KIND_MODELS.items():
        by_name = data.get(kind)
        if not isinstance(by_name, dict):
            continue
        for name, body in by_name.items():
            # A resource whose name is refused is not kept: nothing may refer to it.
            resource = _lenient(model, body) if is_name(name) else None
            if resource is None:
                parsed.invalid.add((kind, str(name)))
            else:
                parsed.resources.setdefault(kind, {})[str(name)] = resource


def _lenient(model: type[M], body: Any) -> M | None:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        if not isinstance(body, dict):
            return None
        bad = {error["loc"][0] for error in exc.errors() if error["loc"]}
        try:
            return model.model_validate({k: v for k, v in body.items() if k not in bad})
        except ValidationError:
            return None


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
