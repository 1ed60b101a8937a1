"""What folding a batch changed: the rows to write back, each table at most once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from services.journal.domain.projection.rows import (
    AbsenceRow,
    Assignment,
    ClassRow,
    LessonDoc,
    LessonRow,
    MarkRow,
    Membership,
    PupilRow,
    RowKey,
    SchoolConfigRow,
    StaffRow,
    SubjectRow,
)
from services.journal.domain.projection.state import ViewState

K = TypeVar("K")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Changes:
    """Rows to upsert, and per class or lesson the complete sets that replace the stored ones."""

    configs: list[SchoolConfigRow] = field(default_factory=list)
    subjects: list[SubjectRow] = field(default_factory=list)
    staff: list[StaffRow] = field(default_factory=list)
    pupils: list[PupilRow] = field(default_factory=list)
    classes: list[ClassRow] = field(default_factory=list)
    memberships: dict[RowKey, frozenset[Membership]] = field(default_factory=dict)
    assignments: dict[RowKey, frozenset[Assignment]] = field(default_factory=dict)
    lessons: list[LessonRow] = field(default_factory=list)
    marks: list[MarkRow] = field(default_factory=list)
    absences: dict[RowKey, list[AbsenceRow]] = field(default_factory=dict)


def changes(before: ViewState, after: ViewState) -> Changes:
    """The difference between the loaded rows and the folded ones (rows are never removed)."""
    result = Changes(
        configs=[row for _, row in _changed(before.configs, after.configs)],
        subjects=[row for _, row in _changed(before.subjects, after.subjects)],
        staff=[row for _, row in _changed(before.staff, after.staff)],
        pupils=[row for _, row in _changed(before.pupils, after.pupils)],
    )
    for key, doc in _changed(before.classes, after.classes):
        old = before.classes.get(key)
        if old is None or old.row != doc.row:
            result.classes.append(doc.row)
        if doc.memberships != (frozenset() if old is None else old.memberships):
            result.memberships[key] = doc.memberships
        if doc.assignments != (frozenset() if old is None else old.assignments):
            result.assignments[key] = doc.assignments
    for key, lesson in _changed(before.lessons, after.lessons):
        _lesson_changes(result, key, before.lessons.get(key), lesson)
    return result


def _lesson_changes(result: Changes, key: RowKey, old: LessonDoc | None, new: LessonDoc) -> None:
    if old is None or old.row != new.row:
        result.lessons.append(new.row)
    old_marks: Mapping[str, MarkRow] = {} if old is None else old.marks
    result.marks.extend(m for mark_id, m in new.marks.items() if old_marks.get(mark_id) != m)
    if new.absences != ({} if old is None else old.absences):
        result.absences[key] = list(new.absences.values())


def _changed(before: Mapping[K, R], after: Mapping[K, R]) -> list[tuple[K, R]]:
    return [(key, row) for key, row in after.items() if before.get(key) is not row]
