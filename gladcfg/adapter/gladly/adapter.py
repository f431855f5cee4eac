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
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import httpx

from gladcfg import __version__
from gladcfg.adapter.base import Access, ReadHints, RemoteObject, RemoteState, tenant_identity
from gladcfg.adapter.gladly.client import (
    GladlyClient,
    LostResponseError,
    NotFoundError,
    Response,
)
from gladcfg.adapter.gladly.mapping import answers, business_hours, topics
from gladcfg.adapter.gladly.ratelimit import Clock, RateLimiter
from gladcfg.errors import AdapterError, GladcfgError, GoneError
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
        )
        self.host = urlsplit(config.base_url).netloc
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
        lists = {
            "audiences": "/audiences",
            "teams": "/teams",
            "inboxes": "/inboxes",
            "topics": "/topics",
            "business_hours": "/business-hours",
        }
        with ThreadPoolExecutor(READ_WORKERS) as pool:
            fetched = dict(zip(lists, pool.map(self.client.get, lists.values()), strict=True))
            organisation = self.client.get("/organization")
            ids = {kind: {item["name"]: item["id"] for item in fetched[kind]} for kind in lists}
            self._ids = ids
            names = {kind: {v: k for k, v in by_name.items()} for kind, by_name in ids.items()}
            state = RemoteState(identity=self.identity)
            state.objects["audiences"] = {
                a["name"]: RemoteObject(a["id"], a["name"], {}) for a in fetched["audiences"]
            }
            state.objects["teams"] = {
                t["name"]: RemoteObject(
                    t["id"],
                    t["name"],
                    {"description": t["description"]} if t.get("description") else {},
                )
                for t in fetched["teams"]
            }
            state.objects["inboxes"] = {
                i["name"]: RemoteObject(i["id"], i["name"], {}) for i in fetched["inboxes"]
            }
            declared_topics = hints.get("topics", {})
            state.objects["topics"] = {
                t["name"]: RemoteObject(t["id"], t["name"], topics.topic_spec(t, names["topics"]))
                for t in fetched["topics"]
                # A disabled topic nobody declares is how Gladly "deletes": it is gone.
                if not t.get("disabled") or t["name"] in declared_topics
            }
            self._versions = {h["id"]: h.get("version", 0) for h in fetched["business_hours"]}
            state.objects["business_hours"] = {
                h["name"]: RemoteObject(h["id"], h["name"], business_hours.hours_spec(h))
                for h in fetched["business_hours"]
            }
            state.objects["settings"] = {
                "settings": RemoteObject(
                    str(organisation.get("id", "organization")),
                    "settings",
                    {"timezone": organisation.get("timezone")},
                )
            }
            found = pool.map(
                lambda item: self._read_answer(item[0], item[1], names["audiences"]),
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
            remote = self.client.get(f"/answers/{quote(answer_id)}")
        except NotFoundError:
            return None
        contents: dict[str, dict[str, Any]] = {}
        for language, types in spec.get("content", {}).items():
            for kind in CONTENT_TYPES:
                if kind not in types:
                    continue
                path = _content_path(answer_id, language, kind)
                try:
                    body = self.client.get(path)
                except NotFoundError:
                    continue
                contents.setdefault(language, {})[kind] = answers.content_from(kind, body)
        return RemoteObject(
            answer_id,
            str(remote.get("name", name)),
            answers.answer_spec(remote, contents, audience_names),
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
        if ACCESS.get(kind) is not Access.WRITE:
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
        try:
            self.client.request("POST", "/answers", body)
        except LostResponseError:
            # It may exist now: look before sending again.
            try:
                self.client.get(f"/answers/{quote(answer_id)}")
            except NotFoundError:
                self.client.request("POST", "/answers", body)
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
                lambda: self.client.request("PATCH", f"/answers/{quote(obj.id)}", metadata), obj
            )
        self._put_contents(obj.id, spec, before.get("content", {}))
        return RemoteObject(obj.id, name, spec)

    def _delete_answers(
        self, name: str, spec: dict[str, Any], obj: RemoteObject | None
    ) -> RemoteObject:
        assert obj is not None
        self._gone_if_missing(
            lambda: self.client.request("DELETE", f"/answers/{quote(obj.id)}"), obj
        )
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
        topic_id = self._create_once("/topics", name, body, _location_id)
        self._remember("topics", name, topic_id)
        return RemoteObject(topic_id, name, spec)

    def _update_topics(
        self, name: str, spec: dict[str, Any], obj: RemoteObject | None
    ) -> RemoteObject:
        assert obj is not None
        body = topics.topic_body(name, spec, self._ids_of("topics"))
        self._gone_if_missing(
            lambda: self.client.request("PATCH", f"/topics/{quote(obj.id)}", body), obj
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
        hours_id = self._create_once("/business-hours", name, body, lambda r: str(r.body["id"]))
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
        try:
            self._gone_if_missing(
                lambda: self.client.request("PUT", f"/business-hours/{quote(obj.id)}", body), obj
            )
        except AdapterError as exc:
            if "version_outdated" in str(exc):
                raise AdapterError(
                    f"business_hours.{obj.name} changed on Gladly since the plan was made; "
                    "plan again"
                ) from None
            raise
        return RemoteObject(obj.id, name, spec)

    def _delete_business_hours(
        self, name: str, spec: dict[str, Any], obj: RemoteObject | None
    ) -> RemoteObject:
        assert obj is not None
        self._gone_if_missing(
            lambda: self.client.request("DELETE", f"/business-hours/{quote(obj.id)}"), obj
        )
        return obj

    # helpers

    def _create_once(
        self, path: str, name: str, body: dict[str, Any], id_of: Callable[[Response], str]
    ) -> str:
        """POST a create; if its response was lost, look the object up by name before
        sending it again, so a retry never makes a second one."""
        try:
            return id_of(self.client.request("POST", path, body))
        except LostResponseError:
            found = self._find(path, name)
            if found is not None:
                return found
            return id_of(self.client.request("POST", path, body))

    def _find(self, path: str, name: str) -> str | None:
        for item in self.client.get(path) or []:
            if item.get("name") == name:
                return str(item["id"])
        return None

    def _gone_if_missing(self, send: Callable[[], object], obj: RemoteObject) -> None:
        try:
            send()
        except NotFoundError:
            raise GoneError(f"{obj.name} no longer exists on Gladly; plan again") from None


def _content_path(answer_id: str, language: str, kind: str) -> str:
    language = quote(answers.gladly_language(language))
    return f"/answers/{quote(answer_id)}/languages/{language}/type/{kind}"


def _location_id(response: Response) -> str:
    """Topics answer 201 with an empty body and ``Location: /api/v1/topics/{id}``."""
    location = str(response.headers.get("location", ""))
    return location.rstrip("/").rsplit("/", 1)[-1]


def _tenant(base_url: str) -> str:
    """The organisation a base URL reaches, however its scheme and host are capitalised."""
    parts = urlsplit(base_url)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, "", ""))
