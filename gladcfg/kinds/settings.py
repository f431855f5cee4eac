"""The instance's settings: one object per instance, addressed as ``settings``."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import (
    Field,
)

from gladcfg.model.resource import Kind
from gladcfg.model.types import (
    InstanceGlob,
    LanguageTag,
    Model,
    TimeZone,
)


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


ENTRY = Kind(Settings, "settings", singleton=True)
