"""Render resource files as Jinja2 templates, safely.

Templates run in Jinja's sandbox with ``StrictUndefined``: no Python internals, no
environment, no files outside the project, and an undefined variable is an error rather than
an empty string that would quietly change an instance. Each render is bounded in time and
memory (:mod:`.budget`), and so is its output; recursion, include loops and unreadable
includes are positioned errors. Files without template syntax skip Jinja entirely.
"""

from __future__ import annotations

import bisect
import io
import marshal
import re
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from types import CodeType, TracebackType
from typing import Any

import gladcfg
from gladcfg.config.budget import BINOPS, BudgetExceeded, Guard, checkpoint, memory_message
from gladcfg.config.files import read_text
from gladcfg.config.templatecache import TemplateCache, default_folder
from gladcfg.config.templatewords import plain, value_words
from gladcfg.errors import FileProblem, TemplateProblem
from gladcfg.model.project import RenderBudget
from gladcfg.names import suggest
from gladcfg.yamlio.batch import worker_count, worker_start

MAX_RENDERED_CHARS = 16 * 1024 * 1024
# Line statements start with "#%" so template logic lives in YAML comments and a template
# stays valid YAML for editors and their schema checks:  `#% for brand in brands`.
LINE_STATEMENT_PREFIX = "#%"
# Where Jinja, configured as below, finds a line statement: at the start of a line, after
# spaces and tabs only (its lexer's own rule; it breaks lines at \r\n, \r and \n alike).
_LINE_STATEMENT = re.compile(r"(?:\A|(?<=[\r\n]))[ \t\v]*" + re.escape(LINE_STATEMENT_PREFIX))


def has_template_syntax(text: str) -> bool:
    """Whether Jinja, as gladcfg configures it, finds anything to do in ``text``: an
    expression ``{{``, a tag ``{%``, a comment ``{#``, or a line whose first characters
    other than spaces and tabs are ``#%``. Text without any needs no rendering: such files
    skip Jinja, and pull writes back only values without any."""
    if _OPENS.search(text) is not None:  # one scan, not one per opener
        return True
    return LINE_STATEMENT_PREFIX in text and _LINE_STATEMENT.search(text) is not None


_OPENS = re.compile(r"\{(?=[{%#])")
_STATEMENT_STARTS = re.compile(r"(?:\A|(?<=[\r\n]))([ \t\v]*)" + re.escape(LINE_STATEMENT_PREFIX))


def escape_template(text: str) -> str:
    """``text`` written so that rendering gives it back unchanged: each ``{`` that would open
    an expression, tag or comment, and each ``#%`` that would start a line statement, is
    written as an expression printing it. Text without template syntax is returned as is."""
    if not has_template_syntax(text):
        return text
    text = _OPENS.sub("{{ '{' }}", text)
    return _STATEMENT_STARTS.sub(lambda m: m.group(1) + "#{{ '%' }}", text)


def escape_values(value: Any) -> Any:
    """``value`` (YAML data) with :func:`escape_template` applied to every string in it."""
    if isinstance(value, str):
        return escape_template(value)
    if isinstance(value, list):
        return [escape_values(item) for item in value]
    if isinstance(value, dict):
        return {key: escape_values(item) for key, item in value.items()}
    return value


