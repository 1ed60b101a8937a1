"""The messages' handlers on an in-memory event store and fake grants (the service layer)."""

from __future__ import annotations

import datetime as dt

import pytest

from contracts.portal import MessagePosted, ThreadRead, ThreadStarted
from services.common.eventstore_memory import InMemoryEventStore
from services.diary.application import messaging, threads
from services.diary.domain import attachments as a
from services.diary.domain import thread as t
from services.diary.domain.access import Caller, Denied, Grant
from services.diary.domain.calendar import MemberRow
from services.diary.domain.recipients import Addressed, NoRecipients
from tests.support.diary import pseudonym
from tests.support.diary_messages import FakeDirectory, InMemoryAttachments, message_deps

ANNA, BORIS = pseudonym("anna"), pseudonym("boris")
TEACHER, PARENT, PUPIL, OTHER_PARENT, OUTSIDER = 301, 101, 401, 102, 999
PDF = b"%PDF-1.4 homework"


def directory() -> FakeDirectory:
    since = dt.date(2026, 9, 1)
    found = FakeDirectory(
        members_of={"5a": [MemberRow("5a", ANNA, since), MemberRow("5a", BORIS, since)]}
    )
    found.grant(Grant("c-math", TEACHER, "class", class_id="5a", subject_id="math"))
    found.grant(Grant("p-anna", PARENT, "pupil", pupil=ANNA, relation="parent"))
    found.grant(Grant("p-boris", OTHER_PARENT, "pupil", pupil=BORIS, relation="parent"))
    found.grant(Grant("own-anna", PUPIL, "pupil", pupil=ANNA, relation="pupil"))
    return found


def req(uid: int | None, role: str, command_id: str = "c1", school: str = "s1"):
    return messaging.Request(school, Caller(frozenset({role}), "s1", uid), command_id, "corr")


def start_cmd(pupils=frozenset({ANNA}), audience="parents", subject="math"):
    return messaging.StartThread(
        "5a", subject, Addressed(pupils, audience), "Контрольная", "Привет"
    )


@pytest.fixture
def world():
    store, files, found = InMemoryEventStore(), InMemoryAttachments(), directory()
    return message_deps(found, store=store, attachments=files), store, files, found


async def start(deps, **kwargs) -> str:
    recorded = await messaging.start_thread(
        deps, req(TEACHER, "teacher", "start"), start_cmd(**kwargs)
    )
    return recorded.thread_id


async def test_a_teacher_starts_a_thread_to_the_parents_of_a_pupil(world):
    deps, store, _, _ = world
    recorded = await messaging.start_thread(deps, req(TEACHER, "teacher"), start_cmd())
    (stored,) = store.events
    assert stored.subject == f"prt.s1.thread.{recorded.thread_id}"
    assert stored.envelope.year == 2026
    assert stored.envelope.actor.id == str(TEACHER)
    assert stored.msg_id == "c1"
    event = ThreadStarted.model_validate(stored.envelope.data)
    assert [(p.uid, p.role, p.pupils) for p in event.participants] == [
        (TEACHER, "teacher", ()),
        (PARENT, "parent", (ANNA,)),
    ]


async def test_a_retried_start_records_once(world):
    deps, store, _, _ = world
    first = await messaging.start_thread(deps, req(TEACHER, "teacher"), start_cmd())
    again = await messaging.start_thread(deps, req(TEACHER, "teacher"), start_cmd())
    assert (again.thread_id, again.duplicate, len(store.events)) == (first.thread_id, True, 1)


async def test_parents_and_pupils_do_not_start_threads(world):
    deps, _, _, _ = world
    for uid, role in [(PARENT, "parent"), (PUPIL, "pupil")]:
        with pytest.raises(Denied) as refused:
            await messaging.start_thread(deps, req(uid, role), start_cmd())
        assert refused.value.reason == "wrong_role"


async def test_a_teacher_outside_their_scope_is_refused(world):
    deps, store, _, _ = world
    with pytest.raises(Denied) as refused:
        await messaging.start_thread(deps, req(TEACHER, "teacher"), start_cmd(subject="rus"))
    assert refused.value.reason == "no_grant"
    assert not store.events


async def test_no_recipient_uid_is_refused(world):
    deps, _, _, found = world
    found.revoke("p-anna")
    with pytest.raises(NoRecipients):
        await messaging.start_thread(deps, req(TEACHER, "teacher"), start_cmd())


