"""Build gladcfg/spec/gladly-openapi.json: the part of Gladly's published OpenAPI document that
gladcfg uses, machine-readable parts only, with every place where gladcfg reads it otherwise
than its schemas say recorded under ``x-gladcfg-decisions``.

    python scripts/gladly_openapi.py [SHARED_OPENAPI_FOLDER]

The sources (see that folder's README) are Gladly's OpenAPI 3.0.1 document as published in
github.com/saitejach127/n8n-nodes-gladly (``nodes/Gladly/openapi.json``) and the Business Hours
and answer-content schemas of github.com/api-evangelist/gladly, merged over it. A test runs
this script against the same folder and fails when the committed document is stale.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "gladcfg" / "spec" / "gladly-openapi.json"
SOURCES = ROOT.parent / "shared" / "gladly-openapi"

# The operations gladcfg sends, by path: nothing else is kept.
USED = {
    "/api/v1/organization": ("get",),
    "/api/v1/audiences": ("get",),
    "/api/v1/inboxes": ("get",),
    "/api/v1/inboxes/{inboxId}": ("get",),
    "/api/v1/teams": ("get",),
    "/api/v1/teams/{teamId}": ("get",),
    "/api/v1/topics": ("get", "post"),
    "/api/v1/topics/{topicId}": ("get", "patch"),
    "/api/v1/answers": ("post",),
    "/api/v1/answers/{answerId}": ("get", "patch", "delete"),
    "/api/v1/answers/{answerId}/languages/{language}/type/{type}": ("get", "put", "delete"),
    "/api/v1/webhooks": ("get", "post"),
    "/api/v1/webhooks/{webhookId}": ("get", "patch", "delete"),
}
OVERLAID = ("/api/v1/business-hours", "/api/v1/business-hours/{businessHoursId}")
# Prose and what no validator reads.
DROPPED = {"description", "summary", "x-codeSamples", "tags", "example", "examples", "title"}
DROPPED_IN_OPERATIONS = {"callbacks", "security"}
ERRORS = {"$ref": "#/components/schemas/GladlyErrors"}


def build(sources: Path) -> dict[str, Any]:
    published = json.loads((sources / "n8n-nodes-gladly-openapi.json").read_text("utf-8"))
    overlay = json.loads((sources / "overlay-api-evangelist.json").read_text("utf-8"))
    decisions: list[dict[str, str]] = []

    def decide(where: str, decision: str) -> None:
        decisions.append({"where": where, "decision": decision})

    paths: dict[str, Any] = {}
    for path, methods in USED.items():
        item = published["paths"][path]
        kept = {key: item[key] for key in ("parameters",) if key in item}
        for method in methods:
            operation = {k: v for k, v in item[method].items() if k not in DROPPED_IN_OPERATIONS}
            kept[method] = _inline(operation, published)
        paths[path] = kept
    for path in OVERLAID:
        paths[path] = copy.deepcopy(overlay["paths"][path])

    schemas = {
        name: schema
        for name, schema in published["components"]["schemas"].items()
        if name in ("Error", "ErrorWithMeta")
    }
    schemas.update(copy.deepcopy(overlay["components"]["schemas"]))
    del schemas["BHErrors"]

    # -- where the schemas and Gladly's own examples disagree: the examples win ----------
    schemas["GladlyErrors"] = {
        "type": "object",
        "required": ["errors"],
        "properties": {
            "errors": {
                "oneOf": [
                    {"type": "array", "items": {"$ref": "#/components/schemas/ErrorWithMeta"}},
                    {"$ref": "#/components/schemas/ErrorWithMeta"},
                ]
            }
        },
    }
    for path, item in paths.items():
        for method, operation in _operations(item):
            for status, response in operation.get("responses", {}).items():
                if status.startswith(("4", "5")):
                    operation["responses"][status] = {
                        "content": {"application/json": {"schema": ERRORS}}
                    }
    decide(
        "every 4xx response",
        "an error body is {errors: [Error…]} or, as the 404 examples of answers and topics "
        "show, {errors: Error}; the schemas name Error, Errors or an array only. The "
        "examples are followed: either form is Gladly's, with attr, code, detail and meta",
    )

    for item in paths.values():
        for _, operation in _operations(item):
            for status in ("401", "429"):
                operation["responses"].setdefault(status, {"description": status})
    for path, item in paths.items():
        if path.endswith("}"):
            for _, operation in _operations(item):
                operation["responses"].setdefault("404", {"content": {"application/json": {"schema": ERRORS}}})
    decide(
        "every operation on one object by its id: 404",
        "the API's Error Handling section answers 404 for an object that does not exist; "
        "the inbox and team reads document only their 200",
    )
    decide(
        "every operation: 401 and 429",
        "the API's own sections say any request may be answered 401 (bad credentials) or "
        "429 (over the rate limit), with a body they do not document",
    )

    answer = "/api/v1/answers"
    one_answer = "/api/v1/answers/{answerId}"
    description = {"type": "string", "maxLength": 10000}
    name = {"type": "string", "minLength": 1, "maxLength": 500}
    for schema in (
        _body(paths[answer]["post"]),
        _body(paths[one_answer]["patch"]),
        _ok(paths[answer]["post"]),
        _ok(paths[one_answer]["get"]),
    ):
        schema["properties"]["description"] = dict(description)
        schema["properties"]["name"] = dict(name)
    decide(
        "answers: POST, PATCH and GET bodies",
        "description (at most 10,000 characters) and name (1 to 500) are taken from the "
        "examples of the 400 answers ('description cannot be longer than 10000 characters', "
        "'name cannot be longer than 500 characters', 'name cannot be blank'); the schemas "
        "leave description out",
    )
    _body(paths[answer]["post"])["required"] = ["name"]
    decide(
        "answers: POST body",
        "name is required, as the 'name cannot be blank or missing' example says",
    )

    content = paths["/api/v1/answers/{answerId}/languages/{language}/type/{type}"]
    patch = overlay["patch"]["/api/v1/answers/{answerId}/languages/{language}/type/{type}"]["put"]
    for method, operation in _operations(content):
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "type":
                parameter["schema"] = {"type": "string", "enum": list(patch["typeEnum"])}
    put = content["put"]
    put["requestBody"] = {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    **copy.deepcopy(patch["requestBody"]["content"]["application/json"]["schema"]),
                }
            }
        },
    }
    put["x-required-by-type"] = copy.deepcopy(patch["requiredByType"])
    for schema in (_ok(content["get"]), _ok(put)):
        schema["properties"].setdefault("subject", {"type": "string"})
        schema["properties"].setdefault("internal", {"type": "boolean"})
    decide(
        "answer content: the type parameter and PUT body",
        "type is one of public, email, messaging, reference and the PUT body's required "
        "fields depend on it (x-required-by-type: public needs bodyHtml and title, email "
        "bodyHtml and subject, messaging and reference bodyHtml), from the later mirror's "
        "answer-management schemas; responses carry subject and internal where they apply",
    )

    for path in ("/api/v1/topics", "/api/v1/webhooks"):
        headers = paths[path]["post"]["responses"]["201"].setdefault("headers", {})
        headers["Location"] = {"required": True, "schema": {"type": "string"}}
    decide(
        "topics and webhooks: POST 201",
        "the Location header's schema is null in the topics document; it is text, and "
        "required, as both examples show a Location and no body",
    )

    _objects(paths)
    decide(
        "every schema with properties and no type (webhooks' credentials, most bodies)",
        "an object: a schema that lists properties but no type would let null through, and "
        "null is not a webhook's credentials or an answer",
    )

    for item in paths.values():
        for _, operation in _operations(item):
            body = operation.get("requestBody")
            if body is not None:
                for media in body["content"].values():
                    _close(media["schema"], schemas)
    decide(
        "every request body",
        "a field the schema does not name is refused (additionalProperties: false): what "
        "Gladly does with one is undocumented, so gladcfg sends none",
    )

    _formats(paths)
    decide(
        "every format",
        "RFC3339 and 'RFC3339 with millis' are read as date-time, the OpenAPI name of RFC 3339",
    )

    return {
        "openapi": "3.0.1",
        "info": {"title": "Gladly REST API (the part gladcfg uses)", "version": "1.0"},
        "servers": [{"url": "/"}],
        "x-gladcfg-source": [
            "github.com/saitejach127/n8n-nodes-gladly nodes/Gladly/openapi.json "
            "@ 44be056d9ca26f2e0090f7fe86f76b38e9f72d37 (Gladly's OpenAPI 3.0.1 document, "
            "June 2025)",
            overlay["_source"],
        ],
        "x-gladcfg-decisions": decisions,
        "security": [{"BasicAuth": []}],
        "paths": _strip(paths, names=True),
        "components": {
            "securitySchemes": {"BasicAuth": {"type": "http", "scheme": "basic"}},
            "schemas": _strip(schemas, names=True),
        },
    }


def _operations(item: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(m, op) for m, op in item.items() if m in ("get", "post", "put", "patch", "delete")]


def _body(operation: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = operation["requestBody"]["content"]["application/json"]["schema"]
    return schema


def _ok(operation: dict[str, Any]) -> dict[str, Any]:
    for status in ("200", "201"):
        if status in operation["responses"]:
            schema: dict[str, Any] = operation["responses"][status]["content"]["application/json"][
                "schema"
            ]
            return schema
    raise KeyError("no 200 or 201 response")


def _inline(node: Any, document: dict[str, Any]) -> Any:
    """Every ``$ref`` into the document's paths replaced by what it names (those paths are
    not all kept); references to components stay."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/paths/"):
            return _inline(copy.deepcopy(_resolve(ref, document)), document)
        return {key: _inline(value, document) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(value, document) for value in node]
    return node


