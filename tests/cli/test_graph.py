"""gladcfg graph: the references between one instance's objects, from the files alone."""

from __future__ import annotations

import html
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from gladcfg.cli.graph import reference_graph, render_dot, render_mermaid
from gladcfg.plan.specs import DesiredSpecs
from tests.conftest import BASE_RESOURCES, MakeProject, RunCli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "acme"

# Every reference BASE_RESOURCES holds, in the order graph writes them.
BASE_EDGES = [
    ("answers.closed", "audiences.acme", "audiences[0]"),
    ("inboxes.support", "teams.tier1", "teams[0]"),
    ("inboxes.support", "business_hours.support", "business_hours"),
    ("entry_points.support-email", "inboxes.support", "inbox"),
    ("entry_points.support-email", "audiences.acme", "audience"),
    ("auto_reply_rules.closed", "entry_points.support-email", "entry_points[0]"),
    ("auto_reply_rules.closed", "answers.closed", "answer"),
]
BASE_NODES = [
    "settings",
    "audiences.acme",
    "teams.tier1",
    "answers.closed",
    "business_hours.support",
    "inboxes.support",
    "entry_points.support-email",
    "auto_reply_rules.closed",
]
ONE_INSTANCE = 'version: 1\nresources: ["config/**/*.yaml"]\ninstances:\n  only: {}\n'


@dataclass
class Drawn:
    """A graph as read back from its text: nodes by address, in the order written."""

    nodes: dict[str, str] = field(default_factory=dict)  # address → its group
    missing: set[str] = field(default_factory=set)  # drawn dashed: not in the files
    edges: list[tuple[str, str, str]] = field(default_factory=list)  # (from, to, field)


_QUOTED = r'"(?:[^"\\]|\\.)*"'
_DOT_LINES = {
    "open": re.compile(r"digraph gladcfg \{"),
    "setting": re.compile(r"  (?:rankdir=LR|node \[shape=box\]);"),
    "cluster": re.compile(r"  subgraph cluster_([a-z_]+) \{"),
    "label": re.compile(rf"    label=({_QUOTED});"),
    "node": re.compile(rf"    ({_QUOTED}) \[label=({_QUOTED})(, style=dashed)?\];"),
    "close": re.compile(r"(?:  )?\}"),
    "edge": re.compile(rf"  ({_QUOTED}) -> ({_QUOTED}) \[label=({_QUOTED})\];"),
}


def _dot_string(quoted: str) -> str:
    return re.sub(r"\\(.)", r"\1", quoted[1:-1])


def parse_dot(text: str) -> Drawn:
    """Every line is one statement of the DOT graph gladcfg writes, every string quoted
    and escaped, braces balanced, each node in the cluster of its kind, each edge between
    nodes declared; otherwise the assertion says which line is not."""
    drawn, depth, cluster = Drawn(), 0, ""
    assert text.endswith("}\n")
    for line in text.splitlines():
        kind, match = next(
            ((k, m) for k, p in _DOT_LINES.items() if (m := p.fullmatch(line))), ("", None)
        )
        assert match is not None, f"not a statement gladcfg writes: {line!r}"
        if kind in ("open", "cluster"):
            depth += 1
            cluster = match[1] if kind == "cluster" else ""
        elif kind == "close":
            depth -= 1
            cluster = ""
        elif kind == "label":
            assert _dot_string(match[1]) == cluster
        elif kind == "node":
            address, label = _dot_string(match[1]), _dot_string(match[2])
            assert cluster and (address == cluster or address.startswith(f"{cluster}."))
            drawn.nodes[address] = cluster
            if match[3]:
                assert match[2] == match[1][:-1] + '\\n(not in the files)"'  # DOT's line break
                drawn.missing.add(address)
            else:
                assert label == address
        elif kind == "edge":
            assert depth == 1
            source, target = _dot_string(match[1]), _dot_string(match[2])
            assert source in drawn.nodes and target in drawn.nodes
            drawn.edges.append((source, target, _dot_string(match[3])))
    assert depth == 0
    return drawn


