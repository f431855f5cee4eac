"""The instance's settings: one object per instance, addressed as ``settings``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar, cast

from pydantic import (
    Field,
)

from gladcfg.errors import Problem
from gladcfg.model.resource import Invalid, Kind
from gladcfg.model.types import (
    InstanceGlob,
    LanguageTag,
    Model,
    TimeZone,
)

if TYPE_CHECKING:
    from gladcfg.config.desired import Declared, DesiredState


class Retention(Model):
    conversations_days: int | None = Field(default=None, ge=1)
    voice_recordings_days: int | None = Field(default=None, ge=1)


class Sso(Model):
    enabled: bool = False
    idp_metadata_url: str | None = Field(default=None, pattern=r"^https://\S+$")


class Settings(Model):
    """The instance-wide settings: one per instance."""

    KIND: ClassVar[str] = "settings"
    instances: list[InstanceGlob] | None = None
    default_language: LanguageTag
    languages: list[LanguageTag] = Field(min_length=1)
    timezone: TimeZone
    retention: Retention | None = None
    sso: Sso | None = None

    @classmethod
    def as_read(cls, spec: dict[str, Any]) -> dict[str, Any]:
        """As :meth:`Resource.as_read`: the settings have no other spelling."""
        return spec

    def spec(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude={"instances"}, exclude_none=True)

    def canonical(self) -> dict[str, Any]:
        return self.spec()


def unconfigured(
    declared: Declared, languages: list[str], configured: list[str]
) -> Iterator[Problem]:
    """``declared.languages`` entries the instance does not have (none without settings)."""
    for index, language in enumerate(languages):
        if configured and language not in configured:
            yield declared.source.problem(
                f"language '{language}' is not configured for this instance "
                f"(settings.languages: {', '.join(configured)})",
                (*declared.path, "languages", index),
            )


def known_settings(state: DesiredState) -> Settings | None:
    """The settings, when a check can read their languages (partly valid ones too)."""
    declared = state.usable_settings("languages")
    return None if declared is None else cast(Settings, declared.model)


def configured_languages(state: DesiredState) -> list[str]:
    """The instance's languages (none when its settings are not known)."""
    settings = known_settings(state)
    return [] if settings is None else list(settings.languages)


def _default_language(state: DesiredState, _: Invalid) -> Iterator[Problem]:
    declared_settings = state.usable_settings("languages")
    if declared_settings is None:
        return
    settings = cast(Settings, declared_settings.model)
    configured = list(settings.languages)
    default = settings.default_language  # None when it is the field in error
    if default is not None and default not in configured:
        yield declared_settings.source.problem(
            f"default_language '{settings.default_language}' is not one of languages "
            f"({', '.join(configured)})",
            ("settings", "default_language"),
        )


ENTRY = Kind(Settings, "settings", singleton=True, checks=(_default_language,))
