"""The journal's paperwork, its pure part: the tables worded as the pages word them, and the
spreadsheet files (no text read as a formula, decimal commas, the same bytes twice)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
from hypothesis import given
from hypothesis import strategies as st

from kernel.answers import ClassGrid, GridCell, GridLesson, GridMark, GridRow
from services.journal.adapters.spreadsheets import csv_bytes, xlsx
from services.journal.application.journal_sheets import Paper, Table, cell_text, class_page
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
