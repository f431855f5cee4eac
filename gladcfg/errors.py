"""The one exception tree of gladcfg.

Every failure a user can cause or meet is a :class:`GladcfgError`; the CLI's single handler
maps the tree to exit codes and clean messages, so nothing below the CLI calls ``sys.exit``
and no user error ever ends in a traceback::

    GladcfgError                 exit 1
    ├── SourceError              a project file that cannot be read, rendered or loaded, at
    │   │                        a line and column when known (validation makes it a Problem)
    │   ├── FileProblem          not a regular UTF-8 text file within the size limit
    │   ├── TemplateProblem      Jinja refused it, or it ran past its render budget
    │   └── YamlError            not YAML, or past the bounds of size, depth and aliases
    ├── ProjectError             no project here, or gladcfg.yaml unusable before validation
    ├── PluginError              an installed adapter cannot be loaded, or is not declared
    │                            as an adapter is (the ``gladcfg.adapters`` entry points)
    ├── ConfigError              the project files are invalid: carries every Problem found
    ├── UnknownInstanceError     -i names an instance gladcfg.yaml does not declare
    ├── ScaffoldError            init, export or import would overwrite files, or cannot
    │                            write what was asked where it was asked
    ├── PlanFileError            a saved plan cannot be read, or is not for this project
    ├── RefusedError             apply said no before changing anything (deletes without
    │                            --allow-delete, safety thresholds, stale plan, no terminal)
    ├── TargetError              a --target pattern matches nothing, declared or held
    ├── ApplyFailedError         some changes of an apply failed; the report says which
    ├── OutputFileError          a file asked for (--out, --rollback-out) cannot be written
    ├── SecretMissingError       a write needs a secret whose environment variable is unset
    └── AdapterError             the instance refused or failed a request (with the HTTP
        │                        status, the remote's error codes and request id, if any)
        ├── LockedError          the instance is busy (another writer held it too long)
        ├── NotKeptError         the writes of a batch could not be kept: none of them was
        ├── GoneError            the object no longer exists: plan again
        ├── ChangedError         the object changed since it was read: plan again
        ├── ExistsError          a create found the name taken (made meanwhile, or unseen)
        ├── AuthError            the credentials were refused (HTTP 401/403)
        ├── NotFoundError        no such object (HTTP 404): absent, or gone
        ├── BadResponseError     an answer that is not what the API documents
        └── TransientError       worth retrying (rate limited, unavailable)
            └── LostResponseError  a request may have been carried out; its answer was lost

A :class:`Problem` is one finding of validation: where (file, line, column, and the
``kind.name.field`` address) and why, the why ending in a "did you mean" where one exists. Problems
are data so a run can collect all of them before it reports; only the CLI turns them into text.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from gladcfg.names import escaped


class GladcfgError(Exception):
    """Root of every error gladcfg reports to a user (exit code 1)."""

    exit_code = 1


class SourceError(GladcfgError):
    """A project file that cannot be read, rendered or loaded; ``line`` and ``column`` are
    1-based when known. Validation turns each into a :class:`Problem` of its file."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return self.message


class FileProblem(SourceError):
    """Not a regular UTF-8 text file within the size limit."""


class TemplateProblem(SourceError):
    """Jinja refused the template, or rendering it ran past its budget; ``out_of_time``
    says it was the time budget, so a fleet need not spend it again on the same file."""

    def __init__(self, message: str, line: int | None = None, *, out_of_time: bool = False):
        super().__init__(message, line)
        self.out_of_time = out_of_time


class YamlError(SourceError):
    """Not YAML, or past the bounds gladcfg sets on size, nesting and aliases."""


class ProjectError(GladcfgError):
    """The project cannot be opened: no gladcfg.yaml, or a path that leaves the project."""


class PluginError(GladcfgError):
    """An adapter an installed distribution declares cannot be loaded, or is not declared as
    an adapter is (``gladcfg.adapters`` entry points naming an AdapterPlugin)."""


class UnknownInstanceError(GladcfgError):
    """An instance name given on the command line is not declared in gladcfg.yaml."""


class ScaffoldError(GladcfgError):
    """``init``, ``export`` or ``import`` refused: none ever overwrites a file, nor writes
    anything when part of what was asked cannot be written."""


class PlanFileError(GladcfgError):
    """A saved plan that cannot be read or does not belong to this project."""


class RefusedError(GladcfgError):
    """Apply refused before changing anything."""


