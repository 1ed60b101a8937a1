"""Running the enrollment's HTTP app in-process against real servers, for tests."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from services.common.settings import AuthSettings, NatsSettings
from services.common.testing import eventually
from services.common.testing.http import RunningApp, running_app
from services.enrollment import bootstrap
from services.enrollment.application.ports import Clock
from services.enrollment.bootstrap import Runtime
from services.enrollment.entrypoints.http import create_app
from services.enrollment.settings import EnrollmentPostgres, Settings

RunningEnrollment = RunningApp[Runtime]
"""The enrollment app in-process: HTTP client, runtime and a trusted token issuer."""


def settings_for(nats_url: str, database_url: str, schema: str, secret: str) -> Settings:
    """Enrollment settings pointing at the given servers; the roster goes to `<schema>_roster`."""
    return Settings(
        nats=NatsSettings(url=nats_url),
        pg=EnrollmentPostgres(
            dsn=database_url, schema_name=schema, roster_schema=f"{schema}_roster"
        ),
        auth=AuthSettings(dev_secret=secret),
        log_json=False,
    )


@contextlib.asynccontextmanager
async def running_enrollment(
    nats_url: str, database_url: str, schema: str, *, clock: Clock | None = None
) -> AsyncIterator[RunningEnrollment]:
    """The enrollment app with its lifespan entered, served through an in-process transport
    (on `clock` when given, else the real one)."""

    def make_app(secret: str) -> FastAPI:
        settings = settings_for(nats_url, database_url, schema, secret)
        return create_app(settings, lambda s: bootstrap.build(s, clock=clock))

    async with running_app(make_app, "http://enrollment") as running:
        yield running


async def roster_caught_up(
    running: RunningEnrollment,
    seq: int,
    timeout: float = 15.0,  # noqa: ASYNC109 - a deadline for many awaits, not one
) -> None:
    """Wait until the app's roster projection has applied the journal up to `seq`."""

    def caught_up() -> None:
        assert running.runtime.roster_projector.status().last_seq >= seq  # noqa: S101 - a wait

    await eventually(caught_up, timeout=timeout)
