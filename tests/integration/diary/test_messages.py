"""Messages over HTTP on real NATS and PostgreSQL: threads, unread counts, refusals, files,
retries, and the messages' projection under redelivery, restart and rebuild."""

from __future__ import annotations

import json

import pytest
import pytest_asyncio

from contracts.diary import ClassScope
from services.diary.entrypoints.message_dto import NOTICE
from tests.integration.diary.served_app import (
    START_BODY,
    parent,
    publish_two_classes,
    served,
    teacher,
)
from tests.support.diary import FeedWriter
from tests.support.diary_served import (
    ANNA,
    BORIS,
    CLASS_TEACHER,
    OTHER_PARENT,
    PARENT,
    PUPIL,
    TEACHER,
    VERA,
    as_user,
    assert_messages_rebuild_reproduces,
    feed_applied,
    portal_items,
    portal_last_seq,
    redeliver,
    snapshot,
)
from tests.support.running import diary_settings, running_diary
from tests.support.waiting import eventually

pytestmark = pytest.mark.integration

OTHER_TEACHER = 303
"""A maths teacher of 5b: outside every thread of 5a."""
BASE = "/diary/v1/schools/s1/messages"
PDF = b"%PDF-1.4 homework"
TABLES = ("threads", "participants", "messages", "message_recipients")


@pytest_asyncio.fixture(loop_scope="session")
async def diary(nats_url, database_url, pg_schema, js):
    """The diary app with two classes, their parents, a pupil and three teachers' grants."""
    async with served(nats_url, database_url, pg_schema, js, publish_with_5b_teacher) as running:
        yield running


async def publish_with_5b_teacher(js) -> None:
    feed = await publish_two_classes(js)
    await feed.grant("g-5b", OTHER_TEACHER, ClassScope(class_id="5b", subject_id="math"))


def start_body(**changes) -> dict:
    return {**START_BODY, **changes}


async def start(d, headers=None, **changes) -> str:
    answer = await d.http.post(
        f"{BASE}/threads", json=start_body(**changes), headers=headers or teacher(d)
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["thread_id"])


async def unread(d, headers) -> int:
    answer = await d.http.get(f"{BASE}/unread", headers=headers)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["unread"])


async def wait_unread(d, headers, expected: int) -> None:
    async def check() -> None:
        assert await unread(d, headers) == expected

    await eventually(check, timeout=10)


async def test_a_thread_from_start_to_reply_with_unread_counts(diary):
    d = diary
    answer = await d.http.post(f"{BASE}/threads", json=start_body(), headers=teacher(d))
    assert answer.status_code == 201, answer.text
    started = answer.json()
    assert (started["notice"], started["recipients"], started["index"]) == (NOTICE, 1, 1)
    thread_id = started["thread_id"]

    await wait_unread(d, parent(d), 1)
    listed = (await d.http.get(f"{BASE}/threads", headers=parent(d))).json()
    assert listed["notice"] == NOTICE
    assert [(t["thread_id"], t["role"], t["unread"], t["messages"]) for t in listed["threads"]] == [
        (thread_id, "parent", 1, 1)
    ]

    shown = (await d.http.get(f"{BASE}/threads/{thread_id}", headers=parent(d))).json()
    assert shown["notice"] == NOTICE
    assert [(m["author"], m["unread"]) for m in shown["messages"]] == [(TEACHER, True)]
    assert (shown["unread"], shown["can_post"]) == (1, True)
    assert {p["uid"]: p["pupils"] for p in shown["participants"]} == {TEACHER: [], PARENT: [ANNA]}

    read = await d.http.post(f"{BASE}/threads/{thread_id}/read", headers=parent(d))
    assert (read.status_code, read.json()["unread"], read.json()["read_up_to"]) == (200, 0, 1)
    await wait_unread(d, parent(d), 0)

    reply = await d.http.post(
        f"{BASE}/threads/{thread_id}/messages", data={"text": "Спасибо!"}, headers=parent(d)
    )
    assert reply.status_code == 201, reply.text
    assert (reply.json()["index"], reply.json()["recipients"]) == (2, 1)
    await wait_unread(d, teacher(d), 1)
    await wait_unread(d, parent(d), 0)  # one's own message is never unread


