"""The exporter's HTTP application: export runs, access grants, health and metrics (and the
schedule and the grant sync)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from fastapi import FastAPI, Request, Response

from services.common.http import (
    problem,
    service_app,
    service_checks,
)
from services.common.limits import request_limits
from services.common.logging import configure_logging
from services.exporter import bootstrap
from services.exporter.adapters.record_feeds import FeedUnavailable
from services.exporter.application.exporting import ExportFailed
from services.exporter.entrypoints import check_routes, grant_routes, run_routes
from services.exporter.entrypoints.dto import RunOut
from services.exporter.settings import Settings

RuntimeFactory = Callable[[Settings], AbstractAsyncContextManager[bootstrap.Runtime]]


def create_app(
    settings: Settings | None = None, runtime_factory: RuntimeFactory = bootstrap.build
) -> FastAPI:
    """The FastAPI app; resources (and the schedule) start in its lifespan, never at import."""
    config = settings or Settings()  # required fields come from the environment
    configure_logging(json=config.log_json)
    app = service_app(
        title="Exporter",
        description="Exports the journal, depersonalised, to the e-diary feed (stream DIARY), "
        "with the portal users' access grants that follow from the enrollment.",
        auth=config.auth,
        limits=request_limits(config.http),
        watchdog=config.watchdog,
        open_runtime=lambda: runtime_factory(config),
        readiness=readiness,
        routers=(run_routes.router, check_routes.router, grant_routes.router),
        domain_statuses=None,
    )
    app.add_exception_handler(ExportFailed, _export_failed)
    app.add_exception_handler(FeedUnavailable, _check_unavailable)
    return app


async def _export_failed(_request: Request, exc: Exception) -> Response:
    """502: the run failed on the way to the feed; the body carries its record."""
    assert isinstance(exc, ExportFailed)  # noqa: S101 - registered for this type only
    run = RunOut.of(exc.run).model_dump(mode="json")
    return problem(502, "export_failed", exc.run.error or "the export failed", run=run)


async def _check_unavailable(_request: Request, exc: Exception) -> Response:
    """502: a side of the diary check did not answer."""
    return problem(502, "check_unavailable", str(exc))


async def readiness(runtime: bootstrap.Runtime) -> dict[str, bool | str]:
    """NATS and PostgreSQL reachable."""
    return await service_checks(runtime.nats, runtime.pool)
