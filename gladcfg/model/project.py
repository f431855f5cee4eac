"""Models of the two file shapes users write: ``gladcfg.yaml`` and resource files."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal, NamedTuple, Union

from pydantic import (
    AfterValidator,
    ConfigDict,
    Discriminator,
    Field,
    JsonValue,
    StringConstraints,
    Tag,
    TypeAdapter,
    ValidationError,
    create_model,
)

from gladcfg.errors import PluginError
from gladcfg.kinds import REGISTRY
from gladcfg.lazy import imported
from gladcfg.model.kinds import KINDS, is_singleton
from gladcfg.model.schedule import Freeze, Wave, merged_freezes
from gladcfg.model.types import (
    MAX_GLOB_CHARS,
    DaySpec,
    LanguageTag,
    Model,
    Name,
    TimeRange,
    TimeZone,
    spelled_as,
)
from gladcfg.names import check_visible, suggest
from gladcfg.patterns import PatternError, compile_pattern

_INSTANCE_NAME = r"^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?$"


_check_instance_name = spelled_as(
    _INSTANCE_NAME,
    "the instance name ",
    "may hold only letters, digits, '.', '_' and '-', and starts and ends with a letter or digit",
)


InstanceName = Annotated[
    str,
    StringConstraints(max_length=64),
    AfterValidator(_check_instance_name),
    Field(json_schema_extra={"pattern": _INSTANCE_NAME}),
]
if TYPE_CHECKING:
    KindName = str
else:  # the registry's kinds, as a type pydantic validates and schemas list
    KindName = Literal[KINDS]


def _check_address_glob(value: str) -> str:
    kind, dot, name = value.partition(".")
    if is_singleton(kind) and not dot:
        return value
    if not dot or not name:
        raise ValueError(f"'{value}' is not an address; write kind.name, e.g. answers.legacy-*")
    if kind not in KINDS:
        raise ValueError(f"'{kind}' is not a resource kind{suggest(kind, KINDS)}")
    return value


AddressGlob = Annotated[
    str,
    StringConstraints(max_length=MAX_GLOB_CHARS),
    AfterValidator(check_visible),
    AfterValidator(_check_address_glob),
]


def _check_pattern(value: str) -> str:

    try:
        compile_pattern(value)
    except PatternError as exc:
        raise ValueError(f"'{value}' is not a regular expression gladcfg can run: {exc}") from None
    return value


Pattern = Annotated[str, AfterValidator(_check_pattern)]


class CoverageTarget(Model):
    """When the instance promises to answer: gladcfg coverage reports every stretch of it
    with no open inbox for a language."""

    timezone: TimeZone = "UTC"
    weekly: dict[DaySpec, list[TimeRange]] = Field(default_factory=dict)
    languages: list[LanguageTag] | None = Field(
        default=None, description="The languages the promise is for (default: all)."
    )


class Policy(Model):
    """House rules validate enforces, so a fleet stays consistent across regions."""

    naming: dict[KindName, Pattern] = Field(
        default_factory=dict,
        description="Per kind, a regular expression every resource name must match "
        "(searched anywhere in the name: anchor it with ^ and $ as needed; RE2 syntax, "
        "which matches in linear time and has no backreferences or lookaround).",
    )
    required_languages: list[LanguageTag] = Field(
        default_factory=list,
        description="Languages settings.languages must list and every answer must have.",
    )
    coverage: CoverageTarget | None = Field(
        default=None,
        description="Hours that must be covered; without it, coverage reports only hours when "
        "some inbox is open but none for a language.",
    )
    coverage_impact: Literal["warn", "refuse"] = Field(
        default="warn",
        description="A plan that opens a gap in policy.coverage's hours within 7 days: a "
        "warning (warn), or also refused by apply without --force (refuse).",
    )


class SafetyLimits(Model):
    """Refuse plans that change too much at once (as octoDNS does), unless forced."""

    # The docstring and title are the published schema's; a plan's SafetyReport says how
    # it measured up to these limits.
    model_config = ConfigDict(title="Safety")

    max_update_percent: float = Field(default=30, ge=0, le=100)
    max_delete_percent: float = Field(default=30, ge=0, le=100)
    min_existing: int = Field(default=10, ge=0)


class InstanceBase(Model):
    """What every instance's configuration holds, whatever its adapter: each adapter's own
    model (:attr:`AdapterPlugin.config`) adds its fields, and narrows ``adapter`` to its name."""

    adapter: str = Field(description="The adapter that reaches the instance.")
    vars: dict[str, JsonValue] = Field(default_factory=dict)
    policy: Policy | None = Field(
        default=None, description="Overrides the project's policy, key by key, here."
    )
    prune: bool = Field(default=False, description="Delete remote objects no file declares.")
    safety: SafetyLimits = Field(default_factory=SafetyLimits)
    protect: list[AddressGlob] = Field(
        default_factory=list, description="Addresses (globs) gladcfg never deletes."
    )
    ignore: list[AddressGlob] = Field(
        default_factory=list, description="Addresses (globs) never read, planned or touched."
    )
    freeze: list[Freeze] = Field(
        default_factory=list,
        description="When apply refuses to change this instance (with the project's freezes; "
        "one of the same name replaces the project's).",
    )


DEFAULT_ADAPTER = "mock"  # an instance that names no adapter
ENTRY_POINTS = "gladcfg.adapters"  # the entry-point group adapters are declared in


class Place(NamedTuple):
    """What an instance is, whatever it is called (its tenant: a mock store, a Gladly
    organisation), and the field that makes it so."""

    tenant: str
    field: str
    written: str | None  # the field as written; None when left to its default


def _nowhere(name: str, body: Mapping[str, Any]) -> Place | None:
    return None


def _no_files(name: str, config: InstanceBase) -> Mapping[str, str]:
    return {}


@dataclass(frozen=True)
class AdapterPlugin:
    """One adapter as a distribution declares it, in the ``gladcfg.adapters`` entry-point
    group (the entry point's name is the adapter's): what an instance using it is
    configured with, and where the adapter is, imported only when an instance is opened.

    ``place`` reads, from an instance's configuration as written (valid or not), which
    instance it reaches, so that two instances that are one are refused; ``local_files``
    names the files in the project it keeps for an instance (project-relative path → what
    it is), which a run reads and an output file must never replace."""

    name: str
    config: type[InstanceBase]
    factory: str  # "module:attribute", called with (instance name, its config, project root)
    place: Callable[[str, Mapping[str, Any]], Place | None] = _nowhere
    local_files: Callable[[str, InstanceBase], Mapping[str, str]] = _no_files


# gladcfg's own adapters, declared as entry points too (pyproject.toml). They are loaded
# without scanning every installed distribution's entry points (some 40 ms), and another
# distribution's adapter is loaded only when an instance names it: a broken plug-in that
# no instance uses is never in the way.
OWN_ADAPTERS = {
    "mock": "gladcfg.adapter.mock.config:ADAPTER",
    "gladly": "gladcfg.adapter.gladly.config:ADAPTER",
}


def adapters_for(names: Iterable[str]) -> dict[str, AdapterPlugin]:
    """The adapters instances naming ``names`` need: gladcfg's own, and those of ``names``
    some installed distribution declares; the default one first, then by name."""
    return _adapters(frozenset(names).difference(OWN_ADAPTERS))


def adapter_of(value: Any) -> str:
    """The adapter an instance's configuration (as written, or validated) names."""
    if isinstance(value, dict):
        return str(value.get("adapter", DEFAULT_ADAPTER))
    return str(getattr(value, "adapter", DEFAULT_ADAPTER))