async def test_nobody_outside_a_thread_reads_or_posts_to_it(diary):
    d = diary
    thread_id = await start(d)
    for headers in [
        as_user(d, OTHER_PARENT, "parent"),
        as_user(d, PUPIL, "pupil"),  # the pupil was not addressed (audience: parents)
        as_user(d, OTHER_TEACHER, "teacher"),
    ]:
        shown = await d.http.get(f"{BASE}/threads/{thread_id}", headers=headers)
        posted = await d.http.post(
            f"{BASE}/threads/{thread_id}/messages", data={"text": "?"}, headers=headers
        )
        for answer in (shown, posted):
            assert answer.status_code == 404
            assert answer.json()["reason"] == "thread_not_found"
    other_school = d.headers("x", "parent", uid=PARENT, school="s2")
    refused = await d.http.get(f"{BASE}/threads/{thread_id}", headers=other_school)
    assert (refused.status_code, refused.json()["reason"]) == (403, "wrong_school")


async def test_who_may_start_a_thread_and_to_whom(diary, js):
    d = diary
    before = await portal_last_seq(js)
    cases = [
        (as_user(d, OTHER_TEACHER, "teacher"), {}, 403, "no_grant"),
        (teacher(d), {"subject_id": "rus"}, 403, "no_grant"),
        (teacher(d), {"to": {"pupils": [VERA], "audience": "parents"}}, 403, "not_in_class"),
        (teacher(d), {"to": {"pupils": [BORIS], "audience": "parents"}}, 422, "no_recipients"),
        (parent(d), {}, 403, "wrong_role"),
        (as_user(d, PUPIL, "pupil"), {}, 403, "wrong_role"),
    ]
    for headers, changes, status, reason in cases:
        answer = await d.http.post(f"{BASE}/threads", json=start_body(**changes), headers=headers)
        assert (answer.status_code, answer.json()["reason"]) == (status, reason), changes
    assert await portal_last_seq(js) == before  # nothing recorded

    # the class teacher writes to the whole class, parents and pupils
    whole = {"subject_id": None, "to": {"pupils": "all", "audience": "both"}}
    answer = await d.http.post(
        f"{BASE}/threads", json=start_body(**whole), headers=as_user(d, CLASS_TEACHER, "teacher")
    )
    assert (answer.status_code, answer.json()["recipients"]) == (201, 2)
    await wait_unread(d, as_user(d, PUPIL, "pupil"), 1)


async def test_attachments_are_limited_and_downloaded_by_participants_only(diary, js):
    d = diary
    thread_id = await start(d)
    url = f"{BASE}/threads/{thread_id}/messages"
    before = await portal_last_seq(js)
    too_big = b"%PDF-" + b"0" * (5 * 1024 * 1024)
    for files, status, reason in [
        ([("files", ("big.pdf", too_big, "application/pdf"))], 413, "attachment_too_large"),
        (
            [("files", ("x.exe", b"MZ", "application/x-msdownload"))],
            415,
            "unsupported_attachment_type",
        ),
        ([("files", ("fake.pdf", b"MZ", "application/pdf"))], 415, "unsupported_attachment_type"),
        (
            [("files", (f"{i}.txt", b"ok", "text/plain")) for i in range(6)],
            413,
            "too_many_attachments",
        ),
    ]:
        answer = await d.http.post(url, data={"text": "файл"}, files=files, headers=teacher(d))
        assert (answer.status_code, answer.json()["reason"]) == (status, reason)
    assert await portal_last_seq(js) == before  # nothing recorded

    answer = await d.http.post(
        url,
        data={"text": "Задание во вложении"},
        files=[("files", ("задание.pdf", PDF, "application/pdf"))],
        headers=teacher(d),
    )
    assert answer.status_code == 201, answer.text
    (attachment,) = answer.json()["attachments"]
    assert (attachment["name"], attachment["size"]) == ("задание.pdf", len(PDF))
    got = await d.http.get(attachment["url"], headers=parent(d))
    assert (got.status_code, got.content) == (200, PDF)
    assert got.headers["content-type"] == "application/pdf"
    for headers in (as_user(d, OTHER_PARENT, "parent"), as_user(d, OTHER_TEACHER, "teacher")):
        assert (await d.http.get(attachment["url"], headers=headers)).status_code == 404


