"""Find and read a project's files without ever leaving the project folder.

Globs are matched against a walk of the project that does not follow directory symlinks,
so a link can neither leak files from outside nor loop; a file symlink pointing outside the
project, or into a loop, is refused by name. Only regular files are read: a FIFO or a device
matched by a glob would block a read forever or never end, so it is refused before it is
read from.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gladcfg.errors import FileProblem
from gladcfg.patterns import Matcher, PatternError, compile_pattern

MAX_FILE_BYTES = 16 * 1024 * 1024
SKIPPED_DIRS = frozenset({".git", ".gladcfg", ".venv", "node_modules", "__pycache__"})


@dataclass(frozen=True)
class Match:
    files: list[str]  # relative POSIX paths, sorted
    escapes: list[tuple[int, str]]  # (pattern index, why) for globs that leave the project
    # or do not translate
    empty: list[int]  # indices of patterns that matched no file


def glob_matcher(pattern: str) -> Matcher:
    """Translate a glob with ``**`` (any folders), ``*``, ``?`` and ``[...]`` to a regex
    for ``fullmatch``, run by RE2 in time linear in the path however many ``**`` it has.

    Raises PatternError for a glob that does not translate (``[z-a]``)."""
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
    return compile_pattern("".join(out))


def _leaves_project(pattern: str) -> str | None:
    if pattern.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", pattern):
        return "is an absolute path; resource globs are relative to the project folder"
    if ".." in re.split(r"[/\\]", pattern):
        return "uses '..'; resource globs never reach outside the project folder"
    return None


def match_resource_files(root: Path, patterns: Sequence[str]) -> tuple[Match, list[str]]:
    """Match ``patterns`` under ``root``; also returns symlinks that point outside it."""
    escapes = []
    regexes: list[tuple[int, Matcher]] = []
    for index, pattern in enumerate(patterns):
        why = _leaves_project(pattern)
        if why:
            escapes.append((index, why))
            continue
        try:
            regexes.append((index, glob_matcher(pattern.removeprefix("./"))))
        except PatternError as exc:
            escapes.append((index, f"is not a glob gladcfg can match: {exc}"))
    root_real = root.resolve()
    found: dict[str, None] = {}
    used: set[int] = set()
    outside: list[str] = []
    for folder, dirnames, filenames in os.walk(root):
        rel_folder = Path(folder).relative_to(root).as_posix()
        prefix = "" if rel_folder == "." else rel_folder + "/"
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS)
        for name in dirnames:
            full = Path(folder, name)
            if full.is_symlink() and not _inside(full, root_real):
                probe = f"{prefix}{name}/x.yaml"
                if any(rx.fullmatch(probe) for _, rx in regexes):
                    outside.append(prefix + name)
        for name in filenames:
            rel = prefix + name
            # A name that is not UTF-8 holds lone surrogates, which RE2 cannot take.
            matched = rel if rel.isascii() else _matchable(rel)
            hits = [index for index, rx in regexes if rx.fullmatch(matched)]
            if not hits:
                continue
            used.update(hits)
            if _inside(Path(folder, name), root_real):
                found[rel] = None
            else:
                outside.append(rel)
    empty = [i for i, _ in regexes if i not in used]
    return Match(sorted(found), escapes, empty), sorted(outside)


def _matchable(rel: str) -> str:
    """``rel`` as globs match it: a byte that is not UTF-8 stands as U+FFFD."""
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _inside(path: Path, root_real: Path) -> bool:
    """Whether ``path`` resolves inside the project. A symlink loop resolves nowhere: it
    counts as inside, and reading it reports the loop."""
    try:
        return path.resolve().is_relative_to(root_real)
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop, before Python 3.13
        return True


def read_text(path: Path) -> str:
    """Read a project file as UTF-8, bounded in size, with precise errors for bad bytes."""
    return decode(read_bytes(path))


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` (default MAX_FILE_BYTES).

    The file is opened without blocking and checked on the open descriptor, so a FIFO or a
    device put in its place is refused, never waited on or read without end."""
    limit = MAX_FILE_BYTES if limit is None else limit
    try:
        _must_be_regular(os.stat(path).st_mode)  # never open a device or a FIFO at all
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise FileProblem(f"cannot read: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        _must_be_regular(info.st_mode)  # and not one swapped in since the check
        if info.st_size > limit:
            raise FileProblem(_too_large(info.st_size, limit))
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise FileProblem(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:  # it grew while being read
        raise FileProblem(_too_large(len(data), limit))
    return data


def _must_be_regular(mode: int) -> None:
    if not stat.S_ISREG(mode):
        raise FileProblem(
            f"is {_file_type(mode)}, not a regular file; gladcfg reads only regular files"
        )


def _too_large(size: int, limit: int) -> str:
    return f"file is {size / 1048576:.1f} MiB; the limit is {limit / 1048576:g} MiB"


def _file_type(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"  # pragma: no cover - every type Linux has is named above


def decode(data: bytes) -> str:
    """``data`` as UTF-8 text, with the line and byte of the first bad one."""
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
