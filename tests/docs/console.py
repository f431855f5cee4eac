"""The ``console`` blocks of the documentation, run as a reader would type them.

A console block is a fenced block whose lines starting with ``$ `` are commands and whose
other lines are what the command before them prints (standard output and standard error
together, as a terminal shows them). Each block is preceded by a marker saying where it
runs::

    <!-- console: CONTEXT [fresh] [sandbox] [clock=WHEN] -->
    <!-- console: skip REASON -->

``CONTEXT`` is the folder the commands start in: ``empty`` (an empty folder), ``init`` (a
project ``gladcfg init`` made, the working directory) or ``acme`` (a folder holding a copy
of ``examples/``, as a checkout does). The blocks of one page with the same context run one
after the other in the same folder, with the working directory and the exported variables
the commands before them left (``cd``, ``export``); ``fresh`` starts that context over.
``sandbox`` serves the local Gladly sandbox for the context, as ``gladcfg sandbox serve
--port 8787 --token s3cret`` would: the copy's ``gladcfg.yaml`` files are pointed at it and
allowed its speed, and a command's ``localhost:8787`` reaches it. ``clock=WHEN`` (ISO 8601,
with its offset) is the time gladcfg reads, through ``tests/clock.py``; by default
:data:`DEFAULT_CLOCK`, so that every date a command prints is the same on every run.
``skip REASON`` marks a block that cannot run here; the test reports it skipped, saying why.

Expected output is compared line by line, trailing spaces and trailing blank lines aside: a
line that is exactly ``…`` stands for any number of lines (none too), and ``…`` within a
line for any text in that line. Times with seconds (``2026-11-23T15:00:00Z``) and
fractional durations (``1.23 s``, ``0.4ms``) match any other. Exit codes are not checked:
a block shows a failure by what it prints (``|| echo "exit $?"``).
"""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.clock import clock_path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CONTEXTS = ("empty", "init", "acme")
DEFAULT_CLOCK = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # Monday of Thanksgiving week
SANDBOX_TOKEN = "s3cret"
SANDBOX_PORT = 8787
ELLIPSIS = "…"

_MARKER = re.compile(r"^\s*<!--\s*console:(.*?)-->\s*$")
_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\s]*)")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")
_DURATION = re.compile(r"\b\d+\.\d+ ?m?s\b")
_RATE_LIMIT = re.compile(r"rate_limit: \{requests_per_second: \d+, budget_percent: \d+\}")
# Variables bash itself sets, and the clock's path, which the runner owns.
_NOT_EXPORTS = {"PWD", "OLDPWD", "SHLVL", "_", "PYTHONPATH"}


class MarkerError(ValueError):
    """A console block without a marker, or with one the runner cannot read."""


@dataclass(frozen=True)
class Setup:
    """What a block's marker asks for."""

    context: str = "empty"
    fresh: bool = False
    sandbox: bool = False
    clock: datetime = DEFAULT_CLOCK
    skip: str | None = None


@dataclass(frozen=True)
class Command:
    text: str
    expected: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Block:
    source: str
    line: int  # of the opening fence
    setup: Setup
    commands: tuple[Command, ...]

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"


def parse_marker(text: str, where: str) -> Setup:
    words = text.split()
    if not words:
        raise MarkerError(f"{where}: an empty console marker")
    if words[0] == "skip":
        reason = " ".join(words[1:])
        if not reason:
            raise MarkerError(f"{where}: 'skip' needs a reason: <!-- console: skip REASON -->")
        return Setup(skip=reason)
    context, *options = words
    if context not in CONTEXTS:
        raise MarkerError(
            f"{where}: unknown console context {context!r} (one of {', '.join(CONTEXTS)}, "
            "or skip REASON)"
        )
    setup: dict[str, Any] = {"context": context}
    for option in options:
        if option in ("fresh", "sandbox"):
            setup[option] = True
        elif option.startswith("clock="):
            try:
                when = datetime.fromisoformat(option.removeprefix("clock="))
            except ValueError:
                raise MarkerError(f"{where}: {option!r} is not an ISO 8601 time") from None
            if when.tzinfo is None:
                raise MarkerError(f"{where}: {option!r} needs its offset (Z, +01:00)")
            setup["clock"] = when
        else:
            raise MarkerError(
                f"{where}: unknown console option {option!r} (fresh, sandbox, clock=WHEN)"
            )
    return Setup(**setup)


