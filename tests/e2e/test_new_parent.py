"""A new parent's way into the e-diary, and staff UIDs, over HTTP through all four services.

The administrator records the parent's application in the enrollment service, prints it (HTML
and PDF), records the passport check and approves it; the exporter turns the link into a
depersonalised grant on the DIARY stream; the parent's token then reads exactly their child's
diary and nothing else, until the withdrawal ends it at once. Staff UIDs: a subject teacher sees
their subject only, the class teacher every subject of the class, and a change of assignment in
the journal changes what the teacher sees.
"""

from __future__ import annotations

import logging
import time

import pytest
import pytest_asyncio

from tests.support.journal import (
    CLASS_ID,
    FIRST_MONDAY,
    MATH_TEACHER,
    PUPILS,
    RUSSIAN_TEACHER,
    seed_small_school,
)
from tests.support.running import (
    roster_caught_up,
    running_diary,
    running_enrollment,
    running_exporter,
    running_journal,
)
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

SCHOOL, YEAR = "s1", 2026
PARENT_UID, MATH_UID, CLASS_TEACHER_UID = 100001, 200001, 200002
CHILD, OTHER_CHILD = PUPILS[0], PUPILS[1]
ENROLLMENT = f"/enrollment/v1/schools/{SCHOOL}"
DIARY = f"/diary/v1/schools/{SCHOOL}/years/{YEAR}"
AT_ONCE = 2.0  # seconds from a change in enrollment or the journal to the diary's answer
logger = logging.getLogger(__name__)


@pytest_asyncio.fixture(loop_scope="session")
async def school(nats_url, database_url, pg_schema, js):
    """The journal with the small school, exported in full; the diary; the enrollment."""
    async with (
        running_journal(nats_url, database_url, pg_schema) as journal,
        running_diary(nats_url, database_url, f"{pg_schema}_diary") as diary,
        running_exporter(nats_url, database_url, f"{pg_schema}_exporter") as exporter,
        running_enrollment(nats_url, database_url, f"{pg_schema}_enrollment") as enrollment,
    ):
        await seed_small_school(journal.runtime.deps)
        admin = exporter.headers("adm1", "admin")
        full = await exporter.http.post(
            f"/exporter/v1/schools/{SCHOOL}/years/{YEAR}/runs", json={"kind": "full"}, headers=admin
        )
        assert full.status_code in {200, 201}, full.text
        assert full.json()["status"] == "published"
        journal_end = (await js.stream_info("JOURNAL")).state.last_seq
        await roster_caught_up(enrollment, journal_end)
        yield journal, diary, exporter, enrollment


def _admin(enrollment) -> dict[str, str]:
    return enrollment.headers("adm1", "admin")


async def _diary_status(diary, path: str, headers: dict[str, str]) -> int:
    return (await diary.http.get(f"{DIARY}{path}", headers=headers)).status_code


async def _within(seconds: float, probe) -> float:
    """Wait for `probe` to pass; the seconds it took (fails after `seconds`)."""
    started = time.monotonic()
    await eventually(probe, timeout=seconds, interval=0.05)
    return time.monotonic() - started


