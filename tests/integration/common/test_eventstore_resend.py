"""A JetStream call whose answer timed out is sent again by batch work, on the real server: the
event is recorded once and reported as recorded now; an interactive request gives up at once."""

from __future__ import annotations

import uuid
from typing import Any

import nats.errors
import pytest

from contracts.journal import LessonHeld
from contracts.streams import JOURNAL
from services.common.eventstore import Version
from services.common.eventstore_jetstream import JetStreamEventStore
from services.common.patience import PATIENT
from tests.support.stored_events import envelope_of

pytestmark = pytest.mark.integration


class AnswersLost:
    """JetStream whose first `lost` publishes reach the server but whose answers time out, as
    when the process pauses (a full garbage collection) while the answer arrives."""

    def __init__(self, js: Any, lost: int) -> None:
        self._js = js
        self.lost = lost
        self.published = 0

    async def publish(self, *args: Any, **kwargs: Any) -> Any:
        self.published += 1
        ack = await self._js.publish(*args, **kwargs)
        if self.published <= self.lost:
            raise nats.errors.TimeoutError
        return ack

    def __getattr__(self, name: str) -> Any:
        return getattr(self._js, name)


@pytest.fixture
def subject() -> str:
    return f"jrn.2026.s1.5a.lesson.l{uuid.uuid4().hex[:12]}"


async def test_a_resent_append_is_recorded_once_and_reported_as_recorded(js, subject):
    lossy = AnswersLost(js, lost=2)
    store = JetStreamEventStore(lossy, JOURNAL.name)  # type: ignore[arg-type]

    appended = await store.append(
        subject, envelope_of(LessonHeld()), expected=Version(), msg_id="c1"
    )

    history = await JetStreamEventStore(js, JOURNAL.name).load(subject)
    # Sent again until answered: the second send meets the first's record, answered with a
    # wrong last sequence by 2.10+ (the expected sequence is checked before the duplicate
    # window), or by 2.9 as a duplicate after the second lost answer.
    assert lossy.published in {2, 3}
    assert [e.msg_id for e in history.events] == ["c1"]
    assert (appended.seq, appended.duplicate) == (history.events[0].seq, False)
    assert (await store.load(subject)).version == history.version


async def test_a_command_sent_again_later_is_still_a_duplicate(js, subject):
    store = JetStreamEventStore(js, JOURNAL.name)
    first = await store.append(subject, envelope_of(LessonHeld()), expected=Version(), msg_id="c1")

    again = await store.append(subject, envelope_of(LessonHeld()), expected=Version(), msg_id="c1")

    assert (again.seq, again.duplicate) == (first.seq, True)


async def test_an_interactive_request_answers_the_first_timeout(js, subject):
    lossy = AnswersLost(js, lost=1)
    store = JetStreamEventStore(lossy, JOURNAL.name)  # type: ignore[arg-type]
    token = PATIENT.set(False)
    try:
        with pytest.raises(nats.errors.TimeoutError):
            await store.append(subject, envelope_of(LessonHeld()), expected=Version(), msg_id="c1")
    finally:
        PATIENT.reset(token)

    assert lossy.published == 1


class NeverAnswers(AnswersLost):
    """JetStream that no publish reaches: every one times out (the server is unreachable while
    the connection still looks open)."""

    async def publish(self, *args: Any, **kwargs: Any) -> Any:
        self.published += 1
        raise nats.errors.TimeoutError


async def test_batch_work_gives_up_when_no_answer_comes(js, subject):
    silent = NeverAnswers(js, lost=0)
    store = JetStreamEventStore(silent, JOURNAL.name)  # type: ignore[arg-type]

    with pytest.raises(nats.errors.TimeoutError):
        await store.append(subject, envelope_of(LessonHeld()), expected=Version(), msg_id="c1")

    assert silent.published == 4  # ATTEMPTS
    assert (await JetStreamEventStore(js, JOURNAL.name).load(subject)).events == ()
