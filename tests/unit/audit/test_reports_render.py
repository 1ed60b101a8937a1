"""Reports as pages and CSV, and who could see a pupil's data (pure parts)."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from zoneinfo import ZoneInfo

from services.audit.application.reports import AccessReport, Report
from services.audit.domain.access import AccessPeriod, grant_periods, link_periods, staff_uids
from services.audit.domain.history import Change, Entry, FieldKey
from services.audit.domain.log import LoggedEvent
from services.audit.domain.names import Names
from services.audit.entrypoints.report_render import (
    access_csv,
    access_html,
    report_csv,
    report_html,
)
from tests.unit.audit.log_rows import log_row

ZONE = ZoneInfo("Europe/Moscow")
T0 = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)
NAMES = Names(staff={"t1": "Иванова <А>"}, pupils={"p1": "Петров & сын"})


def entry(seq: int, *changes: Change, reasons: tuple[str, ...] = ()) -> Entry:
    return Entry(
        stream="JOURNAL",
        seq=seq,
        subject="jrn.2026.s1.5a.lesson.l1",
        event_type="journal.MarkCorrected",
        recorded_at=T0 + dt.timedelta(minutes=seq),
        occurred_at=T0,
        actor_id="t1",
        actor_role="teacher",
        changes=changes,
        reasons=reasons,
    )


def report(*entries: Entry) -> Report:
    end = T0 + dt.timedelta(days=1)
    return Report("teacher", "t1", 2026, T0, end, entries, NAMES)


VALUE = Change(FieldKey("mark", "m1", "value"), "4", "5", "p1")


def test_the_page_is_standalone_russian_and_escaped():
    page = report_html(report(entry(1, VALUE, reasons=("<script>",))), "s1", ZONE)

    assert page.startswith('<!DOCTYPE html><html lang="ru">')
    assert "Журнал изменений: отчёт учителя t1 (Иванова &lt;А&gt;)" in page
    assert "Причина" in page
    assert "&lt;script&gt;" in page
    assert "<script>" not in page
    assert "Петров &amp; сын" in page
    assert "2026-10-01 12:01:00" in page  # Moscow time


def test_the_csv_has_one_line_per_change_and_one_for_an_entry_without_changes():
    text = report_csv(report(entry(1, VALUE, VALUE), entry(2)), ZONE)

    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["№"], r["Было"], r["Стало"]) for r in rows] == [
        ("1", "4", "5"),
        ("1", "4", "5"),
        ("2", "", ""),
    ]
    assert rows[0]["Что"] == "отметка m1 — p1 (Петров & сын)"
    assert rows[0]["Поле"] == "отметка"


def enrollment(seq: int, event_type: str, data: dict, minutes: int) -> LoggedEvent:
    return log_row(
        stream="ENROLLMENT",
        seq=seq,
        subject="enr.s1.pupil.p1",
        event_type=event_type,
        occurred_at=T0,
        recorded_at=T0 + dt.timedelta(minutes=minutes),
        actor_id="adm1",
        actor_role="admin",
        data=data,
    )


def test_a_link_gives_access_from_its_approval_to_its_withdrawal():
    app = {"application_id": "a1", "uid": 7, "relation": "parent", "applicant_name": "Мать"}
    events = [
        enrollment(1, "enrollment.ApplicationSubmitted", {**app, "kinship": "mother"}, 1),
        enrollment(
            2, "enrollment.PassportChecked", {"application_id": "a1", "checked_by": "adm2"}, 2
        ),
        enrollment(3, "enrollment.ApplicationApproved", {"application_id": "a1", "uid": 7}, 3),
        enrollment(
            4,
            "enrollment.LinkWithdrawn",
            {"application_id": "a1", "uid": 7, "requested_by": "parent", "reason": "отзыв"},
            9,
        ),
        enrollment(
            5, "enrollment.ApplicationSubmitted", {**app, "application_id": "a2", "uid": 8}, 10
        ),
        enrollment(6, "enrollment.ApplicationApproved", {"application_id": "a2", "uid": 8}, 11),
    ]

    first, second = link_periods(events)

    assert (first.who, first.uid, first.kind) == ("Мать", 7, "parent")
    assert (first.since, first.until) == (
        T0 + dt.timedelta(minutes=3),
        T0 + dt.timedelta(minutes=9),
    )
    assert first.why == "заявление a1: parent, mother; паспорт проверил adm2"
    assert first.end_reason == "отзыв (по просьбе: parent)"
    assert (second.uid, second.until) == (8, None)
    assert second.overlaps(T0 + dt.timedelta(days=300), None)
    assert not first.overlaps(T0 + dt.timedelta(minutes=9), None)


def test_a_staff_grant_names_the_staff_member_and_who_recorded_the_uid():
    def diary(seq: int, event_type: str, data: dict, minutes: int) -> LoggedEvent:
        return dataclasses.replace(
            enrollment(seq, event_type, data, minutes), stream="DIARY", actor_id="exporter"
        )

    uids = staff_uids(
        [enrollment(1, "enrollment.StaffUidRecorded", {"staff_id": "t1", "uid": 5}, 0)]
    )
    grants = [
        diary(
            1,
            "diary.AccessGranted",
            {
                "grant_id": "g",
                "uid": 5,
                "scope": {"kind": "class", "class_id": "5a", "subject_id": None},
            },
            1,
        )
    ]

    (period,) = grant_periods(grants, [], uids, {"t1": "Иванова"})

    assert period.who == "t1 (Иванова)"
    assert period.scope == "класс 5a, все предметы"
    assert period.why == "классный руководитель"
    assert period.granted_by == "adm1 (admin)"
    assert period.until is None


def test_the_access_report_renders_open_periods_as_ongoing():
    period = AccessPeriod(
        who="Мать",
        kind="parent",
        uid=7,
        scope="дневник ученика",
        since=T0,
        until=None,
        granted_by="adm1 (admin)",
        why="заявление a1: parent",
    )
    access = AccessReport("p1", "Петров & сын", T0, T0 + dt.timedelta(days=2), (period,))

    page = access_html(access, "s1", ZONE)
    rows = list(csv.DictReader(io.StringIO(access_csv(access, ZONE))))

    assert "Отчёт о доступе к персональным данным ученика" in page
    assert "p1 (Петров &amp; сын)" in page
    assert "2026-10-01 — 2026-10-02" in page
    assert rows[0]["По"] == "по настоящее время"
