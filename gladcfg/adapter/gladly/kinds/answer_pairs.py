"""Which language × type pairs of an answer a read asks Gladly for. Gladly lists neither
answers nor the contents an answer holds: each pair is asked for (GET; 404: it has none).

A read asks for the pairs the files declare, and also for those that earlier reads found or
writes left and the files no longer declare (the snapshot remembers them): a pair removed
from the files is then found, and planned as removed, instead of staying live unseen. The
pairs asked for besides the declared ones are in the read hints, under ``also_read``, and
so in a saved plan's ``reads``: applying it, on any machine, asks for exactly the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from gladcfg.adapter.gladly.client import clean_text
from gladcfg.adapter.gladly.snapshot import Pair
from gladcfg.errors import PlanFileError
from gladcfg.kinds.answers import CONTENT_TYPES
from gladcfg.model.types import normalise_language

ALSO_READ = "also_read"  # in an answer's read hint: [[language, type], …] not declared


def gladly_language(tag: str) -> str:
    """en-US → en-us: Gladly's language codes are lowercase."""
    return tag.lower()


def declared_pairs(spec: Mapping[str, Any]) -> list[Pair]:
    """The language × type pairs of an answer's declared content, in the files' order."""
    return [
        (language, kind)
        for language, types in spec.get("content", {}).items()
        for kind in CONTENT_TYPES
        if kind in types
    ]


def pairs_to_read(name: str, hint: Mapping[str, Any]) -> list[Pair]:
    """The pairs a read of the answer ``name`` asks for: those its ``hint`` declares, then
    those it reads also. A hint comes from the files or from a saved plan, which may have
    been edited: what is not a language and an answer type is refused, never requested."""
    pairs = declared_pairs(hint)
    also = hint.get(ALSO_READ, [])
    if not isinstance(also, list):
        raise _not_pairs(name, also)
    asked = {_on_gladly(pair) for pair in pairs}
    for entry in also:
        pair = _pair(entry)
        if pair is None:
            raise _not_pairs(name, entry)
        if _on_gladly(pair) not in asked:
            asked.add(_on_gladly(pair))
            pairs.append(pair)
    return pairs


def widen(
    hints: Mapping[str, Mapping[str, dict[str, Any]]], known: Callable[[str], Iterable[Pair]]
) -> dict[str, dict[str, dict[str, Any]]]:
    """``hints`` with, for each answer, the pairs ``known(name)`` says it may hold on Gladly
    that its hint does not ask for, under ``also_read`` (sorted: a plan records them in one
    order whatever the order they were learnt in). What is not a pair is never asked for."""
    widened = {kind: dict(by_name) for kind, by_name in hints.items()}
    answers = widened.get("answers", {})
    for name, hint in answers.items():
        asked = pairs_to_read(name, hint)
        on_gladly = {_on_gladly(pair) for pair in asked}
        extra = {
            _on_gladly(pair): pair
            for pair in sorted(known(name))
            if _pair(pair) is not None and _on_gladly(pair) not in on_gladly
        }
        if extra:
            also = sorted([*asked[len(declared_pairs(hint)) :], *extra.values()])
            answers[name] = {**hint, ALSO_READ: [list(pair) for pair in also]}
    return widened


def _on_gladly(pair: Pair) -> Pair:
    """The pair as Gladly's path names it: languages that differ only in case are one."""
    return gladly_language(pair[0]), pair[1]


def _pair(entry: object) -> Pair | None:
    if not (isinstance(entry, list | tuple) and len(entry) == 2):
        return None
    language, kind = entry
    if not isinstance(language, str) or kind not in CONTENT_TYPES:
        return None
    try:
        canonical = normalise_language(language)
    except ValueError:
        return None
    return (language, kind) if canonical == language else None


def _not_pairs(name: str, value: object) -> PlanFileError:
    return PlanFileError(
        f"reads.answers.{clean_text(name, 120)}.{ALSO_READ}: {clean_text(repr(value), 120)} "
        "is not a list of [language, answer type] pairs (such as [en-US, email])"
    )
