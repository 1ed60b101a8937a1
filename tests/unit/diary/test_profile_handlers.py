"""The portal users' own data through the PORTAL command path, on an in-memory event store and
fake grants (the service layer)."""

from __future__ import annotations

import datetime as dt

import pytest

from contracts.portal import ChangesSeen, ChildLabelSet, Participant, UserLabelSet
from services.common.eventstore_memory import InMemoryEventStore
from services.common.idempotency import IdempotencyKeyReused
from services.diary.application import messaging
from services.diary.application import profile as handlers
from services.diary.application.threads import ThreadView
from services.diary.application.views import Scope
from services.diary.domain.access import Caller, Denied, Grant
from services.diary.domain.calendar import MemberRow
from tests.support.diary import pseudonym
from tests.support.diary_messages import FakeDirectory, message_deps
from tests.support.diary_profile import FakeDiary, FakeLabels, profile_deps

ANNA, BORIS = pseudonym("anna"), pseudonym("boris")
PARENT, PUPIL, TEACHER, CLASS_TEACHER = 101, 401, 301, 302


def diary() -> FakeDiary:
    found = FakeDiary(
        members_of={"5a": [MemberRow("5a", ANNA, dt.date(2026, 9, 1))]},
        class_labels_of={"5a": "5А"},
        subjects={"math": "Математика"},
    )
    found.grant(Grant("p-anna", PARENT, "pupil", pupil=ANNA, relation="parent"))
    found.grant(Grant("own-anna", PUPIL, "pupil", pupil=ANNA, relation="pupil"))
    found.grant(Grant("c-math", TEACHER, "class", class_id="5a", subject_id="math"))
    found.grant(Grant("c-5a", CLASS_TEACHER, "class", class_id="5a"))
    return found


def req(uid: int, role: str, command_id: str = "c1", fingerprint: str = "") -> messaging.Request:
    caller = Caller(frozenset({role}), "s1", uid)
    return messaging.Request("s1", caller, command_id, "corr", fingerprint)


@pytest.fixture
def world():
    store, found = InMemoryEventStore(), diary()
    return profile_deps(found, store=store, labels=FakeLabels({PARENT: "мама Маши"})), store


async def test_a_label_is_recorded_on_the_users_own_aggregate(world):
    deps, store = world
    now = await handlers.set_label(deps, req(PARENT, "parent"), "мама Маши")
    assert now.label == "мама Маши"
    (stored,) = store.events
    assert stored.subject == "prt.s1.user.101"
    assert (stored.envelope.actor.id, stored.envelope.actor.role) == (str(PARENT), "parent")
    assert stored.envelope.year == 2026  # the school year of the day it was recorded
    assert UserLabelSet.model_validate(stored.envelope.data).label == "мама Маши"
    # the same label again, under a new command: nothing new
    await handlers.set_label(deps, req(PARENT, "parent", "c2"), "мама Маши")
    assert len(store.events) == 1


async def test_a_retried_command_records_once_and_a_reused_key_is_refused(world):
    deps, store = world
    first = req(PARENT, "parent", "k1", fingerprint="f1")
    await handlers.set_child_label(deps, first, ANNA, "Маша")
    await handlers.set_child_label(deps, first, ANNA, "Маша")
    (stored,) = store.events
    assert ChildLabelSet.model_validate(stored.envelope.data).label == "Маша"
    with pytest.raises(IdempotencyKeyReused):
        await handlers.set_child_label(deps, req(PARENT, "parent", "k1", "f2"), ANNA, "Аня")
    assert len(store.events) == 1


async def test_a_child_needs_a_live_grant_and_nothing_is_recorded_without(world):
    deps, store = world
    for caller, pupil in [
        (req(PARENT, "parent"), BORIS),  # not their child
        (req(TEACHER, "teacher"), ANNA),  # a class grant is not a pupil grant
        (req(PUPIL, "parent"), ANNA),  # the grant is the pupil's own, the token a parent's
    ]:
        with pytest.raises(Denied) as refused:
            await handlers.set_child_label(deps, caller, pupil, "Маша")
        assert refused.value.reason == "no_grant"
        with pytest.raises(Denied) as refused:
            await handlers.mark_seen(deps, caller, pupil, 3)
        assert refused.value.reason == "no_grant"
    assert store.events == []


async def test_the_seen_marker_answers_the_current_one_and_never_moves_back(world):
    deps, store = world
    first = await handlers.mark_seen(deps, req(PUPIL, "pupil", "a"), ANNA, 9)
    assert first.child(ANNA).seen_up_to == 9
    lower = await handlers.mark_seen(deps, req(PUPIL, "pupil", "b"), ANNA, 4)
    assert lower.child(ANNA).seen_up_to == 9
    (stored,) = store.events
    assert ChangesSeen.model_validate(stored.envelope.data).up_to == 9
    assert stored.envelope.actor.role == "pupil"


async def test_the_profile_shows_own_data_at_once_from_the_store(world):
    deps, _ = world
    await handlers.set_label(deps, req(PARENT, "parent", "a"), "мама Маши")
    await handlers.set_child_label(deps, req(PARENT, "parent", "b"), ANNA, "Маша")
    await handlers.mark_seen(deps, req(PARENT, "parent", "c"), ANNA, 5)
    scope = Scope("s1", 2026, Caller(frozenset({"parent"}), "s1", PARENT))
    view = await handlers.my_profile(deps, scope)
    assert (view.label, len(view.children)) == ("мама Маши", 1)
    child = view.children[0]
    assert (child.label, child.class_label, child.seen_up_to) == ("Маша", "5А", 5)


async def test_portal_users_are_for_operators_only(world):
    deps, _ = world
    for role in ("parent", "teacher", "head"):
        with pytest.raises(Denied):
            await handlers.portal_users(deps, Scope("s1", 2026, Caller(frozenset({role}), "s1", 1)))
    rows = await handlers.portal_users(deps, Scope("s1", 2026, Caller(frozenset({"admin"}), "s1")))
    assert [(r.uid, r.role, r.class_id) for r in rows] == [
        (PARENT, "parent", "5a"),
        (TEACHER, "teacher", "5a"),
        (CLASS_TEACHER, "teacher", "5a"),
        (PUPIL, "pupil", "5a"),
    ]


async def test_thread_labels_name_roles_subject_and_own_labels(world):
    deps, _ = world
    view = ThreadView(
        thread_id="t1",
        year=2026,
        class_id="5a",
        subject_id="math",
        title="Контрольная",
        started_by=TEACHER,
        participants=(
            Participant(uid=TEACHER, role="teacher"),
            Participant(uid=CLASS_TEACHER, role="teacher"),
            Participant(uid=PARENT, role="parent", pupils=(ANNA,)),
        ),
        messages=(),
        read_up_to=0,
        unread=0,
        can_post=True,
    )
    labels = await handlers.thread_labels(deps, "s1", view)
    assert [labels.of(uid) for uid in (TEACHER, CLASS_TEACHER, PARENT, 999)] == [
        "Учитель — Математика",
        "Классный руководитель",
        "Родитель (мама Маши)",
        "Участник",
    ]


async def test_deps_without_the_profile_adapters_are_a_wiring_error():
    deps = message_deps(FakeDirectory())
    assert deps.profile is None
    with pytest.raises(RuntimeError, match="wires"):
        await handlers.set_child_label(deps, req(PARENT, "parent"), ANNA, "Маша")
