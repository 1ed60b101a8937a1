"""What every back-end service's runtime holds, whatever else it runs: the `Deps` its handlers
are given and the connections behind them that `/readyz` checks.

Each service's `bootstrap.build(settings)` yields its own `Runtime`, a subclass that adds what
that service runs besides (its projectors, schedules, key ledger); `services.common.http`'s
lifespan hands `deps` to the routes (`app.state.deps`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from nats.aio.client import Client

from services.common.db import Pool

D = TypeVar("D")


@dataclass(frozen=True, slots=True)
class ServiceRuntime(Generic[D]):
    """A running service: its Deps, its NATS connection and its PostgreSQL pool."""

    deps: D
    nats: Client
    pool: Pool
