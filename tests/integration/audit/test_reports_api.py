"""Audit reports (class, teacher, pupil) and the personal-data access report over HTTP:
printable HTML with Russian headings, escaped, and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from services.journal.application import lessons
from services.journal.domain import commands as c
from tests.support.journal import MATH_TEACHER, meta
from tests.support.running import log_caught_up

pytestmark = pytest.mark.integration

BASE = "/audit/v1/schools/s1"


def today_span() -> dict[str, str]:
    # The month was recorded now (the JetStream clock is the real one).
    today = dt.datetime.now(dt.UTC).date()
    return {"from": str(today - dt.timedelta(days=1)), "to": str(today + dt.timedelta(days=1))}


async def get(audit, url: str, role: str = "auditor", **params):
    return await audit.http.get(url, params=params, headers=audit.headers("aud1", role))


def table(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


async def test_a_class_report_lists_every_change_as_a_printable_page(audit):
    response = await get(audit, f"{BASE}/years/2026/reports/class/5a", **today_span())

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert page.startswith("<!DOCTYPE html>")
    assert "Журнал изменений: отчёт класса 5a" in page
    assert "ошибка ввода" in page
    assert "Иванова Анна Петровна" in page


async def test_a_teacher_report_as_csv_has_only_their_changes(audit):
    span = today_span()
    url = f"{BASE}/years/2026/reports/teacher/t-rus"

    response = await get(audit, url, format="csv", **span)

    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = table(response.text)
    assert {r["Кто"] for r in rows} == {"t-rus (Петров Олег)"}
    assert ("причина", "unknown", "illness") in {(r["Поле"], r["Было"], r["Стало"]) for r in rows}
    assert {r["Событие"] for r in rows} == {"journal.AbsenceReasonSet", "journal.MarkRecorded"}


async def test_a_pupil_report_keeps_to_the_pupil(audit):
    response = await get(
        audit, f"{BASE}/years/2026/reports/pupil/p01", format="csv", **today_span()
    )

    rows = table(response.text)
    marks = {r["Что"].split(" — ")[0] for r in rows if r["Что"].startswith("отметка")}
    assert marks == {"отметка m1", "отметка m2", "отметка m4", "отметка m5"}  # not m3 (p02)
    events = {r["Событие"] for r in rows}
    assert "journal.PupilJoinedClass" in events
    assert "enrollment.LinkWithdrawn" in events


async def test_a_range_before_anything_happened_is_empty(audit):
    url = f"{BASE}/years/2026/reports/class/5a"

    response = await get(audit, url, format="csv", **{"from": "2020-01-01", "to": "2020-01-31"})

    assert table(response.text) == []


async def test_a_range_that_ends_before_it_starts_is_refused(audit):
    params = {"from": "2026-10-02", "to": "2026-10-01"}
    response = await get(audit, f"{BASE}/years/2026/reports/class/5a", **params)

    assert (response.status_code, response.json()["reason"]) == (422, "invalid_range")


async def test_personal_data_access_shows_parents_and_staff_with_who_granted_and_why(audit):
    url = f"{BASE}/pupils/p01/personal-data-access"

    rows = table((await get(audit, url, format="csv", **today_span())).text)

    by_kind = {r["Вид доступа"]: r for r in rows}
    assert set(by_kind) == {"parent", "staff"}  # the rejected pupil's application gave nothing
    parent = by_kind["parent"]
    assert parent["Кто"] == "Мать Ученика"
    assert parent["UID"] == "9001"
    assert parent["Кто предоставил"] == "adm1 (admin)"
    assert "паспорт проверил adm1" in parent["Основание"]
    assert parent["Причина прекращения"] == "заявление об отзыве (по просьбе: parent)"
    staff = by_kind["staff"]
    assert staff["Кто"] == "t-math (Иванова Анна Петровна)"
    assert staff["Что видел"] == "класс 5a, math"
    assert staff["Кто предоставил"] == "adm1 (admin)"
    assert staff["Причина прекращения"] == "uid-revoked (UID отозван: уволилась)"
    page = (await get(audit, url, **today_span())).text
    assert "Отчёт о доступе к персональным данным ученика" in page


async def test_report_pages_escape_what_people_typed(audit, journal):
    await lessons.run(journal, meta(MATH_TEACHER), "5a", "5a-20260907-1", c.SetTopic("<b>x</b>"))
    last = (await audit.runtime.projectors[0].describe()).stream_last_seq or 0
    await log_caught_up(audit, {"JOURNAL": last})

    page = (await get(audit, f"{BASE}/years/2026/reports/class/5a", **today_span())).text

    assert "&lt;b&gt;x&lt;/b&gt;" in page
    assert "<b>x</b>" not in page


@pytest.mark.parametrize("role", ["teacher", "admin", "parent"])
async def test_reports_are_for_the_audit_roles_only(audit, role):
    for url in (f"{BASE}/years/2026/reports/class/5a", f"{BASE}/pupils/p01/personal-data-access"):
        response = await get(audit, url, role, **today_span())
        assert response.status_code == 403
