"""The journal's HTTP application: roster, lessons and the school journal view."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

from fastapi import FastAPI

from services.common.auth import TokenVerifier
from services.common.http import (
    CorrelationIdMiddleware,
    health_router,
    install_error_handlers,
    service_checks,
)
from services.common.logging import configure_logging
from services.journal import bootstrap
from services.journal.application.files import EmptyFile, FileTooLarge, UnsupportedFileType
from services.journal.application.read_models import ViewNotFound
from services.journal.domain.errors import Conflict, Forbidden, Invalid, NotFound
from services.journal.entrypoints import admin_routes, lesson_routes, view_routes
from services.journal.settings import Settings

DOMAIN_STATUSES: dict[type[Exception], int] = {
    NotFound: 404,
    ViewNotFound: 404,
    Forbidden: 403,
    Conflict: 409,
    Invalid: 422,
    EmptyFile: 422,
    FileTooLarge: 413,
    UnsupportedFileType: 415,
}

RuntimeFactory = Callable[[Settings], AbstractAsyncContextManager[bootstrap.Runtime]]


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
        title="School journal",
        version="1.0.0",
        description="The school's electronic class journal: roster, lessons, marks, attendance.",
        lifespan=lifespan,
    )
    app.state.token_verifier = TokenVerifier(settings.auth)
    app.add_middleware(CorrelationIdMiddleware)
    install_error_handlers(app, DOMAIN_STATUSES)
    app.include_router(admin_routes.router)
    app.include_router(lesson_routes.router)
    app.include_router(view_routes.router)
    app.include_router(health_router(lambda: readiness(app)))
    return app


async def readiness(app: FastAPI) -> dict[str, bool | str]:
    """NATS and PostgreSQL reachable, the projector (when this process runs it) healthy."""
    runtime: bootstrap.Runtime = app.state.runtime
    projector = runtime.projector if runtime.projector_running else None
    return await service_checks(runtime.nats, runtime.pool, projector)
