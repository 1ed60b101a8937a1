"""The diary's HTTP application: the portal's views of the depersonalised feed."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

from fastapi import FastAPI, Request, Response

from services.common.auth import TokenVerifier
from services.common.http import (
    CorrelationIdMiddleware,
    health_router,
    install_error_handlers,
    problem,
    service_checks,
)
from services.common.logging import configure_logging
from services.diary import bootstrap
from services.diary.application.views import NotFound
from services.diary.domain.access import Denied
from services.diary.entrypoints import admin_routes, view_routes
from services.diary.settings import Settings

DOMAIN_STATUSES: dict[type[Exception], int] = {NotFound: 404}

RuntimeFactory = Callable[[Settings], AbstractAsyncContextManager[bootstrap.Runtime]]


async def _denied(_request: Request, exc: Exception) -> Response:
    """403 with the refusal's own reason (`no_grant`, `wrong_school`, `wrong_role`, `no_uid`)."""
    if not isinstance(exc, Denied):  # pragma: no cover - registered for Denied only
        raise exc
    return problem(403, exc.reason, exc.detail)


def create_app(
    settings: Settings | None = None, runtime_factory: RuntimeFactory = bootstrap.build
) -> FastAPI:
    """The FastAPI app; resources are opened in its lifespan, never at import time."""
    settings = settings or Settings()  # required fields come from the environment
    configure_logging(json=settings.log_json)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with runtime_factory(settings) as runtime:
            app.state.runtime = runtime
            app.state.deps = runtime.deps
            yield

    app = FastAPI(
        title="E-diary",
        version="1.0.0",
        description="The portal's e-diary for parents, pupils and staff UIDs: depersonalised "
        "lessons, homework, marks and attendance from the exporter's feed.",
        lifespan=lifespan,
    )
    app.state.token_verifier = TokenVerifier(settings.auth)
    app.add_middleware(CorrelationIdMiddleware)
    install_error_handlers(app, DOMAIN_STATUSES)
    app.add_exception_handler(Denied, _denied)
    app.include_router(view_routes.router)
    app.include_router(admin_routes.router)
    app.include_router(health_router(lambda: readiness(app)))
    return app


async def readiness(app: FastAPI) -> dict[str, bool | str]:
    """NATS and PostgreSQL reachable, the projector (when this process runs it) healthy."""
    runtime: bootstrap.Runtime = app.state.runtime
    projector = runtime.projector if runtime.projector_running else None
    return await service_checks(runtime.nats, runtime.pool, projector)
