"""FastAPI pieces every service uses: problem+json errors, correlation ids, health and metrics.

Errors are RFC 9457 problem details (`application/problem+json`, `services.common.problems`):
`{"type": "urn:problem:<reason>", "title": ..., "status": ..., "reason": ..., "detail": ...}`
where `reason` is machine-readable snake_case; extra members (e.g. `errors`) may follow.
A dependency outage is a 503 with `Retry-After` (`services.common.outage`), request bodies and
durations are bounded (`services.common.limits`), and a process that cannot serve exits
(`services.common.watchdog`).
"""

from __future__ import annotations

import contextlib
import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Final

import structlog
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common import metrics, text_problems
from services.common.api_docs import install_api_docs
from services.common.auth import AuthError, TokenVerifier
from services.common.eventstore import ConcurrencyConflict
from services.common.health import (
    READINESS_TIMEOUT_SECONDS,
    ReadinessChecks,
    health_router,
    is_ready,
    service_checks,
)
from services.common.limits import BodyTooLarge, RequestLimits, RequestLimitsMiddleware
from services.common.outage import (
    HANDLED,
    RETRY_AFTER_SECONDS,
    outage_of,
    outage_response,
    summary,
)
from services.common.outage import handle as _outage_error
from services.common.problems import PROBLEM_MEDIA_TYPE, problem
from services.common.settings import AuthSettings, WatchdogSettings
from services.common.watchdog import watching

__all__ = [
    "PROBLEM_MEDIA_TYPE",
    "READINESS_TIMEOUT_SECONDS",
    "ApiError",
    "CorrelationIdMiddleware",
    "ReadinessChecks",
    "correlation_id",
    "health_router",
    "install_error_handlers",
    "problem",
    "service_app",
    "service_checks",
    "snake_case",
]

CORRELATION_HEADER: Final = "X-Correlation-Id"
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_QUIET_ROUTES = frozenset({"/healthz", "/readyz", "/metrics"})
_UNMATCHED_ROUTE = "<unmatched>"

_log = structlog.get_logger(__name__)


def snake_case(name: str) -> str:
    """`MarkNotOnScale` -> `mark_not_on_scale` (the machine-readable reason of an error class)."""
    return _CAMEL_BOUNDARY.sub("_", name).lower()


def correlation_id() -> str:
    """The current request's (or message's) correlation id; a new one is bound when none is."""
    current = structlog.contextvars.get_contextvars().get("correlation_id")
    if isinstance(current, str):
        return current
    fresh = uuid.uuid4().hex
    structlog.contextvars.bind_contextvars(correlation_id=fresh)
    return fresh


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
    return _internal_error_response()


def _internal_error_response() -> Response:
    """The 500 problem, carrying the correlation id so an operator can find the log line."""
    return problem(
        500,
        "internal_error",
        "an unexpected error occurred; quote the correlation id when reporting it",
        headers={CORRELATION_HEADER: correlation_id()},
    )


@dataclass(slots=True)
class _Exchange:
    """What the middleware learns about a response while it is sent."""

    status: int = 500
    started: bool = False


class CorrelationIdMiddleware:
    """Pure ASGI middleware: correlation id in and out, one canonical log line, latency metric.

    Reads `X-Correlation-Id` (or makes one), clears and binds the structlog context, echoes the
    header, logs `http_request` (method, route template, status, duration_ms) and observes
    `http_request_duration_seconds`. An exception that escapes the app becomes a 500 problem
    (logged once, with its traceback) when the response has not started yet.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI call; only HTTP requests are instrumented."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cid = _incoming_correlation_id(scope)
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(
            correlation_id=cid, method=scope["method"], path=scope["path"]
        )
        exchange = _Exchange()
        started_at = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                exchange.status, exchange.started = message["status"], True
                MutableHeaders(scope=message)[CORRELATION_HEADER] = cid
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            outage = None if exchange.started else outage_of(exc)
            if outage is not None:  # an outage met outside the handlers: still a 503
                await outage_response(outage, exc)(scope, receive, send_with_id)
                _finish(scope, exchange, started_at, None)
                return
            _finish(scope, exchange, started_at, exc)
            if exchange.started:
                raise
            await _internal_error_response()(scope, receive, send_with_id)
        else:
            _finish(scope, exchange, started_at, None)


def _incoming_correlation_id(scope: Scope) -> str:
    """The caller's correlation id when it is a sane token, else a new one."""
    for name, value in scope["headers"]:
        if name == b"x-correlation-id":
            text: str = value.decode("latin-1")
            if _INCOMING_ID.match(text):
                return text
    return uuid.uuid4().hex


