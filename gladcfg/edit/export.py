"""Write an instance's live configuration as resource files people would write by hand.

One file per kind, names as keys, no remote ids, keys in the models' order, block style,
weekday runs folded back into ranges (``mon-fri``). Exporting and then planning against the
same instance finds no changes: this is how a team adopts gladcfg on an instance configured
by clicking.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from gladcfg import yamlio
from gladcfg.adapter.base import Access, RemoteState, access_of
from gladcfg.config.render import escape_template
from gladcfg.kinds import REGISTRY
from gladcfg.kinds.settings import Settings
from gladcfg.model.kinds import KIND_MODELS, KINDS, address_of, is_singleton, model_of
from gladcfg.model.resource import META_FIELDS, Resource


@dataclass(frozen=True)
class Export:
    files: dict[str, str]  # file name → YAML text
    skipped: list[str]  # why some objects could not be written


def export_state(remote: RemoteState, access: Mapping[str, Access], *, instance: str) -> Export:
    files: dict[str, str] = {}
    skipped: list[str] = []
    header = f"# Exported by gladcfg from instance {instance}.\n"
    for kind in KINDS:
        if access_of(access, kind) is Access.HIDDEN or not remote.of(kind):
            continue
        body: dict[str, Any] = {}
        for name in sorted(remote.of(kind)):
            written, notes = exported(kind, name, remote.of(kind)[name].spec)
            skipped += notes
            if written is not None:
                body[name] = written
        if not body:
            continue
        files[f"{kind}.yaml"] = header + resource_yaml({kind: body})
    return Export(files, skipped)


def resource_yaml(bodies: Mapping[str, Mapping[str, Any]]) -> str:
    """A resource file's YAML declaring ``bodies`` (kind → name → body; the settings under
    their one name), as export and import write it."""
    document = {
        kind: by_name[kind] if is_singleton(kind) else dict(by_name)
        for kind, by_name in bodies.items()
    }
    # A value holding template syntax ({{ in an answer, say) must read back as itself.
    return escape_template(yamlio.dump(document))


def exported(
    kind: str, name: str, spec: Mapping[str, Any]
) -> tuple[dict[str, Any] | None, list[str]]:
    """``spec``, an instance's object of ``kind``, as a file declares it, and why any of it
    could not be written: None, with the reason, when none of it can."""
    notes = []
    shown_only = _write_only_shown(kind, spec)
    if shown_only:
        spec = {key: value for key, value in spec.items() if key not in shown_only}
        notes.append(
            f"{address_of(kind, name)}: {', '.join(shown_only)} not written (the "
            "instance shows which are set, never their secrets): add them by hand, "
            "naming the environment variables that hold the secrets"
        )
    model = model_of(kind)
    assert model is not None
    try:
        validated = model.model_validate(model.as_read(dict(spec)))
    except ValidationError as exc:
        notes.append(f"{address_of(kind, name)}: {_why_not_written(exc)}; declare it by hand")
        return None, notes
    return _as_written(validated), notes


def _write_only_shown(kind: str, spec: Mapping[str, Any]) -> list[str]:
    """The write-only fields an instance showed only by the names they hold (a list, where
    a file names an environment variable for each): they cannot be exported as they are."""
    model = KIND_MODELS.get(kind)
    fields = model.WRITE_ONLY if model is not None else ()
    return [field for field in fields if isinstance(spec.get(field), list)]


def _why_not_written(exc: ValidationError) -> str:
    """What the instance lacks, and what it holds that files may not say."""
    errors = exc.errors()
    missing = sorted({str(e["loc"][0]) for e in errors if e["loc"] and e["type"] == "missing"})
    refused = sorted(
        {
            f"{'.'.join(str(part) for part in e['loc'])}: {e['msg'].removeprefix('Value error, ')}"
            for e in errors
            if e["type"] != "missing"
        }
    )
    reasons = [f"the instance does not show {', '.join(missing)}"] if missing else []
    if refused:
        reasons.append("it holds what gladcfg refuses in files (" + "; ".join(refused) + ")")
    return "; ".join(reasons)


def _as_written(model: Resource | Settings) -> dict[str, Any]:
    """As a person writes it: the models' field order, defaults left out, the fields of a
    shape of their own as files write them (:attr:`~gladcfg.model.resource.Kind.written`:
    weekday runs folded into ranges)."""
    spec = model.model_dump(
        mode="json", exclude=META_FIELDS, exclude_none=True, exclude_defaults=True
    )
    canonical = model.canonical()
    for field, shape in REGISTRY[model.KIND].written.items():
        if field in spec:
            spec[field] = shape(canonical[field])
    return spec
