"""Fixtures of the diary's integration tests.

`diary` is the diary's projector on the test's migrated schema, not running: the projection
tests publish a feed and drain it themselves. The modules that drive the diary over HTTP
(messages, profile) define their own `diary`, the running app, which takes precedence there.
"""

from __future__ import annotations

import pytest

from services.common.projector import Projector
from tests.support.diary_served import migrated_diary_projector


@pytest.fixture
async def diary(js, pg_pool, pg_schema) -> Projector:
    """The diary's projector on this test's schema, its tables migrated."""
    return await migrated_diary_projector(js, pg_pool, pg_schema)
