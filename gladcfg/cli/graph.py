"""``gladcfg graph``: the references between one instance's objects, as Graphviz DOT or
Mermaid, drawn from the files alone.

The graph is built from the desired specs validate accepts, so it works offline and shows
what apply would build, not what the instance holds now. A reference to an object the files
do not declare is still drawn (dashed, "not in the files") rather than dropped: validate
refuses such references today, but a graph that silently lost an edge would mislead.
Both formats are written deterministically (nodes by kind in apply order, then by name;
edges by their source, in the order its fields hold them), so a graph committed to a repo
changes only when the references do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gladcfg.cli.context import AppContext
from gladcfg.cli.options import target_option, var_option

if TYPE_CHECKING:
    from gladcfg.plan.specs import DesiredSpecs

Key = tuple[str, str]  # (kind, name)
_MISSING = "not in the files"


@dataclass(frozen=True)
class Node:
    kind: str
    name: str
    address: str
    declared: bool  # False: referred to, but declared in no file for this instance


@dataclass(frozen=True)
class Edge:
    source: Key
    field: str  # where the reference is held (``quick_actions[0].answer``)
    target: Key


@dataclass(frozen=True)
class Graph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


@click.command()
@click.option(
    "-i",
    "--instance",
    metavar="NAME",
    help="Instance whose files to draw (needed when the project has several).",
)
@click.option(
    "--format",
    "format_",
    type=click.Choice(["dot", "mermaid"]),
    default="dot",
    show_default=True,
    help="Graphviz DOT (render with: dot -Tsvg) or a Mermaid flowchart (for Markdown).",
)
@target_option(
    help="Only these addresses (globs), what they reference in turn, and what refers to them."
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the graph to this file instead of the standard output.",
)
@var_option
@click.pass_obj
def graph(
    app: AppContext,
    instance: str | None,
    format_: str,
    targets: tuple[str, ...],
    out: Path | None,
    variables: dict[str, Any],
) -> int:
    """Draw the references between one instance's objects, from the files alone.

    Each object the files declare for the instance is a node, grouped by kind; each
    reference is an edge from the object holding it to the one it names, labelled with
    its field (teams[0], quick_actions[0].answer). The instance is never contacted.

    With --target, only the targeted objects, everything they reference (and what that
    references, in turn), and the objects that reference them directly; every reference
    between those is drawn.
    """
    from gladcfg.cli.options import project_inputs, selected_instances
    from gladcfg.cli.output import echo_problems
    from gladcfg.config import Workspace, load_desired
    from gladcfg.plan.specs import DesiredSpecs

    workspace = Workspace.open(app.root, variables)
    (name,) = selected_instances(
        workspace, (instance,) if instance else (), False, require_choice=True
    )
    if out is not None:
        from gladcfg.fileio import check_writable

        check_writable(out, "the graph", project_inputs(workspace))
    report = load_desired(workspace, name)
    echo_problems(report.warnings, [name], color=app.use_color)
    drawn = reference_graph(DesiredSpecs.of(report.states[name]))
    if targets:
        drawn = cut(drawn, targets, name)
    text = render_dot(drawn) if format_ == "dot" else render_mermaid(drawn)
    if out is None:
        click.echo(text, nl=False)
        return 0
    from gladcfg.fileio import save
    from gladcfg.names import escaped

    save(out, text, "the graph")
    click.echo(
        f"Wrote the graph of {name} ({len(drawn.nodes)} objects, {len(drawn.edges)} "
        f"references) to {escaped(str(out))}.",
        err=True,
    )
    return 0


def reference_graph(desired: DesiredSpecs) -> Graph:
    """Every object ``desired`` declares, every object their references name, and those
    references."""
    from gladcfg.model.kinds import KINDS, address_of, references_in

    order = {kind: index for index, kind in enumerate(KINDS)}
    declared = {(kind, name) for kind, specs in desired.specs.items() for name in specs}
    edges = [
        Edge((kind, name), field, (target, named))
        for kind, specs in desired.specs.items()
        for name, spec in specs.items()
        for field, target, named in references_in(kind, spec)
    ]
    keys = sorted(declared | {edge.target for edge in edges}, key=lambda k: (order[k[0]], k[1]))
    rank = {key: index for index, key in enumerate(keys)}
    nodes = tuple(
        Node(kind, name, address_of(kind, name), (kind, name) in declared) for kind, name in keys
    )
    # A stable sort: each source's edges stay in the order its fields hold them.
    return Graph(nodes, tuple(sorted(edges, key=lambda edge: rank[edge.source])))


def cut(drawn: Graph, targets: tuple[str, ...], instance: str) -> Graph:
    """The targeted part of ``drawn`` (see the command's help), or a TargetError naming
    each glob that matches no object: a graph that silently showed nothing for a typo
    would look like an object nothing refers to."""
    from gladcfg.errors import TargetError
    from gladcfg.names import escaped, shown
    from gladcfg.plan.planner import matches, nearest

    addresses = [node.address for node in drawn.nodes]
    unmatched = [glob for glob in targets if not any(matches(a, (glob,)) for a in addresses)]
    if unmatched:
        raise TargetError(
            "; ".join(
                f"--target {shown(glob)} matches nothing in {escaped(instance)}'s files"
                + nearest(glob, sorted(addresses))
                for glob in unmatched
            )
            + ". A target is a glob of addresses (kind.name, e.g. 'inboxes.*')"
        )
    needs: dict[Key, list[Key]] = {}
    for edge in drawn.edges:
        needs.setdefault(edge.source, []).append(edge.target)
    chosen = {(node.kind, node.name) for node in drawn.nodes if matches(node.address, targets)}
    kept = set(chosen)
    pending = list(chosen)
    while pending:  # what the targets need, transitively
        for needed in needs.get(pending.pop(), ()):
            if needed not in kept:
                kept.add(needed)
                pending.append(needed)
    kept.update(edge.source for edge in drawn.edges if edge.target in chosen)
    return Graph(
        tuple(node for node in drawn.nodes if (node.kind, node.name) in kept),
        tuple(edge for edge in drawn.edges if edge.source in kept and edge.target in kept),
    )


def render_dot(drawn: Graph) -> str:
    """``drawn`` as a DOT digraph: every id quoted, so a name may hold any character."""
    ids = {(node.kind, node.name): _dot_quoted(node.address) for node in drawn.nodes}
    lines = ["digraph gladcfg {", "  rankdir=LR;", "  node [shape=box];"]
    for kind, nodes in _by_kind(drawn.nodes):
        lines += [f"  subgraph cluster_{kind} {{", f"    label={_dot_quoted(kind)};"]
        for node in nodes:
            if node.declared:
                attributes = f"label={_dot_quoted(node.address)}"
            else:  # DOT reads \n in a label as a line break
                attributes = f'label="{_dot_escaped(node.address)}\\n({_MISSING})", style=dashed'
            lines.append(f"    {ids[node.kind, node.name]} [{attributes}];")
        lines.append("  }")
    lines += [
        f"  {ids[edge.source]} -> {ids[edge.target]} [label={_dot_quoted(edge.field)}];"
        for edge in drawn.edges
    ]
    return "\n".join([*lines, "}", ""])


def render_mermaid(drawn: Graph) -> str:
    """``drawn`` as a Mermaid flowchart: nodes get ids of their own (n1, n2…), since an
    address is no Mermaid identifier, and the address is their quoted label."""
    ids = {(node.kind, node.name): f"n{index}" for index, node in enumerate(drawn.nodes, 1)}
    lines = ["flowchart LR"]
    for kind, nodes in _by_kind(drawn.nodes):
        lines.append(f'  subgraph cluster_{kind}["{_mermaid_text(kind)}"]')
        for node in nodes:
            label = node.address if node.declared else f"{node.address} ({_MISSING})"
            lines.append(f'    {ids[node.kind, node.name]}["{_mermaid_text(label)}"]')
        lines.append("  end")
    lines += [
        f'  {ids[edge.source]} -->|"{_mermaid_text(edge.field)}"| {ids[edge.target]}'
        for edge in drawn.edges
    ]
    missing = [ids[node.kind, node.name] for node in drawn.nodes if not node.declared]
    if missing:
        lines += [
            "  classDef missing stroke-dasharray: 5 5",
            f"  class {','.join(missing)} missing",
        ]
    return "\n".join([*lines, ""])


def _by_kind(nodes: tuple[Node, ...]) -> list[tuple[str, list[Node]]]:
    groups: dict[str, list[Node]] = {}
    for node in nodes:
        groups.setdefault(node.kind, []).append(node)
    return list(groups.items())


def _dot_quoted(text: str) -> str:
    return f'"{_dot_escaped(text)}"'


def _dot_escaped(text: str) -> str:
    """``text`` for inside a DOT string: hidden characters shown as escapes (never raw on
    a terminal), then backslashes and quotes escaped."""
    from gladcfg.text import visible

    return visible(text).replace("\\", "\\\\").replace('"', '\\"')


# Mermaid decodes ``#name;`` and ``#code;`` in labels as HTML entities, and reads labels as
# HTML: each character that could be markup, or start an entity, is written as one.
_MERMAID_ENTITIES = str.maketrans(
    {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "`": "#96;"}
)


def _mermaid_text(text: str) -> str:
    from gladcfg.text import visible

    return visible(text).translate(_MERMAID_ENTITIES)
