"""The new first grade of the rollover page, its pure part: the pupils typed one per line, the
form's rows of classes read into the rollover's body, and the journal's refusal of the
rollover in the school's words beside the row and line it concerns."""

from __future__ import annotations

import pytest

from services.web.domain.first_grade import (
    ClassRow,
    date_of,
    first_grade_of,
    placed,
    problems_of,
    pupil_of,
    pupils_of,
)


def test_a_line_is_a_pupil_with_an_iso_birth_date():
    assert pupil_of(" p1001 ;  Иванова   Анна Сергеевна ; 05.03.2019 ") == {
        "pupil_id": "p1001",
        "full_name": "Иванова Анна Сергеевна",
        "birth_date": "2019-03-05",
    }


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("p1001 Иванова Анна 05.03.2019", "нужно три части через «;»"),
        ("p1001; Иванова Анна", "нужно три части через «;»"),
        ("P-1; Иванова Анна; 05.03.2019", "код ученика"),
        ("; Иванова Анна; 05.03.2019", "код ученика"),
        ("p1001; ; 05.03.2019", "нет фамилии, имени и отчества"),
        ("p1001; Иванова Анна; 31.02.2019", "дата рождения"),
        ("p1001; Иванова Анна; весной", "дата рождения"),
    ],
)
def test_a_line_that_is_no_pupil_says_what_is_wrong(line, says):
    found = pupil_of(line)

    assert isinstance(found, str)
    assert says in found


@pytest.mark.parametrize(
    ("text", "iso"),
    [("5.3.2019", "2019-03-05"), ("2019-03-05", "2019-03-05"), ("2019-3-5", None), ("", None)],
)
def test_a_birth_date_is_typed_the_russian_way_or_iso(text, iso):
    assert date_of(text) == iso


def test_the_list_skips_blank_lines_and_points_at_bad_ones_by_number():
    text = "p1; Акимова Вера; 01.01.2019\r\n\r\np2 Белов\np1; Акимов Иван; 02.02.2019\n"

    pupils, problems = pupils_of(text)

    assert [p["pupil_id"] for p in pupils] == ["p1"]
    assert problems == [
        "Строка 3: нужно три части через «;»: «идентификатор; Фамилия Имя Отчество; ДД.ММ.ГГГГ».",
        "Строка 4: код p1 уже указан в строке 1.",
    ]


def test_the_form_rows_become_the_body_and_empty_rows_are_left_out():
    values = {
        "fg_class_id.0": "1a", "fg_label.0": "1А", "fg_teacher.0": "t015",
        "fg_pupils.0": "p1; Акимова Вера; 01.01.2019",
        "fg_class_id.1": "", "fg_label.1": "", "fg_teacher.1": "", "fg_pupils.1": "",
        "fg_class_id.2": "1b", "fg_label.2": "1Б", "fg_teacher.2": "t023", "fg_pupils.2": "",
    }  # fmt: skip

    first = first_grade_of(values)

    assert first.problems == {}
    assert [r.class_id for r in first.rows] == ["1a", "1b"]
    assert first.body == (
        {"class_id": "1a", "label": "1А", "class_teacher_id": "t015",
         "pupils": [{"pupil_id": "p1", "full_name": "Акимова Вера", "birth_date": "2019-01-01"}]},
        {"class_id": "1b", "label": "1Б", "class_teacher_id": "t023", "pupils": []},
    )  # fmt: skip


def test_nothing_typed_is_no_first_grade():
    first = first_grade_of({"fg_class_id.0": "", "fg_pupils.0": "  \n"})

    assert (first.rows, first.body, first.problems) == ((), (), {})


def test_a_rows_missing_fields_and_repeated_ids_are_problems_beside_them():
    values = {
        "fg_class_id.0": "1a", "fg_label.0": "1А", "fg_teacher.0": "t015",
        "fg_pupils.0": "p1; Акимова Вера; 01.01.2019",
        "fg_class_id.1": "1a", "fg_label.1": "", "fg_teacher.1": "",
        "fg_pupils.1": "p1; Акимова Вера; 01.01.2019\np2; Белов; 1.1",
        "fg_class_id.2": "1 В", "fg_label.2": "1В-длинный", "fg_teacher.2": "t1",
    }  # fmt: skip

    problems = first_grade_of(values).problems

    assert problems == {
        "fg_class_id.1": ["этот код уже у другого класса"],
        "fg_label.1": ["обязательное поле"],
        "fg_teacher.1": ["выберите классного руководителя"],
        "fg_pupils.1": [
            "Строка 2: дата рождения — в виде ДД.ММ.ГГГГ (например, 05.03.2019).",
            "Ученик p1 уже в списке класса 1А.",
        ],
        "fg_class_id.2": ["код класса — строчные латинские буквы, цифры и дефис (например, 1a)"],
        "fg_label.2": ["не длиннее 8 знаков (например, 1А)"],
    }


REFUSED = (
    "first-grade class '2a' is already a class next year; "
    "first-grade class '1b': no staff 't999'; "
    "admitted pupil 'p0001' is already a pupil of the school; "
    "pupil 'p0415' is promoted conditionally without any debt; "
    "something the web does not word"
)


def test_a_refused_rollovers_problems_are_in_the_schools_words():
    problems = problems_of(REFUSED)

    assert [p.text for p in problems] == [
        "Класс 2a в следующем году уже есть (в него переходит класс этого года): "
        "выберите другой код.",
        "Классный руководитель класса 1b: сотрудника t999 в школе нет.",
        "Ученик с кодом p0001 уже учится в школе: выберите другой код.",
        "Ученик p0415 переведён условно, но задолженности не указаны.",
        "something the web does not word",
    ]
    assert (problems[2].pupil_id, problems[0].class_id) == ("p0001", "2a")


def test_a_refused_rollovers_problems_are_placed_beside_their_row_and_line():
    rows = (
        ClassRow("2a", "2А", "t015", "p1; Акимова Вера; 01.01.2019"),
        ClassRow("1b", "1Б", "t999", "p2; Белов Иван; 01.01.2019\n\np0001; Ким Ли; 01.01.2019"),
    )

    beside = placed(problems_of(REFUSED), rows)

    assert beside == {
        "fg_class_id.0": [
            "Класс 2a в следующем году уже есть (в него переходит класс этого года): "
            "выберите другой код."
        ],
        "fg_teacher.1": ["Классный руководитель класса 1b: сотрудника t999 в школе нет."],
        "fg_pupils.1": ["Строка 3: Ученик с кодом p0001 уже учится в школе: выберите другой код."],
    }