def _resolve(ref: str, document: dict[str, Any]) -> Any:
    from urllib.parse import unquote

    node: Any = document
    for part in ref[2:].split("/"):
        node = node[unquote(part).replace("~1", "/").replace("~0", "~")]
    return node


def _close(schema: dict[str, Any], schemas: dict[str, Any]) -> None:
    """additionalProperties: false on every object a request body defines field by field."""
    if "allOf" in schema:
        # allOf parts cannot each be closed (each would refuse the others' fields): merge.
        merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
        for part in schema.pop("allOf"):
            _close(part, schemas)
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += part.get("required", [])
        schema.update(merged)
    properties = schema.get("properties")
    if isinstance(properties, dict) and "additionalProperties" not in schema:
        schema["additionalProperties"] = False
        for value in properties.values():
            if isinstance(value, dict):
                if "$ref" in value:
                    _close(schemas[value["$ref"].rsplit("/", 1)[1]], schemas)
                elif value.get("type") == "array" and isinstance(value.get("items"), dict):
                    items = value["items"]
                    target = schemas[items["$ref"].rsplit("/", 1)[1]] if "$ref" in items else items
                    _close(target, schemas)
                else:
                    _close(value, schemas)
    if not schema.get("required"):
        schema.pop("required", None)


def _objects(node: Any) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("properties"), dict) and "type" not in node:
            node["type"] = "object"
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                for schema in value.values():
                    _objects(schema)
            else:
                _objects(value)
    elif isinstance(node, list):
        for value in node:
            _objects(value)


def _formats(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("format") in ("RFC3339", "RFC3339 with millis"):
            node["format"] = "date-time"
        for value in node.values():
            _formats(value)
    elif isinstance(node, list):
        for value in node:
            _formats(value)


def _strip(node: Any, *, names: bool = False, responses: bool = False) -> Any:
    """``node`` without prose; ``names``: its keys are names (of properties, schemas, paths),
    kept whatever they are."""
    if isinstance(node, dict):
        if responses:  # OpenAPI requires a response's description: it is kept, alone
            return {
                status: {"description": response.get("description") or status}
                | _strip({k: v for k, v in response.items() if k != "description"})
                for status, response in node.items()
            }
        return {
            key: _strip(
                value,
                names=key in ("properties", "schemas", "paths"),
                responses=key == "responses" and not names,
            )
            if not names
            else _strip(value)
            for key, value in node.items()
            if names or key not in DROPPED
        }
    if isinstance(node, list):
        return [_strip(value) for value in node]
    return node


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, sort_keys=False, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    sources = Path(argv[1]) if len(argv) > 1 else SOURCES
    OUT.write_text(render(build(sources)), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
