"""History of anything over HTTP: a lesson, a pupil's marks in a subject, an absence, an
application and a portal user's grants; who may ask."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration

BASE = "/audit/v1/schools/s1"
LESSON_URL = f"{BASE}/years/2026/classes/5a/lessons/5a-20260907-1/history"


def changes(body: dict, target: str | None = None) -> list[tuple]:
    return [
        (e["event_type"], c["target_id"], c["field"], c["before"], c["after"])
        for e in body["entries"]
        for c in e["changes"]
        if target is None or c["target"] == target
    ]


async def get(audit, url: str, role: str = "auditor", **params):
    return await audit.http.get(url, params=params, headers=audit.headers("aud1", role))


async def test_a_lessons_history_says_who_changed_what_when_and_why(audit):
    response = await get(audit, LESSON_URL)

    assert response.status_code == 200, response.text
    body = response.json()
    topics = [(b, a) for _, _, f, b, a in changes(body, "lesson") if f == "topic"]
    assert topics == [(None, "Дроби"), ("Дроби", "Дроби и доли")]
    corrected = next(e for e in body["entries"] if e["event_type"] == "journal.MarkCorrected")
    assert corrected["actor"] == {
        "id": "t-math",
        "role": "teacher",
        "label": "t-math (Иванова Анна Петровна)",
    }
    assert corrected["reasons"] == ["ошибка ввода"]
    value = next(c for c in corrected["changes"] if c["field"] == "value")
    assert (value["before"], value["after"], value["pupil_id"]) == ("4", "5", "p01")
    assert value["target_label"] == "отметка m1 — p01 (Ученик Номер 0)"
    assert corrected["recorded_at"] >= corrected["occurred_at"][:10]
    seqs = [e["seq"] for e in body["entries"]]
    assert seqs == sorted(seqs)


async def test_a_pupils_marks_in_a_subject_span_lessons_and_leave_other_subjects_out(audit):
    url = f"{BASE}/years/2026/pupils/p01/subjects/math/marks/history"

    body = (await get(audit, url, "deputy")).json()

    values = [
        (mark, b, a) for _, mark, f, b, a in changes(body, "mark") if f in {"value", "status"}
    ]
    assert values == [
        ("m1", None, "4"),
        ("m1", None, "recorded"),
        ("m1", "4", "5"),
        ("m1", "recorded", "corrected"),
        ("m2", None, "3"),
        ("m2", None, "recorded"),
        ("m2", "recorded", "cancelled"),
        ("m4", None, "5"),
        ("m4", None, "recorded"),
    ]
    cancelled = next(e for e in body["entries"] if e["event_type"] == "journal.MarkCancelled")
    assert cancelled["reasons"] == ["выставлена не тому ученику"]


async def test_an_absence_history_keeps_the_observation_apart_from_the_reason(audit):
    url = f"{BASE}/years/2026/classes/5a/lessons/5a-20260907-1/absences/p02/history"

    body = (await get(audit, url, "head")).json()

    steps = [(e["event_type"], e["actor"]["id"]) for e in body["entries"]]
    assert steps == [
        ("journal.AttendanceTaken", "t-math"),
        ("journal.AbsenceReasonSet", "t-rus"),
        ("journal.AttendanceTaken", "t-math"),
    ]
    assert [(f, b, a) for _, _, f, b, a in changes(body)] == [
        ("kind", None, "absent"),
        ("reason", None, "unknown"),
        ("reason", "unknown", "illness"),
        ("evidence", None, "справка"),
        ("kind", "absent", None),
        ("reason", "illness", None),
        ("evidence", "справка", None),
    ]


async def test_an_applications_history_ends_with_the_withdrawal_and_its_reason(audit):
    body = (await get(audit, f"{BASE}/applications/a1/history")).json()

    statuses = [(b, a) for _, _, f, b, a in changes(body) if f == "status"]
    assert statuses == [
        (None, "submitted"),
        ("submitted", "approved (linked)"),
        ("approved (linked)", "withdrawn"),
    ]
    assert body["entries"][-1]["reasons"] == ["заявление об отзыве (requested by parent)"]
    rejected = (await get(audit, f"{BASE}/applications/a2/history")).json()
    assert rejected["entries"][-1]["reasons"] == ["паспорт не предъявлен"]


async def test_a_grants_history_names_the_enrollment_events_behind_it(audit):
    body = (await get(audit, f"{BASE}/grants/9001/history", year=2026)).json()

    assert [e["event_type"] for e in body["entries"]] == [
        "diary.AccessGranted",
        "diary.AccessRevoked",
    ]
    granted, revoked = body["entries"]
    assert granted["caused_by"]["event_type"] == "enrollment.ApplicationApproved"
    assert revoked["caused_by"]["event_type"] == "enrollment.LinkWithdrawn"
    assert revoked["reasons"] == ["link-withdrawn"]
    staff = (await get(audit, f"{BASE}/grants/501/history", year=2026)).json()
    assert [e["caused_by"]["event_type"] for e in staff["entries"]] == [
        "enrollment.StaffUidRecorded",
        "enrollment.StaffUidRevoked",
    ]


async def test_what_the_log_does_not_know_is_404(audit):
    for url in (
        f"{BASE}/years/2026/classes/5a/lessons/nope/history",
        f"{BASE}/applications/nope/history",
        f"{BASE}/years/2026/pupils/nobody/subjects/math/marks/history",
    ):
        response = await get(audit, url)
        assert response.status_code == 404, url
        assert response.json()["reason"] == "not_found"
    assert (await get(audit, f"{BASE}/grants/777/history", year=2026)).status_code == 404


@pytest.mark.parametrize("role", ["auditor", "head", "deputy"])
async def test_the_audit_roles_may_read(audit, role):
    assert (await get(audit, LESSON_URL, role)).status_code == 200


@pytest.mark.parametrize("role", ["teacher", "admin", "parent", "pupil", "system"])
async def test_other_roles_are_refused_before_anything_else(audit, role):
    bad_year = LESSON_URL.replace("/2026/", "/1900/")

    for url in (LESSON_URL, bad_year, f"{BASE}/grants/501/history"):  # grants lacks ?year
        response = await get(audit, url, role)
        assert response.status_code == 403, (url, response.text)
        assert response.json()["reason"] == "role_not_allowed"


async def test_a_token_of_another_school_or_a_forged_one_is_refused(audit):
    other = await audit.http.get(LESSON_URL, headers=audit.headers("aud1", "auditor", school="s2"))
    forged = await audit.http.get(LESSON_URL, headers={"Authorization": "Bearer abc.def.ghi"})
    missing = await audit.http.get(LESSON_URL)

    assert (other.status_code, other.json()["reason"]) == (403, "wrong_school")
    assert forged.status_code == 401
    assert missing.status_code == 401
