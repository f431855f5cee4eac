"""The per-user folder where gladcfg keeps what it may forget: compiled templates and the
snapshots of what instances held when last read.

It is ``$GLADCFG_CACHE_DIR``, else ``$XDG_CACHE_HOME/gladcfg`` or ``~/.cache/gladcfg``;
``GLADCFG_CACHE_DIR=off`` turns every cache off. Never the project: a pull request could
fill that. A folder is used only when it is a real folder of this user's that no one else
may write into, and an entry only when it is a regular file of this user's; otherwise
gladcfg works as if there were no cache. Deleting the folder is always safe.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

log = logging.getLogger(__name__)

OFF = ("off", "0", "false", "no", "none")


def cache_folder(part: str, environ: Mapping[str, str] | None = None) -> Path | None:
    """Where this user's ``part`` (templates, snapshots) is kept, or None when the cache is
    off."""
    env = os.environ if environ is None else environ
    chosen = env.get("GLADCFG_CACHE_DIR")
    if chosen is not None:
        if chosen.strip().lower() in (*OFF, ""):
            return None
        folder = Path(chosen)
    else:
        folder = Path(env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")) / "gladcfg"
    if not folder.is_absolute():
        # Relative to wherever gladcfg runs: inside a checkout, a pull request could fill it.
        log.warning("cache: %s is not an absolute path; working without a cache", folder)
        return None
    return folder / part


def inside(folder: Path, root: Path) -> bool:
    """Whether ``folder`` is ``root`` or within it, links resolved."""
    return folder.resolve().is_relative_to(root.resolve())


def private_folder(folder: Path) -> Path | None:
    """``folder``, created if need be (closed to others), when it is a real folder owned
    by this user that no one else may write into; otherwise None."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
    except OSError as exc:
        log.info("cache: cannot use %s: %s", folder, exc)
        return None
    owner = os.getuid() if hasattr(os, "getuid") else info.st_uid
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != owner or info.st_mode & 0o022:
        log.info("cache: %s is not a folder only its owner can write; not used", folder)
        return None
    return folder


def read_own(path: Path, max_bytes: int) -> bytes:
    """An entry's bytes: a regular file of this user's that only they can write, at most
    ``max_bytes`` long. Raises OSError (FileNotFoundError when there is none). Opened
    without blocking, so a named pipe in its place is refused, not waited on."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    handle = os.open(path, flags)
    with os.fdopen(handle, "rb") as entry:
        info = os.fstat(entry.fileno())
        owner = os.getuid() if hasattr(os, "getuid") else info.st_uid
        if not stat.S_ISREG(info.st_mode) or info.st_uid != owner or info.st_mode & 0o022:
            raise OSError(f"{path} is not a file only its owner can write")
        if info.st_size > max_bytes:
            raise OSError(f"{path} is larger than an entry can be")
        return entry.read(max_bytes + 1)


def write_entry(folder: Path, name: str, data: bytes) -> None:
    """Replace ``folder/name`` with ``data`` at once: a reader sees the old entry or the new
    one, never a torn one. Raises OSError (a full disk, a read-only home)."""
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, folder / name)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
