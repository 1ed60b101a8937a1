"""The composition root of the school web: the API client and the token issuer."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import httpx

from services.common.clock import SchoolClock
from services.common.webapp.backends import HttpBackends
from services.common.webapp.signing import token_issuer
from services.web.application.ports import Deps
from services.web.settings import Settings

_CONNECTIONS = 100


@dataclass(frozen=True, slots=True)
class Runtime:
    """The running web: its Deps and the HTTP client behind them."""

    deps: Deps
    client: httpx.AsyncClient


@contextlib.asynccontextmanager
async def build(settings: Settings) -> AsyncIterator[Runtime]:
    """Open the pooled HTTP client for the APIs; close it on the way out."""
    api = settings.api
    limits = httpx.Limits(max_connections=_CONNECTIONS, max_keepalive_connections=_CONNECTIONS)
    # A page waits for its APIs as long as its own deadline lets it (the request-limits
    # middleware answers 503 past it: 10 s, or 300 s for long work such as an export).
    timeout = httpx.Timeout(settings.http.long_deadline_seconds, connect=2.0)
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
        backends = HttpBackends(
            client,
            {
                "journal": api.journal.rstrip("/"),
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
