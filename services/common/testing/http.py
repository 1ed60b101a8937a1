"""A service's HTTP app run in-process against real servers, for end-to-end tests."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx
from fastapi import FastAPI

from services.common.auth import DevTokenIssuer

RuntimeT = TypeVar("RuntimeT")


@dataclass(frozen=True)
class RunningApp(Generic[RuntimeT]):
    """The app's HTTP client, its runtime, a token issuer its verifier trusts and the app."""

    http: httpx.AsyncClient
    runtime: RuntimeT
    issuer: DevTokenIssuer
    app: FastAPI
    school: str = "s1"

    def headers(
        self, user_id: str, *roles: str, uid: int | None = None, school: str | None = None
    ) -> dict[str, str]:
        """Authorization for a user of the school (or of another school), with a portal UID."""
        token = self.issuer.mint(user_id, roles, school or self.school, uid=uid)
        return {"Authorization": f"Bearer {token}"}


@contextlib.asynccontextmanager
async def running_app(
    make_app: Callable[[str], FastAPI], base_url: str
) -> AsyncIterator[RunningApp[Any]]:
    """The app `make_app(dev_secret)` builds, its lifespan entered, served in-process."""
    secret = secrets.token_hex(32)
    app = make_app(secret)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as http:
            yield RunningApp(http, app.state.runtime, DevTokenIssuer(secret), app)
