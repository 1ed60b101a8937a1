"""The exporter's HTTP application: export runs, health and metrics (and the schedule)."""

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
from services.exporter import bootstrap
from services.exporter.adapters.record_feeds import FeedUnavailable
from services.exporter.application.exporting import ExportFailed
from services.exporter.entrypoints import check_routes, run_routes
from services.exporter.entrypoints.dto import RunOut
from services.exporter.settings import Settings

RuntimeFactory = Callable[[Settings], AbstractAsyncContextManager[bootstrap.Runtime]]


def create_app(
    settings: Settings | None = None, runtime_factory: RuntimeFactory = bootstrap.build
) -> FastAPI:
    """The FastAPI app; resources (and the schedule) start in its lifespan, never at import."""
    settings = settings or Settings()  # required fields come from the environment
    configure_logging(json=settings.log_json)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with runtime_factory(settings) as runtime:
            app.state.runtime = runtime
            app.state.deps = runtime.deps
            yield

    app = FastAPI(
        title="Exporter",
        version="1.0.0",
        description="Exports the journal, depersonalised, to the e-diary feed (stream DIARY).",
        lifespan=lifespan,
    )
    app.state.token_verifier = TokenVerifier(settings.auth)
    app.add_middleware(CorrelationIdMiddleware)
    install_error_handlers(app, {})
    app.add_exception_handler(ExportFailed, _export_failed)
    app.include_router(run_routes.router)
    app.include_router(check_routes.router)
    app.add_exception_handler(FeedUnavailable, _check_unavailable)
    app.include_router(health_router(lambda: readiness(app)))
    return app


async def _export_failed(_request: Request, exc: Exception) -> Response:
    """502: the run failed on the way to the feed; the body carries its record."""
    assert isinstance(exc, ExportFailed)  # noqa: S101 - registered for this type only
    run = RunOut.of(exc.run).model_dump(mode="json")
    return problem(502, "export_failed", exc.run.error or "the export failed", run=run)


async def _check_unavailable(_request: Request, exc: Exception) -> Response:
    """502: a side of the diary check did not answer."""
    return problem(502, "check_unavailable", str(exc))


async def readiness(app: FastAPI) -> dict[str, bool | str]:
    """NATS and PostgreSQL reachable."""
    runtime: bootstrap.Runtime = app.state.runtime
    return await service_checks(runtime.nats, runtime.pool)
