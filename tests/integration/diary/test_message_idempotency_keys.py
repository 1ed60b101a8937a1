"""Idempotency keys on the diary's messages over HTTP: a retry records once and answers what
the first request recorded, also after JetStream's duplicate window; the same key with another
body is refused; another teacher's key is theirs."""

from __future__ import annotations

import pytest
import pytest_asyncio

from contracts.streams import PORTAL
from tests.integration.diary.served_app import START_BODY, served
from tests.support.answers import assert_key_reused, assert_same_answer
from tests.support.diary_served import (
    CLASS_TEACHER,
    PARENT,
    TEACHER,
    anna_in_5a,
    as_user,
    publish_granted,
)
from tests.support.waiting import (
    outlive_duplicate_window,
    shorten_duplicate_window,
)

pytestmark = pytest.mark.integration

THREADS = "/diary/v1/schools/s1/messages/threads"


@pytest_asyncio.fixture(loop_scope="session")
async def diary(nats_url, database_url, pg_schema, js):
    """The diary app with class 5a, a parent of Anna, her maths teacher and class teacher."""
    async with served(nats_url, database_url, pg_schema, js, publish_anna_in_5a) as running:
        yield running


async def publish_anna_in_5a(js) -> None:
    await publish_granted(js, anna_in_5a(), (PARENT, TEACHER, CLASS_TEACHER))


async def stored(js) -> int:
    return (await js.stream_info(PORTAL.name)).state.messages


async def start(d, key: str, body=None, uid: int = TEACHER):
    return await d.http.post(
        THREADS, json=body or START_BODY, headers=as_user(d, uid, "teacher", key)
    )


async def test_a_retried_start_records_once_and_another_body_is_refused(diary, js):
    first = await start(diary, "start-1")
    assert_same_answer(first, await start(diary, "start-1"))
    assert_key_reused(await start(diary, "start-1", {**START_BODY, "title": "Другая тема"}))
    assert await stored(js) == 1


async def test_another_teachers_key_is_theirs(diary, js):
    first = await start(diary, "start-2")
    other = await start(diary, "start-2", {**START_BODY, "subject_id": None}, uid=CLASS_TEACHER)

    assert (first.status_code, other.status_code) == (201, 201), other.text
    assert other.json()["duplicate"] is False
    assert other.json()["thread_id"] != first.json()["thread_id"]
    assert await stored(js) == 2


async def test_a_retried_reply_after_the_duplicate_window_answers_the_first_record(diary, js):
    thread_id = (await start(diary, "start-3")).json()["thread_id"]
    await shorten_duplicate_window(js, PORTAL.name)
    url = f"{THREADS}/{thread_id}/messages"

    async def reply(text: str, data: bytes):
        files = [("files", ("ответ.pdf", data, "application/pdf"))]
        headers = as_user(diary, PARENT, "parent", "reply-1")
        return await diary.http.post(url, data={"text": text}, files=files, headers=headers)

    first = await reply("Хорошо", b"%PDF-1.4 answer")
    await outlive_duplicate_window()

    assert_same_answer(first, await reply("Хорошо", b"%PDF-1.4 answer"))
    assert_key_reused(await reply("Хорошо", b"%PDF-1.4 other answer"))
    assert_key_reused(await reply("Иначе", b"%PDF-1.4 answer"))
    assert await stored(js) == 2


async def test_a_key_that_started_a_thread_is_refused_for_another_one_after_the_window(diary, js):
    await shorten_duplicate_window(js, PORTAL.name)
    first = await start(diary, "start-4")
    await outlive_duplicate_window()

    assert_key_reused(await start(diary, "start-4", {**START_BODY, "subject_id": None}))
    assert_key_reused(await start(diary, "start-4", {**START_BODY, "title": "Другая тема"}))
    assert_same_answer(first, await start(diary, "start-4"))
    assert await stored(js) == 1
