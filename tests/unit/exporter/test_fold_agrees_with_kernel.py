"""The exporter's records say what the journal's fold (the kernel) says, over generated
histories: a lesson's status, texts, files, marks in force and absences; a class's teacher,
members and teaching.

Also where they used to differ: a mark cancelled and then recorded again under the same id (only
a replay can do that) stays cancelled in the journal, and now in the diary too (the exporter
keeps the kernel's lesson, cancelled marks included).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings

from contracts.journal import LessonEntriesSaved, MarkCancelled, MarkRecorded
from contracts.subjects import parse_journal
from kernel import ClassDoc, Fact, LessonDoc, ViewState, project
from tests.unit.exporter.test_fold import mark, scheduled
from tests.unit.exporter.test_fold_properties import (
    PSEUDO,
    History,
    S,
    Y,
    fold_into,
    histories,
    shown,
)

T0 = dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC)


def journal(history: History) -> ViewState:
    facts = [
        Fact(seq, S, Y, parse_journal(subject)[4], "t1", T0, event)
        for seq, (subject, event) in enumerate(history, start=1)
    ]
    return project(ViewState(), facts)


def recorded_after_cancelled(history: History) -> bool:
    """Whether some mark id is recorded again after its mark was cancelled."""
    cancelled: set[tuple[str, str]] = set()
    for subject, event in history:
        lesson = parse_journal(subject)[4]
        match event:
            case MarkCancelled(mark_id=mark_id):
                cancelled.add((lesson, mark_id))
            case MarkRecorded(mark=entry) if (lesson, entry.mark_id) in cancelled:
                return True
            case LessonEntriesSaved(marks=entries):
                if any((lesson, entry.mark_id) in cancelled for entry in entries):
                    return True
    return False


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def lesson_from_journal(doc: LessonDoc) -> dict[str, Any]:
    row = doc.row
    return {
        "shown": (row.class_id, row.date.isoformat(), row.slot, row.grp, row.teacher_id),
        "texts": (row.status, row.topic, row.homework_text, _iso(row.homework_due)),
        "files": [a.model_dump(mode="json") for a in row.attachments],
        "marks": {
            m.mark_id: (
                PSEUDO.of(m.pupil_id), m.value, m.work_kind_id, str(m.weight), m.comment,
                m.counts, m.corrected,
            )
            for m in doc.marks.values()
            if not m.cancelled
        },
        "absences": {
            PSEUDO.of(a.pupil_id): (a.kind, a.minutes_late, a.reason, a.letter)
            for a in doc.absences.values()
        },
    }  # fmt: skip


def lesson_from_export(content: dict[str, Any]) -> dict[str, Any]:
    c = content
    return {
        "shown": (c["class_id"], c["date"], c["slot"], c["group"], c["teacher_id"]),
        "texts": (c["status"], c["topic"], c["homework"], c["homework_due_on"]),
        "files": c["files"],
        "marks": {
            m["mark_id"]: (
                m["pupil"], m["value"], m["work_kind_id"], m["weight"], m["comment"],
                m["counts"], m["corrected"],
            )
            for m in c["marks"]
        },
        "absences": {
            a["pupil"]: (a["kind"], a["minutes_late"], a["reason"], a["letter"])
            for a in c["absences"]
        },
    }  # fmt: skip


def class_from_journal(doc: ClassDoc) -> dict[str, Any]:
    return {
        "class_teacher_id": doc.row.class_teacher_id,
        "members": sorted(
            (PSEUDO.of(m.pupil_id), m.since.isoformat(), _iso(m.last_day)) for m in doc.memberships
        ),
        "teaching": sorted((a.teacher_id, a.subject_id, a.grp or "") for a in doc.assignments),
    }


def class_from_export(content: dict[str, Any]) -> dict[str, Any]:
    return {
        "class_teacher_id": content["class_teacher_id"],
        "members": sorted((m["pupil"], m["since"], m["last_day"]) for m in content["members"]),
        "teaching": sorted(
            (t["teacher_id"], t["subject_id"], t["group"] or "") for t in content["teaching"]
        ),
    }


def records_and_view(history: History) -> tuple[dict[str, Any], dict[str, Any]]:
    """The lessons as the journal view shows them, and as the exporter's records say."""
    view, docs = journal(history), shown(fold_into({}, history))
    lessons = {key[2]: lesson_from_journal(doc) for key, doc in view.lessons.items()}
    exported = {
        record_id: lesson_from_export(doc.content)
        for (kind, record_id), doc in docs.items()
        if kind == "lesson"
    }
    return lessons, exported


def test_a_mark_cancelled_and_recorded_again_under_its_id_stays_cancelled_as_in_the_journal():
    lesson = scheduled()[0]
    history: History = [
        scheduled(),
        (lesson, MarkRecorded(mark=mark("m1", "p01", "5"))),
        (lesson, MarkCancelled(mark_id="m1", reason="Ошибка ввода")),
        (lesson, MarkRecorded(mark=mark("m1", "p02", "2"))),  # a replay: the decider refuses it
        (lesson, LessonEntriesSaved(marks=(mark("m1", "p03", "3"),))),
    ]
    assert recorded_after_cancelled(history)

    journal_view, exported = records_and_view(history)

    assert exported == journal_view
    assert exported[parse_journal(lesson)[4]]["marks"] == {}


@given(histories)
@settings(max_examples=300, deadline=None)
def test_documents_say_what_the_journal_says(history):
    journal_view, exported = records_and_view(history)
    assert journal_view == exported

    view, docs = journal(history), shown(fold_into({}, history))
    classes = {key[2]: class_from_journal(doc) for key, doc in view.classes.items()}
    assert classes == {
        record_id: class_from_export(doc.content)
        for (kind, record_id), doc in docs.items()
        if kind == "class"
    }
