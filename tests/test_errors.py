"""One exception tree: every error gladcfg reports is a GladcfgError defined in errors.py and
drawn in its docstring; the few exceptions that are not are internal signals, named here."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import gladcfg
from gladcfg import errors

# Raised and caught inside one module, never reported as they are.
INTERNAL_SIGNALS = {
    "gladcfg.patterns.PatternError",  # a ValueError pydantic turns into a validation error
    "gladcfg.config.budget.BudgetExceeded",  # a BaseException, so templates cannot catch it
    "gladcfg.interrupts.Terminated",  # SIGTERM as a KeyboardInterrupt
    "gladcfg.yamlio.scalars.ScalarProblem",  # a ValueError the loader positions as a YamlError
    "gladcfg.edit.fmt.Unformattable",  # why fmt leaves a file as written: named, never an error
}


def _exception_classes() -> dict[str, type[BaseException]]:
    found = {}
    for module_info in pkgutil.walk_packages(gladcfg.__path__, "gladcfg."):
        if module_info.name == "gladcfg.__main__":  # runs the CLI
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == module.__name__
                and not name.startswith("_")
            ):
                found[f"{module.__name__}.{name}"] = value
    return found


def test_every_error_is_in_the_one_tree() -> None:
    classes = _exception_classes()
    outside = {
        name
        for name, cls in classes.items()
        if cls.__module__ != "gladcfg.errors" and name not in INTERNAL_SIGNALS
    }
    assert not outside, f"define these in gladcfg/errors.py: {sorted(outside)}"
    for name in INTERNAL_SIGNALS:
        assert name in classes, f"{name} is gone: take it off the list"


def test_the_docstring_draws_every_class_of_the_tree() -> None:
    tree = errors.__doc__ or ""
    for name, cls in vars(errors).items():
        if inspect.isclass(cls) and issubclass(cls, errors.GladcfgError):
            assert f"── {name} " in tree or name == "GladcfgError", f"{name} is not drawn"


def test_source_errors_have_one_positioned_shape() -> None:
    for cls in (errors.FileProblem, errors.YamlError, errors.TemplateProblem):
        error = cls("bad", 3)
        assert isinstance(error, errors.SourceError) and isinstance(error, errors.GladcfgError)
        assert (str(error), error.message, error.line) == ("bad", "bad", 3)
