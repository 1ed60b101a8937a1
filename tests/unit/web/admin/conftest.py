"""The administrator's pages' tests' fixtures: the fake APIs and an administrator signed in."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from tests.unit.web.admin.admin_world import (
    FakeApis,
    signed_in,
    the_apis,
)


@pytest.fixture
def apis() -> FakeApis:
    return the_apis()


@pytest_asyncio.fixture
async def admin(apis: FakeApis) -> AsyncIterator[httpx.AsyncClient]:
    async with await signed_in(apis, "adm1", "admin") as http:
        yield http
