"""Pydantic models of every resource kind and of gladcfg.yaml: the only place fields are defined."""

from gladcfg.model.kinds import KIND_MODELS, KINDS
from gladcfg.model.project import AdapterPlugin, InstanceBase, Project, ResourceFile
from gladcfg.model.resources import (
    Answer,
    Audience,
    AutoReplyRule,
    BusinessHours,
    EntryPoint,
    Inbox,
    Resource,
    Settings,
    Team,
    Topic,
)

__all__ = [
    "KINDS",
    "KIND_MODELS",
    "AdapterPlugin",
    "Answer",
    "Audience",
    "AutoReplyRule",
    "BusinessHours",
    "EntryPoint",
    "Inbox",
    "InstanceBase",
    "Project",
    "Resource",
    "ResourceFile",
    "Settings",
    "Team",
    "Topic",
]
