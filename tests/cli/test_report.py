"""gladcfg report: the example fleet's HTML report read back with a WHATWG parser (as a
browser reads it), checked against the JSON that status, coverage and plan print."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import html5lib
import pytest

from tests.conftest import BASE_RESOURCES, BILINGUAL_RESOURCES, PROJECT_YAML, MakeProject, RunCli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "acme"
FLEET = ("staging", "prod-us", "prod-eu")
THANKSGIVING_WEEK = "2026-11-23"
CHRISTMAS_WEEK = "2026-12-21"
NS = "{http://www.w3.org/1999/xhtml}"


def parse(text: str) -> ET.Element:
    return html5lib.parse(text, namespaceHTMLElements=False)  # type: ignore[no-any-return]


def text_of(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def hidden_text(element: ET.Element) -> str:
    """What a screen reader reads of a heat-map cell: its visually hidden words."""
    return " ".join(text_of(span) for span in element.iter("span") if span.get("class") == "sr")


def fleet_args() -> list[str]:
    return [arg for name in FLEET for arg in ("-i", name)]


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The example fleet with prod-us and prod-eu applied, then one admin-UI edit on
    prod-eu: staging drifts whole, prod-eu by one field, prod-us not at all."""
    from tests.conftest import _Main

    root = tmp_path_factory.mktemp("report") / "acme"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".gladcfg"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ACME_WEBHOOK_KEY", "example-key-not-a-secret")
        patch.setenv("GLADCFG_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        from click.testing import CliRunner

        from gladcfg.cli.main import main

        runner = CliRunner()
        for args in (
            ["apply", "-i", "prod-us", "--auto-approve"],
            ["apply", "-i", "prod-eu", "--auto-approve"],
            ["state", "edit", "-i", "prod-eu", "teams.billing", "description=Billing desk"],
        ):
            result = runner.invoke(_Main(main), ["-C", str(root), *args])  # type: ignore[arg-type]
            assert result.exit_code == 0, result.output
        yield root


def report(run_cli: RunCli, root: Path, out: Path, *args: str) -> tuple[int, ET.Element, str]:
    result = run_cli("-C", root, "report", *args, "--out", out)
    assert "Traceback" not in result.output
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    return result.exit_code, parse(text), text


def section(document: ET.Element, instance: str) -> ET.Element:
    for found in document.iter("section"):
        if found.get("data-instance") == instance:
            return found
    raise AssertionError(f"no section for {instance}")


def heat_states(table: ET.Element) -> dict[tuple[str, str], list[str]]:
    """(day label, row name) → the state of each of the 24 hours, from the runs' colspans."""
    states: dict[tuple[str, str], list[str]] = {}
    for body in table.iter("tbody"):
        day = ""
        for row in body.iter("tr"):
            header = row.find("th")
            assert header is not None
            if header.get("scope") == "rowgroup":
                day = text_of(header)
                continue
            hours: list[str] = []
            for cell in row.iter("td"):
                assert int(cell.get("data-first", "-1")) == len(hours)
                hours += [cell.get("class", "")] * int(cell.get("colspan", "1"))
            assert len(hours) == 24
            states[(day, text_of(header))] = hours
    return states


def test_the_example_fleets_report(example: Path, run_cli: RunCli, tmp_path: Path) -> None:
    code, document, text = report(
        run_cli, example, tmp_path / "report.html", *fleet_args(), "--week", THANKSGIVING_WEEK
    )
    assert code == 2  # as status: drift somewhere, no check failed

    # One self-contained page: no script, nothing loaded, every link within the page.
    assert list(document.iter("script")) == []
    csp = [m for m in document.iter("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    assert csp and csp[0].get("content", "").startswith("default-src 'none';")
    ids = {element.get("id") for element in document.iter() if element.get("id")}
    for element in document.iter():
        assert element.get("src") is None, element.tag
        assert not any(name.startswith("on") for name in element.attrib), element.tag
        assert "style" not in element.attrib  # the page's one stylesheet is allowed by its hash
        if element.tag == "a":
            href = element.get("href", "")
            assert href.startswith("#") and href[1:] in ids, href
    assert document.get("lang") == "en"
    skip = next(iter(document.iter("a")))
    assert skip.get("href") == "#main" and skip.get("class") == "skip"
    for header in document.iter("th"):
        assert header.get("scope") in ("col", "row", "rowgroup"), text_of(header)

    # The fleet table: one row per instance, linking to its section, as status records it.
    status = {
        record["instance"]: record
        for record in json.loads(
            run_cli("-C", example, "status", *fleet_args(), "--format", "json").stdout
        )["instances"]
    }
    fleet = next(t for t in document.iter("table") if t.get("class") == "fleet")
    rows = fleet.findall("./tbody/tr")
    assert [text_of(row.find("th")) for row in rows] == list(FLEET)  # type: ignore[arg-type]
    for row in rows:
        name = text_of(row.find("th"))  # type: ignore[arg-type]
        cells = [text_of(cell) for cell in row.findall("td")]
        record = status[name]
        assert row.get("data-status") == record["status"]
        adapter, _label, drift, unmanaged, warnings, gaps, read = cells
        assert adapter == "mock"
        assert int(drift) == len(record["drift"]["addresses"])
        assert int(unmanaged) == len(record["unmanaged"])
        assert int(warnings) == len(record["warnings"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", read)
        link = row.find("th/a")
        assert link is not None
        target = document.find(f".//*[@id='{link.get('href', '')[1:]}']")
        assert target is not None and name in text_of(target)
        assert int(gaps) == 3  # Thanksgiving, in three languages: every instance has it
    labels = {text_of(row.find("th")): text_of(row.findall("td")[1]) for row in rows}  # type: ignore[arg-type]
    assert labels == {
        "staging": "▲ drift",
        "prod-us": "◆ healthy, with findings",
        "prod-eu": "▲ drift",
    }

    # Each instance's week, in its own zone and in UTC, is the coverage JSON's.
    for name, zone in (("prod-us", "America/New_York"), ("prod-eu", "Europe/Dublin")):
        part = section(document, name)
        tables = [t for t in part.iter("table") if t.get("data-kind") == "languages"]
        assert len(tables) == 2
        for table, shown in zip(tables, (zone, "UTC"), strict=True):
            coverage = json.loads(
                run_cli(
                    "-C", example, "coverage", "-i", name, "--week", THANKSGIVING_WEEK,
                    "--timezone", shown, "--format", "json",
                ).stdout
            )  # fmt: skip
            gapped = {g["language"] for g in coverage["gaps"]}
            states = heat_states(table)
            assert {row for _, row in states} == set(coverage["languages"])
            for (day, language), hours in states.items():
                minutes = coverage["languages"][language][day[:3].lower()]
                for hour, state in enumerate(hours):
                    if state == "gap":
                        assert language in gapped
                    else:
                        expected = (
                            "open" if minutes[hour] == 60 else "part" if minutes[hour] else "closed"
                        )
                        assert state == expected, (name, shown, day, language, hour)
        inbox_tables = [t for t in part.iter("table") if t.get("data-kind") == "inboxes"]
        assert len(inbox_tables) == 2
        for details in part.iter("details"):
            assert details.get("open") is None  # collapsed until asked for

    # prod-us's Thanksgiving gap, with its exact times and cause, in both zones.
    us = section(document, "prod-us")
    gap_rows = [
        [text_of(cell) for cell in row.findall("td")]
        for table in us.iter("table")
        if table.get("class") == "list gaps"
        for row in table.findall("./tbody/tr")
    ]
    assert gap_rows == [
        [
            "Thu 2026-11-26 13:00",
            "19:00",
            "6h",
            "en-US, es-US, fr-CA",
            "holiday: Thanksgiving (acme-americas, globex-americas)",
        ],
        [
            "Thu 2026-11-26 18:00",
            "Fri 2026-11-27 00:00",
            "6h",
            "en-US, es-US, fr-CA",
            "holiday: Thanksgiving (acme-americas, globex-americas)",
        ],
    ]
    utc = [t for t in us.iter("table") if t.get("data-kind") == "languages"][1]
    thursday = heat_states(utc)[("Thu 2026-11-26", "en-US")]
    assert thursday == ["open"] * 18 + ["gap"] * 6
    gap_cell = next(c for c in utc.iter("td") if c.get("class") == "gap")
    assert hidden_text(gap_cell) == "gap 18:00–24:00" and text_of(gap_cell).startswith("✕")

    # The pending plan: collapsed, with the markdown plan's diff, line for line.
    eu = section(document, "prod-eu")
    plan = next(d for d in eu.iter("details") if d.get("class") == "plan")
    assert plan.get("open") is None
    assert "1 to update" in text_of(plan.find("summary"))  # type: ignore[arg-type]
    shown_lines = [
        "".join(span.itertext())
        for span in plan.iter("span")
        if span.get("class") in ("add", "del")
    ]
    markdown = run_cli("-C", example, "plan", "-i", "prod-eu", "--format", "markdown").stdout
    fenced = re.findall(r"```diff\n(.*?)\n```", markdown, re.S)
    assert shown_lines == [line for block in fenced for line in block.splitlines()]
    assert shown_lines == [
        '- description: "Billing desk"',
        '+ description: "Billing specialists, all regions"',
    ]

    # Follow the sun: per language, who covers each UTC hour; nobody after Thanksgiving's
    # hand-over is missed.
    sun = next(t for t in document.iter("table") if t.get("data-kind") == "sun")
    covered = heat_states(sun)
    assert {language for _, language in covered} == {
        "en-US", "es-US", "fr-CA", "en-GB", "fr-FR", "de-DE",
    }  # fmt: skip
    assert covered[("Thu 2026-11-26", "en-US")] == ["many"] * 18 + ["gap"] * 6
    assert covered[("Mon 2026-11-23", "de-DE")] == ["one"] * 24
    monday = next(
        row for body in sun.iter("tbody") for row in body.iter("tr")
        if text_of(row.find("th")) == "en-US"  # type: ignore[arg-type]
    )  # fmt: skip
    assert hidden_text(monday) == "staging, prod-us 00:00–24:00"
    uncovered = next(t for t in document.iter("table") if t.get("class") == "list uncovered")
    lines = {
        text_of(row.find("th")): [  # type: ignore[arg-type]
            [text_of(item) for item in cell.iter("li")] or [text_of(cell)]
            for cell in row.findall("td")
        ]
        for row in uncovered.iter("tr")
        if row.find("td") is not None
    }
    assert lines["en-US"] == [
        ["✕ Thu 2026-11-26 18:00 → Fri 2026-11-27 00:00 UTC (6h)"],
        [
            "Sat 2026-11-28 01:00 → 15:00 UTC (14h)",
            "Sat 2026-11-28 19:00 → Mon 2026-11-30 00:00 UTC (29h)",
        ],
    ]
    # The weekend is promised by nobody (policy.coverage is Monday to Friday): not a gap.
    assert covered[("Sun 2026-11-29", "en-US")] == ["closed"] * 24
    # Inboxes folded per week (two for each instance), and each instance's plan.
    assert text.count("<details") == 2 * 3 + 3


def test_christmas_gaps_and_their_causes(example: Path, run_cli: RunCli, tmp_path: Path) -> None:
    code, document, _ = report(
        run_cli, example, tmp_path / "r.html", "-i", "prod-us", "--week", CHRISTMAS_WEEK
    )
    assert code == 0  # prod-us is what its files say: healthy, findings are only shown
    gaps = [
        [text_of(cell) for cell in row.findall("td")]
        for table in section(document, "prod-us").iter("table")
        if table.get("class") == "list gaps"
        for row in table.findall("./tbody/tr")
    ]
    assert gaps[2:] == [
        [
            "Thu 2026-12-24 18:00",
            "Fri 2026-12-25 00:00",
            "6h",
            "en-US, es-US, fr-CA",
            "holiday: Christmas Eve (acme-americas, globex-americas)",
        ],
        [
            "Fri 2026-12-25 10:00",
            "Sat 2026-12-26 00:00",
            "14h",
            "en-US, es-US, fr-CA",
            "holiday: Christmas Day (acme-americas, acme-emea, globex-americas, globex-emea)",
        ],
    ]


def test_an_instance_that_cannot_be_checked_is_an_error_row(
    example: Path, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GLADLY_SANDBOX_TOKEN", raising=False)
    code, document, _ = report(run_cli, example, tmp_path / "r.html", "--all")
    assert code == 1
    fleet = next(t for t in document.iter("table") if t.get("class") == "fleet")
    states = {
        text_of(row.find("th")): row.get("data-status") for row in fleet.findall("./tbody/tr")
    }  # type: ignore[arg-type]
    assert states == {
        "staging": "drift",
        "prod-us": "healthy",
        "prod-eu": "drift",
        "sandbox": "error",
    }
    error = section(document, "sandbox").find(".//p[@class='error-text']")
    assert error is not None and "GLADLY_SANDBOX_TOKEN" in text_of(error)


def test_the_report_never_replaces_an_input(example: Path, run_cli: RunCli) -> None:
    before = (example / "gladcfg.yaml").read_bytes()
    result = run_cli("-C", example, "report", "-i", "prod-us", "--out", example / "gladcfg.yaml")
    assert result.exit_code == 1 and "gladcfg.yaml" in result.output
    assert (example / "gladcfg.yaml").read_bytes() == before


def test_instances_are_chosen_as_status_chooses_them(
    example: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    result = run_cli(
        "-C", example, "report", "-i", "prod-us", "--all", "--out", tmp_path / "r.html"
    )
    assert result.exit_code == 1 and "not both" in result.output
    result = run_cli("-C", example, "report", "-i", "nowhere", "--out", tmp_path / "r.html")
    assert result.exit_code == 1 and not (tmp_path / "r.html").exists()


def test_a_part_open_hour_says_how_much_of_it_is_open(
    make_project: MakeProject, run_cli: RunCli, tmp_path: Path
) -> None:
    resources = BASE_RESOURCES.replace('mon-fri: ["08:00-20:00"]', 'mon-fri: ["08:30-20:00"]')
    root = make_project({"config/base.yaml": resources})
    out = tmp_path / "r.html"
    code, document, _ = report(run_cli, root, out, "-i", "prod", "--week", THANKSGIVING_WEEK)
    assert code == 2  # nothing applied yet
    local = next(t for t in document.iter("table") if t.get("data-kind") == "languages")
    monday = heat_states(local)[("Mon 2026-11-23", "en-US")]
    assert monday == ["closed"] * 8 + ["part"] + ["open"] * 11 + ["closed"] * 4
    texts = [hidden_text(cell) for cell in local.iter("td")][:4]
    assert texts == [
        "closed 00:00–08:00",
        "open 30 min of 08:00–09:00",
        "open 09:00–20:00",
        "closed 20:00–24:00",
    ]
    # Without policy.coverage the target is the hours some inbox is open: no gap.
    assert "the hours some inbox is open" in text_of(document)


def test_anchors_are_the_instances_names_and_every_reference_resolves(
    make_project: MakeProject, run_cli: RunCli, tmp_path: Path
) -> None:
    # Names that a numbering or a lossy slug would confuse: "prod-w1" next to prod's
    # weeks, "prod.us" next to "prod-us".
    names = ["prod", "prod-w1", "w1-i-prod", "prod.us", "prod-us", "prod_us"]
    project = "version: 1\nresources: ['config/**/*.yaml']\nvars: {brand: Acme}\ninstances:\n"
    project += "".join(
        f"  {name}:\n    vars: {{support_email: support@acme.example}}\n" for name in names
    )
    root = make_project({"config/base.yaml": BASE_RESOURCES}, project_yaml=project)
    out = tmp_path / "r.html"
    code, document, _ = report(run_cli, root, out, "--all", "--week", THANKSGIVING_WEEK)
    assert code == 2  # nothing applied: drift everywhere
    ids = [element.get("id", "") for element in document.iter() if element.get("id")]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    by_id = {element.get("id"): element for element in document.iter() if element.get("id")}
    for element in document.iter():
        if element.tag == "a":
            assert element.get("href", "")[1:] in by_id, element.get("href")
        labelled = element.get("aria-labelledby")
        if labelled is not None:
            assert labelled in by_id, labelled
    for name in names:
        part = section(document, name)
        heading = by_id[part.get("aria-labelledby")]
        assert heading.get("id") == f"i-{name}" and heading.tag == "h2"
        assert f"Instance {name}" in text_of(heading)
        links = [a for a in document.iter("a") if a.get("href") == f"#i-{name}"]
        assert len(links) == 2  # from the contents and from the fleet table


def test_a_holiday_at_the_calendars_end_is_no_internal_error(
    make_project: MakeProject, run_cli: RunCli, tmp_path: Path
) -> None:
    resources = BASE_RESOURCES.replace(
        '    weekly: {mon-fri: ["08:00-20:00"]}',
        '    weekly: {mon-fri: ["08:00-20:00"]}\n'
        "    holidays:\n"
        "      - {date: 0001-01-01, name: First}\n"
        "      - {date: 2026-11-26, name: Thanksgiving}\n"
        "      - {date: 9999-12-31, name: Last}",
    )
    policy = (
        "policy:\n  coverage:\n    timezone: America/New_York\n"
        '    weekly: {mon-fri: ["08:00-20:00"]}\n'
    )
    root = make_project({"config/base.yaml": resources}, project_yaml=PROJECT_YAML + policy)
    # The policy's hours are the inbox's: only Thanksgiving leaves a gap.
    for week, causes_shown in (
        (THANKSGIVING_WEEK, ["holiday: Thanksgiving (support)"] * 2),  # New York, UTC
        ("0001-01-10", []),
        ("9999-12-20", []),
    ):
        out = tmp_path / f"{week}.html"
        code, document, _ = report(run_cli, root, out, "-i", "prod", "--week", week)
        assert code == 2, week  # nothing applied yet; the report is written
        causes = [
            text_of(row.findall("td")[-1])
            for table in section(document, "prod").iter("table")
            if table.get("class") == "list gaps"
            for row in table.findall("./tbody/tr")
        ]
        assert causes == causes_shown, week


def test_an_error_of_several_lines_reads_as_lines(
    make_project: MakeProject, run_cli: RunCli, tmp_path: Path
) -> None:
    resources = BASE_RESOURCES.replace("{{ support_email }}", "not-an-address")
    root = make_project({"config/base.yaml": resources})
    code, document, text = report(run_cli, root, tmp_path / "r.html", "-i", "prod")
    assert code == 1
    error = section(document, "prod").find(".//p[@class='error-text']")
    assert error is not None
    lines = "".join(error.itertext()).splitlines()
    assert lines[0] == "1 error(s) in the project files", lines
    assert "not-an-address" in lines[1] and "\\u000a" not in text


def test_follow_the_sun_holds_each_instance_to_the_languages_it_promises(
    make_project: MakeProject, run_cli: RunCli, tmp_path: Path
) -> None:
    # prod promises English 08-20 (New York); its Spanish inbox is open 09-17, unpromised.
    resources = BILINGUAL_RESOURCES
    policy = (
        "policy:\n  coverage:\n    timezone: America/New_York\n"
        '    weekly: {mon-fri: ["08:00-20:00"]}\n    languages: [en-US]\n'
    )
    root = make_project({"config/base.yaml": resources}, project_yaml=PROJECT_YAML + policy)
    _, document, _ = report(
        run_cli, root, tmp_path / "r.html", "-i", "prod", "--week", "2026-11-09"
    )
    sun = next(t for t in document.iter("table") if t.get("data-kind") == "sun")
    monday = heat_states(sun)
    # 08:00-09:00 New York is 13:00-14:00 UTC: Spanish is closed then, and nobody promised it.
    assert monday[("Mon 2026-11-09", "es-US")][13] == "closed"
    assert monday[("Mon 2026-11-09", "es-US")][14] == "one"
    assert monday[("Mon 2026-11-09", "en-US")][13] == "one"