async def test_a_new_parent_sees_their_child_and_nothing_else_until_they_withdraw(school):
    _journal, diary, exporter, enrollment = school
    pseudonym = exporter.runtime.pseudonymiser.of
    child, other = pseudonym(CHILD), pseudonym(OTHER_CHILD)
    parent = diary.headers("parent-1", "parent", uid=PARENT_UID)
    day = f"/pupils/{child}/days/{FIRST_MONDAY}"
    assert await _diary_status(diary, day, parent) == 403  # not linked yet

    # Recorded in person, printed, checked, approved.
    application = {
        "pupil_id": CHILD,
        "uid": PARENT_UID,
        "relation": "parent",
        "applicant_name": "Петрова Мария Ивановна",
        "kinship": "mother",
        "contact": "+7 900 000-00-00",
    }
    created = await enrollment.http.post(
        f"{ENROLLMENT}/applications", json=application, headers=_admin(enrollment)
    )
    assert created.status_code == 201, created.text
    path = f"{ENROLLMENT}/applications/{created.json()['application_id']}"
    form = await enrollment.http.get(f"{path}/form", headers=_admin(enrollment))
    assert form.status_code == 200
    assert "Петрова Мария Ивановна" in form.text
    assert str(PARENT_UID) in form.text
    pdf = await enrollment.http.get(f"{path}/form.pdf", headers=_admin(enrollment))
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    approve_early = await enrollment.http.post(f"{path}/approve", headers=_admin(enrollment))
    assert (approve_early.status_code, approve_early.json()["reason"]) == (409, "not_checked")
    checked = await enrollment.http.post(
        f"{path}/passport-check",
        json={"checked_by": RUSSIAN_TEACHER.id},
        headers=_admin(enrollment),
    )
    assert checked.status_code == 200, checked.text
    approved = await enrollment.http.post(f"{path}/approve", headers=_admin(enrollment))
    assert approved.status_code == 200, approved.text

    # Exactly their child's diary, at once.
    async def sees_the_day() -> None:
        assert await _diary_status(diary, day, parent) == 200

    logger.info("approval -> diary shows the day: %.3f s", await _within(AT_ONCE, sees_the_day))
    me = (await diary.http.get(f"{DIARY}/me", headers=parent)).json()
    assert [g["pupil"] for g in me] == [child]
    week = await diary.http.get(f"{DIARY}/pupils/{child}/weeks/{FIRST_MONDAY}", headers=parent)
    assert week.status_code == 200
    assert week.json()["lessons"]
    assert await _diary_status(diary, f"/pupils/{other}/days/{FIRST_MONDAY}", parent) == 403
    assert await _diary_status(diary, f"/classes/{CLASS_ID}/days/{FIRST_MONDAY}", parent) == 403

    # A second application for the same child and UID changes nothing.
    again = await enrollment.http.post(
        f"{ENROLLMENT}/applications", json=application, headers=_admin(enrollment)
    )
    assert (again.status_code, again.json()["reason"]) == (409, "uid_already_linked")

    # The parent withdraws in writing: refused at once.
    withdrawn = await enrollment.http.post(
        f"{path}/withdraw",
        json={"requested_by": "parent", "reason": "заявление родителя об отзыве"},
        headers=_admin(enrollment),
    )
    assert withdrawn.status_code == 200, withdrawn.text

    async def refused() -> None:
        assert await _diary_status(diary, day, parent) == 403

    logger.info("withdrawal -> diary refuses: %.3f s", await _within(AT_ONCE, refused))

    # Who could see the child's marks, and when: the history keeps the ended link.
    history = await enrollment.http.get(
        f"{ENROLLMENT}/pupils/{CHILD}/access", headers=enrollment.headers("dep1", "deputy")
    )
    assert history.status_code == 200
    assert str(PARENT_UID) in history.text


async def test_staff_uids_see_their_subject_or_their_class_and_follow_assignments(school):
    journal, diary, _exporter, enrollment = school
    math = diary.headers("t-math", "teacher", uid=MATH_UID)
    class_teacher = diary.headers("t-rus", "teacher", uid=CLASS_TEACHER_UID)
    for staff_id, uid in ((MATH_TEACHER.id, MATH_UID), (RUSSIAN_TEACHER.id, CLASS_TEACHER_UID)):
        recorded = await enrollment.http.put(
            f"{ENROLLMENT}/staff/{staff_id}/uid", json={"uid": uid}, headers=_admin(enrollment)
        )
        assert recorded.status_code == 200, recorded.text
    math_grid = f"/classes/{CLASS_ID}/subjects/math"
    russian_grid = f"/classes/{CLASS_ID}/subjects/russian"

    async def granted() -> None:
        assert await _diary_status(diary, math_grid, math) == 200
        assert await _diary_status(diary, math_grid, class_teacher) == 200

    await _within(AT_ONCE, granted)
    assert await _diary_status(diary, russian_grid, math) == 403  # not their subject
    assert await _diary_status(diary, russian_grid, class_teacher) == 200  # their whole class

    # The journal ends the maths assignment: the teacher's UID no longer sees maths.
    ended = await journal.http.post(
        f"/journal/v1/schools/{SCHOOL}/years/{YEAR}/classes/{CLASS_ID}/assignments/remove",
        json={"teacher_id": MATH_TEACHER.id, "subject_id": "math"},
        headers=journal.headers("adm1", "admin"),
    )
    assert ended.status_code in {200, 201}, ended.text

    async def revoked() -> None:
        assert await _diary_status(diary, math_grid, math) == 403

    logger.info("assignment ended -> diary refuses: %.3f s", await _within(AT_ONCE, revoked))
    assert await _diary_status(diary, math_grid, class_teacher) == 200
