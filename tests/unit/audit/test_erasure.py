"""Sealed personal data in the audit's pure parts and its reading layer: opened for answers,
«[удалено]» once the key is destroyed, the erasure in a person's history and in the journal as
of a moment."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Collection, Iterable, Mapping
from typing import Any

import pytest

from contracts.base import Event
from contracts.enrollment import ApplicationSubmitted
from contracts.journal import (
    ClassOpened,
    PersonErased,
    PupilJoinedClass,
    PupilLeftClass,
    PupilRegistered,
    StaffMemberRegistered,
)
from contracts.personal import ERASED, SEALED
from services.audit.application.opening import CHUNK, OpenedLog
from services.audit.application.ports import Deps
from services.audit.domain.asof import GridQuery, JournalState, Recorded, class_grid, fold
from services.audit.domain.history import FieldKey
from services.audit.domain.history import fold as fold_history
from services.audit.domain.log import LoggedEvent, opened
from services.audit.domain.names import names_of
from services.audit.domain.person_changes import person_rules
from services.audit.domain.present import rows, target_label, value_label
from services.audit.entrypoints.http import unreadable_personal_data
from services.common.keystore import seal_payload
from services.common.keystore_memory import InMemoryKeyStore
from services.common.sealing import KeyRing, MissingKey
from tests.unit.audit.log_rows import event_row

T0 = dt.datetime(2026, 9, 1, 6, 0, tzinfo=dt.UTC)
BORN = dt.date(2014, 5, 17)
PUPIL = PupilRegistered(pupil_id="p1", full_name="Тайнова Вера", birth_date=BORN)
TEACHER = StaffMemberRegistered(staff_id="t1", full_name="Скрытов Олег", position="учитель")
APPLICATION = ApplicationSubmitted(
    application_id="p1-0123456789",
    pupil_id="p1",
    uid=7,
    relation="parent",
    applicant_name="Тайнова Олеся",
    kinship="mother",
    contact="+7 900 555-44-33",
)
ERASE_PUPIL = PersonErased(
    kind="pupil", person="p1", applications=("p1-0123456789",), reason="срок хранения истёк"
)


def logged_one(seq: int, subject: str, event: Event, data: Mapping[str, Any]) -> LoggedEvent:
    return event_row(
        event,
        stream="ENROLLMENT" if subject.startswith("enr.") else "JOURNAL",
        seq=seq,
        subject=subject,
        occurred_at=T0 + dt.timedelta(minutes=seq),
        recorded_at=T0 + dt.timedelta(minutes=seq, seconds=5),
        actor_id="adm1",
        actor_role="admin",
        data=data,
    )


SUBJECTS = {
    PupilRegistered: "jrn.2026.s1.school.pupil.p1",
    StaffMemberRegistered: "jrn.2026.s1.school.staff.t1",
    ApplicationSubmitted: "enr.s1.pupil.p1",
    PersonErased: "jrn.2026.s1.school.erasure.pupil-p1",
    PupilJoinedClass: "jrn.2026.s1.5a.class.5a",
    PupilLeftClass: "jrn.2026.s1.5a.class.5a",
}


def in_clear(*events: Event) -> list[LoggedEvent]:
    """The events as the log holds events written before sealing (in the clear)."""
    return [
        logged_one(i, SUBJECTS[type(e)], e, e.model_dump(mode="json"))
        for i, e in enumerate(events, 1)
    ]


async def sealed(keys: InMemoryKeyStore, *events: Event) -> list[LoggedEvent]:
    """The events as the log holds them: personal data sealed as the writers seal it."""
    return [
        logged_one(i, SUBJECTS[type(e)], e, await seal_payload(keys, "s1", e))
        for i, e in enumerate(events, 1)
    ]


async def test_the_log_holds_boxes_and_opening_gives_the_names_until_the_key_is_gone():
    keys = InMemoryKeyStore()
    log = await sealed(keys, PUPIL, TEACHER, APPLICATION)
    assert all(SEALED in e.data and "Тайнова" not in str(e.data) for e in log)

    ring = await keys.ring({"s1/pupil/p1", "s1/staff/t1", "s1/applicant/p1-0123456789"})
    shown = opened(log, ring)
    assert [e.data.get("full_name") or e.data.get("applicant_name") for e in shown] == [
        "Тайнова Вера",
        "Скрытов Олег",
        "Тайнова Олеся",
    ]
    assert shown[0].data["birth_date"] == "2014-05-17"

    await keys.erase("s1", "pupil", "p1", by="adm1", reason="срок")
    ring = await keys.ring({"s1/pupil/p1", "s1/staff/t1", "s1/applicant/p1-0123456789"})
    erased = opened(log, ring)
    assert (erased[0].data["full_name"], erased[0].data["birth_date"]) == (ERASED, None)
    assert erased[1].data["full_name"] == "Скрытов Олег"  # another person's key stays
    assert (erased[2].data["applicant_name"], erased[2].data["contact"]) == (ERASED, None)


def test_events_without_sealed_data_are_left_as_they_are_and_a_missing_key_is_an_error():
    plain = in_clear(PUPIL)
    assert opened(plain, KeyRing()) == plain
    box = {"key": "s1/pupil/p1", "box": "AAAA"}
    lost = [logged_one(1, SUBJECTS[PupilRegistered], PUPIL, {"pupil_id": "p1", SEALED: box})]
    with pytest.raises(MissingKey):
        opened(lost, KeyRing())


class FakeLog:
    """An `EventLog` handing back given events, whatever the filters."""

    def __init__(self, events: list[LoggedEvent]) -> None:
        self._events = events

    async def events(self, school: str, **_filters: Any) -> AsyncIterator[LoggedEvent]:
        for event in self._events:
            yield event

    async def by_subjects(
        self, school: str, stream: str, subjects: Collection[str]
    ) -> list[LoggedEvent]:
        return list(self._events)

    async def find(self, school: str, stream: str, **_filters: Any) -> list[LoggedEvent]:
        return list(self._events)

    async def roster(
        self, school: str, *, year: int | None, ids: Collection[str] | None
    ) -> list[LoggedEvent]:
        return list(self._events)


class CountingKeys:
    """A key source over an in-memory store that counts its queries."""

    def __init__(self, keys: InMemoryKeyStore) -> None:
        self.keys = keys
        self.asked: list[set[str]] = []

    async def ring(self, key_ids: Iterable[str]) -> KeyRing:
        self.asked.append(set(key_ids))
        return await self.keys.ring(self.asked[-1])


async def test_the_opened_log_asks_the_key_store_once_a_read_and_only_for_sealed_events():
    keys = InMemoryKeyStore()
    source = CountingKeys(keys)
    log = OpenedLog(FakeLog([*await sealed(keys, PUPIL, TEACHER), *in_clear(ERASE_PUPIL)]), source)

    found = await log.find("s1", "JOURNAL")
    roster = await log.roster("s1", year=None, ids=None)
    by_subjects = await log.by_subjects("s1", "JOURNAL", ["x"])

    for answer in (found, roster, by_subjects):
        assert [e.data.get("full_name") for e in answer] == ["Тайнова Вера", "Скрытов Олег", None]
    assert source.asked == [{"s1/pupil/p1", "s1/staff/t1"}] * 3
    plain = OpenedLog(FakeLog(in_clear(PUPIL)), source)
    assert [e.data["full_name"] async for e in plain.events("s1", streams=["JOURNAL"])] == [
        "Тайнова Вера"
    ]
    assert len(source.asked) == 3  # nothing sealed: no query


async def test_a_long_read_is_opened_a_chunk_at_a_time():
    keys = InMemoryKeyStore()
    source = CountingKeys(keys)
    (one,) = await sealed(keys, PUPIL)
    many = [logged_one(i, one.subject, PUPIL, one.data) for i in range(1, CHUNK + 6)]

    shown = [e async for e in OpenedLog(FakeLog(many), source).events("s1", streams=["JOURNAL"])]

    assert [e.seq for e in shown] == [e.seq for e in many]
    assert {e.data["full_name"] for e in shown} == {"Тайнова Вера"}
    assert len(source.asked) == 2


def test_deps_read_through_the_key_store():
    keys = InMemoryKeyStore()
    deps = Deps(log=FakeLog([]), keys=keys)
    assert isinstance(deps.opened_log, OpenedLog)


def test_an_erasure_makes_the_name_erased_even_one_written_in_the_clear():
    names = names_of(in_clear(PUPIL, TEACHER, ERASE_PUPIL))
    assert names.of("pupil", "p1") == f"p1 ({ERASED})"
    assert names.of("staff", "t1") == "t1 (Скрытов Олег)"
    staff_gone = PersonErased(kind="staff", person="t1", reason="уволился")
    assert names_of(in_clear(TEACHER, staff_gone)).of("staff", "t1") == f"t1 ({ERASED})"


def test_a_pupils_history_shows_the_record_the_classes_and_who_erased_it_why():
    left = PupilLeftClass(pupil_id="p1", last_day=dt.date(2027, 5, 31), reason="выпуск")
    joined = PupilJoinedClass(pupil_id="p1", since=dt.date(2026, 9, 1))
    events = in_clear(PUPIL, joined, left, ERASE_PUPIL)

    entries = fold_history(events, person_rules).entries
    changed = {
        e.event_type: {(c.key.target, c.key.name): c.after for c in e.changes} for e in entries
    }

    assert changed["journal.PupilRegistered"] == {
        ("pupil", "full_name"): "Тайнова Вера",
        ("pupil", "birth_date"): "2014-05-17",
    }
    assert changed["journal.PupilJoinedClass"][("pupil", "class")] == "5a"
    assert changed["journal.PupilLeftClass"] == {
        ("pupil", "class"): None,
        ("pupil", "last_day"): "2027-05-31",
    }
    assert changed["journal.PersonErased"] == {
        ("pupil", "personal_data"): "erased",
        ("pupil", "full_name"): ERASED,
        ("pupil", "birth_date"): None,
        ("application", "personal_data"): "erased",
    }
    assert (entries[-1].actor_id, entries[-1].reasons) == ("adm1", ("срок хранения истёк",))
    lines = rows(entries[-1:], names_of(events))
    assert {(r.target, r.field, r.after) for r in lines} >= {
        (f"ученик: p1 ({ERASED})", "персональные данные", "удалены"),
        (f"ученик: p1 ({ERASED})", "ФИО", ERASED),
    }
    assert {r.why for r in lines} == {"срок хранения истёк"}


def test_a_sealed_registration_erased_before_reads_erased_and_the_erasure_still_shows():
    erased_registration = {**PUPIL.model_dump(mode="json"), "full_name": ERASED, "birth_date": None}
    events = [
        logged_one(1, SUBJECTS[PupilRegistered], PUPIL, erased_registration),
        logged_one(2, SUBJECTS[PersonErased], ERASE_PUPIL, ERASE_PUPIL.model_dump(mode="json")),
    ]

    entries = fold_history(events, person_rules).entries

    assert [(c.key.name, c.after) for c in entries[0].changes] == [("full_name", ERASED)]
    assert [c.key.name for c in entries[1].changes] == ["personal_data", "personal_data"]
    assert entries[1].reasons == ("срок хранения истёк",)


def test_labels_of_a_persons_fields():
    names = names_of(in_clear(PUPIL, TEACHER))
    assert target_label(FieldKey("staff", "t1", "full_name"), None, names) == (
        "сотрудник: t1 (Скрытов Олег)"
    )
    assert value_label(FieldKey("pupil", "p1", "personal_data"), "erased", names) == "удалены"
    assert value_label(FieldKey("pupil", "p1", "full_name"), ERASED, names) == ERASED


def test_the_journal_as_of_a_moment_shows_an_erased_pupil_as_erased():
    history = [
        Recorded(1, T0, "p1", "adm1", PUPIL),
        Recorded(
            2,
            T0,
            "5a",
            "adm1",
            ClassOpened(class_id="5a", grade=5, label="5А", class_teacher_id="t1"),
        ),
        Recorded(3, T0, "5a", "adm1", PupilJoinedClass(pupil_id="p1", since=dt.date(2026, 9, 1))),
        Recorded(4, T0, "t1", "adm1", TEACHER),
    ]
    page = GridQuery("5a", "math", dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    before = fold(JournalState("s1", 2026), history)
    erasures = [
        Recorded(5, T0, "pupil-p1", "adm1", ERASE_PUPIL),
        Recorded(6, T0, "staff-t1", "adm1", PersonErased(kind="staff", person="t1", reason="у")),
    ]
    after = fold(before, erasures)

    grid_before, grid_after = class_grid(before, page, T0), class_grid(after, page, T0)
    assert grid_before is not None
    assert grid_after is not None
    assert [r.full_name for r in grid_before.rows] == ["Тайнова Вера"]
    assert [r.full_name for r in grid_after.rows] == [ERASED]
    assert after.staff_name("t1") == ERASED


async def test_a_key_the_store_lacks_is_answered_as_unreadable_not_as_erased():
    response = await unreadable_personal_data(None, MissingKey("no key 's1/pupil/p1'"))  # type: ignore[arg-type]

    assert response.status_code == 503
    assert b"personal_data_unreadable" in response.body
