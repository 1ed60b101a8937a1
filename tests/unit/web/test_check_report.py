"""The report of a monthly check: groups and counts by teacher or class, and the CSV that Russian
Excel opens (UTF-8 with BOM, `;`, CRLF, quoted only where needed, no formulas)."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from services.web.domain.check_models import check_of, names_of
from services.web.domain.check_report import (
    BOM,
    COUNT_HEADINGS,
    csv_filename,
    report_csv,
    report_rows,
    report_table,
    safe_cell,
    to_csv,
)
from tests.support.fake_apis import check_findings

NAMES = names_of(
    {
        "staff": [
            {"staff_id": "t1", "full_name": "Иванова; Анна", "position": "учитель"},
            {"staff_id": "t2", "full_name": "Борисов Пётр", "position": "учитель"},
        ],
        "classes": [
            {"class_id": "5a", "grade": 5, "label": "5А", "class_teacher_id": "t1"},
            {"class_id": "10a", "grade": 10, "label": "10А", "class_teacher_id": "t2"},
        ],
        "subjects": [],
    }
)


def finding(n, teacher, klass):
    return {
        "finding_id": f"no_topic:{klass}-{n}",
        "kind": "no_topic",
        "class_id": klass,
        "teacher_id": teacher,
        "date": f"2026-09-{n:02d}",
        "lesson_id": f"{klass}-{n}",
    }


def remark(remark_id, teacher, klass, shown):
    return {
        "check_id": "c-1",
        "remark_id": remark_id,
        "teacher_id": teacher,
        "text": "текст",
        "class_id": klass,
        "status": "issued" if shown == "fixed_automatically" else shown,
        "shown_status": shown,
    }


CHECK = check_of(
    {
        "check_id": "c-1",
        "month": "2026-09",
        "scope": "school",
        "opened_by": "dep1",
        "closed": False,
        "findings": check_findings(
            [finding(1, "t1", "5a"), finding(2, "t1", "5a"), finding(3, "t2", "10a")],
            [finding(2, "t1", "5a")],
        ),
        "remarks": [
            remark("r-1", "t1", "5a", "confirmed"),
            remark("r-2", "t1", "5a", "fixed_automatically"),
            remark("r-3", "t2", None, "issued"),  # about the teacher, no class
        ],
    }
)


def test_the_report_by_teacher_counts_findings_and_remarks_by_status():
    rows = {row.key: row for row in report_rows(CHECK, "teacher", NAMES)}

    assert [row.name for row in report_rows(CHECK, "teacher", NAMES)] == [
        "Борисов Пётр",
        "Иванова; Анна",
    ]
    assert rows["t1"].counts == (2, 1, 2, 0, 0, 1, 1, 0)
    assert rows["t2"].counts == (1, 0, 1, 1, 0, 0, 0, 0)
    assert len(COUNT_HEADINGS) == len(rows["t1"].counts)


def test_the_report_by_class_keeps_a_remark_without_a_class_apart():
    rows = report_rows(CHECK, "class", NAMES)

    assert [(row.key, row.name) for row in rows] == [
        ("5a", "5А"),
        ("10a", "10А"),
        ("", "Без класса"),
    ]
    assert rows[1].counts[:3] == (1, 0, 0)


def test_the_csv_is_what_russian_excel_opens():
    text = report_csv(report_rows(CHECK, "teacher", NAMES), "teacher")

    assert text.startswith(BOM)
    assert text.endswith("\r\n")
    lines = text[len(BOM) :].split("\r\n")
    assert lines[0].split(";")[:4] == ["Учитель", "Код", *COUNT_HEADINGS[:2]]
    assert lines[1].startswith("Борисов Пётр;t2;1;0;1;1;")
    assert lines[2].startswith('"Иванова; Анна";t1;2;1;2;')  # the separator inside is quoted


def test_a_cell_that_a_spreadsheet_would_run_is_kept_as_text():
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("-1") == "'-1"
    assert safe_cell("Иванова") == "Иванова"
    assert safe_cell("") == ""


def test_the_file_name_says_what_is_grouped():
    assert csv_filename("c-1", "class") == "proverka-c-1-klassy.csv"


CELLS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@given(st.lists(st.lists(CELLS, min_size=1, max_size=6), min_size=1, max_size=8))
def test_any_cells_come_back_through_a_csv_reader(table):
    text = to_csv(table)

    assert text.startswith(BOM)
    read = list(csv.reader(io.StringIO(text[len(BOM) :], newline=""), delimiter=";"))
    expected = [[safe_cell(cell) for cell in line] for line in table]
    # A line of one empty cell is written as an empty line, which the reader answers as [].
    assert [line or [""] for line in read] == expected


def test_the_table_is_the_headings_then_one_line_per_group():
    table = report_table(report_rows(CHECK, "class", NAMES), "class")

    assert table[0][:2] == ["Класс", "Код"]
    assert [line[0] for line in table[1:]] == ["5А", "10А", "Без класса"]
