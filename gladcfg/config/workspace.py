"""Open a project and build each instance's desired state from its files.

The work is shared between instances: each file is read once, compiled once, and a rendering
that comes out the same for two instances is parsed and validated once.
"""

from __future__ import annotations

import fnmatch
import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from gladcfg import yamlio
from gladcfg.config.checks import check_desired_state
from gladcfg.config.desired import Declared, DesiredState
from gladcfg.config.duplicates import twin, twin_note
from gladcfg.config.files import match_resource_files, read_text
from gladcfg.config.problems import Source, problems_from_validation
from gladcfg.config.render import Renderer
from gladcfg.config.resourcefile import (
    ParsedFile,
    duplicate_key_problems,
    parse_resource_file,
    unmatched_instance_globs,
)
from gladcfg.config.rollout import rollout_problems
from gladcfg.errors import (
    ConfigError,
    FileProblem,
    Problem,
    ProjectError,
    Severity,
    TemplateProblem,
    UnknownInstanceError,
    YamlError,
    merge_problems,
)
from gladcfg.model.kinds import KIND_MODELS, address_of
from gladcfg.model.project import (
    InstanceBase,
    Place,
    Project,
    places_as_written,
    project_model,
    salvaged_project,
    valid_resource_globs,
)
from gladcfg.names import same_name_key, shown, suggest

PROJECT_FILE = "gladcfg.yaml"
log = logging.getLogger(__name__)


