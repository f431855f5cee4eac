"""The ``gladly`` adapter: what Gladly's public REST API can do, and nothing it cannot.

Writable: answers (metadata + content per language × type), business hours (versioned PUT)
and topics (delete = disable). Read-only, so differences are manual changes: inboxes, teams,
audiences and the organisation's time zone — and only the fields the API shows are compared.
Not exposed, so validated only: entry points, auto-reply rules. No request is sent for what
the API cannot do, and none is invented.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import httpx
from pydantic import TypeAdapter

from gladcfg import __version__
from gladcfg.adapter.base import (
    Access,
    ReadHints,
    RemoteObject,
    RemoteState,
    access_of,
    tenant_identity,
)
from gladcfg.adapter.gladly import shapes
from gladcfg.adapter.gladly.client import (
    MAX_ATTEMPTS,
    GladlyClient,
    Response,
    basic_auth_forms,
    clean_text,
)
from gladcfg.adapter.gladly.mapping import answers, business_hours, topics
from gladcfg.adapter.gladly.ratelimit import Clock, RateLimiter
from gladcfg.errors import (
    AdapterError,
    BadResponseError,
    GladcfgError,
    GoneError,
    LostResponseError,
    NotFoundError,
    TransientError,
)
from gladcfg.model.project import GladlyInstance
from gladcfg.model.resources import CONTENT_TYPES

ACCESS = {
    "settings": Access.READ_ONLY,  # the organisation's time zone
    "audiences": Access.READ_ONLY,
    "teams": Access.READ_ONLY,
    "topics": Access.WRITE,
    "answers": Access.WRITE,
    "business_hours": Access.WRITE,
    "inboxes": Access.READ_ONLY,
    "entry_points": Access.HIDDEN,
    "auto_reply_rules": Access.HIDDEN,
}
# What the API shows of the read-only kinds: only these fields are compared.
FIELDS = {
    "settings": frozenset({"timezone"}),
    "audiences": frozenset(),
    "teams": frozenset({"description"}),
    "inboxes": frozenset(),
}
READ_WORKERS = 8
N = TypeVar("N", bound=shapes.Named)


def http_client(config: GladlyInstance, token: str) -> httpx.Client:
    """The one place the HTTP client is made: Basic auth, timeouts, a bounded pool."""
    return httpx.Client(
        base_url=config.base_url + "/api/v1",
        auth=httpx.BasicAuth(config.user, token),
        headers={"User-Agent": f"gladcfg/{__version__}", "Accept": "application/json"},
        timeout=httpx.Timeout(30.0, connect=10.0),
        limits=httpx.Limits(max_connections=READ_WORKERS, max_keepalive_connections=READ_WORKERS),
    )


class GladlyAdapter:
    name = "gladly"
    access = ACCESS
    fields = FIELDS
    reads_by_name = True  # answers have no list
    concurrent_writes = True  # each write waits on the network

    def __init__(
        self,
        instance: str,
        config: GladlyInstance,
        root: Path,
        *,
        http: httpx.Client | None = None,
        clock: Clock | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        env = os.environ if environ is None else environ
        token = env.get(config.token_env)
        if http is None and not token:
            raise GladcfgError(
                f"instance '{instance}': the environment variable {config.token_env} (its API "
                "token) is not set"
            )
        limiter = RateLimiter(
            config.rate_limit.requests_per_second, config.rate_limit.budget_percent, clock=clock
        )
        self.client = GladlyClient(
            http if http is not None else http_client(config, token or ""),
            instance=instance,
            user=config.user,
            token_env=config.token_env,
            limiter=limiter,
            clock=clock,
            secrets=basic_auth_forms(config.user, token) if token else (),
        )
        self.identity = tenant_identity(self.name, instance, _tenant(config.base_url))
        self._ids: dict[str, dict[str, str]] = {}  # kind → name → id
        self._versions: dict[str, int] = {}  # business hours id → version read
        self._lock = threading.Lock()

    @staticmethod
    def access_for(config: GladlyInstance) -> Mapping[str, Access]:
        return ACCESS

    # -- reading -------------------------------------------------------------------------

    def read(self, hints: ReadHints | None = None) -> RemoteState:
        hints = hints or {}
        get = self.client.get
        with ThreadPoolExecutor(READ_WORKERS) as pool:
            audiences_ = pool.submit(get, "/audiences", shapes.NAMED_LIST)
            teams_ = pool.submit(get, "/teams", shapes.TEAMS)
            inboxes_ = pool.submit(get, "/inboxes", shapes.NAMED_LIST)
            topics_ = pool.submit(get, "/topics", shapes.TOPICS)
            hours_ = pool.submit(get, "/business-hours", shapes.BUSINESS_HOURS)
            organisation = get("/organization", shapes.ORGANIZATION)
            audiences, teams, inboxes = audiences_.result(), teams_.result(), inboxes_.result()
            remote_topics, hours = topics_.result(), hours_.result()
            self._ids = {
                kind: {item.name: item.id for item in items}
                for kind, items in (
                    ("audiences", audiences),
                    ("teams", teams),
                    ("inboxes", inboxes),
                    ("topics", remote_topics),
                    ("business_hours", hours),
                )
            }
            audience_names = {a.id: a.name for a in audiences}
            topic_names = {t.id: t.name for t in remote_topics}
            state = RemoteState(identity=self.identity)
            state.objects["audiences"] = {a.name: RemoteObject(a.id, a.name, {}) for a in audiences}
            state.objects["teams"] = {
                t.name: RemoteObject(
                    t.id, t.name, {"description": t.description} if t.description else {}
                )
                for t in teams
            }
            state.objects["inboxes"] = {i.name: RemoteObject(i.id, i.name, {}) for i in inboxes}
            declared_topics = hints.get("topics", {})
            state.objects["topics"] = {
                t.name: RemoteObject(t.id, t.name, topics.topic_spec(t, topic_names))
                for t in remote_topics
                # A disabled topic nobody declares is how Gladly "deletes": it is gone.
                if not t.disabled or t.name in declared_topics
            }
            self._versions = {h.id: h.version for h in hours}
            state.objects["business_hours"] = {
                h.name: RemoteObject(h.id, h.name, business_hours.hours_spec(h)) for h in hours
            }
            state.objects["settings"] = {
                "settings": RemoteObject(
                    organisation.id or "organization",
                    "settings",
                    {"timezone": organisation.timezone},
                )
            }
            found = pool.map(
                lambda item: self._read_answer(item[0], item[1], audience_names),
                hints.get("answers", {}).items(),
            )
            state.objects["answers"] = {obj.name: obj for obj in found if obj is not None}
        state.requests = self.client.requests
        return state

    def _read_answer(
        self, name: str, spec: Mapping[str, Any], audience_names: Mapping[str, str]
    ) -> RemoteObject | None:
        """One declared answer: its metadata, then only the declared language × type pairs."""
        answer_id = answers.answer_id(name)
        try:
            remote = self.client.get(_path("answers", answer_id), shapes.ANSWER)
        except NotFoundError:
            return None
        contents: dict[str, dict[str, Any]] = {}
        for language, types in spec.get("content", {}).items():
            for kind in CONTENT_TYPES:
                if kind not in types:
                    continue
                path = _content_path(answer_id, language, kind)
                try:
                    body = self.client.get(path, shapes.ANSWER_CONTENT)
                except NotFoundError:
                    continue
                contents.setdefault(language, {})[kind] = answers.content_from(kind, body)
        return RemoteObject(
            answer_id, remote.name, answers.answer_spec(remote, contents, audience_names)
        )

    # -- writing -------------------------------------------------------------------------

    def create(self, kind: str, name: str, spec: dict[str, Any]) -> RemoteObject:
        return self._writer(kind, "create")(name, spec, None)

    def update(self, kind: str, obj: RemoteObject, spec: dict[str, Any]) -> RemoteObject:
        return self._writer(kind, "update")(obj.name, spec, obj)

    def rename(
        self, kind: str, obj: RemoteObject, new_name: str, spec: dict[str, Any]
    ) -> RemoteObject:
        return self._writer(kind, "update")(new_name, spec, obj)

    def delete(self, kind: str, obj: RemoteObject) -> None:
        self._writer(kind, "delete")(obj.name, obj.spec, obj)

    def close(self) -> None:
        self.client.close()

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        # Gladly offers no lock; versioned business hours and the plan's fingerprint guard
        # against concurrent changes instead.
        yield

    def _writer(
        self, kind: str, verb: str
    ) -> Callable[[str, dict[str, Any], RemoteObject | None], RemoteObject]:
        if access_of(ACCESS, kind) is not Access.WRITE:
            raise AdapterError(f"Gladly's API cannot write {kind}")
        return getattr(self, f"_{verb}_{kind}")  # type: ignore[no-any-return]

    def _ids_of(self, kind: str) -> dict[str, str]:
        with self._lock:
            return dict(self._ids.get(kind, {}))

    def _remember(self, kind: str, name: str, object_id: str) -> None:
        with self._lock:
            self._ids.setdefault(kind, {})[name] = object_id

    # answers

    def _create_answers(
        self, name: str, spec: dict[str, Any], _: RemoteObject | None
    ) -> RemoteObject:
        answer_id = answers.answer_id(name)
        body = {"id": answer_id, **answers.answer_metadata(name, spec, self._ids_of("audiences"))}

        def created(response: Response) -> str:
            made = response.body(shapes.CREATED).id
            if made != answer_id:
                raise BadResponseError(
                    f"{response.where}: Gladly gave the answer the id "
                    f"{clean_text(repr(made), 80)}, not the id gladcfg chose ({answer_id}), "
                    "by which it finds answers again"
                )
            return made

        def existing() -> str | None:
            try:
                return self.client.get(_path("answers", answer_id), shapes.CREATED).id
            except NotFoundError:
                return None

        self._create_once("/answers", body, created, existing)
        self._put_contents(answer_id, spec, {})
        return RemoteObject(answer_id, name, spec)

    def _update_answers(
        self, name: str, spec: dict[str, Any], obj: RemoteObject | None
    ) -> RemoteObject:
        assert obj is not None
        before = obj.spec
        metadata = answers.answer_metadata(name, spec, self._ids_of("audiences"))
        if (
            name != obj.name
            or before.get("description") != spec.get("description")
            or sorted(before.get("audiences", [])) != sorted(spec.get("audiences", []))
        ):
            self._gone_if_missing(
                lambda: self.client.request("PATCH", _path("answers", obj.id), metadata), obj
            )
        self._put_contents(obj.id, spec, before.get("content", {}))
        return RemoteObject(obj.id, name, spec)

    def _delete_answers(
        self, name: str, spec: dict[str, Any], obj: RemoteObject | None
    ) -> RemoteObject:
        assert obj is not None
        self._gone_if_missing(lambda: self.client.request("DELETE", _path("answers", obj.id)), obj)
        return obj

    def _put_contents(
        self, answer_id: str, spec: Mapping[str, Any], before: Mapping[str, Any]
    ) -> None:
        after = spec.get("content", {})
        for language, types in after.items():
            for kind, content in types.items():
                if before.get(language, {}).get(kind) != content:
                    path = _content_path(answer_id, language, kind)
                    self.client.request("PUT", path, answers.content_body(kind, content))
        for language, types in before.items():
            for kind in types:
                if kind not in after.get(language, {}):
                    with contextlib.suppress(NotFoundError):
                        self.client.request("DELETE", _content_path(answer_id, language, kind))

    # topics

    def _create_topics(
        self, name: str, spec: dict[str, Any], _: RemoteObject | None
    ) -> RemoteObject:
        body = topics.topic_body(name, spec, self._ids_of("topics"))
        topic_id = self._create_once(
            "/topics", body, _topic_id, lambda: self._find("/topics", shapes.TOPICS, name)
        )
        self._remember("topics", name, topic_id)
        return RemoteObject(topic_id, name, spec)

    def _update_topics(
        self, name: str, spec: dict[str, Any], obj: RemoteObject | None
    ) -> RemoteObject:
        assert obj is not None
        body = topics.topic_body(name, spec, self._ids_of("topics"))
        self._gone_if_missing(
            lambda: self.client.request("PATCH", _path("topics", obj.id), body), obj
        )
        self._remember("topics", name, obj.id)
        return RemoteObject(obj.id, name, spec)

    def _delete_topics(
        self, name: str, spec: dict[str, Any], obj: RemoteObject | None
    ) -> RemoteObject:
        # Gladly keeps every topic; deleting one means disabling it.
        return self._update_topics(name, {**spec, "disabled": True}, obj)

    # business hours

    def _create_business_hours(
        self, name: str, spec: dict[str, Any], _: RemoteObject | None
    ) -> RemoteObject:
        body = {"name": name, "officeHours": business_hours.office_hours(spec)}
        hours_id = self._create_once(
            "/business-hours",
            body,
            lambda response: response.body(shapes.CREATED).id,
            lambda: self._find("/business-hours", shapes.BUSINESS_HOURS, name),
        )
        return RemoteObject(hours_id, name, spec)

    def _update_business_hours(
        self, name: str, spec: dict[str, Any], obj: RemoteObject | None
    ) -> RemoteObject:
        assert obj is not None
        body = {
            "name": name,
            "version": self._versions.get(obj.id, 0),
            "officeHours": business_hours.office_hours(spec),
        }
        path = _path("business-hours", obj.id)
        try:
            self._gone_if_missing(lambda: self.client.request("PUT", path, body), obj)
        except AdapterError as exc:
            if "version_outdated" not in exc.codes:
                raise
            # A PUT sent again after a lost response finds the version it raised itself.
            now = self.client.get(path, shapes.BUSINESS_HOURS_ONE)
            if now.name != name or business_hours.hours_spec(now) != spec:
                raise AdapterError(
                    f"business_hours.{obj.name} changed on Gladly since the plan was made; "
                    "plan again"
                ) from None
        return RemoteObject(obj.id, name, spec)

    def _delete_business_hours(
        self, name: str, spec: dict[str, Any], obj: RemoteObject | None
    ) -> RemoteObject:
        assert obj is not None
        self._gone_if_missing(
            lambda: self.client.request("DELETE", _path("business-hours", obj.id)), obj
        )
        return obj

    # helpers

    def _create_once(
        self,
        path: str,
        body: dict[str, Any],
        id_of: Callable[[Response], str],
        existing: Callable[[], str | None],
    ) -> str:
        """POST a create; when its response was lost, look for the object before sending it
        again, so a retry never makes a second one. At most MAX_ATTEMPTS POSTs."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return id_of(self.client.request("POST", path, body))
            except LostResponseError as lost:
                found = existing()
                if found is not None:
                    return found
                if attempt == MAX_ATTEMPTS:
                    raise TransientError(
                        f"{lost}; sent {attempt} times, and Gladly has not created it"
                    ) from None
                self.client.pause(attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _find(self, path: str, shape: TypeAdapter[list[N]], name: str) -> str | None:
        for item in self.client.get(path, shape):
            if item.name == name:
                return item.id
        return None

    def _gone_if_missing(self, send: Callable[[], object], obj: RemoteObject) -> None:
        try:
            send()
        except NotFoundError:
            raise GoneError(f"{obj.name} no longer exists on Gladly; plan again") from None


def _path(collection: str, object_id: str) -> str:
    """An object's path; the id is quoted whole, so no id can reach another path."""
    return f"/{collection}/{quote(object_id, safe='')}"


def _content_path(answer_id: str, language: str, kind: str) -> str:
    language = quote(answers.gladly_language(language), safe="")
    return f"{_path('answers', answer_id)}/languages/{language}/type/{kind}"


_TOPIC_LOCATION = re.compile(r"(?:https?://[^/\s]+)?/api/v1/topics/([^/?#\s]+)/?")


def _topic_id(response: Response) -> str:
    """Topics answer 201 with an empty body and ``Location: /api/v1/topics/{id}``."""
    match = _TOPIC_LOCATION.fullmatch(response.headers.get("location", "").strip())
    if match is None:
        raise BadResponseError(
            f"{response.where}: HTTP {response.status}, but no Location header names the new "
            "topic (expected /api/v1/topics/{id})"
        )
    return unquote(match[1])


_DEFAULT_PORTS = {"https": 443, "http": 80}


def _tenant(base_url: str) -> str:
    """The organisation a base URL reaches, however it is spelled: scheme and host in any
    case, the host with its trailing dot, the scheme's default port written out or not."""
    parts = urlsplit(base_url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(scheme):
        host += f":{parts.port}"
    return urlunsplit((scheme, host, parts.path.rstrip("/"), "", ""))
