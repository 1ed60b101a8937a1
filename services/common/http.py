"""A service's FastAPI app, built the same way by every service (`service_app`), and the
FastAPI pieces every service uses, importable from here: problem+json errors
(`services.common.http_errors`), correlation ids (`services.common.correlation`), health and
metrics (`services.common.health`).

Errors are RFC 9457 problem details (`application/problem+json`, `services.common.problems`):
`{"type": "urn:problem:<reason>", "title": ..., "status": ..., "reason": ..., "detail": ...}`
where `reason` is machine-readable snake_case; extra members (e.g. `errors`) may follow.
A dependency outage is a 503 with `Retry-After` (`services.common.outage`), request bodies and
durations are bounded (`services.common.limits`), and a process that cannot serve exits
(`services.common.watchdog`).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from fastapi import APIRouter, FastAPI

from services.common.api_docs import install_api_docs
from services.common.correlation import CORRELATION_HEADER, CorrelationIdMiddleware, correlation_id
from services.common.health import (
    READINESS_TIMEOUT_SECONDS,
    ReadinessChecks,
    health_router,
    is_ready,
    service_checks,
)
from services.common.http_errors import ApiError, install_error_handlers, snake_case
from services.common.limits import RequestLimits, RequestLimitsMiddleware
from services.common.problems import PROBLEM_MEDIA_TYPE, problem
from services.common.settings import AuthSettings, WatchdogSettings
from services.common.token_verifier import TokenVerifier
from services.common.watchdog import watching

__all__ = [
    "CORRELATION_HEADER",
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
