"""The running diary app of the tests that drive it over HTTP (messages, profile): served once
a feed is applied, the headers of its usual users and a thread to start."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

from nats.js import JetStreamContext

from tests.support.diary import FeedWriter
from tests.support.diary_served import (
    ANNA,
    CLASS_TEACHER,
    OTHER_PARENT,
    PARENT,
    PUPIL,
    TEACHER,
    as_user,
    feed_applied,
    publish_granted,
    two_classes,
)
from tests.support.running import RunningDiary, running_diary

START_BODY = {
    "class_id": "5a",
    "subject_id": "math",
    "year": 2026,
    "to": {"pupils": [ANNA], "audience": "parents"},
    "title": "Контрольная в пятницу",
    "text": "Добрый день! В пятницу контрольная по дробям.",
}
"""A maths teacher's thread to Anna's parents."""


@contextlib.asynccontextmanager
async def served(
    nats_url: str,
    database_url: str,
    pg_schema: str,
    js: JetStreamContext,
    publish: Callable[[JetStreamContext], Awaitable[object]],
) -> AsyncIterator[RunningDiary]:
    """The diary app, running once what `publish` wrote to the DIARY stream is applied."""
    async with running_diary(nats_url, database_url, pg_schema) as running:
        await publish(js)
        await feed_applied(running, js)
        yield running


async def publish_two_classes(js: JetStreamContext) -> FeedWriter:
    """Two classes; the parents, Anna and her two teachers granted; the writer."""
    return await publish_granted(
        js, two_classes(), (PARENT, OTHER_PARENT, PUPIL, TEACHER, CLASS_TEACHER)
    )


def teacher(d: RunningDiary, key: str | None = None) -> dict[str, str]:
    """The headers of Anna's maths teacher."""
    return as_user(d, TEACHER, "teacher", key)


def parent(d: RunningDiary, key: str | None = None) -> dict[str, str]:
    """The headers of Anna's parent."""
    return as_user(d, PARENT, "parent", key)
