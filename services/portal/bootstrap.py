"""The composition root of the portal web: the diary's API client and the token issuer."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import httpx

from services.common.clock import SchoolClock
from services.common.webapp.signing import token_issuer
from services.portal.adapters.diary import HttpDiary
from services.portal.application.ports import Deps
from services.portal.settings import Settings

_CONNECTIONS = 100


@dataclass(frozen=True, slots=True)
class Runtime:
    """The running portal web: its Deps and the HTTP client behind them."""

    deps: Deps
    client: httpx.AsyncClient


@contextlib.asynccontextmanager
async def build(settings: Settings) -> AsyncIterator[Runtime]:
    """Open the pooled HTTP client for the diary; close it on the way out."""
    limits = httpx.Limits(max_connections=_CONNECTIONS, max_keepalive_connections=_CONNECTIONS)
    # A page waits for the diary as long as its own deadline lets it (the request-limits
    # middleware answers 503 past it).
    timeout = httpx.Timeout(settings.http.deadline_seconds, connect=2.0)
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
        deps = Deps(
            diary=HttpDiary(client, settings.api.diary),
            issuer=token_issuer(settings.signing, settings.auth),
            clock=SchoolClock(settings.timezone),
            session_ttl=timedelta(days=settings.session_days),
            school=settings.school,
            year=settings.year,
        )
        yield Runtime(deps, client)