class TargetError(GladcfgError):
    """A ``--target`` pattern matches no object the files declare or the instance holds."""


class ApplyFailedError(GladcfgError):
    """An apply ended with failed changes (the report was already printed)."""


class OutputFileError(GladcfgError):
    """A file the user asked gladcfg to write (a saved plan, a rollback plan) cannot be
    written; checked before an apply changes anything."""


class SecretMissingError(GladcfgError):
    """A write needs a secret (a webhook's credentials or header values) and the environment
    variable the files name for it is not set. The message names the variable, never a value."""


class AdapterError(GladcfgError):
    """The instance refused or failed a request. The message is the remote's reason, already
        translated at the adapter boundary; nothing above it sees transport exceptions. Where the
        remote answered, ``status`` is its HTTP status, ``codes`` its error codes (Gladly's
        ``taken``, ``version_outdated``…), ``meta`` what its errors add (the id of the answer
    holding a name taken: ``existingAnswerId``) and ``request_id`` the id to quote to its
    support."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        codes: tuple[str, ...] = (),
        request_id: str | None = None,
        meta: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.codes = codes
        self.request_id = request_id
        self.meta: Mapping[str, str] = meta or {}


class LockedError(AdapterError):
    """The instance stayed busy with another writer for longer than gladcfg waits."""


class NotKeptError(AdapterError):
    """The writes made in one batch (:class:`~gladcfg.adapter.base.Batches`) could not be
    kept together: none of them was. Each can be sent again on its own."""


class GoneError(AdapterError):
    """The object changed was deleted on the instance since the plan was made."""


class ChangedError(AdapterError):
    """The object was changed on the instance since it was read: writing it would overwrite
    someone else's edit."""


class ExistsError(AdapterError):
    """A create (or a rename to a new name) found the name taken on the instance: someone
    made an object of that name since the plan read it, or the plan never saw it. An apply
    looks the object up to tell the object it meant to make, made by another apply
    meanwhile, from a different one."""


class AuthError(AdapterError):
    """HTTP 401/403: the token, or the user's permission."""


class NotFoundError(AdapterError):
    """HTTP 404: the adapter decides whether that means "absent" or "gone, plan again"."""


class BadResponseError(AdapterError):
    """A response that is not what the API documents: not JSON, or the wrong shape."""


class TransientError(AdapterError):
    """A failure worth retrying: rate limited, temporarily unavailable."""


class LostResponseError(TransientError):
    """A request may have reached the remote, but its response did not reach us."""


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One validation finding, positioned as precisely as the input allows."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    address: str | None = None
    severity: Severity = Severity.ERROR
    instances: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def location(self) -> str:
        if self.file is None:
            return ""
        file = path_shown(self.file)
        if self.line is None:
            return file
        if self.column is None:
            return f"{file}:{self.line}"
        return f"{file}:{self.line}:{self.column}"

    def key(self) -> tuple[object, ...]:
        """Identity of a finding regardless of which instances it was found in."""
        return (self.file, self.line, self.column, self.address, self.message, self.severity)


def path_shown(path: str) -> str:
    """A file name as a message shows it: escaped as names are (a bidi override would
    reverse the line in a terminal), a byte that is not UTF-8 as ``\\xe9``."""
    return escaped(path)


def under_instance(instance: str, error: Exception | None) -> str:
    """The message of ``error`` shown under its instance's name, which it need not repeat
    (an error raised where no heading names the instance begins with it)."""
    return str(error or "").removeprefix(f"instance '{instance}': ")


def merge_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Fold findings that several instances share into one, naming all those instances.

    A typo in a file rendered for five instances is one mistake: report it once.
    """
    merged: dict[tuple[object, ...], Problem] = {}
    for problem in problems:
        seen = merged.get(problem.key())
        if seen is None:
            merged[problem.key()] = problem
        else:
            names = tuple(dict.fromkeys(seen.instances + problem.instances))
            merged[problem.key()] = replace(seen, instances=names)
    return sorted(merged.values(), key=_problem_order)


def _problem_order(problem: Problem) -> tuple[object, ...]:
    return (
        problem.file or "",
        problem.line or 0,
        problem.column or 0,
        problem.severity is not Severity.ERROR,
        problem.address or "",
        problem.message,
    )


class ConfigError(GladcfgError):
    """The project's files are invalid; ``problems`` holds every finding of the run."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        errors = sum(1 for p in self.problems if p.is_error)
        super().__init__(f"{errors} error(s) in the project files")
