"""Adopt objects an instance holds into the resource files: ``gladcfg import``.

``export`` writes a whole instance; this writes the objects asked for, by address or glob,
into one named file, as export would write them, so that the next plan finds them
unchanged. A new file is written whole; an existing one is edited through ruamel.yaml's round
trip, its comments and layout kept, the objects added under their kinds. Nothing is ever
overwritten: an address the files already declare for the instance, or a name the file
already holds, refuses the whole import, and nothing is written.

In a project of several instances an adopted object is declared with ``instances: [NAME]``,
so that adopting it from one instance never plans it onto the others.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gladcfg import yamlio
from gladcfg.adapter.base import Access, RemoteState, access_of
from gladcfg.config.files import SKIPPED_DIRS, glob_matcher, read_text
from gladcfg.config.render import escape_values, has_template_syntax
from gladcfg.config.workspace import PROJECT_FILE
from gladcfg.edit.export import exported, resource_yaml
from gladcfg.errors import FileProblem, ScaffoldError, TargetError, YamlError
from gladcfg.fileio import real_path
from gladcfg.model.kinds import KINDS, address_of, is_singleton, references_in
from gladcfg.names import escaped, shown
from gladcfg.plan.planner import matches, nearest
from gladcfg.yamlio.roundtrip import EditableDocument

if TYPE_CHECKING:
    from gladcfg.plan.specs import DesiredSpecs


@dataclass
class Adoption:
    """What an import writes: the file's new text, the objects in it, and what of them
    could not be written (secrets an instance never shows)."""

    text: str
    created: bool
    addresses: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def chosen(
    patterns: Sequence[str],
    remote: RemoteState,
    access: Mapping[str, Access],
    declared: DesiredSpecs,
    *,
    ignore: Sequence[str] = (),
    unlisted: frozenset[str] = frozenset(),
) -> list[tuple[str, str]]:
    """(kind, name) of each object ``patterns`` (addresses or globs) name on the instance,
    in the kinds' order; a pattern naming nothing there, or an object the files already
    declare, refuses the import. Objects of the ``unlisted`` kinds are seen only by the
    names the files declare: an instance's others cannot be imported."""
    held = {
        address_of(kind, name): (kind, name)
        for kind in KINDS
        if access_of(access, kind) is not Access.HIDDEN
        for name in remote.of(kind)
        if not matches(address_of(kind, name), ignore)
    }
    addresses = sorted(held)
    unmatched = [p for p in patterns if not any(matches(a, (p,)) for a in addresses)]
    if unmatched:
        raise TargetError(
            "; ".join(
                f"{shown(p)} matches nothing on {escaped(declared.instance)}"
                + nearest(p, addresses)
                + _unlisted(p, unlisted)
                for p in unmatched
            )
            + ". Nothing was imported"
        )
    picked = [held[a] for a in addresses if matches(a, patterns)]
    already = [
        f"{escaped(address_of(kind, name))} (in {escaped(declared.files[address_of(kind, name)])})"
        for kind, name in picked
        if name in declared.of_kind(kind)
    ]
    if already:
        raise ScaffoldError(
            "the files already declare "
            + ", ".join(already)
            + f" for {escaped(declared.instance)}: import only adopts objects no file declares "
            "(pull writes an instance's values into the files that do). Nothing was imported"
        )
    _check_references(picked, remote, declared)
    order = {kind: index for index, kind in enumerate(KINDS)}
    return sorted(picked, key=lambda item: (order[item[0]], item[1]))


def _unlisted(pattern: str, unlisted: frozenset[str]) -> str:
    kind = pattern.partition(".")[0]
    if not any(matches(k, (kind,)) for k in unlisted):
        return ""
    return (
        f"; the instance's API lists no {kind}: only those the files name are ever read, so "
        "an object no file names cannot be imported (add it by hand)"
    )


def _check_references(
    picked: Sequence[tuple[str, str]], remote: RemoteState, declared: DesiredSpecs
) -> None:
    """Every object the imported ones refer to is declared, or imported with them: the
    files stay valid, and the plan after the import finds nothing to do."""
    importing = set(picked)
    missing: dict[str, list[str]] = {}
    for kind, name in picked:
        for where, target, other in references_in(kind, remote.of(kind)[name].spec):
            if other not in declared.of_kind(target) and (target, other) not in importing:
                missing.setdefault(address_of(target, other), []).append(
                    f"{address_of(kind, name)}.{where}"
                )
    if missing:
        raise ScaffoldError(
            "the objects refer to objects no file declares: "
            + "; ".join(
                f"{escaped(address)} (from {', '.join(escaped(w) for w in sorted(by))})"
                for address, by in sorted(missing.items())
            )
            + ". Import them too (add "
            + " ".join(shown(a) for a in sorted(missing))
            + " to the addresses). Nothing was imported"
        )


