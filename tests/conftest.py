"""Shared helpers: real project folders in tmp_path, and the real CLI."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from gladcfg.cli.main import cli
from gladcfg.errors import Problem

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

# BASE_RESOURCES with a Spanish inbox open 09-17 of the English inbox's 08-20.
BILINGUAL_RESOURCES = (
    BASE_RESOURCES.replace("languages: [en-US]", "languages: [en-US, es-US]")
    .replace(
        "  support: {teams: [tier1], business_hours: support}",
        "  support: {teams: [tier1], business_hours: support, languages: [en-US]}\n"
        "  spanish: {teams: [tier1], business_hours: short, languages: [es-US]}",
    )
    .replace(
        "business_hours:\n",
        "business_hours:\n  short:\n    timezone: America/New_York\n"
        '    weekly: {mon-fri: ["09:00-17:00"]}\n',
    )
)


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@pytest.fixture(autouse=True)
def cache_folder(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Each test has a cache of its own (compiled templates, snapshots of instances), never
    the user's: what one test read of an instance cannot leak into another's."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("GLADCFG_CACHE_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def example_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """The secret examples/acme's webhooks send, as CI would provide it."""
    monkeypatch.setenv("ACME_WEBHOOK_KEY", "example-key-not-a-secret")


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


class Disk:
    """The disk under every mock store a test opens: :meth:`fill` makes each store's
    database really full (``max_page_count``: a write that needs a page meets SQLITE_FULL),
    :meth:`lock` makes it refuse writes as a read-only file system does; both hold for
    stores opened later too, until :meth:`free`."""

    def __init__(self) -> None:
        self.connections: list[sqlite3.Connection] = []
        self.pragmas: tuple[str, ...] = ()

    def opened(self, db: sqlite3.Connection) -> None:
        self.connections.append(db)
        self._apply(db)

    def _apply(self, db: sqlite3.Connection) -> None:
        with contextlib.suppress(sqlite3.ProgrammingError):  # closed: nothing to do
            (pages,) = db.execute("PRAGMA page_count").fetchone()
            for pragma in self.pragmas:
                db.execute(pragma.format(pages=pages))

    def _set(self, *pragmas: str) -> None:
        self.pragmas = pragmas
        for db in self.connections:
            self._apply(db)

    def fill(self) -> None:
        self._set("PRAGMA max_page_count = {pages}")

    def lock(self) -> None:
        self._set("PRAGMA query_only = ON")

    def free(self) -> None:
        self._set("PRAGMA max_page_count = 4294967294", "PRAGMA query_only = OFF")
        self.pragmas = ()


@pytest.fixture
def disk(monkeypatch: pytest.MonkeyPatch) -> Disk:
    from gladcfg.adapter.mock import db as mockdb

    found = Disk()
    real = mockdb.connect

    def connect(path: Path) -> sqlite3.Connection:
        db = real(path)
        found.opened(db)
        return db

    monkeypatch.setattr(mockdb, "connect", connect)
    return found


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


def stored(root: Path, instance: str = "staging") -> dict[str, Any]:
    """A mock instance's store, as the document ``gladcfg state export`` writes:
    ``{"format_version": 1, "next_id": N, "objects": {kind: {name: {"id", "spec"}}}}``."""
    from gladcfg.adapter.mock.jsonstore import dump
    from gladcfg.adapter.mock.store import Store

    store = Store(root / f".gladcfg/state/{instance}.db")
    try:
        document: dict[str, Any] = json.loads(dump(store))
    finally:
        store.close()
    return document


def store_document(root: Path, document: dict[str, Any], instance: str = "staging") -> None:
    """Replace a mock instance's store with ``document`` (as ``gladcfg state import``)."""
    from gladcfg.adapter.mock.jsonstore import decode
    from gladcfg.adapter.mock.store import Store

    loaded = decode(json.dumps(document), "the test's document")
    store = Store(root / f".gladcfg/state/{instance}.db")
    try:
        store.load(loaded.objects, next_id=loaded.next_id, replace=True)
    finally:
        store.close()


def validation_problems(root: Path) -> list[Problem]:
    """Every finding of validating the project at ``root`` (or of opening it), as data."""
    from gladcfg.config import Workspace, validate
    from gladcfg.errors import ConfigError

    try:
        workspace = Workspace.open(root)
    except ConfigError as exc:
        return exc.problems
    return validate(workspace, workspace.select()).problems
