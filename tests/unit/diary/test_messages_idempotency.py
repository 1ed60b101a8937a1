"""Retries and reused keys of the messages' commands: a retry answers what was recorded, even
when its recipients changed since; a key recorded with another request is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from services.common.eventstore_memory import InMemoryEventStore
from services.common.idempotency import IdempotencyKeyReused
from services.diary.application import messaging
from services.diary.domain.access import Caller, Grant
from services.diary.domain.calendar import MemberRow
from services.diary.domain.recipients import Addressed
from tests.support.diary import pseudonym
from tests.support.diary_messages import FakeDirectory, message_deps

ANNA = pseudonym("anna")
TEACHER, PARENT = 301, 101


@pytest.fixture
def world():
    found = FakeDirectory(members_of={"5a": [MemberRow("5a", ANNA, dt.date(2026, 9, 1))]})
    found.grant(Grant("c-math", TEACHER, "class", class_id="5a", subject_id="math"))
    found.grant(Grant("p-anna", PARENT, "pupil", pupil=ANNA, relation="parent"))
    store = InMemoryEventStore()
    return message_deps(found, store=store), store, found


def req(uid: int, role: str, fingerprint: str, command_id: str = "k1") -> messaging.Request:
    caller = Caller(frozenset({role}), "s1", uid)
    return messaging.Request("s1", caller, command_id, "corr", fingerprint)


def start_cmd(text: str = "Привет") -> messaging.StartThread:
    return messaging.StartThread(
        "5a", "math", Addressed(frozenset({ANNA}), "parents"), "Контрольная", text
    )


async def test_a_retried_start_answers_the_record_though_its_recipients_left(world):
    deps, store, found = world
    first = await messaging.start_thread(deps, req(TEACHER, "teacher", "f1"), start_cmd())
    found.revoke("p-anna")  # deciding again would find no recipient
    again = await messaging.start_thread(deps, req(TEACHER, "teacher", "f1"), start_cmd())

    assert (again.thread_id, again.seq, again.event) == (first.thread_id, first.seq, first.event)
    assert again.duplicate
    assert len(store.events) == 1


async def test_a_key_recorded_with_another_request_is_refused(world):
    deps, store, _ = world
    first = await messaging.start_thread(deps, req(TEACHER, "teacher", "f1"), start_cmd())
    with pytest.raises(IdempotencyKeyReused):
        await messaging.start_thread(deps, req(TEACHER, "teacher", "f2"), start_cmd("Другое"))
    reply = req(PARENT, "parent", "f3", "k2")
    await messaging.post_message(deps, reply, first.thread_id, "Хорошо", ())
    other = req(PARENT, "parent", "f4", "k2")
    with pytest.raises(IdempotencyKeyReused):
        await messaging.post_message(deps, other, first.thread_id, "Иначе", ())

    assert len(store.events) == 2
