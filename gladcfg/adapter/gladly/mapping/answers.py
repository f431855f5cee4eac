"""Answers: metadata (name, description, audiences) and content per language × type.

Content bodies are plain text in gladcfg and HTML in Gladly: escaped going out, unescaped
coming back, line breaks kept.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping
from typing import Any

from gladcfg.adapter.gladly.shapes import Answer, AnswerContent


def answer_id(name: str) -> str:
    """Gladly accepts client-chosen answer ids and has no answer list: derive the id from
    the name, readable and collision-safe, so any run finds the answer again."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "answer"
    return f"{slug}-{hashlib.sha256(name.encode()).hexdigest()[:10]}"


def gladly_language(tag: str) -> str:
    """en-US → en-us: Gladly's language codes are lowercase."""
    return tag.lower()


def body_html(text: str) -> str:
    """Plain text as Gladly's bodyHtml: escaped, line breaks kept."""
    return html.escape(text, quote=False).replace("\n", "<br>")


def body_text(value: str) -> str:
    return html.unescape(value.replace("<br>", "\n"))


def content_body(kind: str, content: Any) -> dict[str, Any]:
    """One language × type of an answer's content, as PUT …/languages/{lang}/type/{kind}."""
    if kind == "messaging":
        return {"bodyHtml": body_html(content)}
    if kind == "email":
        return {"bodyHtml": body_html(content["body"]), "subject": content["subject"]}
    if kind == "public":
        return {"bodyHtml": body_html(content["body"]), "title": content["title"]}
    return {"bodyHtml": body_html(content["body"])}


def content_from(kind: str, body: AnswerContent) -> Any:
    text = body_text(body.bodyHtml or "")
    if kind == "messaging":
        return text
    if kind == "email":
        return {"subject": body.subject or "", "body": text}
    if kind == "public":
        return {"title": body.title or "", "body": text}
    return {"body": text}


def answer_metadata(
    name: str, spec: Mapping[str, Any], audience_ids: Mapping[str, str]
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name,
        "audienceIds": [audience_ids[a] for a in spec.get("audiences", [])],
    }
    if spec.get("description") is not None:
        body["description"] = spec["description"]
    return body


def answer_spec(
    remote: Answer,
    contents: Mapping[str, Mapping[str, Any]],
    audience_names: Mapping[str, str],
) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if remote.description:
        spec["description"] = remote.description
    spec["audiences"] = sorted(audience_names.get(i, i) for i in remote.audienceIds or [])
    spec["content"] = {lang: dict(types) for lang, types in contents.items() if types}
    return spec
