"""Shared helpers: real project folders in tmp_path, and the real CLI."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from gladcfg.cli.main import cli

PROJECT_YAML = """\
version: 1
resources: ["config/**/*.yaml"]
vars: {brand: Acme}
instances:
  staging:
    vars: {support_email: support@staging.acme.example}
  prod:
    vars: {support_email: support@acme.example}
"""

BASE_RESOURCES = """\
settings:
  default_language: en-US
  languages: [en-US]
  timezone: America/New_York
audiences:
  acme: {}
teams:
  tier1: {description: Tier 1}
business_hours:
  support:
    timezone: America/New_York
    weekly: {mon-fri: ["08:00-20:00"]}
inboxes:
  support: {teams: [tier1], business_hours: support}
entry_points:
  support-email:
    channel: email
    address: "{{ support_email }}"
    inbox: support
    audience: acme
answers:
  closed:
    audiences: [acme]
    content:
      en-US: {messaging: "Closed", email: {subject: Closed, body: "We are closed."}}
auto_reply_rules:
  closed:
    entry_points: [support-email]
    when: outside_business_hours
    answer: closed
"""


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


MakeProject = Callable[..., Path]


@pytest.fixture
def make_project(tmp_path: Path) -> MakeProject:
    """Write a project: ``gladcfg.yaml`` plus files given as {relative path: text}."""

    def make(files: dict[str, str] | None = None, project_yaml: str = PROJECT_YAML) -> Path:
        root = tmp_path / "project"
        root.mkdir(exist_ok=True)
        (root / "gladcfg.yaml").write_text(textwrap.dedent(project_yaml), encoding="utf-8")
        for rel, text in (files or {}).items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return make


RunCli = Callable[..., Result]


@pytest.fixture
def run_cli() -> RunCli:
    """Invoke the real CLI through its single error handler (gladcfg.cli.main)."""

    def run(*args: str | Path) -> Result:
        from gladcfg.cli.main import main

        runner = CliRunner()
        result = runner.invoke(_Main(main), [str(a) for a in args], catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    return run


class _Main:
    """Lets CliRunner drive ``main`` (which exits itself) like a click command."""

    def __init__(self, main: Callable[[list[str]], object]) -> None:
        self._main = main
        self.name = "gladcfg"

    def main(self, args: list[str], prog_name: str | None = None, **_: object) -> object:
        return self._main(args)


assert cli is not None


def gladcfg_process(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m gladcfg --no-color -C root ARGS`` in its own process, from ``root``."""
    return subprocess.run(
        [sys.executable, "-m", "gladcfg", "--no-color", "-C", str(root), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
        timeout=120,
        check=False,
    )