class Renderer:
    """Compiles each file once and renders it for as many instances as needed, each render
    within ``budget``."""

    def __init__(self, root: Path, budget: RenderBudget | None = None) -> None:
        self._root = root
        self._budget = budget or RenderBudget()
        self._env: Any = None
        self._compiled: dict[str, Any] = {}
        # Files that do not compile: the same for every instance, so compiled once (a
        # template that runs out of its budget compiling would otherwise spend it again
        # for each instance).
        self._uncompiled: dict[str, tuple[str, int | None]] = {}
        self._cache: TemplateCache | None = None  # compiled code kept between runs
        self._precompiled: dict[str, tuple[str, CodeType]] = {}  # by workers, for this run
        # Whether each file's text (that very string) has template syntax: a fleet renders
        # each file once per instance, and a large file takes milliseconds to scan.
        self._syntax: dict[str, tuple[str, bool]] = {}

    def prepare(self, files: Mapping[str, str]) -> None:
        """Compile the templates among ``files`` (rel → text) that are neither compiled
        nor in the cache, in forked workers when there are enough of them (Jinja's
        compiler holds the GIL). Each worker compiles within the render budget; what one
        could not compile is compiled here when rendered, with its errors as usual."""
        cache = self._code_cache()
        pending: dict[str, str] = {}
        for rel, text in files.items():
            if rel in self._compiled or rel in self._uncompiled or not self._templated(rel, text):
                continue
            code = cache.load(cache.key(rel, text))
            if code is None:
                pending[rel] = text
            else:  # read once: rendering takes it from here, not from the cache again
                self._precompiled[rel] = (text, code)
        workers = worker_count(sum(map(len, pending.values())), len(pending), PARALLEL_COMPILE)
        if workers < 2:
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        fork = multiprocessing.get_context("fork")
        pool = ProcessPoolExecutor(workers, mp_context=fork, initializer=worker_start)
        try:
            futures = {
                rel: pool.submit(_compile_marshalled, self._root, self._budget, rel, text)
                for rel, text in pending.items()
            }
            for rel, future in futures.items():
                try:
                    code = marshal.loads(future.result())
                except Exception:  # a worker that died or refused: compiled here instead
                    continue
                if isinstance(code, CodeType):
                    self._precompiled[rel] = (pending[rel], code)
                    cache.save(cache.key(rel, pending[rel]), code)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def render(self, rel: str, text: str, context: Mapping[str, Any]) -> str:
        if not self._templated(rel, text):
            return text
        known = self._uncompiled.get(rel)
        if known is not None:
            raise TemplateProblem(*known)
        try:
            return self._render(rel, text, context)
        except TemplateProblem as exc:
            if rel not in self._compiled:
                self._uncompiled[rel] = (exc.message, exc.line)
            raise

    def _templated(self, rel: str, text: str) -> bool:
        known = self._syntax.get(rel)
        if known is not None and known[0] is text:
            return known[1]
        templated = has_template_syntax(text)
        self._syntax[rel] = (text, templated)
        return templated

    def _render(self, rel: str, text: str, context: Mapping[str, Any]) -> str:
        from jinja2 import TemplateError
        from jinja2.exceptions import SecurityError, TemplateSyntaxError, UndefinedError

        try:
            with Guard(self._budget):
                rendered = _render_bounded(self._template(rel, text), context)
        except BudgetExceeded as exc:
            raise TemplateProblem(
                exc.message, self._budget_line(exc, rel), out_of_time=exc.of_time
            ) from None
        except MemoryError as exc:
            raise TemplateProblem(memory_message(self._budget), _template_line(exc, rel)) from None
        except RecursionError as exc:
            raise TemplateProblem(
                "template: recursion too deep: a macro, include or import that calls itself?",
                _template_line(exc, rel),
            ) from None
        except TemplateSyntaxError as exc:
            raise TemplateProblem(f"template syntax: {exc.message}", exc.lineno) from None
        except UndefinedError as exc:
            message = str(exc.message)
            match = re.search(r"'([^']+)' is undefined", message)
            hint = suggest(match.group(1), context) if match else ""
            raise TemplateProblem(f"template: {message}{hint}", _template_line(exc, rel)) from None
        except SecurityError as exc:
            raise TemplateProblem(
                f"template: {plain(exc)}: templates cannot reach Python internals, "
                "files or the environment",
                _template_line(exc, rel),
            ) from None
        except (
            TemplateError,
            ArithmeticError,
            TypeError,
            ValueError,
            LookupError,
            SyntaxError,  # Python refusing the code Jinja generated (nesting past its limits)
        ) as exc:
            raise TemplateProblem(f"template: {plain(exc)}", _template_line(exc, rel)) from None
        return rendered

    def source_lines(self, rel: str, text: str, context: Mapping[str, Any]) -> list[int]:
        """For each line of the rendered text, the line of the template that produced it.

        Called only when an error is reported in a rendered file: it renders once more,
        attributing every output chunk to its template line through Jinja's debug info.
        """
        try:
            with Guard(self._budget):
                return self._source_lines(self._template(rel, text), text, context)
        except (BudgetExceeded, Exception):
            return []  # positions stay those of the rendered text

    def _source_lines(self, template: Any, text: str, context: Mapping[str, Any]) -> list[int]:
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

    def _template(self, rel: str, text: str) -> Any:
        template = self._compiled.get(rel)
        if template is None:
            try:
                template = self._compiled[rel] = self._compile(rel, text)
            except RecursionError:
                raise TemplateProblem(
                    "template: nested too deeply to compile (brackets, blocks or expressions "
                    "inside one another, thousands deep)"
                ) from None
        return template

    def _compile(self, rel: str, text: str) -> Any:
        env = self._environment()
        cache = self._code_cache()
        key = cache.key(rel, text)
        code = None
        precompiled = self._precompiled.pop(rel, None)
        if precompiled is not None and precompiled[0] == text:
            code = precompiled[1]
        if code is None:
            code = cache.load(key)
        if code is None:
            # The name goes into generated code and messages; a file name is user input
            # (and was once a way out of Jinja's sandbox), so it is given as a plain token.
            # The filename only labels the code object, which is how errors find their line.
            code = env.compile(text, name=_TEMPLATE_NAME, filename=rel)
            cache.save(key, code)
        return env.template_class.from_code(env, code, env.make_globals(None))

    def _code_cache(self) -> TemplateCache:
        if self._cache is None:
            self._cache = TemplateCache(
                default_folder(), signature=_signature(self._environment()), project=self._root
            )
        return self._cache

    def _budget_line(self, exc: BudgetExceeded, rel: str) -> int | None:
        """The template line running when the budget ran out (its traceback is Jinja's
        generated code, not rewritten as errors are)."""
        template = self._compiled.get(rel)
        line = exc.line
        trace: TracebackType | None = exc.__traceback__
        while trace is not None and exc.line is None:  # the innermost frame of the file
            if trace.tb_frame.f_code.co_filename == rel and template is not None:
                line = template.get_corresponding_lineno(trace.tb_lineno)
            trace = trace.tb_next
        return line

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