class Workspace:
    """A project opened from its folder: ``gladcfg.yaml`` validated, resource files found."""

    def __init__(
        self,
        root: Path,
        project: Project,
        files: list[str],
        warnings: list[Problem],
        declared_instances: Iterable[str] = (),
        *,
        source: Source | None = None,
        variables: Mapping[str, Any] | None = None,
    ):
        self.root = root
        self.project = project
        # Vars given for this run (--var KEY=VALUE), over every instance's own.
        self.variables: Mapping[str, Any] = variables or {}
        self.source = source  # gladcfg.yaml as read, for problems found in it later
        # Every instance gladcfg.yaml names, valid or not: `instances:` globs match them.
        self._declared_instances = [*project.instances, *declared_instances]
        self.files = files
        self.warnings = warnings
        self._renderer = Renderer(root, project.render_budget)
        self._texts: dict[str, str | FileProblem] = {}
        self._parsed: dict[tuple[str, str], ParsedFile] = {}
        # Files whose render ran out of time, and for which instance: one such file in a
        # fleet costs one budget, not one per instance.
        self._out_of_time: dict[str, tuple[str, int | None]] = {}

    @classmethod
    def open(
        cls, root: str | os.PathLike[str], variables: Mapping[str, Any] | None = None
    ) -> Workspace:
        """The project in ``root``; ``variables`` (``--var``) must each be a var
        gladcfg.yaml declares, for the project or some instance, so a typo sets nothing
        unnoticed."""
        root = Path(root)
        path = root / PROJECT_FILE
        if not os.path.lexists(path):  # anything else there is read, or said why it cannot be
            raise ProjectError(
                f"no {PROJECT_FILE} in {root} (run 'gladcfg init' to create a project, "
                "or point -C at one)"
            )
        try:
            text = read_text(path)
        except FileProblem as exc:
            raise ConfigError([Problem(exc.message, PROJECT_FILE, exc.line)]) from None
        source = Source(PROJECT_FILE, text)
        try:
            document = yamlio.load(text)
        except YamlError as exc:
            raise ConfigError([Problem(exc.message, PROJECT_FILE, exc.line, exc.column)]) from None
        problems = duplicate_key_problems(source, document)
        # What makes sense on its own is checked even when the project is not valid: one
        # instance's error never hides another's, nor a glob's.
        problems += _place_problems(source, places_as_written(document.data))
        model = project_model(document.data)
        try:
            project: Project | None = model.model_validate(document.data)
        except ValidationError as exc:
            problems += problems_from_validation(exc, model, source, data=document.data)
            project = salvaged_project(document.data)
        if project is not None and project.rollout is not None:
            declared_names = [str(name) for name in document.data["instances"]]
            problems += rollout_problems(source, project.rollout, declared_names)
        if project is None:
            globs = valid_resource_globs(document.data)
            if globs is not None:
                problems += _resource_problems(root, source, globs)[0]
            raise ConfigError(merge_problems(problems))
        found, files = _resource_problems(root, source, project.resources)
        problems += found
        if any(p.is_error for p in problems):
            # The resource files are still validated, against what of the project is valid.
            declared = document.data["instances"]
            opened = cls(root, project, files, [], [str(name) for name in declared], source=source)
            raise ConfigError(merge_problems(problems + opened.validation_problems()))
        log.info(
            "%s: %d resource file(s), %d instance(s)",
            root,
            len(files),
            len(project.instances),
        )
        _check_variables(project, variables or {})
        return cls(root, project, files, problems, source=source, variables=variables)

    def with_variables(self, variables: Mapping[str, Any]) -> Workspace:
        """This project, its files rendered with ``variables`` for the run instead (a
        saved plan's, to make that plan again)."""
        _check_variables(self.project, variables)
        return type(self)(
            self.root,
            self.project,
            self.files,
            self.warnings,
            source=self.source,
            variables=variables,
        )

    def validation_problems(self) -> list[Problem]:
        """Every problem of every instance's resource files; for a project whose
        ``gladcfg.yaml`` is in error, whose run reports them with its own."""
        problems: list[Problem] = []
        for name in self.project.instances:
            state, found, invalid = self.load(name)
            problems += found
            problems += check_desired_state(state, invalid, self.project.policy_of(name))
        return problems

    def select(self, names: Iterable[str] = ()) -> list[str]:
        """The instances named, checked; all of them when none are named."""
        chosen = list(dict.fromkeys(names))
        for name in chosen:
            if name not in self.project.instances:
                known = ", ".join(self.project.instances)
                raise UnknownInstanceError(
                    f"unknown instance {shown(name)}{suggest(name, self.project.instances)}; "
                    f"{PROJECT_FILE} declares: {known}"
                )
        return chosen or list(self.project.instances)

    def instance(self, name: str) -> InstanceBase:
        return self.project.instances[name]

    def context(self, name: str) -> dict[str, Any]:
        """The template values of an instance: project vars, deep-merged with its own, then
        those given for the run (``--var``)."""
        merged = _deep_merge(self.project.vars, self.project.instances[name].vars)
        merged.update(self.variables)
        merged["instance"] = name
        return merged

    def load(self, name: str) -> tuple[DesiredState, list[Problem], set[tuple[str, str]]]:
        """Build ``name``'s desired state; also return the problems found and the addresses
        that were declared but invalid (so reference checks do not report them again)."""
        context = self.context(name)
        problems: list[Problem] = []
        invalid: set[tuple[str, str]] = set()
        settings: Declared | None = None
        resources: dict[str, dict[str, Declared]] = {kind: {} for kind in KIND_MODELS}
        # Resources declared with errors in required fields, built without them: a name is
        # unique per kind across all files, valid or not, so these count as declared too.
        partial: dict[str, dict[str, Declared]] = {}
        names = _Names(resources, partial)
        protected: set[str] = set()
        for written, parsed in self._parse(context, name, problems):
            problems.extend(replace(p, instances=(name,)) for p in parsed.problems)
            source = parsed.checked_in(written)
            invalid |= parsed.invalid
            for kind, lacking in parsed.partial.items():
                for lacking_name, built in lacking.items():
                    if _selected(built.instances, name):
                        here = Declared(kind, lacking_name, built, source)
                        first = settings if kind == "settings" else None
                        first = first or names.first(here)
                        if first is not None:
                            problems.append(_duplicate(here, first, name))
                        else:
                            names.add(here, partial.setdefault(kind, {}))
            if parsed.settings is not None and _selected(parsed.settings.instances, name):
                here = Declared("settings", "settings", parsed.settings, source)
                first = settings or names.first(here)
                if first is not None:
                    problems.append(_duplicate(here, first, name))
                # A valid declaration after a partial one is checked in its place: it can be
                # checked further.
                settings = settings or here
            for kind, by_name in parsed.resources.items():
                for resource_name, model in by_name.items():
                    if model.protect:
                        protected.add(address_of(kind, resource_name))
                    if not _selected(model.instances, name):
                        continue
                    here = Declared(kind, resource_name, model, source)
                    first = names.first(here)
                    if first is not None:
                        problems.append(_duplicate(here, first, name))
                    if first is None or names.is_partial(first):
                        names.add(here, resources[kind])
        state = DesiredState(name, settings, resources, frozenset(protected), partial)
        log.info("%s: %d resource(s) declared", name, len(state))
        return state, problems, invalid

    def release(self) -> None:
        """Forget the files read, rendered and parsed. Validating again reads them anew; a
        caller that is done with them (an apply, once planned) frees their memory."""
        self._texts.clear()
        self._parsed.clear()
        self._out_of_time.clear()
        self._renderer = Renderer(self.root, self.project.render_budget)  # compiled from them

    def rendered(self, rel: str, context: Mapping[str, Any]) -> str:
        """The text of resource file ``rel`` rendered with ``context``.

        Raises FileProblem or TemplateProblem.
        """
        text = self._text(rel)
        if isinstance(text, FileProblem):
            raise text
        return self._renderer.render(rel, text, context)

    def _text(self, rel: str) -> str | FileProblem:
        """The file as read (once), or why it cannot be."""
        text = self._texts.get(rel)
        if text is None:
            try:
                text = read_text(self.root / rel)
            except FileProblem as exc:
                text = exc
            self._texts[rel] = text
        return text

    def _render(
        self, rel: str, context: Mapping[str, Any], instance: str, problems: list[Problem]
    ) -> Source | None:
        timed_out = self._out_of_time.get(rel)
        if timed_out is not None:
            first, line = timed_out
            budget = self.project.render_budget.seconds
            message = (
                f"not rendered: rendering it for instance '{first}' took longer than its "
                f"budget of {budget:g} s (render_budget.seconds in {PROJECT_FILE}); fix that first"
            )
            problems.append(Problem(message, rel, line, instances=(instance,)))
            return None
        try:
            rendered = self.rendered(rel, context)
        except (FileProblem, TemplateProblem) as exc:
            if isinstance(exc, TemplateProblem) and exc.out_of_time:
                self._out_of_time[rel] = (instance, exc.line)
            problems.append(Problem(exc.message, rel, exc.line, instances=(instance,)))
            return None
        template = self._texts[rel]
        if rendered is template:
            return Source(rel, rendered)
        assert isinstance(template, str)
        return Source(rel, rendered, lambda: self._renderer.source_lines(rel, template, context))

    def _parse(
        self, context: Mapping[str, Any], instance: str, problems: list[Problem]
    ) -> Iterator[tuple[Source, ParsedFile]]:
        """Each file rendered, parsed and validated, in order; render problems go to
        ``problems``. A rendering seen before (another instance's, the same text) is not
        parsed again. The YAML of the others is loaded as one batch, handed over file by file
        as each is rendered, so large batches parse in parallel with the rendering."""
        texts = [self._text(rel) for rel in self.files]
        self._renderer.prepare(
            {
                rel: text
                for rel, text in zip(self.files, texts, strict=True)
                if isinstance(text, str)
            }
        )
        expected = sum(len(text) for text in texts if isinstance(text, str))  # before rendering
        with yamlio.Batch(expected, len(self.files)) as batch:
            pending: deque[tuple[Source, ParsedFile | Callable[[], Any]]] = deque()
            for rel in self.files:
                source = self._render(rel, context, instance, problems)
                if source is not None:
                    cached = self._parsed.get((source.rel, source.text))
                    load = cached if cached is not None else batch.submit(source.text)
                    pending.append((source, load))
            while pending:
                source, parsed = pending.popleft()  # popped, so each document is freed once used
                if isinstance(parsed, ParsedFile):
                    log.debug("%s: same rendering as another instance, parsed once", source.rel)
                else:
                    parsed = parse_resource_file(source, parsed())
                    parsed.problems.extend(
                        unmatched_instance_globs(source, parsed, self._declared_instances)
                    )
                    self._parsed[(source.rel, source.text)] = parsed
                yield source, parsed


