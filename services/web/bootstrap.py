"""The composition root of the school web: the API client and the token issuer."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

from services.common.clock import SchoolClock
from services.common.webapp.backends import HttpBackends
from services.common.webapp.runtime import Runtime, api_client
from services.common.webapp.signing import token_issuer
from services.web.application.ports import Deps
from services.web.settings import Settings


@contextlib.asynccontextmanager
async def build(settings: Settings) -> AsyncIterator[Runtime[Deps]]:
    """Open the pooled HTTP client for the APIs; close it on the way out. A page may wait as
    long as the long deadline (300 s, for long work such as an export)."""
    api = settings.api
    async with api_client(settings.http.long_deadline_seconds) as client:
        backends = HttpBackends(
            client,
            {
                # the journal's paths here are those under its API's version prefix
                "journal": api.journal.rstrip("/") + "/journal/v1",
                "enrollment": api.enrollment.rstrip("/"),
                "exporter": api.exporter.rstrip("/"),
                "audit": api.audit.rstrip("/"),
            },
        )
        deps = Deps(
            backends=backends,
            issuer=token_issuer(settings.signing, settings.auth),
            clock=SchoolClock(settings.timezone),
            session_ttl=timedelta(hours=settings.session_hours),
            year=settings.year,
        )
        yield Runtime(deps, client)