async def test_a_retried_post_records_once(diary, js):
    d = diary
    thread_id = await start(d, headers=teacher(d, "start-1"))
    again = await d.http.post(f"{BASE}/threads", json=start_body(), headers=teacher(d, "start-1"))
    assert (again.json()["thread_id"], again.json()["duplicate"]) == (thread_id, True)
    before = await portal_last_seq(js)
    url = f"{BASE}/threads/{thread_id}/messages"
    answers = [
        await d.http.post(url, data={"text": "Хорошо"}, headers=parent(d, "reply-1"))
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json()["message_id"] == answers[1].json()["message_id"]
    assert [a.json()["duplicate"] for a in answers] == [False, True]
    assert await portal_last_seq(js) == before + 1
    # the same key from another user is another command
    other = await d.http.post(url, data={"text": "И я"}, headers=teacher(d, "reply-1"))
    assert (other.status_code, other.json()["duplicate"], other.json()["index"]) == (201, False, 3)


async def test_a_parent_whose_grant_ended_keeps_what_was_sent_but_may_not_post(diary, js):
    d = diary
    thread_id = await start(d)
    await FeedWriter(js).revoke("g-parent", PARENT)
    await feed_applied(d, js)
    shown = (await d.http.get(f"{BASE}/threads/{thread_id}", headers=parent(d))).json()
    assert (len(shown["messages"]), shown["can_post"]) == (1, False)
    refused = await d.http.post(
        f"{BASE}/threads/{thread_id}/messages", data={"text": "?"}, headers=parent(d)
    )
    assert (refused.status_code, refused.json()["reason"]) == (403, "access_revoked")
    later = await d.http.post(
        f"{BASE}/threads/{thread_id}/messages", data={"text": "Ещё"}, headers=teacher(d)
    )
    assert later.json()["recipients"] == 0
    shown = (await d.http.get(f"{BASE}/threads/{thread_id}", headers=parent(d))).json()
    assert [m["index"] for m in shown["messages"]] == [1]
    # and new threads no longer reach them
    answer = await d.http.post(f"{BASE}/threads", json=start_body(), headers=teacher(d))
    assert (answer.status_code, answer.json()["reason"]) == (422, "no_recipients")


async def test_redelivery_restart_and_rebuild_of_the_messages_projection_apply_nothing_twice(
    nats_url, database_url, pg_schema, js
):
    async with running_diary(nats_url, database_url, pg_schema) as d:
        await publish_two_classes(js)
        await feed_applied(d, js)
        thread_id = await start(d, to={"pupils": "all", "audience": "both"})
        await d.http.post(f"{BASE}/threads/{thread_id}/read", headers=parent(d))
        await d.http.post(
            f"{BASE}/threads/{thread_id}/messages", data={"text": "Да"}, headers=parent(d)
        )
        await wait_unread(d, teacher(d), 1)
        pool = d.runtime.messages_pool
        live = await snapshot(pool, TABLES)
        assert len(live["messages"]) == 2

        # redelivery: the whole stream applied again over the live rows
        await redeliver(pool, await portal_items(js))
        assert await snapshot(pool, TABLES) == live

        settings = diary_settings(nats_url, database_url, pg_schema, "x" * 32)
        await assert_messages_rebuild_reproduces(d, js, settings, TABLES, live)

    # restart: the projector resumes from its checkpoint and applies nothing again
    async with running_diary(nats_url, database_url, pg_schema) as d:
        await eventually(lambda: _messages_caught_up(d, js), timeout=10)
        assert await snapshot(d.runtime.messages_pool, TABLES) == live
        assert await unread(d, teacher(d)) == 1


async def _messages_caught_up(d, js) -> None:
    last = await portal_last_seq(js)
    described = await d.runtime.messages_projector.describe()
    assert described.last_seq >= last


async def test_a_thread_starts_with_files_once_and_refused_files_record_nothing(diary, js):
    d = diary
    url = f"{BASE}/threads/with-files"
    start_field = {"start": json.dumps(start_body(title="Задание"))}
    before = await portal_last_seq(js)
    refused = await d.http.post(
        url,
        data=start_field,
        files=[("files", ("x.exe", b"MZ", "application/x-msdownload"))],
        headers=teacher(d),
    )
    assert (refused.status_code, refused.json()["reason"]) == (415, "unsupported_attachment_type")
    bad = await d.http.post(url, data={"start": "{"}, headers=teacher(d))
    assert bad.status_code == 422
    assert await portal_last_seq(js) == before

    files = [("files", ("задание.pdf", PDF, "application/pdf"))]
    first = await d.http.post(url, data=start_field, files=files, headers=teacher(d, "with-1"))
    again = await d.http.post(url, data=start_field, files=files, headers=teacher(d, "with-1"))
    assert (first.status_code, again.status_code) == (201, 201), first.text
    assert first.json()["thread_id"] == again.json()["thread_id"]
    assert await portal_last_seq(js) == before + 1  # the retry recorded nothing

    shown = await d.http.get(f"{BASE}/threads/{first.json()['thread_id']}", headers=parent(d))
    (attachment,) = shown.json()["messages"][0]["attachments"]
    got = await d.http.get(attachment["url"], headers=parent(d))
    assert (got.status_code, got.content) == (200, PDF)