def _resource_problems(
    root: Path, source: Source, resources: list[str]
) -> tuple[list[Problem], list[str]]:
    """The problems of the resource globs (warnings among them), and the files they match."""
    match, outside = match_resource_files(root, resources)
    problems = [
        source.problem(f"'{resources[index]}' {why}", ("resources", index))
        for index, why in match.escapes
    ]
    problems += [
        Problem("symlink leaves the project folder and is refused", rel, address=None)
        for rel in outside
    ]
    problems += [
        source.problem(
            f"'{resources[index]}' matches no file",
            ("resources", index),
            severity=Severity.WARNING,
        )
        for index in match.empty
    ]
    return problems, match.files


def _place_problems(source: Source, places: Mapping[str, Place]) -> list[Problem]:
    """Every mock store outside the project, and every tenant more than one instance is."""
    problems = []
    by_tenant: dict[str, list[str]] = {}
    for name, place in places.items():
        by_tenant.setdefault(place.tenant, []).append(name)
        if place.field == "path" and place.written is not None:
            state = Path(place.written)
            if state.is_absolute() or ".." in state.parts:
                problems.append(
                    source.problem(
                        f"'{place.written}' leaves the project folder; the state file's "
                        "path is relative to the project",
                        ("instances", name, "path"),
                    )
                )
    for tenant, names in by_tenant.items():
        if len(names) > 1:
            problems.append(_shared_tenant(source, tenant, names, places[names[1]]))
    return problems


