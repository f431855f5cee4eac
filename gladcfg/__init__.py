"""gladcfg: configuration as code for Gladly customer-service instances.

The public API is re-exported here and loaded on first use, so importing gladcfg (and
starting the CLI) does not pay for pydantic or Jinja until they are needed. The engine's two
entry points are :func:`gladcfg.engine.plan` and :func:`gladcfg.engine.apply`, each given
a request for one instance; a plan is :class:`gladcfg.model.plan.Plan`, plain data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gladcfg.lazy import exports

__version__ = "0.1.0"

_EXPORTS = {
    "ConfigError": "gladcfg.errors",
    "GladcfgError": "gladcfg.errors",
    "Problem": "gladcfg.errors",
    "Severity": "gladcfg.errors",
    "DesiredState": "gladcfg.config",
    "ValidationReport": "gladcfg.config",
    "Workspace": "gladcfg.config",
    "load_desired": "gladcfg.config",
    "validate": "gladcfg.config",
    "Project": "gladcfg.model.project",
    "ResourceFile": "gladcfg.model.project",
    "KINDS": "gladcfg.model.kinds",
}

__all__ = [
    "KINDS",
    "ConfigError",
    "DesiredState",
    "GladcfgError",
    "Problem",
    "Project",
    "ResourceFile",
    "Severity",
    "ValidationReport",
    "Workspace",
    "__version__",
    "load_desired",
    "validate",
]

if TYPE_CHECKING:
    from gladcfg.config import DesiredState, ValidationReport, Workspace, load_desired, validate
    from gladcfg.errors import ConfigError, GladcfgError, Problem, Severity
    from gladcfg.model.kinds import KINDS
    from gladcfg.model.project import Project, ResourceFile


__getattr__ = exports(__name__, _EXPORTS)