_WORKER_ENVIRONMENTS: dict[Path, Any] = {}  # in a compile worker: its Jinja, per project


def _compile_marshalled(root: Path, budget: RenderBudget, rel: str, text: str) -> bytes:
    """In a worker: ``text`` compiled within the render budget, as marshal data; nothing
    (b"") when it cannot be, so the main process compiles it and reports why."""

    try:
        with Guard(budget):
            env = _WORKER_ENVIRONMENTS.get(root)
            if env is None:
                env = _WORKER_ENVIRONMENTS[root] = _make_environment(root)
            code = env.compile(text, name=_TEMPLATE_NAME, filename=rel)
        return marshal.dumps(code)
    except BaseException:  # any failure is the main process's to compile and report
        return b""


_TEMPLATE_NAME = "template"
# Below this many characters of templates to compile, workers would cost more than they save.
PARALLEL_COMPILE = 256 * 1024
# Include names are project paths: anything else is refused before the file system sees it.
MAX_INCLUDE_NAME = 1024
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f{}'\"\\]")
MAX_LIPSUM_PARAGRAPHS = 100


def _render_bounded(template: Any, context: Mapping[str, Any]) -> str:
    """``template.render(context)``, stopped as soon as its output passes the limit or its
    time runs out, rather than after building all of it."""
    out = io.StringIO()  # holds the text, not one object per chunk
    size = chunks = 0
    generator = template.root_render_func(template.new_context(dict(context)))
    try:
        for chunk in generator:
            size += len(chunk)
            if size > MAX_RENDERED_CHARS:
                raise BudgetExceeded(
                    f"template renders to more than {MAX_RENDERED_CHARS // 1048576} MiB, "
                    "the limit for one file"
                )
            out.write(chunk)
            chunks += 1
            if not chunks & 255:
                checkpoint()
    except BudgetExceeded as exc:
        if exc.line is None and generator.gi_frame is not None:
            exc.line = template.get_corresponding_lineno(generator.gi_frame.f_lineno)
        raise
    except Exception:
        template.environment.handle_exception()  # re-raises, positioned in the template
    return out.getvalue()


