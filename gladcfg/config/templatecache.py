"""Compiled templates kept between runs: Jinja's lexing, parsing and code generation cost
more than rendering, and a project's templates rarely change from one plan to the next.

An entry is the Python code Jinja generated for one file, keyed by everything that decides
that code: the file's text and name, the versions of Jinja, Python and gladcfg, and how
gladcfg configures Jinja. A changed file, an upgrade or another configuration simply finds
no entry; nothing is ever trusted across versions.

Loading compiled code is running it, so the cache lives where only its user can write: a
per-user folder (``$GLADCFG_CACHE_DIR``, else ``$XDG_CACHE_HOME/gladcfg`` or
``~/.cache/gladcfg``), never the project, which a pull request could fill. The folder must
be the user's own, a real folder and closed to others; otherwise gladcfg compiles as if
there were no cache. Each entry carries a checksum of its code: a torn or corrupt entry is
ignored and replaced. ``GLADCFG_CACHE_DIR=off`` turns the cache off. Deleting the folder is
always safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import os
import stat
import sys
import tempfile
from pathlib import Path
from types import CodeType

log = logging.getLogger(__name__)

_MAGIC = b"gladcfg-template-code 1\n"
_DIGEST = hashlib.sha256().digest_size
MAX_ENTRY_BYTES = 64 * 1024 * 1024
OFF = ("off", "0", "false", "no", "none")


def default_folder(environ: dict[str, str] | os._Environ[str] | None = None) -> Path | None:
    """Where this user's compiled templates are kept, or None when the cache is off."""
    env = os.environ if environ is None else environ
    chosen = env.get("GLADCFG_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in (*OFF, "") else Path(chosen) / "templates"
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gladcfg" / "templates"


class TemplateCache:
    """Code objects by key, in ``folder`` (see the module's docstring for when it is used)."""

    def __init__(self, folder: Path | None, *, signature: str) -> None:
        self._signature = signature
        self._folder = _private_folder(folder) if folder is not None else None

    @property
    def enabled(self) -> bool:
        return self._folder is not None

    def key(self, name: str, text: str) -> str:
        digest = hashlib.sha256()
        for part in (self._signature, sys.version, name, text):
            data = part.encode("utf-8", "surrogatepass")
            digest.update(len(data).to_bytes(8, "big") + data)
        return digest.hexdigest()

    def load(self, key: str) -> CodeType | None:
        if self._folder is None:
            return None
        path = self._folder / f"{key}.code"
        try:
            data = _read_own(path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.info("template cache: cannot read %s: %s", path, exc)
            return None
        code = _decode(data)
        if code is None:
            log.info("template cache: %s is not a valid entry; compiling again", path)
            with contextlib.suppress(OSError):
                path.unlink()
        return code

    def save(self, key: str, code: CodeType) -> None:
        if self._folder is None:
            return
        payload = marshal.dumps(code)
        data = _MAGIC + hashlib.sha256(payload).digest() + payload
        try:
            handle, temporary = tempfile.mkstemp(dir=self._folder, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                os.replace(temporary, self._folder / f"{key}.code")
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError as exc:  # a full disk or a read-only home: compile, do not cache
            log.info("template cache: cannot write to %s: %s", self._folder, exc)


def _private_folder(folder: Path) -> Path | None:
    """``folder``, created if need be (closed to others), when it is a real folder owned
    by this user that no one else may write into; otherwise None."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
    except OSError as exc:
        log.info("template cache: cannot use %s: %s", folder, exc)
        return None
    owner = os.getuid() if hasattr(os, "getuid") else info.st_uid
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != owner or info.st_mode & 0o022:
        log.info("template cache: %s is not a folder only its owner can write; not used", folder)
        return None
    return folder


def _read_own(path: Path) -> bytes:
    """An entry's bytes: a regular file of this user's, bounded in size."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    handle = os.open(path, flags)
    with os.fdopen(handle, "rb") as entry:
        info = os.fstat(entry.fileno())
        owner = os.getuid() if hasattr(os, "getuid") else info.st_uid
        if not stat.S_ISREG(info.st_mode) or info.st_uid != owner or info.st_mode & 0o022:
            raise OSError(f"{path} is not a file only its owner can write")
        if info.st_size > MAX_ENTRY_BYTES:
            raise OSError(f"{path} is larger than an entry can be")
        return entry.read(MAX_ENTRY_BYTES + 1)


def _decode(data: bytes) -> CodeType | None:
    header = len(_MAGIC) + _DIGEST
    if len(data) <= header or not data.startswith(_MAGIC):
        return None
    digest, payload = data[len(_MAGIC) : header], data[header:]
    if hashlib.sha256(payload).digest() != digest:
        return None
    try:
        code = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    return code if isinstance(code, CodeType) else None
