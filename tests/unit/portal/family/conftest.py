"""The family's pages' tests' fixtures: the fake diary and a parent signed in to the portal."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from tests.support.portal import signed_in_client
from tests.unit.portal.family.family_world import (
    TODAY,
    FakeDiary,
    the_diary,
)


@pytest.fixture
def diary() -> FakeDiary:
    return the_diary()


@pytest_asyncio.fixture
async def parent(diary: FakeDiary) -> AsyncIterator[httpx.AsyncClient]:
    async with signed_in_client(diary, 100001, "parent", TODAY) as http:
        yield http