@functools.cache
def _installed() -> dict[str, tuple[EntryPoint, ...]]:
    """Each adapter name installed distributions declare, with their entry points."""
    from importlib.metadata import entry_points

    found: dict[str, tuple[EntryPoint, ...]] = {}
    for point in entry_points(group=ENTRY_POINTS):
        found[point.name] = (*found.get(point.name, ()), point)
    return found


@functools.cache
def _adapters(others: frozenset[str]) -> dict[str, AdapterPlugin]:
    found = {
        name: _load(name, value, functools.partial(imported, value))
        for name, value in OWN_ADAPTERS.items()
    }
    for name in sorted(others):
        declared = {point.value: point for point in _installed().get(name, ())}
        if len(declared) > 1:
            raise PluginError(
                f"two installed distributions declare the {name} adapter: "
                + ", ".join(sorted(declared))
            )
        for point in declared.values():
            where = point.value + (f", from {point.dist.name}" if point.dist else "")
            found[name] = _load(name, where, point.load)
    ordered = sorted(found, key=lambda name: (name != DEFAULT_ADAPTER, name))
    return {name: found[name] for name in ordered}


def _load(name: str, where: str, load: Callable[[], object]) -> AdapterPlugin:
    try:
        plugin = load()
    except (Exception, SystemExit) as exc:  # an installed distribution's code: anything
        raise PluginError(f"the {name} adapter ({where}) cannot be loaded: {exc}") from exc
    if not isinstance(plugin, AdapterPlugin) or plugin.name != name:
        raise PluginError(
            f"the {name} adapter ({where}) is not declared as one: its entry point "
            f"must name an AdapterPlugin whose name is {name!r}"
        )
    return plugin


