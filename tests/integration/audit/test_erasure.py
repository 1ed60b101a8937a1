"""Personal data in the audit (crypto-shredding): the event log keeps names sealed as they
travelled, never in the clear; the answers open them with the key store, and once a person's
key is destroyed they read «[удалено]». The erasure is in the person's history (who erased,
when, why) and the streams still verify.

The people erased here are the test's own (ids no other test uses): the key store is the
session's.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets

import pytest

from contracts import subjects
from contracts.enrollment import ApplicationSubmitted
from contracts.journal import PersonErased
from contracts.personal import ERASED
from contracts.streams import DIARY, ENROLLMENT, JOURNAL, PORTAL
from services.common.eventstore_jetstream import JetStreamEventStore
from services.journal.application import roster
from services.journal.domain import commands as jc
from tests.support.audit import SCHOOL, YEAR, append
from tests.support.journal import ADMIN, CLASS_ID, meta
from tests.support.running import log_caught_up

pytestmark = pytest.mark.integration

BASE = f"/audit/v1/schools/{SCHOOL}"
PUPIL_NAME = "Тайнова Вера Олеговна"
TEACHER_NAME = "Скрытов Олег Ильич"
MOTHER_NAME = "Тайнова Олеся Петровна"
CONTACT = "+7 900 555-44-33"
REASON = "истёк срок хранения персональных данных"
SEEDED_NAMES = ("Ученик Номер 0", "Иванова Анна Петровна", "Мать Ученика")
"""Names of the small school and its month (sealed by the journal and the enrollment too)."""


async def caught_up(audit, js) -> None:
    streams = (JOURNAL, ENROLLMENT, DIARY, PORTAL)
    ends = {s.name: (await js.stream_info(s.name)).state.last_seq for s in streams}
    await log_caught_up(audit, ends)


async def get(audit, path: str, **params) -> dict:
    response = await audit.http.get(
        f"{BASE}{path}", params=params, headers=audit.headers("aud1", "auditor")
    )
    assert response.status_code == 200, response.text
    return response.json()


async def logged_with(pool, schema: str, text: str) -> int:
    """Rows of the audit's schema (event log, dead letters) whose content holds `text`."""
    log = await pool.fetchval(
        f'SELECT count(*) FROM "{schema}".event_log WHERE strpos(data::text, $1) > 0', text
    )
    dead = await pool.fetchval(
        f'SELECT count(*) FROM "{schema}".dead_letters WHERE strpos(body, $1) > 0', text
    )
    return int(log) + int(dead)


def changes(body: dict) -> dict[tuple[str, str, str], tuple]:
    """(event type, target, field) -> (after, after label) of every change of a history."""
    return {
        (e["event_type"], c["target"], c["field"]): (c["after"], c["after_label"])
        for e in body["entries"]
        for c in e["changes"]
    }


def grid_names(grid: dict) -> dict[str, str | None]:
    return {row["pupil_id"]: row["full_name"] for row in grid["rows"]}


