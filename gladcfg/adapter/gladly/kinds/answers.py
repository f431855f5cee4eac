"""Answers: metadata (name, description, audiences) and content per language × type.

Gladly has no answer list: each answer has an id gladcfg derives from its name, and a read
fetches the answers the files declare, each with the language × type pairs it declares and
those it was last known to hold (:mod:`.answer_pairs`). Each read is checked to have
answered with the answer, and the content, asked for.
Content bodies are plain text in gladcfg and HTML in Gladly: escaped going out, unescaped
coming back, line breaks kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import logging
import re
import time
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from pydantic import TypeAdapter, ValidationError

from gladcfg.adapter.base import RemoteObject
from gladcfg.adapter.gladly.client import Response, clean_text
from gladcfg.adapter.gladly.connection import Connection, object_path
from gladcfg.adapter.gladly.kinds.answer_pairs import (
    declared_pairs,
    gladly_language,
    pairs_to_read,
)
from gladcfg.adapter.gladly.kinds.base import Reading, Writable
from gladcfg.adapter.gladly.shapes import CREATED, Id, Shape, Text
from gladcfg.adapter.gladly.snapshot import Pair, Seen
from gladcfg.errors import AdapterError, BadResponseError, NotFoundError

log = logging.getLogger(__name__)


class Answer(Shape):
    id: Id
    name: Id
    description: Text | None = None
    audienceIds: list[Id] | None = None


class AnswerContent(Shape):
    bodyHtml: Text | None = None
    title: Text | None = None
    subject: Text | None = None
    # Which content this is, where Gladly says so: checked to be the one asked for.
    answerId: Text | None = None
    language: Text | None = None
    type: Text | None = None

    def is_of(self, ident: str, language: str, kind: str) -> bool:
        return (
            self.answerId in (None, ident)
            and (self.language is None or gladly_language(self.language) == language)
            and self.type in (None, kind)
        )


ANSWER = TypeAdapter(Answer)
ANSWER_CONTENT = TypeAdapter(AnswerContent)


class Answers(Writable):
    kind = "answers"
    path = "/answers"
    listing = None
    uses = ("audiences",)

    def objects(self, connection: Connection, reading: Reading) -> Iterable[RemoteObject]:
        audience_names = reading.names["audiences"]
        found = reading.each_declared(
            lambda name, spec: self._read(connection, name, spec, audience_names, reading.reuse)
        )
        return one_per_name(connection, found)

    def _read(
        self,
        connection: Connection,
        name: str,
        spec: Mapping[str, Any],
        audience_names: Mapping[str, str],
        reuse: bool,
    ) -> RemoteObject | None:
        """One declared answer with the language × type pairs its hint names: as the
        snapshot saw it when ``reuse`` and it saw them all, otherwise read now."""
        pairs = pairs_to_read(name, spec)
        seen = connection.snapshot.reuse(name, pairs, usable) if reuse else None
        if seen is None:
            undeclared = frozenset(pairs).difference(declared_pairs(spec))
            seen = self._read_now(connection, name, pairs, undeclared)
            connection.snapshot.saw(name, seen)
        return remote_answer(seen, pairs, audience_names)

    def _read_now(
        self, connection: Connection, name: str, pairs: list[Pair], undeclared: frozenset[Pair]
    ) -> Seen:
        """GET the answer under the id derived from ``name``, or else under the id it was last
        found or written under (an answer gladcfg renamed keeps its first name's id); then
        each pair in ``pairs``.

        Under the derived id, an answer of another name is the one made under ``name`` and
        renamed since: it is taken under its name now. Under the remembered id, it is
        another answer's now, and ``name`` is not found. Either way the answer must be the
        one asked for (:meth:`_get`)."""
        read_at = time.time()
        ident = answer_id(name)
        remote = self._get(connection, ident)
        known = connection.snapshot.id_of(name)
        if remote is None and known is not None and known != ident:
            ident, remote = known, self._get(connection, known)
            if remote is not None and remote.name != name:
                remote = None
        if remote is None:
            return Seen(read_at, None, frozenset(pairs))
        return self._seen(connection, ident, remote, pairs, read_at, undeclared=undeclared)

    def _seen(
        self,
        connection: Connection,
        ident: str,
        remote: Answer,
        pairs: list[Pair],
        read_at: float,
        *,
        undeclared: frozenset[Pair] = frozenset(),
    ) -> Seen:
        """The answer ``remote``, read under ``ident``, with the content of each pair in
        ``pairs`` that it has."""
        contents: dict[Pair, Any] = {}
        for language, kind in pairs:
            pair_undeclared = (language, kind) in undeclared
            body = self._content(connection, ident, language, kind, undeclared=pair_undeclared)
            if body is not None:
                contents[language, kind] = content_from(kind, body)
        metadata = {**remote.model_dump(mode="json"), "id": ident}
        return Seen(read_at, metadata, frozenset(pairs), contents)

    def _content(
        self, connection: Connection, ident: str, language: str, kind: str, *, undeclared: bool
    ) -> AnswerContent | None:
        """One content of the answer ``ident`` (None: it has none), checked to be that one.
        A pair the files no longer declare may be in a language the organisation no longer
        has: Gladly then refuses to look (400 invalid), and the answer cannot hold it."""
        path = self._content_path(ident, language, kind)
        try:
            response = connection.client.request("GET", path, shape=ANSWER_CONTENT)
        except NotFoundError:
            return None
        except AdapterError as exc:
            if undeclared and exc.status == 400 and "invalid" in exc.codes:
                return None
            raise
        body: AnswerContent = response.parsed  # type: ignore[assignment]
        if not body.is_of(ident, gladly_language(language), kind):
            raise connection.mismatch(response, described(connection, body))
        return body

    def _get(self, connection: Connection, ident: str) -> Answer | None:
        """The answer ``ident`` (None: there is none), checked to be that answer."""
        try:
            return connection.get_one(object_path(self.path, ident), ANSWER, ident, "answer")
        except NotFoundError:
            return None

    def create(self, connection: Connection, name: str, spec: dict[str, Any]) -> RemoteObject:
        ident = answer_id(name)
        body = {"id": ident, **answer_metadata(name, spec, connection.ids_of("audiences"))}

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
            """After a lost response: the answer this create made, if it made one."""
            found = self._get(connection, ident)
            if found is not None and found.name != name:
                raise AdapterError(
                    f"{connection.client.instance}: answers.{name}: the id gladcfg gives it, "
                    f"{ident}, is held by the answer named {connection.client.shown(found.name)} "
                    "(made under this name and renamed since), so this create made nothing; "
                    "rename or delete that answer in Gladly, or give this one another name"
                )
            return None if found is None else found.id

        pairs = declared_pairs(spec)
        connection.snapshot.writing(name)
        connection.snapshot.may_hold(name, pairs)
        try:
            connection.create_once(self.path, body, created, existing)
        except AdapterError as exc:
            if exc.status != 409 or "taken" not in exc.codes:
                raise
            return self._adopt(connection, name, spec, exc)
        connection.snapshot.wrote(name, ident)
        self._put_contents(connection, ident, spec, {})
        connection.snapshot.holds(name, pairs)
        return RemoteObject(ident, name, spec)

    def _adopt(
        self, connection: Connection, name: str, spec: dict[str, Any], taken: AdapterError
    ) -> RemoteObject:
        """The name is taken: by this answer under another id, when gladcfg renamed it
        earlier (its id is derived from its first name) or it was made in the admin UI.
        Gladly says which (``meta.existingAnswerId``); that answer becomes the declared one,
        brought to its declared metadata and contents."""
        known = taken.meta.get("existingAnswerId") or taken.meta.get("id")
        remote = self._get(connection, known) if known else None
        if remote is None or remote.name != name:
            if remote is None:
                why = (
                    f"an answer named {name!r} already exists on Gladly under an id gladcfg "
                    "cannot find (Gladly did not say which); rename or delete it in Gladly, "
                    "or give this answer another name"
                )
            else:
                why = (
                    f"Gladly names the answer {remote.id} as the one in the way, but the "
                    f"answer {remote.id} is named {clean_text(repr(remote.name), 120)}"
                )
                if remote.id == answer_id(name):
                    why += (
                        f": it holds the id gladcfg gives {name!r}, as it was made under "
                        "this name and renamed since"
                    )
                why += (
                    "; nothing was changed: give this answer another name, or rename or "
                    "delete that one in Gladly"
                )
            raise AdapterError(
                f"{taken}: {why}",
                status=taken.status,
                codes=taken.codes,
                request_id=taken.request_id,
            ) from None
        log.warning(
            "answers.%s: an answer of that name already exists on Gladly (id %s: renamed "
            "earlier or made in the admin UI); it is now the declared one and was updated "
            "instead of creating another",
            name,
            remote.id,
        )
        pairs = declared_pairs(spec)
        seen = self._seen(connection, remote.id, remote, pairs, time.time())
        connection.snapshot.saw(name, seen)
        found = remote_answer(
            seen, pairs, {v: k for k, v in connection.ids_of("audiences").items()}
        )
        assert found is not None
        made = self.update(connection, found, name, spec)
        return RemoteObject(made.id, made.name, made.spec, adopted=found)

    def update(
        self, connection: Connection, obj: RemoteObject, name: str, spec: dict[str, Any]
    ) -> RemoteObject:
        before = obj.spec
        connection.snapshot.writing(name, obj.name)
        connection.snapshot.may_hold(name, [*declared_pairs(before), *declared_pairs(spec)])
        metadata = answer_metadata(name, spec, connection.ids_of("audiences"))
        if spec.get("description") is None and before.get("description") is not None:
            # Left out, Gladly would keep the one it has; its description is text, never
            # null: empty text clears it (and reads back as none).
            metadata["description"] = ""
        if (
            name != obj.name
            or before.get("description") != spec.get("description")
            or sorted(before.get("audiences", [])) != sorted(spec.get("audiences", []))
        ):
            path = object_path(self.path, obj.id)
            connection.gone_if_missing(
                lambda: connection.client.request("PATCH", path, metadata), obj
            )
        connection.snapshot.wrote(name, obj.id, old_name=obj.name)
        self._put_contents(connection, obj.id, spec, before.get("content", {}))
        connection.snapshot.holds(name, declared_pairs(spec))
        return RemoteObject(obj.id, name, spec)

    def delete(self, connection: Connection, obj: RemoteObject) -> None:
        path = object_path(self.path, obj.id)
        connection.snapshot.writing(obj.name)
        connection.gone_if_missing(lambda: connection.client.request("DELETE", path), obj)
        connection.snapshot.wrote(obj.name, None)

    def _put_contents(
        self, connection: Connection, ident: str, spec: Mapping[str, Any], before: Mapping[str, Any]
    ) -> None:
        """PUT each language × type that changed; DELETE each that is no longer declared."""
        after = spec.get("content", {})
        for language, types in after.items():
            for kind, content in types.items():
                if before.get(language, {}).get(kind) != content:
                    path = self._content_path(ident, language, kind)
                    connection.client.request("PUT", path, content_body(kind, content))
        for language, types in before.items():
            for kind in types:
                if kind not in after.get(language, {}):
                    with contextlib.suppress(NotFoundError):
                        path = self._content_path(ident, language, kind)
                        connection.client.request("DELETE", path)

    def _content_path(self, ident: str, language: str, kind: str) -> str:
        language = quote(gladly_language(language), safe="")
        return f"{object_path(self.path, ident)}/languages/{language}/type/{kind}"


# The fields a read gives each content type (:func:`content_from`); messaging is plain text.
CONTENT_FIELDS = {"email": {"subject", "body"}, "public": {"title", "body"}, "reference": {"body"}}


def usable(seen: Seen) -> bool:
    """Whether what a snapshot holds of an answer is in the shape a read gives."""
    for (_, kind), content in seen.contents.items():
        if kind == "messaging":
            if not isinstance(content, str):
                return False
        elif not (
            kind in CONTENT_FIELDS
            and isinstance(content, dict)
            and content.keys() == CONTENT_FIELDS[kind]
            and all(isinstance(value, str) for value in content.values())
        ):
            return False
    try:
        ANSWER.validate_python(seen.metadata) if seen.metadata is not None else None
    except ValidationError:
        return False
    return True


def one_per_name(connection: Connection, found: Iterable[RemoteObject]) -> list[RemoteObject]:
    """The answers read, each once. Gladly keeps answer names unique: two reads that found
    an answer of one name under two ids were answered by something else than Gladly (a
    cache mixing answers up), and one of them is not the answer it asked for."""
    by_name: dict[str, RemoteObject] = {}
    for obj in found:
        other = by_name.setdefault(obj.name, obj)
        if other.id != obj.id:
            asked = " and ".join(
                f"GET {clean_text(object_path(Answers.path, i), 120)}"
                for i in sorted((other.id, obj.id))
            )
            raise BadResponseError(
                f"{connection.client.instance}: {asked}: Gladly answered both with an answer "
                f"named {connection.client.shown(obj.name)}; answer names are unique on "
                "Gladly, so one of them is not the answer asked for; gladcfg plans nothing "
                "from them"
            )
    return list(by_name.values())


def described(connection: Connection, body: AnswerContent) -> str:
    """Which content a body says it is, in a message."""
    shown = connection.client.shown
    kind = f" {shown(body.type)}" if body.type is not None else ""
    language = f" in {shown(body.language)}" if body.language is not None else ""
    answer = f" of the answer {shown(body.answerId)}" if body.answerId is not None else ""
    return f"the{kind} content{language}{answer}"


def remote_answer(
    seen: Seen, pairs: list[Pair], audience_names: Mapping[str, str]
) -> RemoteObject | None:
    """The answer ``seen`` with the contents of ``pairs`` only: what a read of just those
    pairs finds (None: there was no such answer)."""
    if seen.metadata is None:
        return None
    remote = ANSWER.validate_python(seen.metadata)
    contents: dict[str, dict[str, Any]] = {}
    for language, kind in pairs:
        if (language, kind) in seen.contents:
            contents.setdefault(language, {})[kind] = seen.contents[language, kind]
    return RemoteObject(remote.id, remote.name, answer_spec(remote, contents, audience_names))


def answer_id(name: str) -> str:
    """Gladly accepts client-chosen answer ids and has no answer list: derive the id from
    the name, readable and collision-safe, so any run finds the answer again."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "answer"
    return f"{slug}-{hashlib.sha256(name.encode()).hexdigest()[:10]}"


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
