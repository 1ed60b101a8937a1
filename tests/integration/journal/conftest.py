"""Fixtures shared by the journal's integration tests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

import pytest

from services.common.db import Pool
from services.common.projector import Projected
from tests.support.journal_view import apply_batches, migrate_view

ProjectView = Callable[[Sequence[Projected]], Awaitable[Pool]]


@pytest.fixture
def project_view(pg_pool: Pool, pg_schema: str) -> ProjectView:
    """Migrate the journal view into the test's schema and project a history into it in one
    batch; the pool that reads it comes back."""

    async def project(history: Sequence[Projected]) -> Pool:
        await migrate_view(pg_pool, pg_schema)
        await apply_batches(pg_pool, pg_schema, [history])
        return pg_pool

    return project