def _finish(scope: Scope, exchange: _Exchange, started_at: float, exc: Exception | None) -> None:
    """Log the canonical line and observe the latency of one request."""
    seconds = time.perf_counter() - started_at
    route: str = getattr(scope.get("route"), "path", _UNMATCHED_ROUTE)
    status = 500 if exc is not None and not exchange.started else exchange.status
    metrics.instruments().http_request_duration.labels(
        method=scope["method"], route=route, status=str(status)
    ).observe(seconds)
    fields = {"route": route, "status": status, "duration_ms": round(seconds * 1000, 1)}
    if exc is not None and exchange.started:  # cut mid-response: no traceback to chase
        _log.error("http_request", **fields, error=summary(exc))
    elif exc is not None:
        _log.error("http_request", **fields, exc_info=exc)
    elif route in _QUIET_ROUTES and (status < 400 or status == 503):
        _log.debug("http_request", **fields)
    elif status == 503:  # an outage: expected, one line per request (repeats are thinned)
        _log.warning("http_request", **fields)
    elif status >= 500:
        _log.error("http_request", **fields)
    else:
        _log.info("http_request", **fields)


def service_app(  # noqa: PLR0913 - the whole shape of a service's app, keyword-only
    *,
    title: str,
    description: str,
    auth: AuthSettings,
    open_runtime: Callable[[], AbstractAsyncContextManager[Any]],
    readiness: Callable[[Any], Awaitable[dict[str, bool | str]]],
    routers: Sequence[APIRouter],
    domain_statuses: Mapping[type[Exception], int] | None = None,
    limits: RequestLimits | None = None,
    watchdog: WatchdogSettings | None = None,
) -> FastAPI:
    """The FastAPI app every service builds the same way: the runtime opened in the lifespan
    (never at import; `app.state.runtime`, and its `deps` as `app.state.deps`), bearer tokens,
    correlation ids, request limits, problem+json errors, the service's routers, health and
    metrics, `/docs` and `/redoc` with their assets served offline, and (when enabled) the
    watchdog.

    `readiness(runtime)` gives `/readyz` its checks. Service-specific exception handlers are
    added by the caller on the returned app.
    """

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_runtime() as runtime:
            app.state.runtime = runtime
            app.state.deps = runtime.deps
            app.state.idempotency = getattr(runtime, "idempotency", None)  # key ledger
            async with watching(watchdog, lambda: is_ready(lambda: readiness(runtime))):
                yield

    app = FastAPI(
        title=title,
        version="1.0.0",
        description=description,
        lifespan=lifespan,
        docs_url=None,  # served from the package by install_api_docs: no CDN
        redoc_url=None,
    )
    app.state.token_verifier = TokenVerifier(auth)
    # Added inside out: the correlation id (and its log line) wraps the limits' refusals too.
    app.add_middleware(
        RequestLimitsMiddleware, routes=lambda: app.router.routes, limits=limits or RequestLimits()
    )
    app.add_middleware(CorrelationIdMiddleware)
    install_error_handlers(app, domain_statuses or {})
    for router in routers:
        app.include_router(router)
    app.include_router(health_router(lambda: readiness(app.state.runtime)))
    install_api_docs(app)
    return app
