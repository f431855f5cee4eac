"""What every kind's handler is handed: one gladly adapter's API client, what its last read
taught it (ids by name, versions), and the ways of writing every kind shares.

The connection belongs to one adapter, so one instance; handlers hold no state of their own and
serve every instance of a fleet at once.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar
from urllib.parse import quote, unquote

from pydantic import TypeAdapter

from gladcfg.adapter.base import RemoteObject
from gladcfg.adapter.gladly import shapes
from gladcfg.adapter.gladly.client import MAX_ATTEMPTS, GladlyClient, Response
from gladcfg.adapter.gladly.snapshot import Snapshot
from gladcfg.errors import (
    BadResponseError,
    GoneError,
    LostResponseError,
    NotFoundError,
    TransientError,
)
from gladcfg.model.kinds import is_singleton

N = TypeVar("N", bound=shapes.Named)


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


ById = TypeVar("ById", bound=_Identified)


class Connection:
    def __init__(
        self, client: GladlyClient, *, environ: Mapping[str, str], snapshot: Snapshot
    ) -> None:
        self.client = client
        # What earlier runs read of the kinds read one by one, and the ids they were under.
        self.snapshot = snapshot
        # Where a write finds the secrets the files name by environment variable: the
        # adapter's environment (injected in tests), never read before a write needs it.
        self.environ = environ
        self._ids: dict[str, dict[str, str]] = {}  # kind → name → id
        self._versions: dict[str, int] = {}  # object id → version read
        self._lock = threading.Lock()

    # -- what reading taught ---------------------------------------------------------------

    def learn(self, listed: Mapping[str, Any]) -> None:
        """A read's lists (kind → what GET answered) replace what earlier reads taught: the
        id of every listed object by its name; versions are learnt again as they are read."""
        self._ids = {
            kind: {item.name: item.id for item in items}
            for kind, items in listed.items()
            if not is_singleton(kind)
        }
        self._versions = {}

    def ids_of(self, kind: str) -> dict[str, str]:
        """Name → id of every ``kind`` object read or written so far."""
        with self._lock:
            return dict(self._ids.get(kind, {}))

    def remember(self, kind: str, name: str, object_id: str) -> None:
        """An object written since the read: later writes may refer to it by name."""
        with self._lock:
            self._ids.setdefault(kind, {})[name] = object_id

    def remember_version(self, object_id: str, version: int) -> None:
        """The version an object was read at, where Gladly versions a kind: a write names it,
        and Gladly refuses the write if the object changed since."""
        self._versions[object_id] = version

    def version_of(self, object_id: str) -> int:
        return self._versions.get(object_id, 0)

    # -- writing ---------------------------------------------------------------------------

    def create_once(
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

    def get_one(self, path: str, shape: TypeAdapter[ById], object_id: str, what: str) -> ById:
        """GET ``path``, the object ``object_id`` (``what`` names its kind: "answer"), checked
        to be that object: a server, proxy or cache answering with another one's body would
        have gladcfg plan, and write, one object's values onto another."""
        response = self.client.request("GET", path, shape=shape)
        found: ById = response.parsed  # type: ignore[assignment]
        if found.id != object_id:
            raise self.mismatch(response, f"the {what} {self.held(found)}")
        return found

    def held(self, found: object) -> str:
        """The id, and the name if any, of an object a server answered with, as gladcfg
        shows a server's text."""
        shown = self.client.shown
        name = getattr(found, "name", None)
        named = f" named {shown(name)}" if isinstance(name, str) else ""
        return f"{shown(getattr(found, 'id', None))}{named}"

    def mismatch(self, response: Response, found: str) -> BadResponseError:
        """A read that answered with another object than the one it asked for (``found``
        says which): nothing is planned, or written, from it."""
        return BadResponseError(
            f"{response.where}: Gladly answered with {found}, not what was asked for; "
            "gladcfg plans nothing from it"
        )

    def find(self, path: str, shape: TypeAdapter[list[N]], name: str) -> str | None:
        """The id of the object named ``name`` in the list GET ``path`` answers now; a list
        holding two of that name cannot say which is the one being looked for."""
        response = self.client.request("GET", path, shape=shape)
        listed: list[N] = response.parsed  # type: ignore[assignment]
        found = [item.id for item in listed if item.name == name]
        if len(found) > 1:
            ids = ", ".join(self.client.shown(i) for i in found[:3])
            raise BadResponseError(
                f"{response.where}: Gladly lists {len(found)} objects named "
                f"{self.client.shown(name)} (ids {ids}), so gladcfg cannot tell which is the "
                "one it looked for; nothing was taken from it"
            )
        return found[0] if found else None

    def gone_if_missing(self, send: Callable[[], object], obj: RemoteObject) -> None:
        """Send a write to an object read earlier; a 404 means it was deleted meanwhile."""
        try:
            send()
        except NotFoundError:
            raise GoneError(f"{obj.name} no longer exists on Gladly; plan again") from None


def object_path(collection: str, object_id: str) -> str:
    """An object's path; the id is quoted whole, so no id can reach another path."""
    return f"{collection}/{quote(object_id, safe='')}"


def id_from_location(response: Response, collection: str, what: str) -> str:
    """The id of an object Gladly created in ``collection`` (``/topics``) and answered with
    201, an empty body and ``Location: /api/v1/topics/{id}``; ``what`` names one (topic)."""
    pattern = rf"(?:https?://[^/\s]+)?/api/v1{re.escape(collection)}/([^/?#\s]+)/?"
    match = re.fullmatch(pattern, response.headers.get("location", "").strip())
    if match is None:
        raise BadResponseError(
            f"{response.where}: HTTP {response.status}, but no Location header names the new "
            f"{what} (expected /api/v1{collection}/{{id}})"
        )
    return unquote(match[1])
