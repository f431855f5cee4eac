"""Answers and their contents, one per language and type; the API has no list of answers,
so each is read by its id."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gladcfg.sandbox.endpoints import Endpoints, request_body
from gladcfg.sandbox.responses import errors, not_found
from gladcfg.sandbox.state import now

ANSWER_TYPES = ("public", "email", "messaging", "reference")


class Answers(Endpoints):
    """An answer's create, read, change and delete, and those of its contents."""

    async def create(self, request: Request) -> Response:
        data = await request_body(request) or {}
        name = data.get("name")
        if not name:
            return errors(400, "blank", "name can't be blank", "name")
        if len(name) > 500:
            return errors(400, "too_long", "name is too long", "name")
        answer_id = data.get("id") or self.sandbox.new_id()
        holder = next((a["id"] for a in self.state["answers"].values() if a["name"] == name), None)
        if holder is not None or answer_id in self.state["answers"]:
            # As Gladly's own examples read it: the id of the answer holding the name.
            meta = {"existingAnswerId": holder or answer_id}
            return errors(409, "taken", "name is taken", "name", meta=meta)
        answer = {
            "id": answer_id,
            "name": name,
            "audienceIds": list(data.get("audienceIds") or []),
            "createdAt": now(),
            "contents": {},
        }
        if "description" in data:
            answer["description"] = data["description"]
        self.state["answers"][answer_id] = answer
        self.sandbox.save()
        return JSONResponse(_public_answer(answer))

    async def one(self, request: Request) -> Response:
        answer_id = request.path_params["id"]
        item = self.state["answers"].get(answer_id)
        if item is None:
            return not_found("answer")
        if request.method == "GET":
            return JSONResponse(
                {**_public_answer(item), "updatedAt": item.get("updatedAt", item["createdAt"])}
            )
        if request.method == "DELETE":
            del self.state["answers"][answer_id]
            self.sandbox.save()
            return Response(status_code=204)
        data = await request_body(request) or {}
        if "name" in data:
            if any(
                a["name"] == data["name"] and a["id"] != answer_id
                for a in self.state["answers"].values()
            ):
                return errors(400, "taken", "name is taken", "name")
            item["name"] = data["name"]
        for key in ("description", "audienceIds"):
            if key in data:
                item[key] = data[key]
        item["updatedAt"] = now()
        self.sandbox.save()
        return Response(status_code=204)

    async def content(self, request: Request) -> Response:
        params = request.path_params
        item = self.state["answers"].get(params["id"])
        if item is None:
            return not_found("answer")
        lang, kind = params["lang"], params["type"]
        if kind not in ANSWER_TYPES:
            return errors(400, "invalid", f"type must be one of {', '.join(ANSWER_TYPES)}", "type")
        key = f"{lang}/{kind}"
        if request.method == "GET":
            found = item["contents"].get(key)
            return JSONResponse(found) if found else not_found("content")
        if request.method == "DELETE":
            if item["contents"].pop(key, None) is None:
                return not_found("content")
            self.sandbox.save()
            return Response(status_code=204)
        if lang not in self.state["languages"]:
            return errors(400, "invalid", "language not configured for org", "language")
        data = await request_body(request) or {}
        stored = {
            "answerId": item["id"],
            "language": lang,
            "type": kind,
            "bodyHtml": data.get("bodyHtml", ""),
        }
        for extra in ("title", "subject", "internal"):
            if extra in data:
                stored[extra] = data[extra]
        item["contents"][key] = stored
        self.sandbox.save()
        return JSONResponse(stored)


def _public_answer(item: dict[str, Any]) -> dict[str, Any]:
    """An answer as Gladly shows it: what is unset is left out (the API's fields are text,
    never null)."""
    return {
        key: item[key]
        for key in ("id", "name", "description", "audienceIds", "createdAt")
        if item.get(key) is not None
    }
