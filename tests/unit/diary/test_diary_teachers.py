"""Teachers on the portal: a lesson names its teacher as the staff directory does, and the
directory is read by any portal user of the school and its operators, in alphabetical order."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from services.diary.application import views
from services.diary.domain.access import Caller, Denied
from services.diary.domain.assembly import class_lessons, pupil_lessons, teachers_in_order
from services.diary.domain.rows import DirectoryEntry, LessonRow, LessonSet, SchoolConfig
from tests.support.diary import pseudonym

ANNA = pseudonym("anna")
LESSON = LessonRow(
    "l1", "5a", "math", dt.date(2026, 9, 7), 1, None, "t-math", "held", None, None, None
)
ENTRIES = [
    DirectoryEntry("t3", "Ёлкина Е. А.", ("art",)),
    DirectoryEntry("t1", "Жукова Б. В.", ("math",)),
    DirectoryEntry("t2", "Елисеев А.", ("rus", "lit")),
    DirectoryEntry("t0", "елисеев А.", ("pe",)),
]


def test_a_lesson_shows_the_teacher_the_directory_names_or_nothing():
    named = dataclasses.replace(LESSON, teacher_name="Иванова А. В.")
    found = LessonSet(lessons=(named, dataclasses.replace(LESSON, lesson_id="l2", slot=2)))
    seen = pupil_lessons(ANNA, found, SchoolConfig(), lambda a: a)
    assert [(x.teacher_id, x.teacher_name) for x in seen] == [
        ("t-math", "Иванова А. В."),
        ("t-math", None),
    ]
    staff = class_lessons(found, SchoolConfig(), lambda a: a)
    assert [x.teacher_name for x in staff] == ["Иванова А. В.", None]


def test_the_directory_reads_alphabetically_with_yo_as_ye():
    ordered = [e.staff_id for e in teachers_in_order(ENTRIES)]
    assert ordered == ["t0", "t2", "t3", "t1"]  # same letters: by id


class FakeStaff:
    async def staff_directory(self, school: str, year: int) -> list[DirectoryEntry]:
        return list(ENTRIES) if (school, year) == ("s1", 2026) else []


def scope(*roles: str, uid: int | None = None, school: str = "s1") -> views.Scope:
    return views.Scope("s1", 2026, Caller(frozenset(roles), school, uid))


@pytest.mark.parametrize(
    "caller",
    [
        scope("parent", uid=100001),  # no grant needed: the names are public
        scope("pupil", uid=100002),
        scope("teacher", uid=200001),
        scope("admin"),
        scope("system"),
    ],
)
async def test_every_portal_user_and_operator_of_the_school_reads_the_directory(caller):
    found = await views.teachers(FakeStaff(), caller)
    assert [e.staff_id for e in found] == ["t0", "t2", "t3", "t1"]
    assert found[2] == DirectoryEntry("t3", "Ёлкина Е. А.", ("art",))


@pytest.mark.parametrize(
    ("caller", "reason"),
    [
        (scope("parent", uid=100001, school="s2"), "wrong_school"),
        (scope("parent"), "no_uid"),
        (scope("deputy"), "wrong_role"),
        (scope("auditor"), "wrong_role"),
    ],
)
async def test_anyone_else_is_refused_with_a_reason(caller, reason):
    with pytest.raises(Denied) as refused:
        await views.teachers(FakeStaff(), caller)
    assert refused.value.reason == reason