async def test_names_stay_sealed_in_the_log_open_in_answers_and_read_erased_after_erasure(
    audit, js, journal, key_store, pg_schema
):
    pupil, teacher = f"px-{secrets.token_hex(4)}", f"tx-{secrets.token_hex(4)}"
    application = f"{pupil}-0123456789"
    await roster.register_pupil(
        journal, meta(ADMIN), jc.RegisterPupil(pupil, PUPIL_NAME, dt.date(2014, 5, 17))
    )
    join = jc.AddPupilToClass(pupil, dt.date(2026, 9, 1))
    await roster.run_class(journal, meta(ADMIN), CLASS_ID, join)
    staff = jc.RegisterStaffMember(teacher, TEACHER_NAME, "учитель")
    await roster.register_staff(journal, meta(ADMIN), staff)
    submitted = ApplicationSubmitted(
        application_id=application,
        pupil_id=pupil,
        uid=9301,
        relation="parent",
        applicant_name=MOTHER_NAME,
        kinship="mother",
        contact=CONTACT,
    )
    enrollment = JetStreamEventStore(js, ENROLLMENT.name)
    await append(enrollment, subjects.enrollment_pupil(SCHOOL, pupil), submitted, keys=key_store)
    await caught_up(audit, js)

    pool = audit.runtime.pool
    for text in (PUPIL_NAME, TEACHER_NAME, MOTHER_NAME, CONTACT, "2014-05-17", *SEEDED_NAMES):
        assert await logged_with(pool, pg_schema, text) == 0, text
    sealed = await pool.fetchval(
        f"SELECT count(*) FROM \"{pg_schema}\".event_log WHERE data ? 'sealed'"
    )
    assert sealed >= 16  # 11 pupils, 2 teachers and ours, 2 applications and ours

    pupil_history = await get(audit, f"/pupils/{pupil}/history")
    found = changes(pupil_history)
    assert found["journal.PupilRegistered", "pupil", "full_name"] == (PUPIL_NAME, PUPIL_NAME)
    assert found["journal.PupilRegistered", "pupil", "birth_date"][0] == "2014-05-17"
    assert found["journal.PupilJoinedClass", "pupil", "class"][0] == CLASS_ID
    teacher_history = await get(audit, f"/staff/{teacher}/history")
    assert changes(teacher_history)["journal.StaffMemberRegistered", "staff", "full_name"] == (
        TEACHER_NAME,
        TEACHER_NAME,
    )
    applied = changes(await get(audit, f"/applications/{application}/history"))
    submitted_type = "enrollment.ApplicationSubmitted"
    assert applied[submitted_type, "application", "applicant"][0] == MOTHER_NAME
    assert applied[submitted_type, "application", "contact"][0] == CONTACT
    grid_url = f"/years/{YEAR}/classes/{CLASS_ID}/subjects/math/grid"
    sept = {"from": "2026-09-01", "to": "2026-09-30"}
    assert grid_names(await get(audit, grid_url, **sept))[pupil] == PUPIL_NAME

    # What the journal's erasure does: record who erased whom and why, then destroy the keys.
    for kind, person, applications in (("pupil", pupil, (application,)), ("staff", teacher, ())):
        erased = PersonErased(kind=kind, person=person, applications=applications, reason=REASON)
        await append(
            JetStreamEventStore(js, JOURNAL.name),
            subjects.erasure(YEAR, SCHOOL, kind, person),
            erased,
        )
        await key_store.erase(SCHOOL, kind, person, by=ADMIN.id, reason=REASON)
    await caught_up(audit, js)

    pupil_history = await get(audit, f"/pupils/{pupil}/history")
    found = changes(pupil_history)
    assert found["journal.PupilRegistered", "pupil", "full_name"] == (ERASED, ERASED)
    assert found.get(("journal.PupilRegistered", "pupil", "birth_date")) is None
    assert found["journal.PersonErased", "pupil", "personal_data"] == ("erased", "удалены")
    assert found["journal.PersonErased", "application", "personal_data"] == ("erased", "удалены")
    erasure = pupil_history["entries"][-1]
    assert erasure["event_type"] == "journal.PersonErased"
    assert erasure["actor"]["id"] == ADMIN.id
    assert erasure["reasons"] == [REASON]
    target = next(c["target_label"] for c in erasure["changes"] if c["target"] == "pupil")
    assert target == f"ученик: {pupil} ({ERASED})"
    teacher_history = await get(audit, f"/staff/{teacher}/history")
    assert changes(teacher_history)["journal.StaffMemberRegistered", "staff", "full_name"] == (
        ERASED,
        ERASED,
    )
    assert teacher_history["entries"][-1]["reasons"] == [REASON]
    applied = changes(await get(audit, f"/applications/{application}/history"))
    assert applied[submitted_type, "application", "applicant"][0] == ERASED
    assert (submitted_type, "application", "contact") not in applied
    assert grid_names(await get(audit, grid_url, **sept))[pupil] == ERASED
    report = await audit.http.get(
        f"{BASE}/years/{YEAR}/reports/pupil/{pupil}",
        params={"from": "2026-01-01", "to": "2027-12-31", "format": "csv"},
        headers=audit.headers("aud1", "auditor"),
    )
    assert report.status_code == 200, report.text
    assert "journal.PersonErased" in report.text
    assert REASON in report.text
    for text in (PUPIL_NAME, TEACHER_NAME, MOTHER_NAME, CONTACT):
        assert text not in json.dumps(pupil_history, ensure_ascii=False)
        assert text not in report.text
        assert await logged_with(pool, pg_schema, text) == 0

    verified = await audit.http.post(
        f"{BASE}/verifications", headers=audit.headers("aud1", "auditor")
    )
    assert verified.status_code == 200, verified.text
    summary = json.loads(verified.text.splitlines()[-1])
    assert (summary["type"], summary["ok"], summary["problems"]) == ("summary", True, 0)
