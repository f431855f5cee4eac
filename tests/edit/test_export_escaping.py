"""An exported value reads back as itself, whatever it holds: template syntax in a value
(``Hi {{customer.firstName}}`` in an answer, a line starting with ``#%``) is written so that
rendering gives it back, never run."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gladcfg import yamlio
from gladcfg.adapter.base import Access, RemoteObject, RemoteState
from gladcfg.config.render import Renderer, escape_template, has_template_syntax
from gladcfg.edit.export import export_state
from gladcfg.kinds.teams import Team

PIECES = [
    "{{",
    "{%",
    "{#",
    "#%",
    "}}",
    "%}",
    "#}",
    "{",
    "#",
    "%",
    "\n",
    "\r\n",
    "  ",
    "x",
    "'",
    '"',
]
TEXTS = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=12).map("".join),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
)


def read_back(root: Path, value: str) -> object:
    remote = RemoteState(identity="test")
    remote.objects["teams"] = {"t": RemoteObject("1", "t", {"description": value})}
    export = export_state(remote, {"teams": Access.WRITE}, instance="staging")
    text = export.files["teams.yaml"]
    rendered = Renderer(root).render("teams.yaml", text, {})
    return Team.model_validate(yamlio.load(rendered).data["teams"]["t"]).canonical()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=TEXTS)
def test_any_text_exports_to_a_file_that_reads_back_as_itself(value: str) -> None:
    assert read_back(Path("."), value) == {"description": value}


def test_the_common_cases_read_back_and_plain_files_stay_plain() -> None:
    for value in ("Hi {{customer.firstName}}", "{% if x %}", "a {# note #}", "#% for x in y\nz"):
        assert read_back(Path("."), value) == {"description": value}
    plain = "teams:\n  t: {description: 'a } b'}\n"
    assert escape_template(plain) is plain
    assert not has_template_syntax(escape_template("x")) and has_template_syntax("{{")
