"""The journal's paperwork over HTTP with the real journal: a class journal page and the
period-marks sheet of a class as XLSX (read back with openpyxl) and as CSV for Russian Excel;
a class's year as the bound journal (PDF, read back with pdftotext).

Must show: the spreadsheet holds the same values as the journal's grid (marks, absences,
averages, the period mark); a text that looks like a formula stays text; the CSV is
semicolon-separated UTF-8 with a byte-order mark; the archive is the same bytes twice and holds
the marks of a lesson and every correction after closing with its reason; who may not read the
page gets no file.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from tests.support.journal import CLASS_ID, FIRST_MONDAY, MATH_TEACHER, PUPILS, math_lesson_id
from tests.support.journal import RUSSIAN_TEACHER as CLASS_TEACHER
from tests.support.pdf_text import pdf_text
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

BASE = f"/journal/v1/schools/s1/years/2026/classes/{CLASS_ID}"
LESSON = math_lesson_id(FIRST_MONDAY)
PAGE = f"{BASE}/subjects/math/journal"
DATES = {"from": "2026-09-01", "to": "2026-09-30"}
HEADER_ROW = 5  # three lines saying what the sheet is, a blank line, then the headings


async def _record(journal) -> None:
    teacher = journal.headers(MATH_TEACHER.id, "teacher")
    entries = {
        "marks": [
            {"pupil_id": PUPILS[0], "value": "4", "work_kind_id": "test"},
            {"pupil_id": PUPILS[0], "value": "5", "work_kind_id": "classwork"},
        ],
        "attendance": [{"pupil_id": PUPILS[1], "kind": "absent"}],
    }
    done = await journal.http.post(
        f"{BASE}/lessons/{LESSON}/entries", json=entries, headers=teacher
    )
    assert done.status_code == 200, done.text
    topic = await journal.http.put(
        f"{BASE}/lessons/{LESSON}/topic", json={"topic": "=1+1 и дроби"}, headers=teacher
    )
    assert topic.status_code == 200, topic.text
    period_mark = await journal.http.put(
        f"{BASE}/subjects/math/period-marks/q1/{PUPILS[0]}", json={"value": "5"}, headers=teacher
    )
    assert period_mark.status_code == 200, period_mark.text


async def _grid(journal) -> dict:
    headers = journal.headers(MATH_TEACHER.id, "teacher")
    response = await journal.http.get(f"{BASE}/subjects/math/grid", params=DATES, headers=headers)
    assert response.status_code == 200, response.text
    grid = response.json()
    first = next(row for row in grid["rows"] if row["pupil_id"] == PUPILS[0])
    assert first["average"] is not None  # the projection has applied the marks
    assert any(lesson["topic"] for lesson in grid["lessons"])  # and the topic
    return grid


async def test_the_class_journal_page_as_xlsx_holds_what_the_grid_shows(journal):
    await _record(journal)
    grid = await eventually(lambda: _grid(journal))

    response = await journal.http.get(
        f"{PAGE}.xlsx",
        params={**DATES, "period_id": "q1"},
        headers=journal.headers(MATH_TEACHER.id, "teacher"),
    )

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "journal-5a-math-2026-09-01-2026-09-30.xlsx" in response.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Отметки", "Темы уроков"]
    marks = [list(row) for row in book["Отметки"].iter_rows(values_only=True)]
    assert marks[0][0] == "Школа № 1"
    assert marks[1][0] == "Класс 5А, Математика"
    header = marks[HEADER_ROW - 1]
    lessons = grid["lessons"]
    assert header[:2] == ["№", "Ученик"]
    assert header[-4:] == ["Средний балл", "Пропуски", "Опоздания", "Отметка: 1 четверть"]
    assert len(header) == 2 + len(lessons) + 4
    rows = marks[HEADER_ROW:]
    assert [row[1] for row in rows] == [r["full_name"] for r in grid["rows"]]
    for row, expected in zip(rows, grid["rows"], strict=True):
        cells = [
            " ".join([*(m["value"] for m in cell["marks"]), *filter(None, [cell["absence"]])])
            for cell in expected["cells"]
        ]
        assert [value or "" for value in row[2 : 2 + len(lessons)]] == cells
        average = expected["average"]
        assert row[-4] == (None if average is None else pytest.approx(float(Decimal(average))))
        assert row[-3:-1] == [expected["absences"], expected["lates"]]
    first = rows[[r["pupil_id"] for r in grid["rows"]].index(PUPILS[0])]
    assert first[-1] == "5"
    topics = list(book["Темы уроков"].iter_rows(values_only=True))
    assert topics[HEADER_ROW - 1] == ("Дата", "№ урока", "Тема", "Состояние", "Учитель")
    monday = next(n for n, row in enumerate(topics) if row[0] == "07.09.2026")
    assert topics[monday][:3] == ("07.09.2026", 1, "=1+1 и дроби")
    assert book["Темы уроков"].cell(monday + 1, 3).data_type == "s"  # text, not a formula


async def test_the_class_journal_page_as_csv_opens_in_russian_excel(journal):
    await _record(journal)
    await eventually(lambda: _grid(journal))

    response = await journal.http.get(
        f"{PAGE}.csv", params=DATES, headers=journal.headers(MATH_TEACHER.id, "teacher")
    )

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")  # the byte-order mark
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header = rows[HEADER_ROW - 1]
    assert header[:2] == ["№", "Ученик"]
    assert header[-1] == "Опоздания"  # no period asked: no period mark
    first = next(row for row in rows if row[1:2] == ["Ученик Номер 0"])
    second = next(row for row in rows if row[1:2] == ["Ученик Номер 1"])
    monday = header.index("07.09")
    # The marks of one lesson in the order recorded: the two of one save in mark id order.
    assert (sorted(first[monday].split()), second[monday]) == (["4", "5"], "Н")
    assert first[-3] == "4,33"  # (4 × 2 + 5) / 3, with the decimal comma
    assert any("'=1+1 и дроби" in row for row in rows)  # never a formula


async def _summary_rows(journal) -> list[tuple]:
    response = await journal.http.get(
        f"{BASE}/period-marks.xlsx",
        params={"period_id": "q1"},
        headers=journal.headers(CLASS_TEACHER.id, "teacher"),
    )
    assert response.status_code == 200, response.text
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Сводная ведомость"]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) > HEADER_ROW  # the projection has applied the pupils (else: retried) ...
    assert rows[HEADER_ROW][2] == "5"  # ... and the period mark
    return rows


async def test_the_period_marks_of_a_class_for_its_class_teacher(journal):
    await _record(journal)

    rows = await eventually(lambda: _summary_rows(journal))

    assert rows[1][0] == "Сводная ведомость, класс 5А"
    assert rows[HEADER_ROW - 1] == ("№", "Ученик", "Математика", "Русский язык")
    assert rows[HEADER_ROW] == (1, "Ученик Номер 0", "5", None)
    assert len(rows) == HEADER_ROW + 11  # ten pupils and the newcomer of 14 September


async def test_no_file_for_who_may_not_read_the_page(journal):
    math_teacher = journal.headers(MATH_TEACHER.id, "teacher")
    other_subject = await journal.http.get(
        f"{BASE}/subjects/russian/journal.xlsx", params=DATES, headers=math_teacher
    )
    whole_class = await journal.http.get(
        f"{BASE}/period-marks.csv", params={"period_id": "q1"}, headers=math_teacher
    )
    unknown_period = await journal.http.get(
        f"{BASE}/period-marks.csv",
        params={"period_id": "q9"},
        headers=journal.headers("dep1", "deputy"),
    )
    unknown_format = await journal.http.get(f"{PAGE}.pdf", params=DATES, headers=math_teacher)

    assert (other_subject.status_code, other_subject.json()["reason"]) == (403, "not_your_class")
    assert (whole_class.status_code, whole_class.json()["reason"]) == (403, "not_your_class")
    assert (unknown_period.status_code, unknown_period.json()["reason"]) == (
        404,
        "period_not_found",
    )
    assert unknown_format.status_code == 422


REASON = "исправление по служебной записке № 7"


async def _close_and_correct(journal) -> None:
    admin, deputy = journal.headers("adm1", "admin"), journal.headers("dep1", "deputy")
    closed = await journal.http.post(
        "/journal/v1/schools/s1/years/2026/periods/q1/close", headers=admin
    )
    assert closed.status_code == 200, closed.text
    corrected = await journal.http.put(
        f"{BASE}/lessons/{LESSON}/topic",
        json={"topic": "Обыкновенные дроби", "correction_reason": REASON},
        headers=deputy,
    )
    assert corrected.status_code == 200, corrected.text


async def _archive(journal) -> bytes:
    response = await journal.http.get(
        f"{BASE}/archive.pdf", headers=journal.headers("dep1", "deputy"), timeout=60
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == 'attachment; filename="archive-2026-5a.pdf"'
    return response.content


async def _archived(journal) -> str:
    text = pdf_text(await _archive(journal))
    assert REASON in text  # the projection has applied the correction
    return text


async def test_the_year_archive_binds_marks_and_corrections_the_same_every_time(journal):
    await _record(journal)
    await eventually(lambda: _grid(journal))
    await _close_and_correct(journal)

    text = await eventually(lambda: _archived(journal))
    again = await _archive(journal)

    assert again == await _archive(journal)  # deterministic: the same bytes
    for expected in (
        "Классный журнал",
        "5А класс, 2026/2027 учебный год",
        "Математика. Учитель: Иванова Анна Петровна",
        "Русский язык",
        "Обыкновенные дроби",
        "Исправления после закрытия периода",
    ):
        assert expected in text, expected
    # The first row of the marks, in the order shown: Monday's two marks and the average.
    pupil = next(line for line in text.splitlines() if line.startswith("1 Ученик Номер 0 "))
    assert pupil.split()[4:7] in (["4", "5", "4,33"], ["5", "4", "4,33"])
    refused = await journal.http.get(
        f"{BASE}/archive.pdf", headers=journal.headers(MATH_TEACHER.id, "teacher")
    )
    assert (refused.status_code, refused.json()["reason"]) == (403, "role_not_allowed")


async def _pupil_rows(journal) -> list[list[str]]:
    response = await journal.http.get(
        f"{BASE}/pupils/{PUPILS[0]}/marks.csv",
        params={**DATES, "period_id": "q1"},
        headers=journal.headers(CLASS_TEACHER.id, "teacher"),
    )
    assert response.status_code == 200, response.text
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[HEADER_ROW][-1] == "5"  # the projection has applied the period mark
    return rows


async def test_a_pupils_marks_in_every_subject_for_the_class_teacher(journal):
    await _record(journal)

    rows = await eventually(lambda: _pupil_rows(journal))

    assert rows[1][0] == "Ученик Номер 0, класс 5А"
    assert rows[HEADER_ROW - 1] == [
        "Предмет",
        "Отметки и пропуски",
        "Средний балл",
        "Пропуски",
        "Опоздания",
        "Отметка: 1 четверть",
    ]
    maths, russian = rows[HEADER_ROW], rows[HEADER_ROW + 1]
    assert maths[0] == "Математика"
    assert maths[1] in {"07.09: 4 5", "07.09: 5 4"}
    assert maths[2:] == ["4,33", "0", "0", "5"]
    assert russian == ["Русский язык", "", "", "0", "0", ""]
    unknown = await journal.http.get(
        f"{BASE}/pupils/p77/marks.csv",
        params=DATES,
        headers=journal.headers(CLASS_TEACHER.id, "teacher"),
    )
    assert (unknown.status_code, unknown.json()["reason"]) == (404, "view_not_found")
