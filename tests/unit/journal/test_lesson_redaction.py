"""The redaction of a lesson's texts at an erasure, decided on the aggregate's state and folded by
the aggregate and by the kernel (journal view, audit, exporter) alike."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.base import Event
from contracts.journal import (
    AbsenceEntry,
    AbsenceReasonSet,
    Attachment,
    AttendanceTaken,
    HomeworkAttachmentAdded,
    HomeworkSet,
    LessonCancelled,
    LessonScheduled,
    LessonTextsRedacted,
    MarkCorrected,
    MarkEntry,
    MarkRecorded,
    TopicSet,
)
from kernel import Fact, ViewState, project
from services.common.name_guard import PLACEHOLDER, guard_for
from services.journal.domain import lesson
from services.journal.domain.lesson_redaction import NothingToRedact, redact_lesson

PUPIL, NAME = "p1", "Акимова Вероника Антоновна"
redact = guard_for([NAME]).redact
T0 = dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC)
SCHEDULED = LessonScheduled(
    lesson_id="l1", class_id="5a", subject_id="math", date=dt.date(2026, 9, 1), slot=1,
    teacher_id="t1",
)  # fmt: skip
FILE = Attachment(
    attachment_id="f1", name="Акимова_Вероника_доклад.pdf", size=10,
    media_type="application/pdf", sha256="0" * 64,
)  # fmt: skip


def mark(mark_id: str, pupil: str, comment: str | None) -> MarkEntry:
    return MarkEntry(
        mark_id=mark_id, pupil_id=pupil, value="5", work_kind_id="oral", weight=Decimal(1),
        comment=comment,
    )  # fmt: skip


HISTORY: tuple[Event, ...] = (
    SCHEDULED,
    TopicSet(topic="Доклад: В. А. Акимова"),
    HomeworkSet(text="Прочитать доклад Акимовой Вероники", due_on=dt.date(2026, 9, 3)),
    HomeworkAttachmentAdded(attachment=FILE),
    MarkRecorded(mark=mark("m1", PUPIL, "Акимовой Веронике — молодец!")),
    MarkRecorded(mark=mark("m2", "p2", "Хорошо")),
    MarkCorrected(
        mark_id="m2",
        value="4",
        work_kind_id="oral",
        weight=Decimal(1),
        comment="Хорошо",
        reason="Перепутал с Акимовой В. А.",
    ),
    AttendanceTaken(absences=(AbsenceEntry(pupil_id=PUPIL, kind="absent"),)),
    AbsenceReasonSet(pupil_id=PUPIL, reason="illness", evidence="Справка: Акимова В. А."),
)


def state_after(*events: Event) -> lesson.LessonState:
    state = lesson.INITIAL
    for event in events:
        state = lesson.evolve(state, event)
    return state


def view_after(*events: Event):
    facts = [
        Fact(seq, "s1", 2026, "l1", "t1", T0 + dt.timedelta(minutes=seq), event)
        for seq, event in enumerate(events, 1)
    ]
    return project(ViewState(), facts).lessons["s1", 2026, "l1"]


def test_every_text_naming_her_is_listed_with_the_placeholder_and_no_other():
    [event] = redact_lesson(state_after(*HISTORY), PUPIL, redact)

    assert event == LessonTextsRedacted(
        person=PUPIL,
        topic=f"Доклад: {PLACEHOLDER}",
        homework_text=f"Прочитать доклад {PLACEHOLDER}",
        attachment_names={"f1": f"{PLACEHOLDER}_доклад.pdf"},
        mark_comments={"m1": f"{PLACEHOLDER} — молодец!"},
        mark_reasons={"m2": f"Перепутал с {PLACEHOLDER}"},
        absence_evidence={PUPIL: f"Справка: {PLACEHOLDER}"},
    )


def test_a_lesson_whose_texts_do_not_name_her_has_nothing_to_redact():
    state = state_after(SCHEDULED, TopicSet(topic="Дроби"), LessonCancelled(reason="Карантин"))

    with pytest.raises(NothingToRedact):
        redact_lesson(state, PUPIL, redact)


def test_a_text_the_placeholder_makes_too_long_is_cut_to_its_field():
    comment = ("Ли Ян " * 100)[:500]  # the longest comment; each name grows by 3 characters
    state = state_after(SCHEDULED, MarkRecorded(mark=mark("m1", PUPIL, comment)))

    [event] = redact_lesson(state, PUPIL, lambda text: (text.replace("Ли Ян", PLACEHOLDER), 1))

    assert len(event.mark_comments["m1"]) == 500


def test_the_aggregate_and_the_kernel_read_the_same_texts_after_it():
    [event] = redact_lesson(state_after(*HISTORY), PUPIL, redact)

    state = state_after(*HISTORY, event)
    view = view_after(*HISTORY, event)

    assert (view.row.topic, view.row.homework_text) == (state.topic, state.homework.text)
    assert [a.name for a in view.row.attachments] == [a.name for a in state.homework.attachments]
    assert {i: m.comment for i, m in view.marks.items()} == {
        i: m.comment for i, m in state.marks.items()
    }
    assert {i: m.last_reason for i, m in view.marks.items()} == {
        i: m.reason for i, m in state.marks.items()
    }
    assert view.absences[PUPIL].evidence == state.absences[PUPIL].evidence
    assert not any("Акимов" in str(row) for row in (view.row, *view.marks.values()))
    # Everything but the texts is as it was.
    before = view_after(*HISTORY)
    assert [(m.value, m.counts) for m in view.marks.values()] == [
        (m.value, m.counts) for m in before.marks.values()
    ]
    assert view.row.homework_due == before.row.homework_due


@given(st.sets(st.sampled_from(["m9", "f9", "p9"]), min_size=1))
def test_texts_of_marks_files_or_absences_the_lesson_does_not_have_change_nothing(ids):
    event = LessonTextsRedacted(
        person=PUPIL,
        attachment_names=dict.fromkeys(ids & {"f9"}, "x"),
        mark_comments=dict.fromkeys(ids & {"m9"}, "x"),
        absence_evidence=dict.fromkeys(ids & {"p9"}, "x"),
    )

    assert view_after(*HISTORY, event)[1:] == view_after(*HISTORY)[1:]
    assert state_after(*HISTORY, event).marks == state_after(*HISTORY).marks
