"""gladcfg installs like any Python CLI: ``python -m build`` makes an sdist and, from it, a
wheel; the wheel, installed into a clean virtual environment outside the checkout, carries
all it needs (the scaffold, the report's template, Gladly's published API document) and runs
a first project's init → validate → plan → apply → empty plan → report from there."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What gladcfg reads from its own package at run time.
PACKAGE_DATA = {
    "gladcfg/py.typed",
    "gladcfg/scaffold/gladcfg.yaml",
    "gladcfg/scaffold/config/organization.yaml",
    "gladcfg/scaffold/config/support.yaml",
    "gladcfg/render/templates/report.html.j2",
    "gladcfg/render/templates/report.css",
    "gladcfg/spec/gladly-openapi.json",
}


def run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--outdir", out, ROOT, cwd=out)
    return out


def test_the_sdist_and_wheel_hold_the_package_and_its_data(dist: Path) -> None:
    (wheel,) = dist.glob("gladcfg-*.whl")
    (sdist,) = dist.glob("gladcfg-*.tar.gz")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert names >= PACKAGE_DATA, PACKAGE_DATA - names
    assert not [n for n in names if n.startswith(("tests/", "bench/", ".venv/"))]
    with tarfile.open(sdist) as archive:
        inside = {name.partition("/")[2] for name in archive.getnames()}
    assert {"pyproject.toml", "README.md", *PACKAGE_DATA} <= inside
    assert not [n for n in inside if n.startswith(".venv/")]


def test_the_wheel_installed_outside_the_checkout_runs_a_first_project(
    dist: Path, tmp_path: Path
) -> None:
    (wheel,) = dist.glob("gladcfg-*.whl")
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    run(venv / "bin/python", "-m", "pip", "install", "--quiet", wheel, cwd=tmp_path)
    # Nothing from the checkout or this suite's environment: only the new venv on PATH.
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    located = run(
        venv / "bin/python", "-c", "import gladcfg; print(gladcfg.__file__)", cwd=tmp_path, env=env
    )
    assert Path(located.strip()).is_relative_to(venv)

    def gladcfg(*args: str) -> str:
        return run("gladcfg", *args, cwd=tmp_path / "acme", env=env)

    run("gladcfg", "init", "acme", cwd=tmp_path, env=env)
    assert "valid" in gladcfg("validate")
    assert "to create" in gladcfg("plan", "-i", "staging")
    assert "0 failed" in gladcfg("apply", "-i", "staging", "--auto-approve")
    assert "No changes." in gladcfg("plan", "-i", "staging", "--detailed-exitcode")
    gladcfg("report", "-i", "staging", "--out", "report.html")
    assert "<html" in (tmp_path / "acme/report.html").read_text()
