"""The thread aggregate: decide and evolve, given/when/then, and the unread count's properties."""

from __future__ import annotations

from functools import reduce

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.portal import Message, MessagePosted, Participant, ThreadRead, ThreadStarted
from services.diary.domain import thread as t
from tests.support.diary import pseudonym

TEACHER, PARENT, PUPIL, OUTSIDER = 301, 101, 401, 999
ANNA = pseudonym("anna")
PEOPLE = (
    Participant(uid=TEACHER, role="teacher"),
    Participant(uid=PARENT, role="parent", pupils=(ANNA,)),
    Participant(uid=PUPIL, role="pupil", pupils=(ANNA,)),
)


def message(author: int, n: int = 1, text: str = "Добрый день") -> Message:
    return Message(message_id=f"m{author}-{n}", author=author, text=text)


def started() -> ThreadStarted:
    return ThreadStarted(
        thread_id="t1",
        class_id="5a",
        subject_id="math",
        title="Контрольная",
        started_by=TEACHER,
        participants=PEOPLE,
        message=message(TEACHER),
    )


def given_events(*events) -> t.Thread:
    return reduce(t.evolve, events, t.INITIAL)


def test_a_thread_starts_with_its_first_message_sent_to_everyone_but_the_teacher():
    (event,) = t.decide(
        t.StartThread("t1", "5a", "math", "Контрольная", PEOPLE, message(TEACHER)), t.INITIAL
    )
    assert event == started()
    state = given_events(event)
    assert state.messages[0].recipients == {PARENT, PUPIL}
    assert (state.unread(PARENT), state.unread(PUPIL), state.unread(TEACHER)) == (1, 1, 0)


def test_a_thread_starts_once():
    with pytest.raises(t.ThreadAlreadyStarted):
        t.decide(
            t.StartThread("t1", "5a", None, "x", PEOPLE, message(TEACHER)), given_events(started())
        )


def test_a_reply_goes_to_the_entitled_participants_but_its_author():
    state = given_events(started())
    (event,) = t.decide(t.PostMessage(message(PARENT), frozenset({TEACHER, PARENT})), state)
    assert event == MessagePosted(
        thread_id="t1", index=2, message=message(PARENT), recipients=(TEACHER,)
    )
    after = given_events(started(), event)
    assert after.unread(TEACHER) == 1
    assert after.unread(PARENT) == 0  # writing reads the thread up to one's own message
    assert after.read[PARENT] == 2


def test_a_participant_whose_grant_ended_keeps_what_was_sent_before_but_not_what_follows():
    posted = MessagePosted(
        thread_id="t1", index=2, message=message(TEACHER, 2), recipients=(PARENT,)
    )
    state = given_events(started(), posted)
    assert [m.index for m in state.visible(PUPIL)] == [1]
    assert [m.index for m in state.visible(PARENT)] == [1, 2]


def test_nobody_but_a_participant_posts_or_reads():
    state = given_events(started())
    with pytest.raises(t.ThreadNotFound):
        t.decide(t.PostMessage(message(OUTSIDER), frozenset({OUTSIDER})), state)
    with pytest.raises(t.ThreadNotFound):
        t.decide(t.MarkRead(OUTSIDER), state)
    with pytest.raises(t.ThreadNotFound):
        t.decide(t.PostMessage(message(PARENT), frozenset({PARENT})), t.INITIAL)


def test_marking_read_moves_forward_only_and_not_past_the_end():
    state = given_events(started())
    assert t.decide(t.MarkRead(PARENT), state) == [ThreadRead(thread_id="t1", uid=PARENT, up_to=1)]
    read = given_events(started(), ThreadRead(thread_id="t1", uid=PARENT, up_to=1))
    assert t.decide(t.MarkRead(PARENT), read) == []  # nothing new to record
    assert t.decide(t.MarkRead(TEACHER, 1), state) == []  # the starter has read their message
    with pytest.raises(t.ReadBeyondEnd):
        t.decide(t.MarkRead(PARENT, 2), state)


def test_a_late_read_event_never_moves_a_position_back():
    posted = MessagePosted(thread_id="t1", index=2, message=message(PARENT), recipients=(TEACHER,))
    state = given_events(started(), posted, ThreadRead(thread_id="t1", uid=PARENT, up_to=1))
    assert state.read[PARENT] == 2


def test_decide_refuses_what_is_not_a_thread_command():
    with pytest.raises(TypeError):
        t.decide(object(), t.INITIAL)  # type: ignore[arg-type]


# ---------------------------------------------------------------- properties

UIDS = (TEACHER, PARENT, PUPIL)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("post"), st.sampled_from(UIDS), st.frozensets(st.sampled_from(UIDS))),
        st.tuples(st.just("read"), st.sampled_from(UIDS), st.integers(min_value=1, max_value=30)),
    ),
    max_size=30,
)


def _run(plan) -> tuple[t.Thread, list]:
    events: list = [started()]
    state = given_events(*events)
    for n, (kind, uid, arg) in enumerate(plan):
        if kind == "post":
            new = t.decide(t.PostMessage(message(uid, n + 2), arg | {uid}), state)
        else:
            up_to = min(arg, len(state.messages))
            new = t.decide(t.MarkRead(uid, up_to), state)
        events += new
        state = reduce(t.evolve, new, state)
    return state, events


@given(steps)
def test_unread_is_the_messages_received_after_the_read_position_never_negative(plan):
    state, _ = _run(plan)
    for uid in UIDS:
        position = state.read.get(uid, 0)
        received_later = [
            m
            for m in state.messages
            if m.index > position and m.message.author != uid and uid in m.recipients
        ]
        assert state.unread(uid) == len(received_later) >= 0
        assert all(m.message.author != uid for m in received_later)
        assert position <= len(state.messages)


@given(steps)
def test_folding_the_events_again_gives_the_same_thread(plan):
    state, events = _run(plan)
    assert given_events(*events) == state
    # a redelivered read never changes anything
    reads = [e for e in events if isinstance(e, ThreadRead)]
    assert reduce(t.evolve, reads, state) == state
