"""The PORTAL events: registered, documented, round-tripping, and refusing what is not theirs."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from contracts import subjects
from contracts.docs import ALL_EVENTS
from contracts.journal import Attachment
from contracts.portal import (
    PORTAL_EVENTS,
    Message,
    MessagePosted,
    Participant,
    ThreadRead,
    ThreadStarted,
)
from contracts.registry import PORTAL_REGISTRY
from contracts.streams import BUCKETS, PORTAL, PORTAL_FILES_BUCKET
from deploy.asyncapi import asyncapi
from tests.support.diary import pseudonym

ANNA = pseudonym("anna")
FILE = Attachment(
    attachment_id="att-1", name="задание.pdf", size=3, media_type="application/pdf", sha256="a" * 64
)
EVENTS = [
    ThreadStarted(
        thread_id="t1",
        class_id="5a",
        subject_id=None,
        title="Экскурсия",
        started_by=302,
        participants=(
            Participant(uid=302, role="teacher"),
            Participant(uid=101, role="parent", pupils=(ANNA,)),
        ),
        message=Message(message_id="m1", author=302, text="Едем в музей"),
    ),
    MessagePosted(
        thread_id="t1",
        index=2,
        message=Message(message_id="m2", author=101, text="Хорошо", attachments=(FILE,)),
        recipients=(302,),
    ),
    ThreadRead(thread_id="t1", uid=302, up_to=2),
]


def test_portal_events_are_registered_documented_and_named_portal():
    assert {e.event_type for e in PORTAL_EVENTS} == {
        "portal.ThreadStarted",
        "portal.MessagePosted",
        "portal.ThreadRead",
        "portal.UserLabelSet",
        "portal.ChildLabelSet",
        "portal.ChangesSeen",
    }
    assert set(PORTAL_EVENTS) <= set(ALL_EVENTS)
    read = {c["bindings"]["nats"]["subject"] for c in asyncapi()["channels"].values()}
    assert PORTAL.subjects[0] in read  # the diary's messages projection subscribes to PORTAL
    assert PORTAL_FILES_BUCKET in BUCKETS
    assert subjects.portal("s1", "thread", "t1").startswith(PORTAL.subjects[0][:-1])


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: e.event_type)
def test_portal_events_round_trip_through_json(event):
    data = event.model_dump(mode="json")
    assert PORTAL_REGISTRY.decode(event.event_type, event.schema_version, data) == event


def test_a_thread_needs_someone_to_write_to_and_pupils_are_pseudonyms():
    with pytest.raises(ValidationError):
        ThreadStarted.model_validate({**EVENTS[0].model_dump(), "participants": ()})
    with pytest.raises(ValidationError):
        Participant(uid=101, role="parent", pupils=("anna",))
    with pytest.raises(ValidationError):
        Message(message_id="m", author=1, text="x", attachments=(FILE,) * 6)
