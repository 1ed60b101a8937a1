"""Surname and initials, the only form a teacher's name takes on the portal side."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.diary import DirectoryTeacher
from contracts.text import STORED
from services.exporter.domain.short_names import short_name


@pytest.mark.parametrize(
    ("full_name", "short"),
    [
        ("Иванова Анна Викторовна", "Иванова А. В."),
        ("Петров Олег", "Петров О."),
        ("Мадонна", "Мадонна"),
        ("  Сидоров   Пётр    Ильич ", "Сидоров П. И."),
        ("Ким Анна-Мария", "Ким А.-М."),
        ("Алиев Рашид Ахмед оглы", "Алиев Р. А."),
        ("Салтыков-Щедрин Михаил Евграфович", "Салтыков-Щедрин М. Е."),
        ("петров олег", "петров О."),
        ("Ёлкина Ёлка", "Ёлкина Ё."),
        ("Smith John Paul", "Smith J. P."),
        ("Иванов (Анна)", "Иванов А."),
        ("Иванов - Пётр", "Иванов П."),
    ],
)
def test_surname_and_initials(full_name, short):
    assert short_name(full_name) == short


letters = st.characters(categories=("Lu", "Ll"))
word = st.text(letters, min_size=2, max_size=12)
given_name = st.one_of(word, st.tuples(word, word).map("-".join))
full_names = st.tuples(
    st.one_of(word, st.tuples(word, word).map("-".join)),
    st.lists(given_name, max_size=4),
    st.sampled_from((" ", "  ", "\t", " \n ")),
)


@given(full_names)
@settings(max_examples=500)
def test_no_first_name_or_patronymic_ever_comes_out(parts):
    surname, given, space = parts
    out = short_name(space.join([surname, *given]))
    words = out.split()
    assert words[0] == surname
    rest = out.removeprefix(surname)
    for name in given:
        # Not as a word, and not inside what follows the surname (initials only).
        assert name not in words[1:]
        for part in name.split("-"):
            assert part not in rest
    assert len(words) <= 3


@given(full_names)
@settings(max_examples=300)
def test_the_contract_accepts_every_short_name(parts):
    surname, given, space = parts
    short = short_name(space.join([surname, *given]))
    # As the exporter builds records: from stored names, read as stored (no normalisation).
    data = {"staff_id": "t1", "short_name": short, "subjects": ("math",)}
    assert DirectoryTeacher.model_validate(data, context=STORED).short_name == short


@pytest.mark.parametrize(
    "not_short",
    ["Иванова Анна", "Иванова Анна Викторовна", "Иванова А. В. К.", "Иванова А.В.", "Иванова  А."],
)
def test_the_contract_refuses_anything_but_a_short_name(not_short):
    with pytest.raises(ValueError, match="surname and at most two initials"):
        DirectoryTeacher(staff_id="t1", short_name=not_short, subjects=("math",))


def test_the_contract_refuses_a_teacher_without_subjects():
    with pytest.raises(ValueError, match="at least 1 item"):
        DirectoryTeacher(staff_id="t1", short_name="Иванова А. В.", subjects=())