def parse(text: str, source: str) -> list[Block]:
    """Every console block of a Markdown document, with its marker read."""
    lines = text.splitlines()
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        fence, indent = opening["fence"], len(opening["indent"])
        end = index + 1
        while end < len(lines) and not _closes(lines[end], fence):
            end += 1
        if opening["info"] == "console":
            body = [
                line[indent:] if line[:indent].isspace() else line
                for line in lines[index + 1 : end]
            ]
            where = f"{source}:{index + 1}"
            setup = parse_marker(_marker_before(lines, index, where), where)
            blocks.append(Block(source, index + 1, setup, _commands(body, index + 2, where)))
        index = end + 1
    return blocks


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return stripped.startswith(fence) and set(stripped) == {fence[0]}


def _marker_before(lines: list[str], index: int, where: str) -> str:
    before = index - 1
    while before >= 0 and not lines[before].strip():
        before -= 1
    found = _MARKER.match(lines[before]) if before >= 0 else None
    if found is None:
        raise MarkerError(
            f"{where}: a console block needs a marker on the line before it, such as "
            "<!-- console: init --> or <!-- console: skip REASON -->"
        )
    return found[1]


def _commands(body: list[str], first_line: int, where: str) -> tuple[Command, ...]:
    commands: list[Command] = []
    index = 0
    while index < len(body):
        line = body[index]
        if not line.startswith("$ "):
            raise MarkerError(f"{where}: output before the first '$ ' command: {line!r}")
        start = index
        text = line[2:]
        while text.endswith("\\") and index + 1 < len(body):
            index += 1
            text = f"{text}\n{body[index]}"
        index += 1
        expected_start = index
        while index < len(body) and not body[index].startswith("$ "):
            index += 1
        commands.append(Command(text, tuple(body[expected_start:index]), first_line + start))
    return tuple(commands)


# --- Comparing ------------------------------------------------------------------------------


def normalise(lines: list[str] | tuple[str, ...]) -> list[str]:
    """Trailing spaces and trailing blank lines dropped, times and durations made alike."""
    out = [_DURATION.sub("<duration>", _TIMESTAMP.sub("<time>", line.rstrip())) for line in lines]
    while out and not out[-1]:
        out.pop()
    return out


def matches(expected: list[str], actual: list[str]) -> bool:
    pattern = "".join(
        r"(?:[^\n]*\n)*?" if line == ELLIPSIS else _line_pattern(line) + r"\n" for line in expected
    )
    return re.fullmatch(pattern, "".join(f"{line}\n" for line in actual)) is not None


def _line_pattern(line: str) -> str:
    return r"[^\n]*".join(re.escape(part) for part in line.split(ELLIPSIS))


def _explained(expected: list[str], actual: list[str]) -> list[str]:
    """``actual`` as close to ``expected`` as it matches: the lines an ``…`` line stands for
    shown as that ``…``, and lines that match shown as written, so that the diff shows only
    what differs."""
    view: list[str] = []
    position, elided = 0, False
    segments: list[list[str]] = [[]]
    for line in expected:
        if line == ELLIPSIS:
            segments.append([])
        else:
            segments[-1].append(line)
    for index, segment in enumerate(segments):
        elided = index > 0
        end = len(actual) - len(segment) + 1 if elided else position + 1
        last = index == len(segments) - 1 and bool(segment)
        starts = range(end - 1, position - 1, -1) if last else range(position, max(end, position))
        found = next((at for at in starts if _segment_matches(segment, actual[at:])), None)
        if found is None:
            return view + ([ELLIPSIS] if elided else []) + actual[position:]
        if elided:
            view.append(ELLIPSIS)
        view += segment
        position = found + len(segment)
    return view + actual[position:]


def _segment_matches(segment: list[str], actual: list[str]) -> bool:
    return len(actual) >= len(segment) and all(
        re.fullmatch(_line_pattern(want), got) for want, got in zip(segment, actual, strict=False)
    )


def mismatch(block: Block, command: Command, output: str) -> str | None:
    """A report of how ``output`` differs from what the block shows, or None if it does not."""
    expected, actual = normalise(command.expected), normalise(output.splitlines())
    if matches(expected, actual):
        return None
    diff = difflib.unified_diff(
        expected, _explained(expected, actual), "shown in the documentation", "printed", lineterm=""
    )
    return f"{block.source}:{command.line}: $ {command.text}\n" + "\n".join(diff)


# --- Running --------------------------------------------------------------------------------


