"""Pydantic models of every resource kind and of gladcfg.yaml: the only place fields are defined."""

from gladcfg.model.project import GladlyInstance, Instance, MockInstance, Project, ResourceFile
from gladcfg.model.resources import (
    KIND_MODELS,
    KINDS,
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
    "Answer",
    "Audience",
    "AutoReplyRule",
    "BusinessHours",
    "EntryPoint",
    "GladlyInstance",
    "Inbox",
    "Instance",
    "MockInstance",
    "Project",
    "Resource",
    "ResourceFile",
    "Settings",
    "Team",
    "Topic",
]
