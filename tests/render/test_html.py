"""The HTML report holds hostile names and values inert: markup shows as text, quotes never
leave an attribute, bidirectional controls are shown escaped and names sit in <bdi>."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib

from gladcfg.engine.report import FleetReport, InstanceReport, LanguageCover
from gladcfg.model.status import CoverageGap, Drift, InstanceStatus
from gladcfg.render.html import render_report_html
from tests.conftest import BASE_RESOURCES, MakeProject, RunCli

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
HOSTILE = "</pre><script>alert('x')</script><img src=x onerror=alert(1)>\"'\u202eevil\u2066"


def parse(text: str) -> ET.Element:
    return html5lib.parse(text, namespaceHTMLElements=False)  # type: ignore[no-any-return]


def assert_inert(text: str) -> ET.Element:
    document = parse(text)
    assert [
        element.tag
        for element in document.iter()
        if element.tag in ("script", "img", "iframe", "object")
    ] == []
    for element in document.iter():
        assert not any(name.startswith("on") for name in element.attrib), element.attrib
        for name, value in element.attrib.items():
            assert not value.startswith("javascript:"), name
    assert not any(char in text for char in BIDI), "a bidirectional control reached the page"
    return document


def test_a_hostile_record_is_shown_as_text() -> None:
    record = InstanceStatus(
        instance=HOSTILE,
        adapter=HOSTILE,
        status="drift",
        drift=Drift(update=1, addresses=[HOSTILE]),
        unmanaged=[HOSTILE],
        warnings=[HOSTILE],
        coverage_gaps=[CoverageGap(language=HOSTILE, start="x", end="y", minutes=60)],
    )
    broken = InstanceStatus(instance=HOSTILE + "2", status="error", error=HOSTILE)
    start = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
    cover = LanguageCover(HOSTILE, [(HOSTILE,)] * 100 + [()] * 68, [(6000, 10080)], [(0, 7200)])
    report = FleetReport(
        generated_at="2026-11-30T12:00:00+00:00",
        week_start=start,
        instances=[
            InstanceReport(record, read_at="2026-11-30T12:00:00+00:00"),
            InstanceReport(broken),
        ],
        follow_the_sun=[cover],
    )
    text = render_report_html(report)
    document = assert_inert(text)
    shown = "".join(document.itertext())
    assert (
        "</pre><script>alert('x')</script><img src=x onerror=alert(1)>\"'\\u202eevil\\u2066"
        in shown
    )
    names = [element for element in document.iter("bdi") if "alert" in "".join(element.itertext())]
    assert len(names) >= 5  # the instance's name in the nav, the fleet table, its heading…
    error = document.find(".//p[@class='error-text']")
    assert error is not None and "onerror" in "".join(error.itertext())


def test_hostile_values_in_a_plan_are_inert(
    make_project: MakeProject, run_cli: RunCli, tmp_path: Path
) -> None:
    hostile = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
    resources = BASE_RESOURCES.replace(
        "tier1: {description: Tier 1}", f'tier1: {{description: "{hostile}"}}'
    ).replace('"We are closed."', f'"{hostile}"')
    root = make_project({"config/base.yaml": resources})
    out = tmp_path / "report.html"
    result = run_cli("-C", root, "report", "-i", "staging", "--out", out, "--week", "2026-11-23")
    assert result.exit_code == 2, result.output
    document = assert_inert(out.read_text(encoding="utf-8"))
    diff = "".join("".join(pre.itertext()) for pre in document.iter("pre"))
    assert "+ description: \"</pre><script>alert('x')</script>" in diff
    assert "\\u202eevil\\u2066" in diff