_MERMAID_LINES = {
    "open": re.compile(r"flowchart LR"),
    "cluster": re.compile(r'  subgraph cluster_([a-z_]+)\["([a-z_]+)"\]'),
    "node": re.compile(r'    (n[0-9]+)\["([^"]*)"\]'),
    "end": re.compile(r"  end"),
    "edge": re.compile(r'  (n[0-9]+) -->\|"([^"]*)"\| (n[0-9]+)'),
    "style": re.compile(r"  classDef missing stroke-dasharray: 5 5"),
    "missing": re.compile(r"  class (n[0-9]+(?:,n[0-9]+)*) missing"),
}


def _mermaid_string(text: str) -> str:
    """A label as Mermaid shows it: ``#quot;`` and ``#35;`` are its entities."""
    assert not re.search(r'["<>&`]', text)
    return re.sub(
        r"#([a-z]+|[0-9]+);",
        lambda m: html.unescape(f"&{'#' if m[1].isdigit() else ''}{m[1]};"),
        text,
    )


def parse_mermaid(text: str) -> Drawn:
    drawn, ids, cluster = Drawn(), {}, ""
    lines = text.splitlines()
    assert lines[0] == "flowchart LR" and text.endswith("\n")
    for line in lines[1:]:
        kind, match = next(
            ((k, m) for k, p in _MERMAID_LINES.items() if (m := p.fullmatch(line))), ("", None)
        )
        assert match is not None and kind != "open", f"not a line gladcfg writes: {line!r}"
        if kind == "cluster":
            assert match[1] == match[2]
            cluster = match[1]
        elif kind == "end":
            cluster = ""
        elif kind == "node":
            assert cluster and match[1] == f"n{len(ids) + 1}"
            label = _mermaid_string(match[2])
            address = label.removesuffix(" (not in the files)")
            ids[match[1]] = address
            drawn.nodes[address] = cluster
            if address != label:
                drawn.missing.add(address)
        elif kind == "edge":
            drawn.edges.append((ids[match[1]], ids[match[3]], _mermaid_string(match[2])))
        elif kind == "missing":
            assert {ids[n] for n in match[1].split(",")} == drawn.missing
    return drawn


