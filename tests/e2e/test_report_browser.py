"""The fleet report in a real browser: Debian's headless Chromium (``make browser``) opens
the example fleet's report from disk, as someone opens a CI artifact or an attachment.

It checks what only a browser can: the heat maps show prod-us's Thanksgiving and Christmas
gaps, axe-core finds no accessibility violation, the page asks for nothing over any network
and its stylesheet passes its own Content-Security-Policy, the keyboard reaches everything,
and printing unfolds the collapsed sections. Screenshots are kept in the test's tmp folder
(``GLADCFG_SCREENSHOTS=DIR`` copies them there too, e.g. to look at them or to refresh
docs/report.png).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "acme"
CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="Debian's chromium and chromium-driver are not installed (`make browser` installs "
    "them; .ci/run does where apt-get is available)",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example fleet (prod-us applied, so it is healthy) reported for Thanksgiving's and
    Christmas's weeks."""
    from click.testing import CliRunner

    from gladcfg.cli.main import main
    from tests.conftest import _Main

    folder = tmp_path_factory.mktemp("browser")
    root = folder / "acme"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".gladcfg"))
    found = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ACME_WEBHOOK_KEY", "example-key-not-a-secret")
        patch.setenv("GLADCFG_CACHE_DIR", str(folder / "cache"))
        runner = CliRunner()

        def run(*args: str) -> int:
            result = runner.invoke(_Main(main), ["-C", str(root), *args])  # type: ignore[arg-type]
            return result.exit_code

        assert run("apply", "-i", "prod-us", "--auto-approve") == 0
        assert (
            run("state", "edit", "-i", "prod-us", "teams.billing", "description=Billing desk") == 0
        )
        for week, day in (("thanksgiving", "2026-11-23"), ("christmas", "2026-12-21")):
            out = folder / f"{week}.html"
            code = run(
                "report",
                "-i",
                "staging",
                "-i",
                "prod-us",
                "-i",
                "prod-eu",
                "--week",
                day,
                "--out",
                str(out),
            )
            assert code == 2
            found[week] = out
    return found


def screenshot(driver: Any, tmp_path: Path, name: str, *, full: bool = False) -> Path:
    """Save the window (or, with ``full``, the whole page) as ``name``.png."""
    path = tmp_path / f"{name}.png"
    if full:
        metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = metrics["cssContentSize"]
        shot = driver.execute_cdp_cmd(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {
                    "x": 0,
                    "y": 0,
                    "width": size["width"],
                    "height": size["height"],
                    "scale": 1,
                },
            },
        )
        import base64

        path.write_bytes(base64.b64decode(shot["data"]))
    else:
        driver.save_screenshot(str(path))
    keep = os.environ.get("GLADCFG_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(keep) / path.name)
    assert path.stat().st_size > 10_000
    return path


def open_report(driver: Any, path: Path) -> None:
    driver.get_log("performance")  # forget what came before
    driver.get_log("browser")
    driver.get(path.as_uri())
    assert driver.execute_script("return document.readyState") == "complete"


def requests_made(driver: Any) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def gap_cells(driver: Any, instance: str, zone_index: int) -> list[dict[str, str]]:
    """The gap cells of one instance's languages heat map: day, language, what a screen
    reader reads, and how the cell is drawn."""
    return driver.execute_script(  # type: ignore[no-any-return]
        """
        const section = [...document.querySelectorAll('section[data-instance]')]
            .find(s => s.dataset.instance === arguments[0]);
        const table = section.querySelectorAll('table[data-kind="languages"]')[arguments[1]];
        return [...table.querySelectorAll('td.gap')].map(td => {
            const body = td.closest('tbody');
            const style = getComputedStyle(td);
            const box = td.getBoundingClientRect();
            return {
                day: body.querySelector('th[scope="rowgroup"]').textContent,
                language: td.parentElement.querySelector('th[scope="row"]').textContent,
                text: td.querySelector('.sr').textContent,
                mark: td.querySelector('[aria-hidden]').textContent,
                background: style.backgroundImage,
                width: String(box.width),
            };
        });
        """,
        instance,
        zone_index,
    )


def test_the_heat_maps_show_prod_us_holiday_gaps(
    browser: Any, reports: dict[str, Path], tmp_path: Path
) -> None:
    open_report(browser, reports["thanksgiving"])
    screenshot(browser, tmp_path, "report-top")
    cells = gap_cells(browser, "prod-us", 1)  # UTC
    assert {(c["day"], c["language"], c["text"]) for c in cells} == {
        ("Thu 2026-11-26", language, "gap 18:00–24:00") for language in ("en-US", "es-US", "fr-CA")
    }
    for cell in cells:
        assert cell["mark"] == "✕" and "repeating-linear-gradient" in cell["background"]
        assert float(cell["width"]) > 50  # six hours wide, drawn
    local = gap_cells(browser, "prod-us", 0)
    assert {c["text"] for c in local} == {"gap 13:00–19:00"}
    browser.execute_script(
        "document.querySelector('section[data-instance=\"prod-us\"]').scrollIntoView()"
    )
    screenshot(browser, tmp_path, "report-prod-us-thanksgiving")

    open_report(browser, reports["christmas"])
    cells = gap_cells(browser, "prod-us", 1)
    assert {(c["day"], c["text"]) for c in cells} == {
        ("Thu 2026-12-24", "gap 18:00–24:00"),
        ("Fri 2026-12-25", "gap 10:00–24:00"),
    }
    browser.execute_script(
        "document.querySelector('section[data-instance=\"prod-us\"]').scrollIntoView()"
    )
    screenshot(browser, tmp_path, "report-prod-us-christmas")
    screenshot(browser, tmp_path, "report-full", full=True)


def test_nothing_is_requested_and_the_page_keeps_its_own_policy(
    browser: Any, reports: dict[str, Path]
) -> None:
    open_report(browser, reports["thanksgiving"])
    assert requests_made(browser) == [reports["thanksgiving"].as_uri()]
    # The stylesheet is applied under the page's Content-Security-Policy (by its hash),
    # and nothing was refused: the console is quiet.
    assert browser.execute_script("return getComputedStyle(document.body).marginTop") == "0px"
    assert [entry["message"] for entry in browser.get_log("browser")] == []


def test_axe_finds_no_accessibility_violation(browser: Any, reports: dict[str, Path]) -> None:
    from selenium_axe_python import Axe

    open_report(browser, reports["thanksgiving"])
    axe = Axe(browser)
    axe.inject()
    results = axe.run()
    assert results["passes"], "axe-core ran no rule"
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in results["violations"]
    ]
    assert violations == []


