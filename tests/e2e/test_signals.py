"""Ctrl-C and SIGTERM, sent for real to a real ``python -m gladcfg`` at every stage of an apply:
each run ends with a clear message and exit 130 or 143, every change it printed as applied
is in the store (and no other), and the rollback plan, when asked for, undoes exactly those.
"""

from __future__ import annotations

import json
import os
import pty
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import gladcfg_process, stored

TIMEOUT = 60.0
EXIT = {signal.SIGINT: 130, signal.SIGTERM: 143}
WORD = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}
APPLIED = re.compile(r"^(?:\[(\S+)\] )?applied\s+\S+ (\S+)$", re.MULTILINE)


def write_project(root: Path, version: int, latency_ms: int, instances: tuple[str, ...]) -> None:
    """Twenty teams (v2 describes them anew), and in v2 twenty new teams and five inboxes
    that need them, so an apply has creates, updates and dependencies."""
    (root / "config").mkdir(parents=True, exist_ok=True)
    yaml = "version: 1\ninstances:\n" + "".join(
        f"  {name}:\n    faults: {{latency_ms: {latency_ms}}}\n" for name in instances
    )
    (root / "gladcfg.yaml").write_text(yaml)
    teams = "".join(f"  t{i:02}: {{description: v{version}}}\n" for i in range(20))
    inboxes = ""
    if version > 1:
        teams += "".join(f"  n{i:02}: {{}}\n" for i in range(20))
        inboxes = "inboxes:\n" + "".join(f"  i{i}: {{teams: [n{i:02}]}}\n" for i in range(5))
    (root / "config/all.yaml").write_text(f"teams:\n{teams}{inboxes}")


