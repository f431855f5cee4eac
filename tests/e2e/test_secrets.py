"""Secret hygiene: distinctive tokens for every instance, every command with -v and -vv, on
success and on failure (401, 500s), through real processes; no token — nor the Basic auth
header that carries it — may appear in any output, plan, export or file the run wrote.

Each verbosity runs the commands against sandboxes of its own, so the two run at once: most
of their time is the flaky instance's retries waiting out their backoff."""

from __future__ import annotations

import base64
import contextlib
import os
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from gladcfg.sandbox import BackgroundServer
from tests.conftest import gladcfg_process

TOKENS = {
    "GLADCFG_GOOD_TOKEN": "good-UNMISTAKABLE-5f2a9c",
    "GLADCFG_WRONG_TOKEN": "wrong-UNMISTAKABLE-77e1d0",
    "GLADCFG_FLAKY_TOKEN": "flaky-UNMISTAKABLE-c03b64",
}
USER = "ops@acme.example"
RESOURCES = """\
audiences:
  acme: {}
topics:
  billing: {}
answers:
  closed:
    audiences: [acme]
    content:
      en-US: {messaging: "We are closed."}
business_hours:
  support:
    timezone: America/New_York
    weekly: {mon-fri: ["08:00-20:00"]}
"""


def forms(token: str) -> list[str]:
    """The token, and the Authorization header value that would carry it."""
    basic = base64.b64encode(f"{USER}:{token}".encode()).decode()
    return [token, basic, basic[:20]]


@contextlib.contextmanager
def project(folder: Path) -> Iterator[Path]:
    """A project of four instances: two on a good sandbox (one with the wrong token), one on
    a sandbox failing every other request, and a mock; the sandboxes served while in use."""
    good = BackgroundServer(
        folder / "good.json", token=TOKENS["GLADCFG_GOOD_TOKEN"], requests_per_second=1000
    )
    flaky = BackgroundServer(
        folder / "flaky.json",
        token=TOKENS["GLADCFG_FLAKY_TOKEN"],
        faults="500_every=2",
        requests_per_second=1000,
    )
    with good, flaky:
        for server in (good, flaky):
            httpx.post(f"{server.url}/_admin/audiences", json={"name": "acme"})
        root = folder / "project"
        (root / "config").mkdir(parents=True)
        (root / "config/all.yaml").write_text(RESOURCES)
        (root / "gladcfg.yaml").write_text(
            "version: 1\ninstances:\n"
            + gladly("good", good.url, "GLADCFG_GOOD_TOKEN")
            + gladly("wrong", good.url.replace("127.0.0.1", "localhost"), "GLADCFG_WRONG_TOKEN")
            + gladly("flaky", flaky.url, "GLADCFG_FLAKY_TOKEN")
            + "  local: {adapter: mock}\n"
        )
        yield root


def gladly(name: str, url: str, env: str) -> str:
    return (
        f"  {name}:\n    adapter: gladly\n    base_url: {url}\n    user: {USER}\n"
        f"    token_env: {env}\n    rate_limit: {{requests_per_second: 200}}\n"
    )


COMMANDS = [
    ["validate", "--all"],
    ["plan", "-i", "good", "--out", "plan.json"],
    ["show", "plan.json", "--format", "json"],
    ["apply", "plan.json", "--rollback-out", "undo.json"],
    ["plan", "--all", "--format", "json"],
    ["plan", "-i", "wrong"],  # 401
    ["plan", "-i", "flaky"],  # 500s, retried, then an error or a plan
    ["apply", "-i", "flaky", "--auto-approve"],
    ["apply", "-i", "wrong", "--auto-approve"],
    ["status", "--all", "--format", "json"],
    ["status", "--all"],
    ["export", "-i", "good", "--out", "exported"],
    ["diff", "good", "flaky", "--remote"],
    ["pull", "-i", "good"],
    ["coverage", "-i", "good"],
    ["apply", "--rollback", "undo.json", "--allow-delete"],
    ["apply", "--all", "--auto-approve"],
]


def run_every_command(
    root: Path, verbosity: str
) -> list[tuple[list[str], subprocess.CompletedProcess[str]]]:
    # A cache of its own: the verbosities, run at once, share nothing but this test.
    env = {**os.environ, **TOKENS, "GLADCFG_CACHE_DIR": str(root.parent / "cache")}
    return [(args, gladcfg_process(root, verbosity, *args, env=env)) for args in COMMANDS]


def test_no_command_ever_shows_a_token(tmp_path: Path) -> None:
    with contextlib.ExitStack() as serving:
        roots = {v: serving.enter_context(project(tmp_path / v.lstrip("-"))) for v in ("-v", "-vv")}
        with ThreadPoolExecutor(len(roots)) as pool:
            passes = list(pool.map(run_every_command, roots.values(), roots))
    runs = [run for one_pass in passes for run in one_pass]
    outputs = []
    codes = []
    for args, result in runs:
        assert "Traceback" not in result.stderr, (args, result.stderr)
        outputs.append(f"$ {' '.join(args)}\n{result.stdout}{result.stderr}")
        codes.append(result.returncode)
    assert 0 in codes and 1 in codes  # both the success and the failure paths ran
    everything = "\n".join(outputs)
    assert "HTTP 401" in everything and "HTTP 500" in everything
    written = [p for root in roots.values() for p in root.rglob("*") if p.is_file()]
    assert any(p.name == "plan.json" for p in written) and any(
        p.parent.name == "exported" for p in written
    )
    for path in written:
        everything += path.read_text(encoding="utf-8", errors="replace")
    for token in TOKENS.values():
        for form in forms(token):
            assert form not in everything, f"a form of {token[:5]}… leaked"