@functools.cache
def instance_type(others: frozenset[str] = frozenset()) -> Any:
    """An instance's configuration, as the adapters define it (gladcfg's own, and those
    of ``others`` installed): the model of the adapter its ``adapter:`` names."""
    plugins = _adapters(others)
    known = [*OWN_ADAPTERS, *(sorted(set(_installed()) - OWN_ADAPTERS.keys()) if others else ())]
    choices = tuple(Annotated[plugin.config, Tag(name)] for name, plugin in plugins.items())
    return Annotated[
        Union[choices],  # noqa: UP007 (a union of a computed number of members)
        Discriminator(
            adapter_of,
            custom_error_type="unknown_adapter",
            custom_error_message=f"unknown adapter; expected one of: {', '.join(known)}",
        ),
    ]


class RenderBudget(Model):
    """What rendering one resource file may spend: a template that runs past either bound
    is an error naming the file, never a hung run or an exhausted machine."""

    seconds: float = Field(
        default=5, gt=0, le=3600, description="Wall time per file and instance, in seconds."
    )
    memory_mib: int = Field(
        default=256,
        ge=16,
        le=65536,
        description="Memory a render may add to the process, in MiB (enforced on Linux).",
    )


ResourceGlobs = Annotated[list[str], Field(min_length=1)]


if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

    AnyInstance = InstanceBase
# At run time AnyInstance is left undefined: Project itself validates nothing, and
# project_model() gives the Project whose instances are the adapters' models.


class Project(Model):
    """``gladcfg.yaml``: where the resource files are, and the instances they configure."""

    version: Literal[1]
    resources: ResourceGlobs = Field(
        default_factory=lambda: ["config/**/*.yaml"],
        description="Globs of resource files, relative to the project folder.",
    )
    vars: dict[str, JsonValue] = Field(
        default_factory=dict, description="Template values for every instance."
    )
    instances: dict[InstanceName, AnyInstance] = Field(min_length=1)
    policy: Policy = Field(default_factory=Policy)
    render_budget: RenderBudget = Field(default_factory=RenderBudget)
    freeze: list[Freeze] = Field(
        default_factory=list, description="When apply refuses to change any instance."
    )
    rollout: list[Wave] | None = Field(
        default=None,
        description="The fleet's waves: apply --all applies them in order, each verified "
        "before the next starts.",
    )

    def freezes_of(self, instance: str) -> list[Freeze]:
        """The freezes that hold for ``instance``: the project's, and its own."""
        return merged_freezes(self.freeze, self.instances[instance].freeze)

    def policy_of(self, instance: str) -> Policy:
        """The project's policy with the instance's own keys in place of the project's."""
        own = self.instances[instance].policy
        if own is None:
            return self.policy
        # The instance's own values as they are (models, not dumped dicts).
        return self.policy.model_copy(
            update={key: getattr(own, key) for key in own.model_fields_set}
        )


def project_model(data: Any = None) -> type[Project]:
    """:class:`Project`, its instances validated by the adapters' models: gladcfg's own and
    those the ``gladcfg.yaml`` loaded as ``data`` names (without ``data``, every installed
    one). Every validation of a ``gladcfg.yaml`` goes through it."""
    return _project_model(frozenset(_adapters_named(data)).difference(OWN_ADAPTERS))


@functools.cache
def _project_model(others: frozenset[str]) -> type[Project]:
    instances: Any = dict[InstanceName, instance_type(others)]  # type: ignore[misc]
    model: type[Project] = create_model(
        "Project",
        __base__=Project,
        __doc__=Project.__doc__,
        __module__=__name__,
        instances=(instances, Field(min_length=1)),
    )
    return model