class Run:
    """A gladcfg process whose output is collected as it comes."""

    def __init__(self, root: Path, *args: str, stdin: Any = subprocess.DEVNULL) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gladcfg", "--no-color", "-C", str(root), *args],
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=root,
        )
        self.out: list[bytes] = []
        self.err: list[bytes] = []
        self._readers = [
            threading.Thread(target=self._drain, args=(stream, into), daemon=True)
            for stream, into in ((self.process.stdout, self.out), (self.process.stderr, self.err))
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _drain(stream: Any, into: list[bytes]) -> None:
        # Chunks, not lines: a prompt waits for its answer on the line it printed.
        while chunk := os.read(stream.fileno(), 65536):
            into.append(chunk)

    @property
    def stdout(self) -> str:
        return b"".join(self.out).decode()

    @property
    def stderr(self) -> str:
        return b"".join(self.err).decode()

    def wait_for(self, condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not condition():
            if self.process.poll() is not None:
                self.finish()
                pytest.fail(f"gladcfg ended before {what}:\n{self.stdout}{self.stderr}")
            if time.monotonic() > deadline:
                self.process.kill()
                self.finish()
                pytest.fail(f"timed out waiting for {what}:\n{self.stdout}{self.stderr}")
            time.sleep(0.01)

    def wait_until_handling_signals(self) -> None:
        """Until gladcfg's own SIGTERM handler is in place (SigCgt in /proc), after which
        every moment of the run is one a signal may arrive at."""

        def handled() -> bool:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
            mask = re.search(r"^SigCgt:\s*([0-9a-f]+)$", status, re.MULTILINE)
            return mask is not None and bool(int(mask[1], 16) & (1 << (signal.SIGTERM - 1)))

        self.wait_for(handled, "the signal handler was installed")

    def wait_for_applied(self, count: int) -> None:
        self.wait_for(lambda: len(applied(self.stdout)) >= count, f"{count} applied changes")

    def send(self, *signums: int) -> None:
        for signum in signums:
            self.process.send_signal(signum)

    def finish(self) -> tuple[int, str, str]:
        code = self.process.wait(timeout=TIMEOUT)
        for reader in self._readers:
            reader.join(TIMEOUT)
        for stream in (self.process.stdout, self.process.stderr):
            assert stream is not None
            stream.close()
        return code, self.stdout, self.stderr


def applied(stdout: str, instance: str | None = None) -> set[str]:
    return {m[2] for m in APPLIED.finditer(stdout) if instance is None or m[1] == instance}


def objects(root: Path, instance: str = "staging") -> dict[str, Any]:
    found: dict[str, Any] = stored(root, instance)["objects"]
    return found


def addresses(stored: dict[str, Any]) -> set[str]:
    return {f"{kind}.{name}" for kind, by_name in stored.items() for name in by_name}


def changed(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    keys = addresses(before) | addresses(after)
    return {
        key
        for key in keys
        if before.get(key.split(".")[0], {}).get(key.split(".")[1])
        != after.get(key.split(".")[0], {}).get(key.split(".")[1])
    }


def no_traceback(*texts: str) -> None:
    for text in texts:
        assert "Traceback" not in text and "internal error" not in text, text


@pytest.mark.parametrize(
    "signums",
    [(signal.SIGTERM,), (signal.SIGINT,), (signal.SIGTERM, signal.SIGINT, signal.SIGTERM)],
    ids=["sigterm", "sigint", "a-second-and-third-signal-while-finishing"],
)
def test_a_signal_mid_apply_saves_reports_and_rolls_back_exactly_what_was_applied(
    tmp_path: Path, signums: tuple[int, ...]
) -> None:
    root = tmp_path / "project"
    write_project(root, 1, 0, ("staging",))
    assert gladcfg_process(root, "apply", "--auto-approve").returncode == 0
    original = objects(root)
    write_project(root, 2, 150, ("staging",))
    rollback = root / "undo/rollback.json"
    run = Run(root, "apply", "--auto-approve", "--force", "--rollback-out", str(rollback))
    run.wait_for_applied(3)
    run.send(signums[0])
    if len(signums) > 1:  # once it is finishing: signals sent at once arrive in any order
        run.wait_for(lambda: "finishing the changes in flight" in run.stderr, "the first signal")
        run.send(*signums[1:])
    code, out, err = run.finish()
    no_traceback(out, err)
    assert code == EXIT[signums[0]], out + err
    assert err.rstrip().endswith(WORD[signums[0]])
    assert "Apply to staging stopped early:" in out and "not started." in out
    done = applied(out)
    assert 3 <= len(done) < 45
    assert changed(original, objects(root)) == done  # printed as applied = in the store
    undo = json.loads(rollback.read_text())
    assert {c["address"] for c in undo["changes"]} == done
    assert f"Undo this apply with: gladcfg apply --rollback --allow-delete {rollback}" in err

    undone = gladcfg_process(root, "apply", "--rollback", str(rollback), "--allow-delete")
    assert undone.returncode == 0, undone.stdout + undone.stderr
    assert objects(root) == original  # the same objects, ids and all
    write_project(root, 1, 0, ("staging",))
    assert gladcfg_process(root, "plan", "--detailed-exitcode").returncode == 0


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_while_reading_for_the_rollback_still_writes_it(
    tmp_path: Path, signum: int
) -> None:
    root = tmp_path / "project"
    write_project(root, 1, 0, ("staging",))
    (root / "config/all.yaml").write_text("teams:\n  a: {}\n  b: {}\n")
    (root / "gladcfg.yaml").write_text(
        "version: 1\ninstances:\n  staging:\n    faults: {latency_ms: 700}\n"
    )
    rollback = root / "rollback.json"
    run = Run(root, "apply", "--auto-approve", "--force", "--rollback-out", str(rollback))
    run.wait_for_applied(2)  # both written at once: now the instance is read again
    run.send(signum)
    code, out, err = run.finish()
    no_traceback(out, err)
    assert code == EXIT[signum], out + err
    assert "Apply to staging: 2 applied, 0 failed, 0 skipped." in out
    assert addresses(objects(root)) == {"teams.a", "teams.b"}
    undo = json.loads(rollback.read_text())["changes"]
    assert sorted((c["address"], c["action"]) for c in undo) == [
        ("teams.a", "delete"),
        ("teams.b", "delete"),
    ]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
@pytest.mark.parametrize(
    "args",
    [("apply", "--auto-approve", "--rollback-out", "r.json"), ("plan",), ("validate",)],
    ids=["apply", "plan", "validate"],
)
def test_a_signal_before_anything_is_written_changes_nothing(
    tmp_path: Path, signum: int, args: tuple[str, ...]
) -> None:
    root = tmp_path / "project"
    write_project(root, 1, 0, ("staging",))
    assert gladcfg_process(root, "apply", "--auto-approve").returncode == 0
    write_project(root, 2, 2000, ("staging",))  # reading the instance takes two seconds
    if args[0] == "validate":  # which reads no instance: rendering a file takes as long
        with (root / "gladcfg.yaml").open("a") as project:
            project.write("render_budget: {seconds: 120}\n")
        (root / "config/slow.yaml").write_text(
            "#% for i in range(100000)\n#% for j in range(100000)\n#% endfor\n#% endfor\n"
        )
    store = root / ".gladcfg/state/staging.db"
    before = store.read_bytes()
    run = Run(root, *args)
    run.wait_until_handling_signals()
    run.send(signum)
    code, out, err = run.finish()
    no_traceback(out, err)
    assert code == EXIT[signum], out + err
    assert err.rstrip().endswith(WORD[signum])
    assert store.read_bytes() == before
    assert not (root / "r.json").exists()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_at_the_confirmation_prompt_changes_nothing(tmp_path: Path, signum: int) -> None:
    root = tmp_path / "project"
    write_project(root, 2, 0, ("staging",))
    terminal, user = pty.openpty()
    try:
        run = Run(root, "apply", stdin=user)
        run.wait_for(lambda: "Apply these changes to staging?" in run.stdout, "the prompt")
        run.send(signum)
        code, out, err = run.finish()
    finally:
        os.close(terminal)
        os.close(user)
    no_traceback(out, err)
    assert code == EXIT[signum], out + err
    assert err.rstrip().endswith(WORD[signum])
    assert not (root / ".gladcfg/state/staging.db").exists()


def test_sigterm_stops_every_instance_of_a_fleet_apply(tmp_path: Path) -> None:
    root = tmp_path / "project"
    names = ("staging", "prod")
    write_project(root, 2, 150, names)
    run = Run(root, "apply", "--all", "--auto-approve", "--force", "--parallelism", "2")
    run.wait_for(
        lambda: all(len(applied(run.stdout, name)) >= 2 for name in names),
        "both instances applying",
    )
    run.send(signal.SIGTERM)
    code, out, err = run.finish()
    no_traceback(out, err)
    assert code == 143, out + err
    assert "Fleet apply: 2 instances" in out
    for name in names:
        done = applied(out, name)
        assert 2 <= len(done) < 45
        assert addresses(objects(root, name)) == done
        assert f"Apply to {name} stopped early:" in out


DRIVER = """
import importlib, sys
cli_main = importlib.import_module("gladcfg.cli.main")

class Stopped:
    @staticmethod
    def main(**_):  # the signal lands in code a string exec runs (dataclasses, namedtuple)
        exec("import os, signal\\nos.kill(os.getpid(), signal.%s)\\nwhile True: pass", {})

cli_main.cli = Stopped()
cli_main.main(["validate"])
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_that_ends_a_string_exec_still_exits_as_stopped_under_python_m(
    tmp_path: Path, signum: int
) -> None:
    # CPython marks such an interrupt "unhandled" even once caught, and under -m kills
    # itself with SIGINT after the exit it was given.
    (tmp_path / "driver.py").write_text(DRIVER % signal.Signals(signum).name)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    done = subprocess.run(
        [sys.executable, "-m", "driver"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    no_traceback(done.stdout, done.stderr)
    assert done.returncode == EXIT[signum], done.stderr
    assert done.stderr.rstrip().endswith(WORD[signum])