@dataclass
class Session:
    """One context of one page: its scratch folder, working directory and exports."""

    folder: Path
    cwd: Path
    exports: dict[str, str] = field(default_factory=dict)
    port: int | None = None
    stack: ExitStack = field(default_factory=ExitStack)

    def run(self, command: str, clock: datetime) -> str:
        state = self.folder / ".console"
        state.mkdir(exist_ok=True)
        if self.port is not None:
            command = re.sub(
                r"\b(?:localhost|127\.0\.0\.1):8787\b", f"127.0.0.1:{self.port}", command
            )
        script = (
            f'cd "$CONSOLE_CWD" || exit 1\n{command}\n__status=$?\n'
            f'pwd > "{state}/pwd"\nenv -0 > "{state}/env"\nexit $__status\n'
        )
        env = {
            **self.exports,
            "PYTHONPATH": clock_path(state / "clock" / clock.strftime("%Y%m%dT%H%M%S%z"), clock),
            "CONSOLE_CWD": str(self.cwd),
        }
        ran = subprocess.run(
            ["bash", "-c", script],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            env=env,
            cwd=self.cwd,
            timeout=120,
            check=False,
        )
        self._remember(state)
        output = ran.stdout
        if self.port is not None:
            output = re.sub(
                rf"\b(?:localhost|127\.0\.0\.1):{self.port}\b", "127.0.0.1:8787", output
            )
        return output

    def _remember(self, state: Path) -> None:
        """The working directory and exports the command left, for the next one."""
        if (state / "pwd").is_file():
            self.cwd = Path((state / "pwd").read_text(encoding="utf-8").strip())
        if (state / "env").is_file():
            pairs = (item.partition("=") for item in (state / "env").read_text().split("\0"))
            self.exports = {
                name: value
                for name, _, value in pairs
                if name and name not in _NOT_EXPORTS and name != "CONSOLE_CWD"
            }

    def serve_sandbox(self) -> None:
        from gladcfg.sandbox import BackgroundServer

        server = self.stack.enter_context(
            BackgroundServer(
                self.folder / "sandbox.json", token=SANDBOX_TOKEN, requests_per_second=1000
            )
        )
        self.port = int(server.url.rsplit(":", 1)[1])
        for project in self.folder.glob("**/gladcfg.yaml"):
            text = project.read_text(encoding="utf-8")
            text = re.sub(r"http://(?:localhost|127\.0\.0\.1):8787\b", server.url, text)
            text = _RATE_LIMIT.sub(
                "rate_limit: {requests_per_second: 1000, budget_percent: 100}", text
            )
            project.write_text(text, encoding="utf-8")


def base_environment(home: Path) -> dict[str, str]:
    """What a reader's shell holds, and nothing of the test's: gladcfg on PATH, a home of
    its own (so its cache), UTF-8, a fixed width and no colour settings."""
    return {
        "PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "COLUMNS": "100",
        "PYTHONUNBUFFERED": "1",  # stdout and stderr interleaved as on a terminal
    }


class Page:
    """The sessions of one document's blocks: ``with Page(scratch) as page: page.run(block)``."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.sessions: dict[str, Session] = {}
        self._made = 0

    def __enter__(self) -> Page:
        return self

    def __exit__(self, *_: object) -> None:
        for session in self.sessions.values():
            session.stack.close()

    def run(self, block: Block) -> list[str]:
        """Run the block's commands in order; one report per command whose output differs."""
        assert block.setup.skip is None, f"{block.where} is skipped: {block.setup.skip}"
        session = self._session(block.setup)
        if block.setup.sandbox and session.port is None:
            session.serve_sandbox()
        reports = []
        for command in block.commands:
            output = session.run(command.text, block.setup.clock)
            if (report := mismatch(block, command, output)) is not None:
                reports.append(report)
        return reports

    def _session(self, setup: Setup) -> Session:
        if setup.fresh and setup.context in self.sessions:
            self.sessions.pop(setup.context).stack.close()
        if setup.context not in self.sessions:
            self._made += 1
            folder = self.scratch / f"{self._made}-{setup.context}"
            (folder / "home").mkdir(parents=True)
            work = folder / "work"
            work.mkdir()
            session = Session(folder, work, base_environment(folder / "home"))
            if setup.context == "acme":
                shutil.copytree(
                    ROOT / "examples", work / "examples", ignore=shutil.ignore_patterns(".gladcfg")
                )
            elif setup.context == "init":
                made = session.run("gladcfg init project && cd project", setup.clock)
                assert session.cwd.name == "project", made
            self.sessions[setup.context] = session
        return self.sessions[setup.context]


def run_document(text: str, source: str, scratch: Path | None = None) -> list[str]:
    """Run every block of a document that is not skipped; the reports of what differs."""
    blocks = [block for block in parse(text, source) if block.setup.skip is None]
    with ExitStack() as stack:
        if scratch is None:
            scratch = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        page = stack.enter_context(Page(scratch))
        return [report for block in blocks for report in page.run(block)]


def pages() -> Iterator[Path]:
    """The documents whose console blocks are run: the README and every docs page."""
    yield ROOT / "README.md"
    yield from sorted((ROOT / "docs").glob("*.md"))