def _adapters_named(data: Any) -> Iterator[str]:
    """The adapters a ``gladcfg.yaml`` as loaded names; without one, every installed one."""
    if data is None:
        yield from _installed()
        return
    instances = data.get("instances") if isinstance(data, dict) else None
    for body in instances.values() if isinstance(instances, dict) else ():
        yield adapter_of(body)


def places_as_written(data: Any) -> dict[str, Place]:
    """The place of each instance in a ``gladcfg.yaml`` as loaded whose place can be read,
    whether the rest of it is valid or not: only the adapter and the one field that says
    where the instance is are read, so that an error elsewhere (in it or in another
    instance) never hides that two instances are one, or that a store is outside the
    project."""
    instances = data.get("instances") if isinstance(data, dict) else None
    places: dict[str, Place] = {}
    for name, body in instances.items() if isinstance(instances, dict) else ():
        if not isinstance(name, str) or not isinstance(body, dict):
            continue
        place = _place(name, body)
        if place is not None:
            places[name] = place
    return places


def _place(name: str, body: dict[Any, Any]) -> Place | None:
    adapter = adapter_of(body)
    plugin = adapters_for([adapter]).get(adapter)
    if plugin is None:
        return None
    try:
        return plugin.place(name, body)
    except Exception as exc:  # an installed distribution's code
        raise PluginError(f"the {adapter} adapter failed to read instance {name!r}: {exc}") from exc


def valid_resource_globs(data: Any) -> list[str] | None:
    """The resource globs of a ``gladcfg.yaml`` as loaded, when they are valid in themselves
    (the project may not be): their own checks still run."""
    if not isinstance(data, dict):
        return None
    default = Project.model_fields["resources"].get_default(call_default_factory=True)
    try:
        return _part_adapters().resources.validate_python(data.get("resources", default))
    except ValidationError:
        return None


# Without these, the resource files cannot be found, rendered or read as meant.
_ESSENTIAL = frozenset({"version", "resources", "vars", "instances"})


def salvaged_project(data: Any) -> Project | None:
    """The valid project a ``gladcfg.yaml`` that is not valid still holds: its invalid
    instances left out, and its other invalid settings (policy, render_budget, …) at their
    defaults. None when nothing is left to validate against: the version, the globs or the
    template values are wrong, or no instance is valid. Validation runs the resource files
    against it, so that an error in one instance never hides the errors of the others;
    nothing else ever uses it."""
    if not isinstance(data, dict):
        return None
    body = dict(data)
    instances = body.get("instances")
    if isinstance(instances, dict):
        body["instances"] = {
            name: instance
            for name, instance in instances.items()
            if _valid_instance(name, instance)
        }
    for _ in range(len(Project.model_fields)):
        try:
            return project_model(data).model_validate(body)
        except ValidationError as exc:
            locations = [error["loc"] for error in exc.errors()]
            wrong = {loc[0] for loc in locations if loc}
            if not all(locations) or wrong & _ESSENTIAL:
                return None
            body = {key: value for key, value in body.items() if key not in wrong}
    return None


def _valid_instance(name: Any, body: Any) -> bool:
    adapters = _part_adapters()
    others = frozenset({adapter_of(body)}).difference(OWN_ADAPTERS)
    try:
        adapters.name.validate_python(name)
        _instance_adapter(others).validate_python(body)
    except ValidationError:
        return False
    return True


class _PartAdapters(NamedTuple):
    name: TypeAdapter[str]
    resources: TypeAdapter[list[str]]


@functools.cache
def _instance_adapter(others: frozenset[str]) -> TypeAdapter[InstanceBase]:
    return TypeAdapter(instance_type(others))


@functools.cache
def _part_adapters() -> _PartAdapters:
    """Each part validated as the project's model does it; built once, when first needed."""
    return _PartAdapters(
        TypeAdapter(InstanceName),
        TypeAdapter(ResourceGlobs),
    )


def _resource_file() -> type[Model]:
    """A resource file: kinds at the top, resources keyed by name under each."""
    fields: dict[str, Any] = {}
    for name, kind in REGISTRY.items():
        shape: Any = kind.model if kind.singleton else dict.__class_getitem__((Name, kind.model))
        fields[name] = (shape | None, None)
    model: type[Model] = create_model(
        "ResourceFile", __base__=Model, __doc__=_resource_file.__doc__, **fields
    )
    return model


ResourceFile = _resource_file()
