"""`/healthz`, `/readyz` and `/metrics`, and the readiness checks every service shares.

`/readyz` is what supervisors act on (compose's health check, the launcher, the in-process
watchdog), so its checks must answer quickly and truthfully during an outage: each is bounded,
a failed one says why in a word, and a failure costs one log line, not a traceback per probe.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Final

import structlog
from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from nats.aio.client import Client

from services.common import metrics
from services.common.db import Pool
from services.common.outage import RETRY_AFTER_SECONDS, outage_of, summary
from services.common.projector import Projector

READINESS_TIMEOUT_SECONDS: Final = 5.0
POSTGRES_CHECK_SECONDS: Final = 1.5

_log = structlog.get_logger(__name__)

ReadinessChecks = Callable[[], Awaitable[dict[str, bool | str]]]


async def service_checks(
    nats: Client, pool: Pool, projector: Projector | None = None
) -> dict[str, bool | str]:
    """What `/readyz` checks in every service: NATS connected, PostgreSQL answering and, where
    the process runs one, its projector healthy."""
    checks: dict[str, bool | str] = {"nats": nats.is_connected}
    checks["postgres"] = await postgres_check(pool)
    if projector is not None:
        checks["projector"] = projector.status().healthy
    return checks


async def postgres_check(pool: Pool) -> bool | str:
    """True when the pool hands out a connection that answers, else why not (one line)."""
    try:
        async with asyncio.timeout(POSTGRES_CHECK_SECONDS):
            async with pool.acquire(timeout=POSTGRES_CHECK_SECONDS) as conn:
                return await conn.fetchval("SELECT true") is True
    except Exception as error:
        if outage_of(error) is None:
            raise
        return summary(error)


def health_router(
    readiness_checks: ReadinessChecks, *, timeout_seconds: float = READINESS_TIMEOUT_SECONDS
) -> APIRouter:
    """GET /healthz (alive), GET /readyz (every check True, else 503), GET /metrics."""
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="The process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="The process can serve: every dependency is reachable")
    async def readyz() -> JSONResponse:
        checks = await run_checks(readiness_checks, timeout_seconds)
        ready = all(value is True for value in checks.values())
        body = {"status": "ready" if ready else "not_ready", "checks": checks}
        headers = None if ready else {"Retry-After": str(RETRY_AFTER_SECONDS)}
        return JSONResponse(body, status_code=200 if ready else 503, headers=headers)

    @router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
    async def prometheus_metrics() -> Response:
        payload, content_type = metrics.render()
        return Response(content=payload, headers={"Content-Type": content_type})

    return router


async def run_checks(
    readiness_checks: ReadinessChecks, limit_seconds: float = READINESS_TIMEOUT_SECONDS
) -> dict[str, bool | str]:
    """The readiness results; a check that raises or hangs makes the service not ready."""
    try:
        async with asyncio.timeout(limit_seconds):
            return await readiness_checks()
    except TimeoutError:
        return {"readiness": f"timed out after {limit_seconds} s"}
    except Exception as exc:
        _log.warning("readiness_check_failed", error=summary(exc))
        return {"readiness": f"failed: {type(exc).__name__}"}


async def is_ready(readiness_checks: ReadinessChecks) -> bool:
    """True when every readiness check passes (what the watchdog asks)."""
    checks = await run_checks(readiness_checks)
    return all(value is True for value in checks.values())