def adopt(
    root: Path,
    rel: str,
    objects: Sequence[tuple[str, str]],
    remote: RemoteState,
    *,
    instance: str,
    scoped: bool,
) -> Adoption:
    """The text of ``rel`` with ``objects`` of ``remote`` added; ``scoped``: each declared
    only on ``instance``. Nothing is written here."""
    bodies: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    unwritable: list[str] = []
    for kind, name in objects:
        written, why = exported(kind, name, remote.of(kind)[name].spec)
        notes += why
        if written is None:
            unwritable += why
            continue
        if scoped:  # first, where fmt puts it
            written = {"instances": [instance], **written}
        bodies.setdefault(kind, {})[name] = written
    if unwritable:
        raise ScaffoldError(
            "cannot be written as files declare objects: "
            + "; ".join(unwritable)
            + ". Nothing was imported"
        )
    addresses = [address_of(kind, name) for kind, name in objects]
    path = root / rel
    if not path.exists():
        header = f"# Imported by gladcfg from instance {instance}.\n"
        return Adoption(header + resource_yaml(bodies), True, addresses, notes)
    return Adoption(_added(path, rel, bodies), False, addresses, notes)


def _added(path: Path, rel: str, bodies: Mapping[str, Mapping[str, Any]]) -> str:
    try:
        text = read_text(path)
    except FileProblem as exc:
        raise ScaffoldError(f"{escaped(rel)}: {exc.message}. Nothing was imported") from None
    document = EditableDocument.parse(text)
    if document is None:
        if _holds_nothing(text):  # empty, or only comments: the objects go after them
            return text + ("\n" if text.strip() else "") + resource_yaml(bodies)
        raise ScaffoldError(
            f"{escaped(rel)} is not plain YAML before rendering (template lines?): import "
            "into a new file, or add the objects by hand. Nothing was imported"
        )
    data = document.data
    for kind, by_name in bodies.items():
        holder = data.get(kind)
        if is_singleton(kind):
            if holder is not None:
                raise _taken(rel, kind)
            document.write(data, kind, escape_values(by_name[kind]))
            continue
        if holder is None:
            document.write(data, kind, escape_values(dict(by_name)))
            continue
        if not isinstance(holder, dict):
            raise ScaffoldError(
                f"{escaped(rel)}: {kind} is not a mapping of names there; import into "
                "another file. Nothing was imported"
            )
        for name, body in by_name.items():
            if name in holder:
                raise _taken(rel, address_of(kind, name))
            document.write(holder, name, escape_values(body))
    return document.dump()


def _holds_nothing(text: str) -> bool:
    if has_template_syntax(text):
        return False
    try:
        return yamlio.load(text).data is None
    except YamlError:
        return False


def _taken(rel: str, address: str) -> ScaffoldError:
    return ScaffoldError(
        f"{escaped(rel)} already holds {escaped(address)} (for other instances?); import "
        "never overwrites it: import into another file. Nothing was imported"
    )


def check_file(root: Path, rel: str, globs: Sequence[str]) -> None:
    """``rel`` is a file the project reads: inside it, matched by its ``resources`` globs."""
    parts = Path(rel).parts
    if Path(rel).is_absolute() or ".." in parts or not parts:
        raise ScaffoldError(
            f"{escaped(rel)}: the file must be inside the project, relative to its folder"
        )
    if not real_path(root / rel).is_relative_to(real_path(root)):
        raise ScaffoldError(f"{escaped(rel)} leads outside the project (a symlink)")
    if real_path(root / rel) == real_path(root / PROJECT_FILE):
        raise ScaffoldError(
            f"{escaped(rel)} is the project's {PROJECT_FILE}: import into a resource file"
        )
    skipped = SKIPPED_DIRS.intersection(parts[:-1])
    if skipped:
        raise ScaffoldError(
            f"{escaped(rel)} is in {', '.join(sorted(skipped))}, a folder gladcfg never reads "
            "resource files from"
        )
    posix = Path(rel).as_posix()
    if not any(glob_matcher(g.removeprefix("./")).fullmatch(posix) for g in globs):
        raise ScaffoldError(
            f"{escaped(rel)} is not matched by the project's resources globs "
            f"({', '.join(shown(g) for g in globs)}): plan would never read it"
        )
