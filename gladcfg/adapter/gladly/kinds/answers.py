"""Answers: metadata (name, description, audiences) and content per language × type.

Gladly has no answer list: each answer has an id gladcfg derives from its name, and a read
fetches the answers the files declare, each with only its declared language × type pairs.
Content bodies are plain text in gladcfg and HTML in Gladly: escaped going out, unescaped
coming back, line breaks kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from pydantic import TypeAdapter

from gladcfg.adapter.base import RemoteObject
from gladcfg.adapter.gladly.client import Response, clean_text
from gladcfg.adapter.gladly.kinds.base import Reading, Writable
from gladcfg.adapter.gladly.session import Session, object_path
from gladcfg.adapter.gladly.shapes import CREATED, Id, Shape, Text
from gladcfg.errors import BadResponseError, NotFoundError
from gladcfg.model.resources import CONTENT_TYPES


class Answer(Shape):
    id: Id
    name: Id
    description: Text | None = None
    audienceIds: list[Id] | None = None


class AnswerContent(Shape):
    bodyHtml: Text | None = None
    title: Text | None = None
    subject: Text | None = None


ANSWER = TypeAdapter(Answer)
ANSWER_CONTENT = TypeAdapter(AnswerContent)


class Answers(Writable):
    kind = "answers"
    path = "/answers"
    listing = None
    uses = ("audiences",)

    def objects(self, session: Session, reading: Reading) -> Iterable[RemoteObject]:
        audience_names = reading.names["audiences"]
        return reading.each_declared(
            lambda name, spec: self._read(session, name, spec, audience_names)
        )

    def _read(
        self,
        session: Session,
        name: str,
        spec: Mapping[str, Any],
        audience_names: Mapping[str, str],
    ) -> RemoteObject | None:
        """One declared answer: its metadata, then only the declared language × type pairs."""
        ident = answer_id(name)
        try:
            remote = session.client.get(object_path(self.path, ident), ANSWER)
        except NotFoundError:
            return None
        contents: dict[str, dict[str, Any]] = {}
        for language, types in spec.get("content", {}).items():
            for kind in CONTENT_TYPES:
                if kind not in types:
                    continue
                path = self._content_path(ident, language, kind)
                try:
                    body = session.client.get(path, ANSWER_CONTENT)
                except NotFoundError:
                    continue
                contents.setdefault(language, {})[kind] = content_from(kind, body)
        return RemoteObject(ident, remote.name, answer_spec(remote, contents, audience_names))

    def create(self, session: Session, name: str, spec: dict[str, Any]) -> RemoteObject:
        ident = answer_id(name)
        body = {"id": ident, **answer_metadata(name, spec, session.ids_of("audiences"))}

        def created(response: Response) -> str:
            made = response.body(CREATED).id
            if made != ident:
                raise BadResponseError(
                    f"{response.where}: Gladly gave the answer the id "
                    f"{clean_text(repr(made), 80)}, not the id gladcfg chose ({ident}), "
                    "by which it finds answers again"
                )
            return made

        def existing() -> str | None:
            try:
                return session.client.get(object_path(self.path, ident), CREATED).id
            except NotFoundError:
                return None

        session.create_once(self.path, body, created, existing)
        self._put_contents(session, ident, spec, {})
        return RemoteObject(ident, name, spec)

    def update(
        self, session: Session, obj: RemoteObject, name: str, spec: dict[str, Any]
    ) -> RemoteObject:
        before = obj.spec
        metadata = answer_metadata(name, spec, session.ids_of("audiences"))
        if (
            name != obj.name
            or before.get("description") != spec.get("description")
            or sorted(before.get("audiences", [])) != sorted(spec.get("audiences", []))
        ):
            path = object_path(self.path, obj.id)
            session.gone_if_missing(lambda: session.client.request("PATCH", path, metadata), obj)
        self._put_contents(session, obj.id, spec, before.get("content", {}))
        return RemoteObject(obj.id, name, spec)

    def delete(self, session: Session, obj: RemoteObject) -> None:
        path = object_path(self.path, obj.id)
        session.gone_if_missing(lambda: session.client.request("DELETE", path), obj)

    def _put_contents(
        self, session: Session, ident: str, spec: Mapping[str, Any], before: Mapping[str, Any]
    ) -> None:
        """PUT each language × type that changed; DELETE each that is no longer declared."""
        after = spec.get("content", {})
        for language, types in after.items():
            for kind, content in types.items():
                if before.get(language, {}).get(kind) != content:
                    path = self._content_path(ident, language, kind)
                    session.client.request("PUT", path, content_body(kind, content))
        for language, types in before.items():
            for kind in types:
                if kind not in after.get(language, {}):
                    with contextlib.suppress(NotFoundError):
                        path = self._content_path(ident, language, kind)
                        session.client.request("DELETE", path)

    def _content_path(self, ident: str, language: str, kind: str) -> str:
        language = quote(gladly_language(language), safe="")
        return f"{object_path(self.path, ident)}/languages/{language}/type/{kind}"


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
