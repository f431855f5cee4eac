"""Compiled templates kept between runs: Jinja's lexing, parsing and code generation cost
more than rendering, and a project's templates rarely change from one plan to the next.

An entry is the Python code Jinja generated for one file, keyed by everything that decides
that code: the file's text and name, the versions of Jinja, Python and gladcfg, and how
gladcfg configures Jinja. A changed file, an upgrade or another configuration simply finds
no entry; nothing is ever trusted across versions.

Loading compiled code is running it, so the cache lives where only its user can write: a
per-user folder (``$GLADCFG_CACHE_DIR``, else ``$XDG_CACHE_HOME/gladcfg`` or
``~/.cache/gladcfg``), never the project, which a pull request could fill. The folder must
be the user's own, a real folder and closed to others, given by an absolute path and outside
the project; otherwise gladcfg compiles as if there were no cache. Each entry carries a
checksum of its code: a torn or corrupt entry is ignored and replaced.
``GLADCFG_CACHE_DIR=off`` turns the cache off. Deleting the folder is always safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import sys
from collections.abc import Mapping
from pathlib import Path
from types import CodeType

from gladcfg.cachedir import cache_folder, inside, private_folder, read_own, write_entry

log = logging.getLogger(__name__)

_MAGIC = b"gladcfg-template-code 1\n"
_DIGEST = hashlib.sha256().digest_size
MAX_ENTRY_BYTES = 64 * 1024 * 1024


def default_folder(environ: Mapping[str, str] | None = None) -> Path | None:
    """Where this user's compiled templates are kept, or None when the cache is off."""
    return cache_folder("templates", environ)


class TemplateCache:
    """Code objects by key, in ``folder`` (see the module's docstring for when it is used)."""

    def __init__(self, folder: Path | None, *, signature: str, project: Path | None = None) -> None:
        """Entries in ``folder``, never within ``project`` (whose files a pull request
        writes: code found there would run)."""
        self._signature = signature
        if folder is not None and project is not None and inside(folder, project):
            log.warning("template cache: %s is inside the project; not used", folder)
            folder = None
        self._folder = private_folder(folder) if folder is not None else None

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
            data = read_own(path, MAX_ENTRY_BYTES)
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
            write_entry(self._folder, f"{key}.code", data)
        except OSError as exc:  # a full disk or a read-only home: compile, do not cache
            log.info("template cache: cannot write to %s: %s", self._folder, exc)


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
