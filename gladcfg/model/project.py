"""Models of the two file shapes users write: ``gladcfg.yaml`` and resource files."""

from __future__ import annotations

import functools
import posixpath
import re
from typing import TYPE_CHECKING, Annotated, Any, Literal, NamedTuple
from urllib.parse import urlsplit, urlunsplit

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

from gladcfg.model.kinds import KINDS, REGISTRY, is_singleton
from gladcfg.model.names import check_visible
from gladcfg.model.schedule import Freeze, Wave, merged_freezes
from gladcfg.model.types import (
    MAX_GLOB_CHARS,
    DaySpec,
    EmailAddress,
    LanguageTag,
    Model,
    Name,
    TimeRange,
    TimeZone,
    spelled_as,
    suggest,
)

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
    from gladcfg.patterns import PatternError, compile_pattern

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


class RateLimit(Model):
    """This pipeline's share of the organisation's request rate."""

    requests_per_second: float = Field(default=10, gt=0)
    budget_percent: float = Field(default=50, gt=0, le=100)


class MockFaults(Model):
    """Failures the mock adapter injects so tests can exercise partial applies."""

    # The docstring and title are the published schema's; the sandbox, which speaks
    # Gladly's API, injects its own (gladcfg.sandbox.app.SandboxFaults).
    model_config = ConfigDict(title="Faults")

    fail_every: int | None = Field(default=None, ge=1)
    rate_limit_every: int | None = Field(default=None, ge=1)
    latency_ms: int = Field(default=0, ge=0)


class InstanceBase(Model):
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


DEFAULT_STORE = ".gladcfg/state/{instance}.db"  # a mock instance's database, by default


StorePath = str | None


def _store_path(path: str | None, instance: str) -> str:
    return posixpath.normpath(path or DEFAULT_STORE.format(instance=instance))


class MockInstance(InstanceBase):
    """An instance simulated in a local SQLite database: the embedded default adapter."""

    adapter: Literal["mock"] = "mock"
    path: StorePath = Field(
        default=None,
        description=(
            "SQLite database of the instance, relative to the project; default "
            ".gladcfg/state/<instance>.db (a JSON store found there is converted once)"
        ),
    )
    faults: MockFaults | None = None

    def store_path(self, instance: str) -> str:
        """The database, relative to the project, as one spelling (``a/../b.db`` is ``b.db``)."""
        return _store_path(self.path, instance)

    read_only: list[KindName] = Field(
        default_factory=list,
        description="Kinds this mock reads but cannot write (planned as manual).",
    )
    hidden: list[KindName] = Field(
        default_factory=list,
        description="Kinds this mock can neither read nor write (not_managed).",
    )


_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_HOST = re.compile(r"^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.?|\[[0-9A-Fa-f:.]+\])$")


def shown_url(value: str) -> str:
    """A URL as gladcfg may print it: no ``user:password@``, no query string, no fragment
    (any of them can carry a secret), no control characters, and short.

    Plain string surgery rather than a URL parser: a password holding ``/``, ``?`` or ``#``
    breaks parsing, and must be hidden all the same.
    """
    scheme, sep, rest = value.partition("://")
    if not sep:
        scheme, rest = "", value
    rest = rest.rpartition("@")[2]
    for mark in "?#":
        rest = rest.partition(mark)[0]
    text = f"{scheme}{sep}{rest}"
    text = "".join(c if c.isprintable() else "?" for c in text)
    return repr(text if len(text) <= 80 else text[:77] + "...")


def _check_base_url(value: str) -> str:
    """Gladly's address, and nothing else: the user and token are separate fields, so
    credentials in the URL are refused (they would be printed, logged and committed).
    Every reason a URL is refused is given at once."""
    shown = shown_url(value)
    reasons = []
    if "@" in value:
        reasons.append(
            "must not carry credentials (user:password@); the API user goes in "
            "'user' and the token in the environment variable named by 'token_env'"
        )
    if "?" in value or "#" in value:
        reasons.append("must not have a query string or fragment; give the host only")
    if any(not c.isprintable() or c.isspace() for c in value):
        reasons.append("contains a space or a control character")
    if reasons:  # the address is not parsed then (a password may hold '/', '?' or ':')
        scheme = value.partition("://")[0].lower() if "://" in value else ""
        if scheme not in ("https", "http"):
            reasons.append("must use https")
    else:
        reasons.extend(_address_problems(value))
    if reasons:
        raise ValueError(f"{shown} " + ". It also ".join(reasons))
    return value.rstrip("/")