def test_dot_draws_every_reference_grouped_by_kind(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    result = run_cli("-C", root, "graph", "-i", "staging")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("digraph gladcfg {\n")
    drawn = parse_dot(result.stdout)
    assert list(drawn.nodes) == BASE_NODES
    assert drawn.nodes["inboxes.support"] == "inboxes" and drawn.nodes["settings"] == "settings"
    assert drawn.edges == BASE_EDGES
    assert not drawn.missing
    assert '  "entry_points.support-email" -> "inboxes.support" [label="inbox"];\n' in (
        result.stdout
    )
    assert run_cli("-C", root, "graph", "-i", "staging").stdout == result.stdout  # stable


def test_mermaid_draws_the_same_graph(make_project: MakeProject, run_cli: RunCli) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    result = run_cli("-C", root, "graph", "-i", "prod", "--format", "mermaid")
    assert result.exit_code == 0, result.output
    drawn = parse_mermaid(result.stdout)
    assert list(drawn.nodes) == BASE_NODES and drawn.edges == BASE_EDGES
    assert '  subgraph cluster_inboxes["inboxes"]\n    n6["inboxes.support"]\n  end\n' in (
        result.stdout
    )
    assert '  n7 -->|"inbox"| n6\n' in result.stdout
    assert "classDef" not in result.stdout  # nothing is missing


def test_target_keeps_what_it_needs_and_what_refers_to_it(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    result = run_cli("-C", root, "graph", "-i", "staging", "--target", "answers.closed")
    assert result.exit_code == 0, result.output
    drawn = parse_dot(result.stdout)
    assert list(drawn.nodes) == ["audiences.acme", "answers.closed", "auto_reply_rules.closed"]
    assert drawn.edges == [
        ("answers.closed", "audiences.acme", "audiences[0]"),
        ("auto_reply_rules.closed", "answers.closed", "answer"),
    ]
    # What a target needs is followed all the way; what refers to it, one step.
    needs = run_cli("-C", root, "graph", "-i", "staging", "--target", "auto_reply_rules.*")
    assert list(parse_dot(needs.stdout).nodes) == BASE_NODES[1:]
    referred = run_cli("-C", root, "graph", "-i", "staging", "--target", "teams.tier1")
    assert parse_dot(referred.stdout).edges == [("inboxes.support", "teams.tier1", "teams[0]")]
    both = run_cli(
        "-C", root, "graph", "-i", "staging", "--format", "mermaid",
        "--target", "teams.*", "--target", "business_hours.support",
    )  # fmt: skip
    assert parse_mermaid(both.stdout).edges == BASE_EDGES[1:3]


def test_a_target_matching_nothing_is_an_error(make_project: MakeProject, run_cli: RunCli) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    result = run_cli(
        "-C", root, "graph", "-i", "staging", "--target", "inbox.*", "--target", "teams.*"
    )
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (
        "error: --target 'inbox.*' matches nothing in staging's files (nearest: "
        "inboxes.support). A target is a glob of addresses (kind.name, e.g. 'inboxes.*')\n"
    )


def test_an_object_the_files_do_not_declare_is_drawn_dashed() -> None:
    """validate refuses such a reference in the files (next test), so the graph of valid
    files never has one; drawn from specs, it is kept, marked, never dropped."""
    desired = DesiredSpecs(
        "staging",
        {"teams": {"tier1": {}}, "inboxes": {"support": {"teams": ["ghost", "tier1"]}}},
        {},
        frozenset(),
    )
    drawn = reference_graph(desired)
    dot = parse_dot(render_dot(drawn))
    assert list(dot.nodes) == ["teams.ghost", "teams.tier1", "inboxes.support"]
    assert dot.missing == {"teams.ghost"}
    assert dot.edges == [
        ("inboxes.support", "teams.ghost", "teams[0]"),
        ("inboxes.support", "teams.tier1", "teams[1]"),
    ]
    assert '"teams.ghost" [label="teams.ghost\\n(not in the files)", style=dashed];' in (
        render_dot(drawn)
    )
    mermaid = render_mermaid(drawn)
    assert parse_mermaid(mermaid).missing == {"teams.ghost"}
    assert '    n1["teams.ghost (not in the files)"]\n' in mermaid
    assert mermaid.endswith("  classDef missing stroke-dasharray: 5 5\n  class n1 missing\n")


def test_invalid_files_are_reported_as_validate_reports_them(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = make_project(
        {"config/base.yaml": BASE_RESOURCES.replace("teams: [tier1]", "teams: [tier1, ghost]")}
    )
    result = run_cli("-C", root, "graph", "-i", "staging")
    validated = run_cli("-C", root, "validate", "-i", "staging")
    assert result.exit_code == validated.exit_code == 1 and result.stdout == ""
    assert "inboxes.support.teams[1]: unknown team 'ghost'" in result.stderr
    assert result.stderr == validated.stderr
    assert "Traceback" not in result.output


QUOTED_NAMES = """\
teams:
  'tier "1" <b>#quot;&`x`\\': {}
  'back\\': {}
inboxes:
  support: {teams: ['tier "1" <b>#quot;&`x`\\', 'back\\']}
"""


def test_any_name_is_quoted_and_escaped(make_project: MakeProject, run_cli: RunCli) -> None:
    root = make_project({"config/base.yaml": QUOTED_NAMES}, project_yaml=ONE_INSTANCE)
    odd, back = 'teams.tier "1" <b>#quot;&`x`\\', "teams.back\\"
    dot = run_cli("-C", root, "graph")  # one instance: no -i needed
    assert dot.exit_code == 0, dot.output
    assert parse_dot(dot.stdout).edges == [
        ("inboxes.support", back, "teams[0]"),
        ("inboxes.support", odd, "teams[1]"),
    ]
    assert '  "inboxes.support" -> "teams.back\\\\" [label="teams[0]"];\n' in dot.stdout
    assert '"teams.tier \\"1\\" <b>#quot;&`x`\\\\"' in dot.stdout
    mermaid = run_cli("-C", root, "graph", "--format", "mermaid")
    assert parse_mermaid(mermaid.stdout).edges == [
        ("inboxes.support", back, "teams[0]"),
        ("inboxes.support", odd, "teams[1]"),
    ]
    assert '["teams.tier #quot;1#quot; #lt;b#gt;#35;quot;#amp;#96;x#96;\\"]' in mermaid.stdout


def test_hidden_characters_never_reach_the_terminal(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root = make_project(
        {"config/base.yaml": 'teams:\n  "evil\\u202eexe": {}\n'}, project_yaml=ONE_INSTANCE
    )
    refused = run_cli("-C", root, "graph")  # the files refuse such a name
    assert refused.exit_code == 1 and "\u202e" not in refused.output
    assert "U+202E" in refused.stderr
    desired = DesiredSpecs(
        "only", {"inboxes": {"support": {"teams": ["evil\u202eexe"]}}}, {}, frozenset()
    )
    drawn = reference_graph(desired)
    dot, mermaid = render_dot(drawn), render_mermaid(drawn)
    assert "\u202e" not in dot + mermaid
    assert '"teams.evil\\\\u202eexe" [label="teams.evil\\\\u202eexe\\n(not' in dot
    assert '["teams.evil\\u202eexe (not in the files)"]' in mermaid


def test_out_writes_the_file(make_project: MakeProject, run_cli: RunCli) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    shown = run_cli("-C", root, "graph", "-i", "staging", "--format", "mermaid")
    out = root / "docs" / "graph.mmd"
    written = run_cli("-C", root, "graph", "-i", "staging", "--format", "mermaid", "--out", out)
    assert written.exit_code == 0, written.output
    assert written.stdout == ""
    assert written.stderr == (f"Wrote the graph of staging (8 objects, 7 references) to {out}.\n")
    assert out.read_text(encoding="utf-8") == shown.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-i", "prdo"], "unknown instance 'prdo' (did you mean 'prod'?)"),
        ([], "choose the instance with -i NAME (one of: staging, prod)"),
        (["-i", "prod", "--format", "svg"], "'svg' is not one of 'dot', 'mermaid'"),
        (["-i", "prod", "--out", "gladcfg.yaml"], "it is the project's gladcfg.yaml"),
    ],
)
def test_errors_exit_1_without_a_traceback(
    make_project: MakeProject, run_cli: RunCli, args: list[str], message: str
) -> None:
    root = make_project({"config/base.yaml": BASE_RESOURCES})
    args = [str(root / a) if a == "gladcfg.yaml" else a for a in args]
    result = run_cli("-C", root, "graph", *args)
    assert result.exit_code == 1 and result.stdout == ""
    assert message in result.stderr and "Traceback" not in result.stderr
    assert (root / "gladcfg.yaml").read_text().startswith("version: 1")


def test_the_example_project(tmp_path: Path, run_cli: RunCli) -> None:
    source = tmp_path / "acme"
    shutil.copytree(EXAMPLE, source)
    result = run_cli("-C", source, "graph", "-i", "prod-eu")
    assert result.exit_code == 0, result.output
    drawn = parse_dot(result.stdout)
    assert ("inboxes.acme-emea", "business_hours.emea", "business_hours") in drawn.edges
    assert (
        "glad_apps.acme-web-chat",
        "answers.acme-refund-policy",
        "quick_actions[0].answer",
    ) in drawn.edges
    assert not drawn.missing
    cut = run_cli(
        "-C", source, "graph", "-i", "prod-eu", "--format", "mermaid",
        "--target", "answers.acme-refund-policy",
    )  # fmt: skip
    assert parse_mermaid(cut.stdout).edges == [
        ("answers.acme-refund-policy", "audiences.acme", "audiences[0]"),
        ("help_centers.acme-help", "audiences.acme", "audiences[0]"),  # between two drawn
        ("help_centers.acme-help", "answers.acme-refund-policy", "answers[0]"),
        ("glad_apps.acme-web-chat", "answers.acme-refund-policy", "quick_actions[0].answer"),
    ]
