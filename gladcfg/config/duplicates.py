"""Names that are one name written two ways.

Two resource names that differ only in how their characters are encoded (``é`` as one code
point, or ``e`` and a combining accent) show the same in every diff: they are duplicates, as
two equal names are. Two spellings of one language under an answer's ``content`` (``en-US``
and ``en-us``) are read as one language, and the last would silently replace the first.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

from gladcfg.config.problems import Source
from gladcfg.errors import Problem
from gladcfg.kinds.answers import Answer
from gladcfg.model.resource import Resource
from gladcfg.model.types import normalise_language
from gladcfg.names import code_points, twin_name

T = TypeVar("T")


def twin(declared: Mapping[str, T], normal: Mapping[str, str], name: str) -> T | None:
    """What is declared under a name that is ``name`` once normalised (see
    :func:`~gladcfg.names.twin_name`)."""
    found = twin_name(declared, normal, name)
    return declared.get(found) if found is not None else None


def twin_note(first: str, here: str) -> str:
    """What to add to a duplicate's message when the two names are written differently."""
    if first == here:
        return ""
    return (
        f" as '{code_points(first)}' (this one is '{code_points(here)}'): they are one name "
        "once Unicode-normalised (NFC), and show the same"
    )


def language_twins(
    source: Source, data: Mapping[Any, Any], answers: Mapping[str, Resource]
) -> Iterator[Problem]:
    """Languages given twice under an answer's content, in two spellings. Only answers
    whose content lost a key while validated are looked at."""
    raw_answers = data.get("answers")
    if not isinstance(raw_answers, dict):
        return
    for name, answer in answers.items():
        assert isinstance(answer, Answer)
        body = raw_answers.get(name)
        raw = body.get("content") if isinstance(body, dict) else None
        if not isinstance(raw, dict) or len(raw) == len(answer.content):
            continue
        seen: dict[str, str] = {}
        for written in raw:
            try:
                language = normalise_language(written)
            except (ValueError, TypeError):  # reported already; the answer was kept without it
                continue
            if language in seen:
                yield source.problem(
                    f"'{written}' is the language '{language}', already given as "
                    f"'{seen[language]}'; give each language once",
                    ("answers", name, "content", written),
                    key=True,
                )
            seen.setdefault(language, written)
