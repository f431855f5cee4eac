"""The shipped example project is realistic and validates cleanly on every instance."""

from __future__ import annotations

from pathlib import Path

from gladcfg.config import Workspace, validate
from gladcfg.kinds.answers import Answer
from gladcfg.kinds.business_hours import BusinessHours
from gladcfg.kinds.entry_points import EntryPoint

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "acme"


def test_example_validates_strictly_on_every_instance() -> None:
    workspace = Workspace.open(EXAMPLE)
    report = validate(workspace, workspace.select())
    assert report.problems == []
    assert set(report.states) == {"staging", "prod-us", "prod-eu", "sandbox"}


def test_example_covers_what_it_promises() -> None:
    workspace = Workspace.open(EXAMPLE)
    report = validate(workspace, workspace.select())
    us, eu = report.states["prod-us"], report.states["prod-eu"]
    assert set(us.declared("audiences")) == {"acme", "globex"}  # two brands
    zones = {
        m.model.timezone
        for m in us.declared("business_hours").values()
        if isinstance(m.model, BusinessHours)
    }
    assert zones == {"America/New_York", "Europe/Dublin", "Asia/Singapore"}
    channels = {
        m.model.channel
        for m in us.declared("entry_points").values()
        if isinstance(m.model, EntryPoint)
    }
    assert channels == {"email", "sms", "chat", "voice"}
    languages = {
        language
        for state in (us, eu)
        for m in state.declared("answers").values()
        if isinstance(m.model, Answer)
        for language in m.model.content
    }
    assert len(languages) >= 3
    # Vars drive the differences between instances.
    us_mail = us.declared("entry_points")["acme-email"].model
    eu_mail = eu.declared("entry_points")["acme-email"].model
    assert isinstance(us_mail, EntryPoint) and isinstance(eu_mail, EntryPoint)
    assert (us_mail.address, eu_mail.address) == ("support@acme.example", "eu-support@acme.example")