def _include_problem(name: object) -> str | None:
    if not isinstance(name, str):
        return f"an include names a file by its path as text, not {value_words(name)}"
    if len(name) > MAX_INCLUDE_NAME:
        return f"an include name is {len(name)} characters long; the limit is {MAX_INCLUDE_NAME}"
    bad = _UNSAFE_NAME.search(name)
    if bad:
        return f"an include name cannot contain {bad.group()!r}"
    return None


def _bounded_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> Any:
    from jinja2.utils import generate_lorem_ipsum

    if not isinstance(n, int):
        raise ValueError(f"lipsum takes a whole number of paragraphs, not {value_words(n)}")
    if n > MAX_LIPSUM_PARAGRAPHS:
        raise ValueError(f"lipsum makes at most {MAX_LIPSUM_PARAGRAPHS} paragraphs, not {n:,}")
    return generate_lorem_ipsum(n=n, html=html, min=min, max=max)


def _signature(env: Any) -> str:
    """Everything besides a file's text and name that decides the code Jinja makes of it."""
    import jinja2

    options = (
        type(env).__mro__[1].__name__,
        sorted(env.intercepted_binops),
        sorted(env.intercepted_unops),
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.lstrip_blocks,
        env.trim_blocks,
        env.keep_trailing_newline,
        env.autoescape,
        env.undefined.__name__,
        env.newline_sequence,
        sorted(env.extensions),
    )
    return f"jinja2 {jinja2.__version__}; gladcfg {gladcfg.__version__}; {options!r}"


def _make_environment(root: Path) -> Any:
    from jinja2 import BaseLoader, StrictUndefined, TemplateNotFound
    from jinja2.sandbox import SandboxedEnvironment

    class ProjectLoader(BaseLoader):
        """``{% include %}`` and ``{% import %}`` of regular files inside the project only."""

        def get_source(
            self, environment: Any, template: str
        ) -> tuple[str, str, Callable[[], bool]]:
            problem = _include_problem(template)
            if problem is not None:
                raise TemplateNotFound(_TEMPLATE_NAME, problem)
            try:
                root_real = root.resolve()
                path = (root / template).resolve()
                inside = path.is_relative_to(root_real) and path.exists()
            except (OSError, RuntimeError) as exc:  # a symlink loop, a name the OS refuses
                raise TemplateNotFound(
                    _TEMPLATE_NAME, f"cannot include {template}: {getattr(exc, 'strerror', exc)}"
                ) from None
            if not inside:
                raise TemplateNotFound(
                    _TEMPLATE_NAME,
                    f"{template} (includes must name a file inside the project)",
                )
            try:
                source = read_text(path)
            except FileProblem as exc:
                raise TemplateNotFound(
                    _TEMPLATE_NAME, f"cannot include {template}: {exc.message}"
                ) from None
            return source, template, lambda: True

    class Sandbox(SandboxedEnvironment):
        intercepted_binops = frozenset(BINOPS)

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            return BINOPS[operator](left, right)

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
            checkpoint()  # every call a template makes is a chance to stop it in time
            return SandboxedEnvironment.call(__self, __context, __obj, *args, **kwargs)

    sandbox = Sandbox(
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
    sandbox.globals["lipsum"] = _bounded_lipsum
    return sandbox
