"""Text the contracts refuse in the diary's messages over HTTP: a thread's title or text, a
message's body or a file's name with NUL or a control character is refused with 422
`invalid_text`, and nothing reaches the PORTAL stream."""

from __future__ import annotations

import pytest
import pytest_asyncio

from contracts.streams import PORTAL
from tests.integration.diary.served_app import START_BODY, served, teacher
from tests.support.answers import assert_text_refused
from tests.support.diary_served import (
    PARENT,
    TEACHER,
    anna_in_5a,
    publish_granted,
)

pytestmark = pytest.mark.integration

BASE = "/diary/v1/schools/s1/messages"
PDF = b"%PDF-1.4 homework"


@pytest_asyncio.fixture(loop_scope="session")
async def diary(nats_url, database_url, pg_schema, js):
    """The diary app with one class, a parent and the maths teacher's grants."""
    async with served(nats_url, database_url, pg_schema, js, publish_anna_in_5a) as running:
        yield running


async def publish_anna_in_5a(js) -> None:
    await publish_granted(js, anna_in_5a(), (PARENT, TEACHER))


def thread(**changes) -> dict:
    return {**START_BODY, **changes}


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
