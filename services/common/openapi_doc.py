"""An OpenAPI document that tells the truth: its errors, the content types a route answers in,
and short operation ids.

Every error a service answers is RFC 9457 problem details in `application/problem+json`
(`services.common.problems`): 401 and 403 from the token check, 404 for what a path names and
does not exist, 409 when the state refuses a command or another writer came first, 413 for a
body over the limit, 422 for a request that does not validate (FastAPI would document its own
`HTTPValidationError` body, which the services never send), 503 during an outage, and so on.
FastAPI documents none of them but its 422, so a client generated from the document misreads
every error. `document_problems` rewrites the generated document once: each operation lists the
statuses it can answer (and any a route declares itself, e.g. 415 for a file type), all with
the one `Problem` schema, and operation ids are the route
functions' names (`grid`, not `grid_schools__school__years__year__classes_..._get`). A route
that answers other than JSON says so with `produces` (FastAPI cannot tell from a `Response`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from fastapi import FastAPI
from fastapi.routing import APIRoute

from services.common.problems import PROBLEM_MEDIA_TYPE

PROBLEM_SCHEMA: Final[dict[str, Any]] = {
    "title": "Problem",
    "type": "object",
    "description": "RFC 9457 problem details: every error answer of the API.",
    "required": ["type", "title", "status", "reason", "detail"],
    "properties": {
        "type": {"type": "string", "examples": ["urn:problem:not_found"]},
        "title": {"type": "string", "examples": ["Not found"]},
        "status": {"type": "integer", "examples": [404]},
        "reason": {
            "type": "string",
            "description": "machine-readable, snake_case: what a client acts on",
            "examples": ["not_found"],
        },
        "detail": {"type": "string", "description": "for people; may change"},
        "errors": {
            "type": "array",
            "items": {"type": "object"},
            "description": "422 only: what does not validate, field by field (type, loc, msg)",
        },
    },
    "additionalProperties": True,
}
STATUSES: Final[dict[int, str]] = {
    400: "Malformed request (`invalid_idempotency_key`)",
    401: "No valid bearer token (`missing_token`, `invalid_token`, `token_expired`, ...)",
    403: "The token's user may not do this (the reason names the rule)",
    404: "What the path names does not exist",
    409: "The state refuses the command, or another writer came first (`concurrency_conflict`)",
    413: "The body is larger than the route accepts (`body_too_large`)",
    422: "The request does not validate (`invalid_request`, `invalid_text`, "
    "`idempotency_key_reused`, or the rule refused)",
    503: "A dependency is unavailable or the request ran out of time: retry after `Retry-After`",
}
_FIRST_ERROR: Final = 400
_FASTAPIS_OWN_422: Final = "Validation Error"
_UNCHECKED: Final = frozenset({"/healthz", "/readyz", "/metrics"})
_WRITES: Final = frozenset({"post", "put", "patch", "delete"})
_PROBLEM_REF: Final = {"$ref": "#/components/schemas/Problem"}


def produces(*media_types: str, description: str = "Successful Response") -> dict[int | str, Any]:
    """A route's `responses` for a 200 in `media_types` (a file, a page, CSV or NDJSON)."""
    return {200: {"description": description, "content": {t: {} for t in media_types}}}


def operation_id(route: APIRoute) -> str:
    """A route's operation id: the name of its function."""
    return route.name


def document_problems(app: FastAPI) -> None:
    """Have `app.openapi()` document every operation's error statuses as problem+json."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = truthful(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented override


def truthful(document: dict[str, Any]) -> dict[str, Any]:
    """`document` with each operation's errors as problem+json and FastAPI's validation error
    schemas gone."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in sorted(_statuses(path, method, operation)):
                response = responses.setdefault(str(status), {})
                if response.get("description") in {None, _FASTAPIS_OWN_422}:
                    response["description"] = STATUSES[status]  # a route's own words stay
            for status, response in responses.items():
                if int(status) >= _FIRST_ERROR:  # the route's own declared errors too
                    response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_REF}}
    return document


def _statuses(path: str, method: str, operation: dict[str, Any]) -> set[int]:
    """The error statuses an operation can answer."""
    if path in _UNCHECKED:
        return {503} if path == "/readyz" else set()
    statuses = {503}
    parameters = operation.get("parameters", [])
    body = operation.get("requestBody")
    if operation.get("security"):
        statuses |= {401, 403}
    if "{" in path:
        statuses.add(404)
    if parameters or body:
        statuses.add(422)
    if any(p.get("name", "").lower() == "idempotency-key" for p in parameters):
        statuses.add(400)
    if method in _WRITES:
        statuses.add(409)
    if body:
        statuses.add(413)
    return statuses
