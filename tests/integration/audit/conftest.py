"""Fixtures of the audit's integration tests: the small test school's journal on JetStream,
a few weeks of its life (marks, corrections, absences, applications, grants), the audit app."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest_asyncio

from contracts import subjects
from contracts.diary import AccessGranted, AccessRevoked, ClassScope, PupilScope
from contracts.enrollment import (
    ApplicationApproved,
    ApplicationRejected,
    ApplicationSubmitted,
    LinkWithdrawn,
    PassportChecked,
    StaffUidRecorded,
    StaffUidRevoked,
)
from contracts.journal import AbsenceEntry
from contracts.streams import DIARY, ENROLLMENT, JOURNAL, PORTAL
from services.common.eventstore_jetstream import JetStreamEventStore
from services.common.keystore import KeyStore
from services.journal.application import lessons
from services.journal.application.ports import Deps
from services.journal.domain import commands as c
from tests.support.audit import EXPORTER, PSEUDONYM, append
from tests.support.journal import (
    CLASS_ID,
    FIRST_MONDAY,
    MATH_TEACHER,
    RUSSIAN_TEACHER,
    in_memory_deps,
    math_lesson_id,
    meta,
    seed_small_school,
)
from tests.support.running import RunningAudit, log_caught_up, running_audit

LESSON = math_lesson_id(FIRST_MONDAY)
WEDNESDAY_LESSON = math_lesson_id(FIRST_MONDAY + dt.timedelta(days=2), 2)
RUSSIAN_LESSON = math_lesson_id(FIRST_MONDAY, 2)
LOGGED = (JOURNAL, ENROLLMENT, DIARY, PORTAL)


@pytest_asyncio.fixture(loop_scope="session")
async def journal(js, key_store) -> Deps:
    """The journal's handlers on the real JOURNAL stream, the small test school seeded, its
    personal data sealed under the session's key store (the one the audit opens names with).

    Its clock stands at 2026-10-01 09:00 UTC until a test moves it (`journal.clock.moment`).
    """
    deps = in_memory_deps(JetStreamEventStore(js, JOURNAL.name), keys=key_store)
    await seed_small_school(deps)
    return deps


async def _lesson(journal: Deps, teacher, lesson_id: str, *commands) -> None:
    for cmd in commands:
        await lessons.run(journal, meta(teacher), CLASS_ID, lesson_id, cmd)


async def live_a_month(journal: Deps, js) -> None:
    """Topics, marks (one corrected, one cancelled), an absence with its reason, applications
    (one approved then withdrawn, one rejected, the applicants' data sealed with the journal's
    key store) and the grants that followed."""
    await _lesson(
        journal,
        MATH_TEACHER,
        LESSON,
        c.SetTopic("Дроби"),
        c.SetTopic("Дроби и доли"),
        c.RecordMark(c.NewMark("m1", "p01", "4", "classwork")),
        c.CorrectMark("m1", "5", "classwork", "ошибка ввода"),
        c.RecordMark(c.NewMark("m2", "p01", "3", "classwork")),
        c.CancelMark("m2", "выставлена не тому ученику"),
        c.RecordMark(c.NewMark("m3", "p02", "4", "classwork")),
        c.TakeAttendance((AbsenceEntry(pupil_id="p02", kind="absent"),)),
    )
    await _lesson(journal, RUSSIAN_TEACHER, LESSON, c.SetAbsenceReason("p02", "illness", "справка"))
    await _lesson(journal, MATH_TEACHER, LESSON, c.TakeAttendance(()))
    await _lesson(
        journal,
        MATH_TEACHER,
        WEDNESDAY_LESSON,
        c.RecordMark(c.NewMark("m4", "p01", "5", "classwork")),
    )
    await _lesson(
        journal,
        RUSSIAN_TEACHER,
        RUSSIAN_LESSON,
        c.RecordMark(c.NewMark("m5", "p01", "2", "classwork")),
    )
    await _enroll(js, journal.keys)


async def _enroll(js, keys: KeyStore) -> None:
    enrollment = JetStreamEventStore(js, ENROLLMENT.name)
    diary = JetStreamEventStore(js, DIARY.name)
    pupil = subjects.enrollment_pupil("s1", "p01")
    for event in (
        ApplicationSubmitted(
            application_id="a1",
            pupil_id="p01",
            uid=9001,
            relation="parent",
            applicant_name="Мать Ученика",
            kinship="mother",
        ),
        PassportChecked(application_id="a1", checked_by="adm1"),
        ApplicationApproved(application_id="a1", uid=9001, relation="parent"),
        ApplicationSubmitted(
            application_id="a2", pupil_id="p01", uid=9002, relation="pupil", applicant_name="Ученик"
        ),
        ApplicationRejected(application_id="a2", reason="паспорт не предъявлен"),
    ):
        await append(enrollment, pupil, event, keys=keys)
    staff = subjects.enrollment_staff("s1", MATH_TEACHER.id)
    await append(enrollment, staff, StaffUidRecorded(staff_id=MATH_TEACHER.id, uid=501))
    grants = JetStreamEventStore(js, DIARY.name)
    parent_scope = PupilScope(pupil=PSEUDONYM, relation="parent")
    class_scope = ClassScope(class_id=CLASS_ID, subject_id="math")
    await append(
        grants,
        subjects.diary_grant(2026, "s1", 9001),
        AccessGranted(grant_id="gp", uid=9001, scope=parent_scope),
        actor=EXPORTER,
    )
    await append(
        diary,
        subjects.diary_grant(2026, "s1", 501),
        AccessGranted(grant_id="gm", uid=501, scope=class_scope),
        actor=EXPORTER,
    )
    await append(
        enrollment,
        pupil,
        LinkWithdrawn(
            application_id="a1", uid=9001, requested_by="parent", reason="заявление об отзыве"
        ),
    )
    await append(
        diary,
        subjects.diary_grant(2026, "s1", 9001),
        AccessRevoked(grant_id="gp", uid=9001, reason="link-withdrawn"),
        actor=EXPORTER,
    )
    await append(
        enrollment, staff, StaffUidRevoked(staff_id=MATH_TEACHER.id, uid=501, reason="уволилась")
    )
    await append(
        diary,
        subjects.diary_grant(2026, "s1", 501),
        AccessRevoked(grant_id="gm", uid=501, reason="uid-revoked"),
        actor=EXPORTER,
    )


@pytest_asyncio.fixture(loop_scope="session")
async def audit(js, journal, nats_url, database_url, pg_schema) -> AsyncIterator[RunningAudit]:
    """The audit app over HTTP on the test's schema, its log caught up with the month."""
    await live_a_month(journal, js)
    async with running_audit(nats_url, database_url, pg_schema) as running:
        ends = {s.name: (await js.stream_info(s.name)).state.last_seq for s in LOGGED}
        await log_caught_up(running, ends)
        yield running