def _address_problems(value: str) -> list[str]:
    """Why ``value``, free of credentials, query and odd characters, is not an address of
    Gladly (none when it is one)."""
    try:
        parts = urlsplit(value)
        port = parts.port  # raises ValueError on a port that is not a number in range
    except ValueError as exc:
        return [f"is not a URL ({exc}); write e.g. https://acme.gladly.com"]
    if parts.scheme and parts.scheme not in ("https", "http"):
        return ["must use https"]
    host = parts.netloc.rpartition(":")[0] if port is not None else parts.netloc
    if parts.scheme not in ("https", "http") or not parts.hostname or not _HOST.fullmatch(host):
        return ["is not a URL; write e.g. https://acme.gladly.com"]
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK_HOSTS:
        return [
            "must use https (plain http is allowed for localhost only): "
            "the API token travels in every request"
        ]
    return []


BaseUrl = Annotated[str, AfterValidator(_check_base_url)]


def tenant_url(base_url: str) -> str:
    """The organisation a base URL reaches, however it is spelled: scheme and host in any
    case, the host with its trailing dot, the scheme's default port written out or not."""
    parts = urlsplit(base_url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".").lower()
    if ":" in host:
        host = f"[{host}]"
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(scheme):
        host += f":{parts.port}"
    return urlunsplit((scheme, host, parts.path.rstrip("/"), "", ""))


_DEFAULT_PORTS = {"https": 443, "http": 80}


class GladlyInstance(InstanceBase):
    """A real Gladly instance, reached over its REST API."""

    adapter: Literal["gladly"]
    base_url: BaseUrl
    user: EmailAddress = Field(description="The API user's email address.")
    token_env: str = Field(
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="Name of the environment variable holding the API token.",
    )
    rate_limit: RateLimit = Field(default_factory=RateLimit)


def _adapter_of(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("adapter", "mock"))
    return str(getattr(value, "adapter", "mock"))


Instance = Annotated[
    Annotated[MockInstance, Tag("mock")] | Annotated[GladlyInstance, Tag("gladly")],
    Discriminator(
        _adapter_of,
        custom_error_type="unknown_adapter",
        custom_error_message="unknown adapter; expected one of: mock, gladly",
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
    instances: dict[InstanceName, Instance] = Field(min_length=1)
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


class Place(NamedTuple):
    """What an instance is, whatever it is called (its tenant: a mock store, a Gladly
    organisation), and the field that makes it so."""

    tenant: str
    field: Literal["path", "base_url"]
    written: str | None  # the field as written; None when left to its default


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
    adapters = _part_adapters()
    adapter = body.get("adapter", "mock")
    try:
        if adapter == "mock":
            path = adapters.path.validate_python(body.get("path"))
            return Place(f"the mock store {_store_path(path, name)}", "path", path)
        if adapter == "gladly" and "base_url" in body:
            base_url = adapters.base_url.validate_python(body["base_url"])
            tenant = f"the Gladly organisation at {tenant_url(base_url)}"
            return Place(tenant, "base_url", base_url)
    except ValidationError:
        pass  # reported by the project's own validation
    return None


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
            return Project.model_validate(body)
        except ValidationError as exc:
            locations = [error["loc"] for error in exc.errors()]
            wrong = {loc[0] for loc in locations if loc}
            if not all(locations) or wrong & _ESSENTIAL:
                return None
            body = {key: value for key, value in body.items() if key not in wrong}
    return None


def _valid_instance(name: Any, body: Any) -> bool:
    adapters = _part_adapters()
    try:
        adapters.name.validate_python(name)
        adapters.instance.validate_python(body)
    except ValidationError:
        return False
    return True


class _PartAdapters(NamedTuple):
    name: TypeAdapter[str]
    instance: TypeAdapter[MockInstance | GladlyInstance]
    path: TypeAdapter[str | None]
    base_url: TypeAdapter[str]
    resources: TypeAdapter[list[str]]


@functools.cache
def _part_adapters() -> _PartAdapters:
    """Each part validated as the project's model does it; built once, when first needed."""
    return _PartAdapters(
        TypeAdapter(InstanceName),
        TypeAdapter(Instance),
        TypeAdapter(StorePath),
        TypeAdapter(BaseUrl),
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
