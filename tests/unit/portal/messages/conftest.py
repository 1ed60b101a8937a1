"""The messages' pages' tests' fixtures: the fake diary, and a parent and a teacher UID signed
in to the portal over it (`messages_world`)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.support.portal import signed_in_client
from tests.unit.portal.messages.messages_world import (
    PARENT,
    PROFILE,
    TEACHER,
    TEACHER_PROFILE,
    TODAY,
    a_diary,
)
from tests.unit.portal.staff_diary import FakeDiary


@pytest.fixture
def diary() -> FakeDiary:
    return a_diary()


@pytest_asyncio.fixture
async def parent(diary: FakeDiary) -> AsyncIterator:
    async with signed_in_client(diary, PARENT, "parent", TODAY) as http:
        yield http


@pytest_asyncio.fixture
async def teacher(diary: FakeDiary) -> AsyncIterator:
    diary.gets[PROFILE] = TEACHER_PROFILE
    async with signed_in_client(diary, TEACHER, "teacher", TODAY) as http:
        yield http
