"""Writing YAML as people write it by hand, for files gladcfg creates (export)."""

from __future__ import annotations

from typing import Any

import yaml

from gladcfg.yamlio.scalars import ScalarProblem, resolve_plain


class _Dumper(yaml.SafeDumper):
    """Block style, keys in the order given, and short lists of scalars inline
    (``teams: [a, b]``), as people write YAML by hand."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # indent list items under their key


def _represent_list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.Node:
    inline = all(not isinstance(v, dict | list) for v in value) and len(str(value)) < 70
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=inline)


# Line breaks a YAML reader folds or normalises outside double quotes (where they are escaped).
_QUOTED_BREAKS = ("\r", "\x85", "\u2028", "\u2029")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if any(brk in value for brk in _QUOTED_BREAKS):
        style: str | None = '"'
    elif "\n" in value:
        style = "|"
    else:
        # PyYAML writes plain what YAML 1.1 reads as a string; gladcfg reads YAML 1.2, where
        # 1e3, 0E0 and 0o17 are numbers: those are quoted.
        style = None if _reads_as_itself(value) else "'"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _reads_as_itself(value: str) -> bool:
    """Whether ``value`` written plain reads back as this string (:mod:`.scalars`)."""
    try:
        return bool(resolve_plain(value) == value)
    except ScalarProblem:  # a number too large to read: written plain, it is an error
        return False


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(str, _represent_str)


def dump(data: Any) -> str:
    """Write ``data`` as a YAML document that :func:`gladcfg.yamlio.load` reads back equal."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
