"""Text the contracts refuse in the diary's messages over HTTP: a thread's title or text, a
message's body or a file's name with NUL or a control character is refused with 422
`invalid_text`, and nothing reaches the PORTAL stream."""

from __future__ import annotations

import pytest
import pytest_asyncio

from contracts.streams import PORTAL
from tests.support.answers import assert_text_refused
from tests.support.diary_served import (
    ANNA,
    PARENT,
    TEACHER,
    anna_in_5a,
    as_user,
    feed_applied,
    publish_granted,
)
from tests.support.running import running_diary

pytestmark = pytest.mark.integration

BASE = "/diary/v1/schools/s1/messages"
PDF = b"%PDF-1.4 homework"


@pytest_asyncio.fixture(loop_scope="session")
async def diary(nats_url, database_url, pg_schema, js):
    """The diary app with one class, a parent and the maths teacher's grants."""
    async with running_diary(nats_url, database_url, pg_schema) as running:
        await publish_granted(js, anna_in_5a(), (PARENT, TEACHER))
        await feed_applied(running, js)
        yield running


def teacher(d) -> dict[str, str]:
    return as_user(d, TEACHER, "teacher")


def thread(**changes) -> dict:
    body = {
        "class_id": "5a",
        "subject_id": "math",
        "year": 2026,
        "to": {"pupils": [ANNA], "audience": "parents"},
        "title": "Контрольная",
        "text": "В пятницу контрольная.",
    }
    return {**body, **changes}


async def portal_messages(js) -> int:
    return int((await js.stream_info(PORTAL.name)).state.messages)


async def test_a_message_body_with_nul_is_refused_and_nothing_posted(diary, js):
    d = diary
    started = await d.http.post(f"{BASE}/threads", json=thread(), headers=teacher(d))
    assert started.status_code == 201, started.text
    thread_id = started.json()["thread_id"]
    url = f"{BASE}/threads/{thread_id}/messages"
    before = await portal_messages(js)

    body = await d.http.post(url, data={"text": "secret\x00"}, headers=teacher(d))
    # ESC: httpx percent-encodes the other C0 characters of a file name.
    named = await d.http.post(
        url,
        data={"text": "файл"},
        files=[("files", ("secret\x1b.pdf", PDF, "application/pdf"))],
        headers=teacher(d),
    )
    opening = await d.http.post(
        f"{BASE}/threads", json=thread(text="secret\u0000 text"), headers=teacher(d)
    )
    title = await d.http.post(
        f"{BASE}/threads", json=thread(title="secret\u009b"), headers=teacher(d)
    )

    assert_text_refused(body, ["body", "text"], secret="secret")
    assert_text_refused(named, ["body", "files", 0, "filename"], secret="secret")
    assert_text_refused(opening, ["body", "text"], secret="secret")
    assert_text_refused(title, ["body", "title"], secret="secret")
    assert await portal_messages(js) == before
