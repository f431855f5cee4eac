"""Render resource files as Jinja2 templates, safely.

Templates run in Jinja's sandbox with ``StrictUndefined``: no Python internals, no
environment, no files outside the project, and an undefined variable is an error rather than
an empty string that would quietly change an instance. Repetition that could exhaust memory
(``'x' * 10**10``) is bounded too. Files without template syntax skip Jinja entirely.
"""

from __future__ import annotations

import bisect
import operator
import re
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from gladcfg.model.types import suggest

MAX_RENDERED_CHARS = 16 * 1024 * 1024
# Line statements start with "#%" so template logic lives in YAML comments and a template
# stays valid YAML for editors and their schema checks:  `#% for brand in brands`.
LINE_STATEMENT_PREFIX = "#%"
_MARKERS = ("{{", "{%", "{#", LINE_STATEMENT_PREFIX)


class TemplateProblem(Exception):
    """A template that cannot be rendered; ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def has_template_syntax(text: str) -> bool:
    return any(marker in text for marker in _MARKERS)


class Renderer:
    """Compiles each file once and renders it for as many instances as needed."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._env: Any = None
        self._compiled: dict[str, Any] = {}

    def render(self, rel: str, text: str, context: Mapping[str, Any]) -> str:
        if not has_template_syntax(text):
            return text
        from jinja2 import TemplateError
        from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError

        try:
            template = self._compiled.get(rel)
            if template is None:
                template = self._compiled[rel] = self._compile(rel, text)
            rendered: str = template.render(context)
        except TemplateSyntaxError as exc:
            raise TemplateProblem(f"template syntax: {exc.message}", exc.lineno) from None
        except UndefinedError as exc:
            message = str(exc.message)
            match = re.search(r"'([^']+)' is undefined", message)
            hint = suggest(match.group(1), context) if match else ""
            raise TemplateProblem(f"template: {message}{hint}", _template_line(exc, rel)) from None
        except SecurityError as exc:
            raise TemplateProblem(
                f"template: {exc}; templates cannot reach Python internals, files or the "
                "environment",
                _template_line(exc, rel),
            ) from None
        except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError) as exc:
            raise TemplateProblem(
                f"template: {type(exc).__name__}: {exc}", _template_line(exc, rel)
            ) from None
        if len(rendered) > MAX_RENDERED_CHARS:
            raise TemplateProblem(
                f"template renders to {len(rendered) / 1048576:.1f} MiB; the limit is "
                f"{MAX_RENDERED_CHARS // 1048576} MiB"
            )
        return rendered

    def source_lines(self, rel: str, text: str, context: Mapping[str, Any]) -> list[int]:
        """For each line of the rendered text, the line of the template that produced it.

        Called only when an error is reported in a rendered file: it renders once more,
        attributing every output chunk to its template line through Jinja's debug info.
        """
        template = self._compiled.get(rel)
        if template is None:
            template = self._compiled[rel] = self._compile(rel, text)
        lines = text.splitlines(keepends=True)
        statements = [_is_statement(line) for line in lines]
        starts = [0]
        for line in lines:
            starts.append(starts[-1] + len(line))
        mapping: list[int] = []
        line_open = False  # the current rendered line already has its source line
        chunks = template.root_render_func(template.new_context(dict(context)))
        source = 1
        for chunk in chunks:
            frame = chunks.gi_frame
            if frame is not None:
                source = _pin(
                    text, chunk, template.get_corresponding_lineno(frame.f_lineno), starts
                )
            for index, piece in enumerate(chunk.split("\n")):
                if index:
                    if not line_open:
                        mapping.append(source)
                    source += 1
                    line_open = False
                if piece and not line_open:
                    while source <= len(statements) and statements[source - 1]:
                        source += 1
                    mapping.append(source)
                    line_open = True
        if not line_open:
            mapping.append(source)
        return mapping

    def _compile(self, rel: str, text: str) -> Any:
        env = self._environment()
        code = env.compile(text, name=rel, filename=rel)
        return env.template_class.from_code(env, code, env.make_globals(None))

    def _environment(self) -> Any:
        if self._env is None:
            self._env = _make_environment(self._root)
        return self._env


def _pin(text: str, chunk: str, attributed: int, starts: list[int]) -> int:
    """The source line where ``chunk`` starts. Jinja's debug info is exact for most chunks
    but lags after block ends; literal text is found verbatim a few lines further on."""
    if not chunk.strip() or attributed > len(starts) - 1:
        return attributed
    window_end = starts[min(attributed + 3, len(starts) - 1)]
    found = text.find(chunk, starts[attributed - 1], window_end + len(chunk))
    if found < 0 or found >= window_end:
        return attributed
    return bisect.bisect_right(starts, found)


def _is_statement(line: str) -> bool:
    """A template line that renders to nothing by itself: ``#% for …`` or ``{% endif %}``."""
    stripped = line.strip()
    if stripped.startswith(LINE_STATEMENT_PREFIX):
        return True
    return stripped.startswith("{%") and stripped.endswith("%}") and stripped.count("%}") == 1


def _template_line(exc: BaseException, rel: str) -> int | None:
    """The line of ``rel`` where rendering failed, from Jinja's rewritten traceback."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == rel:
            line = frame.lineno
    return line


_MAX_REPEAT = 1_000_000


def _bounded_mul(left: Any, right: Any) -> Any:
    for seq, count in ((left, right), (right, left)):
        repeats = isinstance(seq, str | list | tuple) and isinstance(count, int)
        if repeats and len(seq) * max(count, 0) > _MAX_REPEAT:
            raise ValueError(f"repetition would build more than {_MAX_REPEAT} items")
    return operator.mul(left, right)


def _bounded_pow(left: Any, right: Any) -> Any:
    if isinstance(right, int) and abs(right) > 1000:
        raise ValueError("exponent larger than 1000")
    return operator.pow(left, right)


_BINOPS: dict[str, Callable[[Any, Any], Any]] = {"*": _bounded_mul, "**": _bounded_pow}


def _make_environment(root: Path) -> Any:
    from jinja2 import BaseLoader, StrictUndefined, TemplateNotFound
    from jinja2.sandbox import SandboxedEnvironment

    class ProjectLoader(BaseLoader):
        """``{% include %}`` and ``{% import %}`` of files inside the project only."""

        def get_source(
            self, environment: Any, template: str
        ) -> tuple[str, str, Callable[[], bool]]:
            root_real = root.resolve()
            path = (root / template).resolve()
            if not path.is_relative_to(root_real) or not path.is_file():
                raise TemplateNotFound(f"{template} (includes must name a file inside the project)")
            return path.read_text(encoding="utf-8"), template, lambda: True

    class Sandbox(SandboxedEnvironment):
        intercepted_binops = frozenset(_BINOPS)

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            return _BINOPS[operator](left, right)

    return Sandbox(
        loader=ProjectLoader(),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        # Indentation before a block tag is dropped (it would shift YAML structure); the
        # newline after one is kept, since trimming it would join the lines of inline tags.
        lstrip_blocks=True,
        auto_reload=False,
        line_statement_prefix=LINE_STATEMENT_PREFIX,
    )
