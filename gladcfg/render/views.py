"""A plan's views by format: text for terminals, markdown for pull requests, JSON for
pipelines."""

from __future__ import annotations

from gladcfg.plan.document import dumps as render_json
from gladcfg.render.markdown import render_markdown
from gladcfg.render.text import render_text

PLAN_RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}

__all__ = ["PLAN_RENDERERS", "render_json", "render_markdown", "render_text"]
