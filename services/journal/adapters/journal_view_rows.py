"""Answers of the journal view built from fetched records: the grid, a lesson's detail.

Pure functions over `asyncpg.Record`s (no I/O); the queries live in `journal_view`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

import asyncpg

from contracts.journal import Attachment
from kernel.answers import (
    AbsenceDetail,
    GridCell,
    GridLesson,
    GridMark,
    GridRow,
    Homework,
    LessonDetail,
    MarkDetail,
    PupilRef,
    StaffRef,
)
from kernel.grading import recorded_average
from services.journal.application.read_models import Missing


def pupil_average(marks: Iterable[asyncpg.Record]) -> Decimal | None:
    """Σ(weight·numeric)/Σweight over the marks that count and have a number on the scale."""
    return recorded_average((m["numeric"], m["weight"], m["counts"]) for m in marks)


def missing_entries(status: str, topic: str | None, attendance_taken: bool) -> list[Missing]:
    """What is still to be entered for a lesson (nothing for a cancelled one)."""
    if status == "cancelled":
        return []
    missing: list[Missing] = []
    if topic is None:
        missing.append("topic")
    if status == "scheduled":
        missing.append("held")
    if not attendance_taken:
        missing.append("attendance")
    return missing


def grid_rows(
    lessons: Sequence[GridLesson],
    members: Sequence[asyncpg.Record],
    marks: Sequence[asyncpg.Record],
    absences: Sequence[asyncpg.Record],
) -> list[GridRow]:
    """One row per pupil (members in name order), one cell per lesson, average and counts."""
    by_cell: defaultdict[tuple[str, str], list[asyncpg.Record]] = defaultdict(list)
    for mark in marks:
        by_cell[mark["pupil_id"], mark["lesson_id"]].append(mark)
    letters = {(a["pupil_id"], a["lesson_id"]): a for a in absences}
    rows: list[GridRow] = []
    for pupil_id, intervals in _intervals(members).items():
        cells = [_cell(lesson.lesson_id, by_cell, letters, pupil_id) for lesson in lessons]
        own = [m for lesson in lessons for m in by_cell.get((pupil_id, lesson.lesson_id), ())]
        kinds = [a["kind"] for (p, _), a in letters.items() if p == pupil_id]
        rows.append(
            GridRow(
                pupil_id=pupil_id,
                full_name=intervals[0]["full_name"],
                since=intervals[0]["since"],
                last_day=intervals[-1]["last_day"],
                cells=cells,
                average=pupil_average(own),
                absences=kinds.count("absent"),
                lates=kinds.count("late"),
            )
        )
    return rows


def _intervals(members: Sequence[asyncpg.Record]) -> dict[str, list[asyncpg.Record]]:
    """Membership intervals per pupil, pupils in name order, intervals by start."""
    grouped: dict[str, list[asyncpg.Record]] = {}
    for member in members:
        grouped.setdefault(member["pupil_id"], []).append(member)
    return grouped


def _cell(
    lesson_id: str,
    by_cell: dict[tuple[str, str], list[asyncpg.Record]],
    letters: dict[tuple[str, str], asyncpg.Record],
    pupil_id: str,
) -> GridCell:
    marks = [
        GridMark(
            mark_id=m["mark_id"],
            value=m["value"],
            work_kind_id=m["work_kind_id"],
            weight=m["weight"],
            corrected=m["corrected"],
        )
        for m in by_cell.get((pupil_id, lesson_id), ())
    ]
    absence = letters.get((pupil_id, lesson_id))
    return GridCell(
        lesson_id=lesson_id, marks=marks, absence=None if absence is None else absence["letter"]
    )


def lesson_detail(
    school: str,
    year: int,
    lesson: asyncpg.Record,
    marks: Sequence[asyncpg.Record],
    absences: Sequence[asyncpg.Record],
    pupils: Sequence[asyncpg.Record],
) -> LessonDetail:
    """A lesson's detail from its record (with names joined in) and its parts."""
    attachments = [Attachment.model_validate(a) for a in json.loads(lesson["attachments"])]
    return LessonDetail(
        school=school,
        year=year,
        group=lesson["grp"],
        timetabled_teacher=StaffRef(
            staff_id=lesson["timetabled_teacher_id"], full_name=lesson["timetabled_name"]
        ),
        teacher=StaffRef(staff_id=lesson["teacher_id"], full_name=lesson["teacher_name"]),
        homework=Homework(
            text=lesson["homework_text"], due_on=lesson["homework_due"], attachments=attachments
        ),
        marks=[MarkDetail(**dict(m)) for m in marks],
        absences=[AbsenceDetail(**dict(a)) for a in absences],
        pupils=[PupilRef(**dict(p)) for p in pupils],
        **{k: lesson[k] for k in _LESSON_FIELDS},
    )


_LESSON_FIELDS = (
    "lesson_id",
    "class_id",
    "class_label",
    "subject_id",
    "subject_name",
    "date",
    "slot",
    "status",
    "cancel_reason",
    "topic",
    "substituted",
    "attendance_taken",
    "first_entry_at",
    "last_entry_at",
)
