"""Errors as RFC 9457 problem details (`application/problem+json`): what each kind of refusal
or failure answers (auth 401/403, validation 422, routing, domain categories, conflicts 409,
outages 503, 500), with a machine-readable snake_case `reason`."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.common import text_problems
from services.common.auth import AuthError
from services.common.correlation import internal_error_response
from services.common.eventstore import ConcurrencyConflict
from services.common.limits import BodyTooLarge
from services.common.outage import HANDLED, RETRY_AFTER_SECONDS, outage_of, outage_response
from services.common.outage import handle as _outage_error
from services.common.problems import problem

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")

_log = structlog.get_logger(__name__)


def snake_case(name: str) -> str:
    """`MarkNotOnScale` -> `mark_not_on_scale` (the machine-readable reason of an error class)."""
    return _CAMEL_BOUNDARY.sub("_", name).lower()


class ApiError(Exception):
    """A refusal decided at the HTTP edge (not by a domain): status, machine-readable reason."""

    def __init__(self, status: int, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.reason = reason
        self.detail = detail


async def _api_error(_request: Request, exc: Exception) -> Response:
    """The ApiError's own status and reason."""
    if not isinstance(exc, ApiError):  # pragma: no cover - registered for ApiError only
        raise exc
    return problem(exc.status, exc.reason, exc.detail)


def install_error_handlers(app: FastAPI, domain_statuses: Mapping[type[Exception], int]) -> None:
    """Map errors to problem+json: auth, validation, HTTP, domain categories, conflicts,
    outages (503), unreadable histories, 500."""
    for exc_type, status in domain_statuses.items():
        app.add_exception_handler(exc_type, _domain_handler(status))
    app.add_exception_handler(AuthError, _auth_error)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(BodyTooLarge, _body_too_large)
    app.add_exception_handler(ConcurrencyConflict, _concurrency_conflict)
    for exc_type in HANDLED:
        app.add_exception_handler(exc_type, _outage_error)
    app.add_exception_handler(Exception, _internal_error)


def _domain_handler(status: int) -> Callable[[Request, Exception], Awaitable[Response]]:
    """A handler answering `status` with the error class name as the reason."""

    async def handle(_request: Request, exc: Exception) -> Response:
        return problem(status, snake_case(type(exc).__name__), str(exc))

    return handle


async def _auth_error(_request: Request, exc: Exception) -> Response:
    """401 (with a Bearer challenge) or 403 with the AuthError's reason."""
    if not isinstance(exc, AuthError):  # pragma: no cover - registered for AuthError only
        raise exc
    headers = None
    if exc.status == 401:
        challenge = "Bearer" if exc.reason == "missing_token" else 'Bearer error="invalid_token"'
        headers = {"WWW-Authenticate": challenge}
    return problem(exc.status, exc.reason, exc.detail, headers=headers)


async def _validation_error(_request: Request, exc: Exception) -> Response:
    """422 `invalid_request` (or `invalid_text`: `services.common.text_problems`) listing what
    is wrong, without echoing the submitted values."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    reason, detail = text_problems.reason_and_detail(errors)
    return problem(
        422,
        reason,
        detail,
        errors=[_without_input(error) for error in errors],
    )


def _without_input(error: Mapping[str, Any]) -> dict[str, Any]:
    """A pydantic error as JSON, minus the offending input (it may be personal data)."""
    cleaned: dict[str, Any] = {key: error[key] for key in ("type", "loc", "msg") if key in error}
    if isinstance(error.get("ctx"), Mapping):
        cleaned["ctx"] = {key: str(value) for key, value in error["ctx"].items()}
    return cleaned


async def _http_error(_request: Request, exc: Exception) -> Response:
    """Routing and framework errors (404, 405, ...) as problem+json."""
    if not isinstance(exc, StarletteHTTPException):  # pragma: no cover - registered for it only
        raise exc
    reason = _status_reason(exc.status_code)
    headers = dict(exc.headers or {})
    if exc.status_code == 503:  # every 503 tells the client when to try again
        headers.setdefault("Retry-After", str(RETRY_AFTER_SECONDS))
    return problem(exc.status_code, reason, str(exc.detail), headers=headers)


def _status_reason(status: int) -> str:
    """`404` -> `not_found`, `405` -> `method_not_allowed`."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        return "http_error"
    return re.sub(r"[^a-z0-9]+", "_", phrase.lower()).strip("_")


async def _body_too_large(_request: Request, exc: Exception) -> Response:
    """413 `body_too_large`: the streamed body passed the route's limit while being read."""
    if not isinstance(exc, BodyTooLarge):  # pragma: no cover - registered for it only
        raise exc
    return problem(413, exc.reason, f"the request body is larger than {exc.limit} bytes")


async def _concurrency_conflict(_request: Request, exc: Exception) -> Response:
    """409: another writer got there first; the client may retry."""
    return problem(409, "concurrency_conflict", str(exc))


async def _internal_error(_request: Request, exc: Exception) -> Response:
    """500 without internals in the body; the traceback goes to the log (503 for an outage
    that reached here without the middleware)."""
    outage = outage_of(exc)
    if outage is not None:
        return outage_response(outage, exc)
    _log.error("unhandled_exception", exc_info=exc)
    return internal_error_response()