def test_the_keyboard_reaches_everything(browser: Any, reports: dict[str, Path]) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    open_report(browser, reports["thanksgiving"])

    def focused() -> dict[str, str]:
        return browser.execute_script(  # type: ignore[no-any-return]
            "const e = document.activeElement;"
            "return {tag: e.tagName, text: e.textContent.trim().slice(0, 60),"
            " href: e.getAttribute('href') || '', cls: e.className || '',"
            " visible: String(e.getBoundingClientRect().left >= 0)};"
        )

    keys = ActionChains(browser)
    keys.send_keys(Keys.TAB).perform()
    first = focused()
    assert first["href"] == "#main" and first["visible"] == "true"  # the skip link shows
    keys.send_keys(Keys.ENTER).perform()
    assert browser.execute_script("return location.hash") == "#main"
    reached = []
    for _ in range(60):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        reached.append(focused())
    summaries = [r for r in reached if r["tag"] == "SUMMARY"]
    assert any(r["text"].startswith("What apply would change") for r in summaries)
    assert any(r["href"] == "#i-prod-us" for r in reached)  # the fleet table's links
    # Enter on a focused summary opens its details.
    browser.execute_script("document.querySelector('details.plan > summary').focus()")
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    assert browser.execute_script("return document.querySelector('details.plan').open") is True


def test_printing_unfolds_the_collapsed_sections(
    browser: Any, reports: dict[str, Path], tmp_path: Path
) -> None:
    open_report(browser, reports["thanksgiving"])
    shown = (
        "return [...document.querySelectorAll('details pre.diff, details table.heat')]"
        ".map(e => e.checkVisibility())"
    )
    on_screen = browser.execute_script(shown)
    assert on_screen and not any(on_screen)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        printed = browser.execute_script(shown)
        assert all(printed) and len(printed) == len(on_screen)
        browser.execute_script(
            "document.querySelector('section[data-instance=\"prod-us\"] details.plan')"
            ".scrollIntoView()"
        )
        screenshot(browser, tmp_path, "report-print")
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = browser.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})
    assert len(pdf["data"]) > 10_000
