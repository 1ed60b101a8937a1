"""The exporter's HTTP application: export runs, access grants, health and metrics (and the
schedule and the grant sync, which start in its lifespan)."""

from __future__ import annotations

from fastapi import Request, Response

from services.common.http import ServiceApi, problem, service_checks
from services.exporter import bootstrap
from services.exporter.adapters.record_feeds import FeedUnavailable
from services.exporter.application.exporting import ExportFailed
from services.exporter.entrypoints import check_routes, grant_routes, run_routes
from services.exporter.entrypoints.dto import RunOut
from services.exporter.settings import Settings


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


API = ServiceApi(
    title="Exporter",
    description="Exports the journal, depersonalised, to the e-diary feed (stream DIARY), "
    "with the portal users' access grants that follow from the enrollment.",
    settings=Settings,
    build=bootstrap.build,
    readiness=readiness,
    routers=(run_routes.router, check_routes.router, grant_routes.router),
    handlers={ExportFailed: _export_failed, FeedUnavailable: _check_unavailable},
)
create_app = API.create_app
