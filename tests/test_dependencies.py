"""No dependency may be, or be allowed to be, a release with a published escape of its
sandbox or parser, or a denial of service on input gladcfg reads (SPEC §9)."""

from __future__ import annotations

import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

# package: (the first safe release, the advisories it fixes)
SECURITY_FLOORS = {
    "jinja2": ("3.1.6", "CVE-2024-56201, CVE-2024-56326, CVE-2025-27516: sandbox escapes"),
    "pyyaml": ("5.4", "CVE-2020-14343: arbitrary code through full_load"),
    "pydantic": ("2.4.0", "CVE-2024-3772: regular expression denial of service in emails"),
    "deepdiff": ("8.6.1", "CVE-2025-58367: class pollution through Delta"),
    "pygments": ("2.15.0", "CVE-2022-40896: regular expression denial of service"),
    "httpx": ("0.23.0", "CVE-2021-41945: URL parsing"),
    "h11": ("0.16.0", "CVE-2025-43859: request smuggling through chunked bodies"),
    "certifi": ("2024.7.4", "CVE-2024-39689: distrusted GLOBALTRUST roots"),
    "idna": ("3.7", "CVE-2024-3651: denial of service in encode"),
    "starlette": ("0.49.1", "CVE-2025-54121, CVE-2025-62727: denial of service"),
    "uvicorn": ("0.11.7", "CVE-2020-7694, CVE-2020-7695: log and header injection"),
}

PYPROJECT = Path(__file__).parents[1] / "pyproject.toml"


def _declared() -> dict[str, Requirement]:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    lines = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        lines.extend(extra)
    requirements = [Requirement(line) for line in lines]
    return {r.name.lower(): r for r in requirements}


@pytest.mark.parametrize("package", sorted(SECURITY_FLOORS))
def test_pyproject_never_admits_a_release_with_a_published_advisory(package: str) -> None:
    safe, advisories = SECURITY_FLOORS[package]
    requirement = _declared().get(package)
    assert requirement is not None, f"{package} is not declared, so nothing sets its floor"
    floors = [Version(s.version) for s in requirement.specifier if s.operator in (">=", "==")]
    assert floors, f"{requirement} has no floor"
    assert max(floors) >= Version(safe), f"{requirement} admits releases with {advisories}"


@pytest.mark.parametrize("package", sorted(SECURITY_FLOORS))
def test_the_installed_release_is_past_every_advisory(package: str) -> None:
    safe, advisories = SECURITY_FLOORS[package]
    installed = version(package)
    assert Version(installed) >= Version(safe), f"{package} {installed}: {advisories}"
    assert _declared()[package].specifier.contains(installed, prereleases=True)
