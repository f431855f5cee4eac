"""Find and read a project's files without ever leaving the project folder.

Globs are matched against a walk of the project that does not follow directory symlinks,
so a link can neither leak files from outside nor loop; a file symlink pointing outside the
project is refused by name.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

MAX_FILE_BYTES = 16 * 1024 * 1024
_SKIPPED_DIRS = frozenset({".git", ".gladcfg", ".venv", "node_modules", "__pycache__"})


@dataclass(frozen=True)
class Match:
    files: list[str]  # relative POSIX paths, sorted
    escapes: list[tuple[int, str]]  # (pattern index, why) for globs that leave the project
    empty: list[int]  # indices of patterns that matched no file


def glob_regex(pattern: str) -> re.Pattern[str]:
    """Translate a glob with ``**`` (any folders), ``*``, ``?`` and ``[...]`` to a regex."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:[^/]+/)*")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 2 :]:
            end = pattern.index("]", i + 2)
            body = pattern[i + 1 : end]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append(f"[{body.replace(chr(92), chr(92) * 2)}]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def _leaves_project(pattern: str) -> str | None:
    if pattern.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", pattern):
        return "is an absolute path; resource globs are relative to the project folder"
    if ".." in re.split(r"[/\\]", pattern):
        return "uses '..'; resource globs never reach outside the project folder"
    return None


def match_resource_files(root: Path, patterns: Sequence[str]) -> tuple[Match, list[str]]:
    """Match ``patterns`` under ``root``; also returns symlinks that point outside it."""
    escapes = []
    regexes: list[tuple[int, re.Pattern[str]]] = []
    for index, pattern in enumerate(patterns):
        why = _leaves_project(pattern)
        if why:
            escapes.append((index, why))
        else:
            regexes.append((index, glob_regex(pattern.removeprefix("./"))))
    root_real = root.resolve()
    found: dict[str, None] = {}
    used: set[int] = set()
    outside: list[str] = []
    for folder, dirnames, filenames in os.walk(root):
        rel_folder = Path(folder).relative_to(root).as_posix()
        prefix = "" if rel_folder == "." else rel_folder + "/"
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIPPED_DIRS)
        for name in dirnames:
            full = Path(folder, name)
            if full.is_symlink() and not full.resolve().is_relative_to(root_real):
                probe = f"{prefix}{name}/x.yaml"
                if any(rx.match(probe) for _, rx in regexes):
                    outside.append(prefix + name)
        for name in filenames:
            rel = prefix + name
            hits = [index for index, rx in regexes if rx.match(rel)]
            if not hits:
                continue
            used.update(hits)
            if Path(folder, name).resolve().is_relative_to(root_real):
                found[rel] = None
            else:
                outside.append(rel)
    empty = [i for i, _ in regexes if i not in used]
    return Match(sorted(found), escapes, empty), sorted(outside)


class FileProblem(Exception):
    """A file that cannot be read as text; ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def read_text(path: Path) -> str:
    """Read a project file as UTF-8, bounded in size, with precise errors for bad bytes."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FileProblem(
                f"file is {size / 1048576:.1f} MiB; the limit is {MAX_FILE_BYTES // 1048576} MiB"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise FileProblem(f"cannot read: {exc.strerror or exc}") from None
    if b"\x00" in data:
        raise FileProblem(
            "is a binary file, not YAML text", data[: data.index(b"\x00")].count(b"\n") + 1
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileProblem(
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})", line
        ) from None
    return text.removeprefix("\ufeff")
