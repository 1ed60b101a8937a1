"""The journal's paperwork, its pure part: the tables worded as the pages word them, the
spreadsheet files (no text read as a formula, decimal commas, the same bytes twice) and the
archive's PDF (a wide table cut into parts, the same bytes twice)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
from hypothesis import given
from hypothesis import strategies as st

from kernel.answers import ClassGrid, GridCell, GridLesson, GridMark, GridRow
from services.journal.adapters.archive_pdf import column_parts, render_archive
from services.journal.adapters.spreadsheets import csv_bytes, xlsx
from services.journal.application.journal_sheets import (
    Archive,
    Paper,
    SubjectYear,
    Table,
    cell_text,
    class_archive,
    class_page,
)
from services.journal.application.roster_reads import Roster

MONDAY = dt.date(2026, 9, 7)


def _mark(value: str) -> GridMark:
    return GridMark(f"m-{value}", value, "classwork", Decimal(1), corrected=False)


def _lesson(day: dt.date, slot: int, topic: str | None = None) -> GridLesson:
    return GridLesson(f"5a-{day:%Y%m%d}-{slot}", day, slot, "held", topic, "t-math")


def _roster() -> Roster:
    return Roster.model_validate(
        {
            "school": "s1",
            "year": 2026,
            "school_name": "Школа № 1",
            "starts_on": None,
            "ends_on": None,
            "periods": [],
            "scale_id": None,
            "scale": [],
            "work_kinds": [],
            "subjects": [{"subject_id": "math", "name": "Математика"}],
            "staff": [{"staff_id": "t-math", "full_name": "Иванова Анна", "position": "учитель"}],
            "classes": [{"class_id": "5a", "grade": 5, "label": "5А", "class_teacher_id": "t"}],
            "assignments": [],
        }
    )


def _grid() -> ClassGrid:
    lessons = [_lesson(MONDAY, 1, "Дроби"), _lesson(MONDAY, 3), _lesson(MONDAY.replace(day=9), 2)]
    cells = [
        GridCell(lessons[0].lesson_id, [_mark("5"), _mark("4")]),
        GridCell(lessons[1].lesson_id, [], absence="Н"),
        GridCell(lessons[2].lesson_id, [_mark("3")], absence="ОП"),
    ]
    row = GridRow("p01", "Акимова Вероника", MONDAY, None, cells, Decimal("4.0"), 1, 1)
    return ClassGrid("s1", 2026, "5a", "math", MONDAY, MONDAY.replace(day=30), lessons, [row])


def test_a_lesson_cell_reads_as_on_the_page():
    marks, absence, both = _grid().rows[0].cells

    assert [cell_text(marks), cell_text(absence), cell_text(both)] == ["5 4", "Н", "3 ОП"]
    assert cell_text(GridCell("l", [])) == ""


def test_two_lessons_of_a_day_are_told_apart_by_their_slots():
    paper = class_page(_grid(), _roster(), None)

    marks, topics = paper.tables
    assert marks.columns[2:5] == ("07.09, 1-й", "07.09, 3-й", "09.09")
    assert marks.heading[1] == "Класс 5А, Математика"
    assert marks.rows[0] == (1, "Акимова Вероника", "5 4", "Н", "3 ОП", Decimal("4.0"), 1, 1)
    assert topics.rows[0] == ("07.09.2026", 1, "Дроби", "проведён", "Иванова Анна")


def test_the_csv_uses_semicolons_decimal_commas_and_a_byte_order_mark():
    data = csv_bytes(class_page(_grid(), _roster(), None))

    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[5][-3:] == ["4,00", "1", "1"]


@given(
    st.sampled_from("=+-@\t\r"),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=20),
)
def test_no_text_reaches_a_spreadsheet_as_a_formula(start: str, rest: str):
    text = start + rest
    paper = Paper("f", (Table("Лист", ("Школа",), ("Тема",), ((text,),)),))

    rows = list(csv.reader(io.StringIO(csv_bytes(paper).decode("utf-8-sig")), delimiter=";"))
    cell = openpyxl.load_workbook(io.BytesIO(xlsx(paper)))["Лист"].cell(4, 1)

    assert rows[3] == ["'" + text]
    assert cell.data_type == "s"  # text: never a formula
    if start not in "\t\r":  # XLSX writes these escaped (_x000D_), which Excel reads back
        assert cell.value == text


def test_the_same_journal_gives_the_same_workbook():
    paper = class_page(_grid(), _roster(), None)

    assert xlsx(paper) == xlsx(paper)


def test_a_year_of_lessons_is_cut_into_parts_that_each_repeat_the_names():
    widths = [8.0, 40.0, *([10.0] * 30), 15.0, 12.0]

    parts = column_parts(widths, room=150.0)

    assert all(part[:2] == [0, 1] for part in parts)
    assert sorted({c for part in parts for c in part[2:]}) == list(range(2, 34))
    assert all(sum(widths[c] for c in part) <= 150.0 for part in parts)
    assert column_parts([8.0, 40.0, 10.0], room=150.0) == [[0, 1, 2]]


def _archive() -> Archive:
    roster = _roster()
    return class_archive(roster, "5a", [SubjectYear(_grid(), (), ())])


def test_the_archive_is_the_same_bytes_every_time():
    archive = _archive()

    first = render_archive(archive)

    assert first.startswith(b"%PDF-")
    assert render_archive(archive) == first
    assert archive.title[1:3] == ("Классный журнал", "5А класс, 2026/2027 учебный год")
    heading, tables = archive.sections[0]
    assert heading == "Математика. Учитель: —"  # the roster assigns no teacher
    assert [t.title for t in tables] == [
        "Отметки",
        "Темы уроков",
        "Отметки за периоды",
        "Исправления после закрытия периода",
    ]