async def test_a_reply_reaches_the_teacher_and_marking_read_clears_it(world):
    deps, _, _, _ = world
    thread_id = await start(deps, audience="both")
    parent_view = await threads.read_thread(deps, req(PARENT, "parent"), thread_id)
    assert (parent_view.unread, parent_view.can_post) == (1, True)
    await messaging.mark_read(deps, req(PARENT, "parent", "r1"), thread_id, None)
    assert (await threads.read_thread(deps, req(PARENT, "parent"), thread_id)).unread == 0
    posted = await messaging.post_message(deps, req(PARENT, "parent", "p1"), thread_id, "Да", ())
    assert isinstance(posted.event, MessagePosted)
    assert posted.event.recipients == (TEACHER, PUPIL)
    assert (await threads.read_thread(deps, req(TEACHER, "teacher"), thread_id)).unread == 1


async def test_marking_read_again_records_nothing(world):
    deps, store, _, _ = world
    thread_id = await start(deps)
    await messaging.mark_read(deps, req(PARENT, "parent", "r1"), thread_id, 1)
    await messaging.mark_read(deps, req(PARENT, "parent", "r2"), thread_id, 1)
    assert len(store.events) == 2
    assert store.events[-1].envelope.event_type == ThreadRead.event_type


async def test_outsiders_see_no_thread(world):
    deps, _, _, _ = world
    thread_id = await start(deps)
    for uid, role in [(OUTSIDER, "parent"), (OTHER_PARENT, "parent"), (PUPIL, "pupil")]:
        with pytest.raises(t.ThreadNotFound):
            await threads.read_thread(deps, req(uid, role), thread_id)
        with pytest.raises(t.ThreadNotFound):
            await messaging.post_message(deps, req(uid, role, "x"), thread_id, "hi", ())
    with pytest.raises(t.ThreadNotFound):
        await threads.read_thread(deps, req(PARENT, "parent"), "t-nope")


async def test_a_parent_whose_grant_ended_reads_what_came_before_but_may_not_post(world):
    deps, _, _, found = world
    thread_id = await start(deps)
    found.revoke("p-anna")
    view = await threads.read_thread(deps, req(PARENT, "parent"), thread_id)
    assert (len(view.messages), view.can_post) == (1, False)
    with pytest.raises(Denied) as refused:
        await messaging.post_message(deps, req(PARENT, "parent", "p1"), thread_id, "?", ())
    assert refused.value.reason == "access_revoked"
    await messaging.post_message(deps, req(TEACHER, "teacher", "p2"), thread_id, "Ещё", ())
    view = await threads.read_thread(deps, req(PARENT, "parent"), thread_id)
    assert [m.index for m in view.messages] == [1]  # the later message was not sent to them


async def test_files_are_stored_and_downloaded_by_participants_only(world):
    deps, store, files, _ = world
    thread_id = await start(deps)
    upload = a.Upload("задание.pdf", "application/pdf", PDF)
    posted = await messaging.post_message(
        deps, req(TEACHER, "teacher", "p1"), thread_id, "Файл", (upload,)
    )
    (attachment,) = posted.event.message.attachments
    assert files.files == {attachment.attachment_id: PDF}
    got = await threads.download(deps, req(PARENT, "parent"), thread_id, attachment.attachment_id)
    assert (got.name, got.data) == ("задание.pdf", PDF)
    with pytest.raises(t.ThreadNotFound):
        await threads.download(deps, req(OUTSIDER, "parent"), thread_id, attachment.attachment_id)
    # a retried post records once and names the same file
    again = await messaging.post_message(
        deps, req(TEACHER, "teacher", "p1"), thread_id, "Файл", (upload,)
    )
    assert again.duplicate
    assert again.event.message.attachments == (attachment,)
    assert len(store.events) == 2


async def test_refused_files_record_and_store_nothing(world):
    deps, store, files, _ = world
    thread_id = await start(deps)
    small = message_deps(
        directory(), store=store, attachments=files, limits=a.AttachmentLimits(max_bytes=8)
    )
    for upload, error in [
        (a.Upload("x.pdf", "application/pdf", PDF), a.AttachmentTooLarge),
        (a.Upload("x.exe", "application/x-msdownload", b"MZ"), a.UnsupportedAttachmentType),
        (a.Upload("x.pdf", "application/pdf", b"MZ"), a.UnsupportedAttachmentType),
        (a.Upload("x.pdf", "application/pdf", b""), a.EmptyAttachment),
    ]:
        with pytest.raises(error):
            await messaging.post_message(
                small, req(TEACHER, "teacher", "p"), thread_id, "x", (upload,)
            )
    six = tuple(a.Upload(f"{i}.txt", "text/plain", b"ok") for i in range(6))
    with pytest.raises(a.TooManyAttachments):
        await messaging.post_message(deps, req(TEACHER, "teacher", "p"), thread_id, "x", six)
    assert (len(store.events), files.files) == (1, {})
