"""The views of a comparison of two instances (``gladcfg diff``): text, markdown, JSON."""

from __future__ import annotations

from gladcfg.engine.compare import Comparison
from gladcfg.text import code, json_text, show


def render_text(result: Comparison) -> str:
    lines = [f"diff {result.left} → {result.right} ({result.source})", ""]
    for item in result.differences:
        if item.only_in is not None:
            symbol = "-" if item.only_in == result.left else "+"
            lines.append(f"  {symbol} {item.address}  (only in {item.only_in})")
            continue
        lines.append(f"  ~ {item.address}")
        lines.extend(f"      {d.path}: {show(d.before)} → {show(d.after)}" for d in item.diff)
    if result.differences:
        lines.append("")
    lines.append(f"{len(result.differences)} differ, {result.identical} identical.")
    return "\n".join(lines) + "\n"


def render_markdown(result: Comparison) -> str:
    lines = [
        f"### {code(result.left, table=False)} → {code(result.right, table=False)} "
        f"({result.source})",
        "",
        f"**{len(result.differences)} differ, {result.identical} identical**",
        "",
    ]
    if result.differences:
        lines += ["| address | difference |", "|---|---|"]
        for item in result.differences:
            if item.only_in is not None:
                what = f"only in {code(item.only_in)}"
            else:
                what = "<br>".join(
                    f"{code(d.path)}: {code(show(d.before))} → {code(show(d.after))}"
                    for d in item.diff
                )
            lines.append(f"| {code(item.address)} | {what} |")
    return "\n".join(lines) + "\n"


def render_json(result: Comparison) -> str:
    document = {
        "left": result.left,
        "right": result.right,
        "source": result.source,
        "identical": result.identical,
        "differences": [
            {
                "address": item.address,
                "only_in": item.only_in,
                "diff": [{"path": d.path, "before": d.before, "after": d.after} for d in item.diff],
            }
            for item in result.differences
        ],
    }
    return json_text(document, indent=2) + "\n"


COMPARISON_RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}
