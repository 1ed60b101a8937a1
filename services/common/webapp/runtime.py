"""A web app's runtime, as both open it in their composition roots: the one pooled HTTP client
for the APIs the pages call, and the app's Deps built over it.

A page waits for its APIs as long as its own deadline lets it: the request-limits middleware
answers 503 past it, so the client's timeout is that deadline (the long one where an app has
long work, such as the school's exports); connecting is quick or the API is down.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Final, Generic, TypeVar

import httpx

_CONNECTIONS: Final = 100
_CONNECT_SECONDS: Final = 2.0
DepsT = TypeVar("DepsT")


@dataclass(frozen=True, slots=True)
class Runtime(Generic[DepsT]):
    """A running web app: its Deps and the HTTP client behind them."""

    deps: DepsT
    client: httpx.AsyncClient


@contextlib.asynccontextmanager
async def api_client(deadline_seconds: float) -> AsyncIterator[httpx.AsyncClient]:
    """The pooled HTTP client for the app's APIs, closed on the way out."""
    limits = httpx.Limits(max_connections=_CONNECTIONS, max_keepalive_connections=_CONNECTIONS)
    timeout = httpx.Timeout(deadline_seconds, connect=_CONNECT_SECONDS)
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
        yield client
