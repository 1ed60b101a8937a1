"""The composition root of the portal web: the diary's API client and the token issuer."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

from services.common.clock import SchoolClock
from services.common.webapp.runtime import Runtime, api_client
from services.common.webapp.signing import token_issuer
from services.portal.adapters.diary import HttpDiary
from services.portal.application.ports import Deps
from services.portal.settings import Settings


@contextlib.asynccontextmanager
async def build(settings: Settings) -> AsyncIterator[Runtime[Deps]]:
    """Open the pooled HTTP client for the diary; close it on the way out. A page may wait as
    long as its deadline."""
    async with api_client(settings.http.deadline_seconds) as client:
        deps = Deps(
            diary=HttpDiary(client, settings.api.diary),
            issuer=token_issuer(settings.signing, settings.auth),
            clock=SchoolClock(settings.timezone),
            session_ttl=timedelta(days=settings.session_days),
            school=settings.school,
            year=settings.year,
        )
        yield Runtime(deps, client)
