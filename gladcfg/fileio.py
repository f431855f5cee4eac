"""Writing files so that a crash never leaves a torn one, and refusing early what cannot be
written, before any work is done."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from gladcfg.errors import OutputFileError

_UMASK = os.umask(0o022)
os.umask(_UMASK)


def write_atomically(path: Path, text: str, *, durable: bool = True) -> os.stat_result:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, whole;
    ``durable`` also flushes it to disk before the rename (survives a power cut).

    A symlink is written through: its target gets the new text, the link stays. The file
    keeps its permissions (a new one gets the usual ones). Returns the new file's status,
    taken before it replaced the old one (so never another writer's)."""
    path = real_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except OSError:
        mode = 0o666 & ~_UMASK
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
            status = os.fstat(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return status


def real_path(path: Path) -> Path:
    """``path`` with every symlink resolved (a dangling one: where it points)."""
    return Path(os.path.realpath(path))


def check_writable(path: Path, what: str, inputs: Mapping[Path, str] | None = None) -> None:
    """Refuse now a file :func:`save` could not write later: under a file, in a folder that
    refuses new files (read-only, a pseudo file system), or a folder or device itself; and
    one of the ``inputs`` (path → what it is), which writing would destroy."""
    target = real_path(path)
    for source, description in (inputs or {}).items():
        if real_path(source) == target:
            raise OutputFileError(
                f"cannot write {what} to {path}: it is {description}, which it would destroy"
            )
    if target.exists() and not target.is_file():
        raise OutputFileError(f"cannot write {what} to {path}: it is not a regular file")
    folder = target.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        raise OutputFileError(f"cannot write {what} to {path}: {folder} is a file, not a folder")
    # Whether the folder takes a new file, asked of the file system itself: permissions
    # alone do not say (root ignores them; a read-only mount or /sys refuses even root).
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputFileError(f"cannot write {what} to {path}: {_why(exc)}") from None
    os.close(fd)
    os.unlink(probe)


def save(path: Path, text: str, what: str) -> None:
    """:func:`write_atomically`, with a failure reported as an :class:`OutputFileError`."""
    try:
        write_atomically(path, text)
    except OSError as exc:
        raise OutputFileError(f"cannot write {what} to {path}: {_why(exc)}") from None


def _why(error: OSError) -> str:
    return error.strerror or type(error).__name__
