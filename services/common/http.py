"""A service's FastAPI app, built the same way by every service (`service_app`; a back-end
service declares what differs as a `ServiceApi`), and the FastAPI pieces every service uses,
importable from here: problem+json errors (`services.common.http_errors`), correlation ids
(`services.common.correlation`), health and metrics (`services.common.health`).

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
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from fastapi import APIRouter, FastAPI, Request, Response

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
from services.common.limits import RequestLimits, RequestLimitsMiddleware, request_limits
from services.common.logging import configure_logging
from services.common.openapi_doc import document_problems, operation_id
from services.common.problems import PROBLEM_MEDIA_TYPE, problem
from services.common.settings import AuthSettings, HttpSettings, WatchdogSettings
from services.common.token_verifier import TokenVerifier
from services.common.watchdog import watching

__all__ = [
    "CORRELATION_HEADER",
    "PROBLEM_MEDIA_TYPE",
    "READINESS_TIMEOUT_SECONDS",
    "ApiError",
    "CorrelationIdMiddleware",
    "ReadinessChecks",
    "ServiceApi",
    "app_deps",
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
        generate_unique_id_function=operation_id,
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
    document_problems(app)
    return app


async def app_deps(request: Request) -> object:
    """The Deps the app's lifespan opened (`app.state.deps`): a service's routes take them as
    `Annotated[Deps, Depends(app_deps)]`."""
    return request.app.state.deps


class ApiSettings(Protocol):
    """What `ServiceApi` reads of a service's settings (every back-end service has them)."""

    @property
    def auth(self) -> AuthSettings: ...
    @property
    def http(self) -> HttpSettings: ...
    @property
    def watchdog(self) -> WatchdogSettings: ...
    @property
    def log_json(self) -> bool: ...


S = TypeVar("S", bound=ApiSettings)
R = TypeVar("R")
ExceptionHandler = Callable[[Request, Exception], Awaitable[Response]]
"""A service's own handler of one of its exceptions (`app.add_exception_handler`)."""


def _no_uploads(_settings: object) -> int:
    return 0


@dataclass(frozen=True, slots=True)
class ServiceApi(Generic[S, R]):
    """A back-end service's HTTP application, declared: what differs from service to service.
    `create_app` builds it the one way (`service_app`).

    `settings` reads the service's settings (from the environment); `build(settings)` opens
    its runtime `R` in the lifespan; `readiness(runtime)` gives `/readyz` its checks;
    `domain_statuses` maps the domain's exceptions to statuses and `handlers` are the service's
    own exception handlers; `upload_bytes(settings)` is what its upload routes accept (the
    files' own limit; none by default).
    """

    title: str
    description: str
    settings: Callable[[], S]
    build: Callable[[S], AbstractAsyncContextManager[R]]
    readiness: Callable[[R], Awaitable[dict[str, bool | str]]]
    routers: Sequence[APIRouter]
    domain_statuses: Mapping[type[Exception], int] | None = None
    handlers: Mapping[type[Exception], ExceptionHandler] = field(default_factory=dict)
    upload_bytes: Callable[[S], int] = _no_uploads

    def create_app(
        self,
        settings: S | None = None,
        runtime_factory: Callable[[S], AbstractAsyncContextManager[R]] | None = None,
    ) -> FastAPI:
        """The FastAPI app; resources are opened in its lifespan, never at import time.
        `runtime_factory` replaces `build` (tests open the runtime their own way)."""
        config = settings or self.settings()  # required fields come from the environment
        configure_logging(json=config.log_json)
        open_runtime = runtime_factory or self.build
        app = service_app(
            title=self.title,
            description=self.description,
            auth=config.auth,
            limits=request_limits(config.http, upload_bytes=self.upload_bytes(config)),
            watchdog=config.watchdog,
            open_runtime=lambda: open_runtime(config),
            readiness=self.readiness,
            routers=self.routers,
            domain_statuses=self.domain_statuses,
        )
        for kind, handler in self.handlers.items():
            app.add_exception_handler(kind, handler)
        return app
