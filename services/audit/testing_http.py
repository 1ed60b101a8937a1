"""Running the audit's HTTP app in-process against real servers, for tests."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping

from fastapi import FastAPI

from services.audit.bootstrap import Runtime
from services.audit.entrypoints.http import create_app
from services.audit.settings import AuditPostgres, Settings
from services.common.settings import AuthSettings, NatsSettings
from services.common.testing import eventually
from services.common.testing.http import RunningApp, running_app

RunningAudit = RunningApp[Runtime]
"""The audit app in-process: HTTP client, runtime and a trusted token issuer."""


def settings_for(nats_url: str, database_url: str, schema: str, secret: str) -> Settings:
    """Audit settings pointing at the given servers, its event log in `schema`."""
    return Settings(
        nats=NatsSettings(url=nats_url),
        pg=AuditPostgres(dsn=database_url, schema_name=schema),
        auth=AuthSettings(dev_secret=secret),
        log_json=False,
    )


@contextlib.asynccontextmanager
async def running_audit(
    nats_url: str, database_url: str, schema: str
) -> AsyncIterator[RunningAudit]:
    """The audit app with its lifespan entered, served through an in-process transport."""

    def make_app(secret: str) -> FastAPI:
        return create_app(settings_for(nats_url, database_url, schema, secret))

    async with running_app(make_app, "http://audit") as running:
        yield running


async def log_caught_up(
    running: RunningAudit,
    positions: Mapping[str, int],
    timeout: float = 15.0,  # noqa: ASYNC109 - a deadline for many awaits, not one
) -> None:
    """Wait until the event log has applied each stream up to its sequence in `positions`
    (stream name -> last sequence, e.g. `{"JOURNAL": 42}`)."""
    by_stream = {
        p.name.removeprefix("audit_log_").removesuffix("_v1"): p for p in running.runtime.projectors
    }

    def caught_up() -> None:
        for stream, seq in positions.items():
            status = by_stream[stream.lower()].status()
            assert status.last_seq >= seq, f"{stream} at {status.last_seq} < {seq}"  # noqa: S101

    await eventually(caught_up, timeout=timeout)