def _shared_tenant(source: Source, tenant: str, names: list[str], second: Place) -> Problem:
    """Two names for one instance would make each one's objects the other's unmanaged ones,
    and an apply to one a change to both: tenant isolation is a promise. Reported once per
    tenant, naming every instance, at what makes the second one that tenant."""
    if len(names) > 2:
        who = f"{' and '.join(repr(name) for name in names)} are all {tenant}"
    else:
        who = f"{names[0]!r} and {names[1]!r} are both {tenant}"
    written = second.written is not None
    return source.problem(
        f"{who}: each instance needs its own (give one another path: or base_url:)",
        ("instances", names[1], second.field) if written else ("instances", names[1]),
        key=not written,
    )


class _Names:
    """The names declared so far for one instance, valid resources and partial ones alike,
    with the NFC form of each name outside ASCII (two spellings of one name are one)."""

    def __init__(
        self,
        resources: Mapping[str, Mapping[str, Declared]],
        partial: Mapping[str, Mapping[str, Declared]],
    ) -> None:
        self._resources = resources
        self._partial = partial
        self._normal: dict[str, dict[str, str]] = {}  # kind → NFC form → name as declared

    def first(self, here: Declared) -> Declared | None:
        """The declaration of ``here``'s name that came before it, if any."""
        kind, name = here.kind, here.name
        normal = self._normal.get(kind)
        for declared in (self._resources.get(kind), self._partial.get(kind)):
            if declared:
                first = declared.get(name)
                if first is None and (normal or not name.isascii()):
                    first = twin(declared, normal or {}, name)
                if first is not None:
                    return first
        return None

    def is_partial(self, declared: Declared) -> bool:
        return self._partial.get(declared.kind, {}).get(declared.name) is declared

    def add(self, here: Declared, into: dict[str, Declared]) -> None:
        into[here.name] = here
        if not here.name.isascii():
            self._normal.setdefault(here.kind, {})[same_name_key(here.name)] = here.name


def _duplicate(here: Declared, first: Declared, instance: str) -> Problem:
    line, _ = first.source.position(first.path, key=True)
    return here.source.problem(
        f"{here.address} is already declared in {first.source.rel}:{line}"
        f"{twin_note(first.name, here.name)}; a name is unique per kind across all files",
        here.path,
        key=True,
        address=here.address,
        instance=instance,
    )


def _selected(globs: list[str] | None, instance: str) -> bool:
    return globs is None or any(fnmatch.fnmatchcase(instance, g) for g in globs)


def _deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _check_variables(project: Project, variables: Mapping[str, Any]) -> None:
    declared = set(project.vars).union(*(i.vars for i in project.instances.values()))
    for key in variables:
        if key not in declared:
            raise ProjectError(
                f"--var {key}: {PROJECT_FILE} declares no var {shown(key)}"
                f"{suggest(key, sorted(declared))}; give it a default under vars: first"
            )


__all__ = [
    "PROJECT_FILE",
    "Declared",
    "DesiredState",
    "Workspace",
]
