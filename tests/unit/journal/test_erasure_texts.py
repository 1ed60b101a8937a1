"""Erasing a pupil takes her name out of the lesson texts that name her, before her key goes
(service layer, in memory): one `LessonTextsRedacted` per lesson, only the texts that named
her, recorded before `PersonErased`, never twice."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from contracts import subjects
from contracts.journal import LessonTextsRedacted, PersonErased
from services.common.name_guard import PLACEHOLDER
from services.journal.application import lessons, roster
from services.journal.application.erasure import erase_person
from services.journal.application.erasure_reads import LessonTexts
from services.journal.application.handling import decode_all, fold_of
from services.journal.application.ids import mark_id
from services.journal.application.lessons import LESSON as LESSON_AGGREGATE
from services.journal.domain import commands as c
from tests.support.journal import (
    ADMIN,
    CLASS_ID,
    FIRST_MONDAY,
    MATH_TEACHER,
    PUPILS,
    SCHOOL,
    YEAR,
    in_memory_deps,
    math_lesson_id,
    meta,
    seed_small_school,
)
from tests.support.journal_erasure import FakeErasureViews, InMemoryPersonKeys

PUPIL, NAME = "p-akimova", "Акимова Вероника Антоновна"
LESSON, OTHER_LESSON = math_lesson_id(FIRST_MONDAY), math_lesson_id(FIRST_MONDAY, 2)
PRAISE = "Акимовой Веронике — молодец!"
TOPIC = "Доклад: В. А. Акимова"


@pytest.fixture
async def deps():
    views = FakeErasureViews(people={(SCHOOL, "pupil", PUPIL)}, names={(SCHOOL, PUPIL): NAME})
    deps = dataclasses.replace(in_memory_deps(keys=InMemoryPersonKeys()), erasure_views=views)
    await seed_small_school(deps)
    await roster.register_pupil(
        deps, meta(ADMIN), c.RegisterPupil(PUPIL, NAME, dt.date(2015, 5, 4))
    )
    await roster.run_class(
        deps, meta(ADMIN), CLASS_ID, c.AddPupilToClass(PUPIL, dt.date(2026, 9, 1))
    )
    teacher = meta(MATH_TEACHER, "lesson-1")
    for index, (pupil, comment) in enumerate(((PUPIL, PRAISE), (PUPILS[0], "Хорошо"))):
        mark = c.NewMark(mark_id("lesson-1", index), pupil, "5", "oral", comment)
        await lessons.run(
            deps, meta(MATH_TEACHER, f"mark-{index}"), CLASS_ID, LESSON, c.RecordMark(mark)
        )
    await lessons.run(deps, teacher, CLASS_ID, LESSON, c.SetTopic(TOPIC))
    views.texts[SCHOOL] = [
        LessonTexts(YEAR, CLASS_ID, LESSON, (TOPIC, PRAISE, "Хорошо")),
        LessonTexts(YEAR, CLASS_ID, OTHER_LESSON, ("Дроби",)),
    ]
    return deps


def redactions_of(deps, lesson: str = LESSON) -> list[LessonTextsRedacted]:
    subject = subjects.lesson(YEAR, SCHOOL, CLASS_ID, lesson)
    events = decode_all([e for e in deps.store.events if e.subject == subject])
    return [e for e in events if isinstance(e, LessonTextsRedacted)]


async def test_the_texts_naming_her_read_with_the_placeholder_and_the_others_as_typed(deps):
    await erase_person(deps, meta(ADMIN, "erase-1"), "pupil", PUPIL, "заявление матери")

    [redacted] = redactions_of(deps)
    assert redacted == LessonTextsRedacted(
        person=PUPIL,
        topic=f"Доклад: {PLACEHOLDER}",
        mark_comments={mark_id("lesson-1", 0): f"{PLACEHOLDER} — молодец!"},
    )
    state = await fold_of(deps, LESSON_AGGREGATE, subjects.lesson(YEAR, SCHOOL, CLASS_ID, LESSON))
    assert state.topic == f"Доклад: {PLACEHOLDER}"
    comments = sorted(m.comment or "" for m in state.marks.values())
    assert comments == [f"{PLACEHOLDER} — молодец!", "Хорошо"]
    assert redactions_of(deps, OTHER_LESSON) == []  # no text of it named her


async def test_the_texts_are_redacted_before_the_erasure_is_recorded_and_never_twice(deps):
    await erase_person(deps, meta(ADMIN, "erase-1"), "pupil", PUPIL, "заявление матери")
    await erase_person(deps, meta(ADMIN, "erase-1"), "pupil", PUPIL, "заявление матери")
    await erase_person(deps, meta(ADMIN, "erase-2"), "pupil", PUPIL, "повторно")

    kinds = [e.envelope.event_type for e in deps.store.events]
    redactions = [i for i, kind in enumerate(kinds) if kind == LessonTextsRedacted.event_type]
    erasures = [i for i, kind in enumerate(kinds) if kind == PersonErased.event_type]
    assert len(redactions) == 1
    assert len(erasures) == 1
    assert redactions[0] < erasures[0]


async def test_a_lesson_the_view_lists_but_no_longer_names_her_is_left_alone(deps):
    views = deps.erasure_views
    views.texts[SCHOOL].append(LessonTexts(YEAR, CLASS_ID, OTHER_LESSON, (PRAISE,)))  # stale

    await erase_person(deps, meta(ADMIN, "erase-1"), "pupil", PUPIL, "заявление матери")

    assert redactions_of(deps, OTHER_LESSON) == []
    assert len(redactions_of(deps)) == 1


async def test_erasing_a_member_of_staff_redacts_nothing(deps):
    deps.erasure_views.people.add((SCHOOL, "staff", MATH_TEACHER.id))

    await erase_person(deps, meta(ADMIN, "erase-1"), "staff", MATH_TEACHER.id, "уволился")

    assert redactions_of(deps) == []
