"""What folding a batch changed: rows to insert, rows to update, sets to replace.

New rows (absent when the batch was loaded) and changed ones are kept apart, so the adapter can
bulk-copy the first (a rebuild writes almost only new rows) and upsert the second.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from kernel.rows import (
    AbsenceRow,
    Assignment,
    ClassDoc,
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
from kernel.state import ViewState

K = TypeVar("K")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class RowChanges(Generic[R]):
    """Rows of one table: `new` ones were not stored before the batch, `changed` ones were."""

    new: list[R] = field(default_factory=list)
    changed: list[R] = field(default_factory=list)

    def add(self, row: R, *, stored: bool) -> None:
        """Record a row written by the batch."""
        (self.changed if stored else self.new).append(row)


@dataclass(frozen=True, slots=True)
class SetChanges(Generic[R]):
    """Sets of rows (per class or lesson) replaced as a whole: `cleared` keys had stored rows."""

    cleared: list[RowKey] = field(default_factory=list)
    rows: dict[RowKey, list[R]] = field(default_factory=dict)

    def replace(self, key: RowKey, before: object, after: list[R]) -> None:
        """Record the new set of a key whose set changed (`before` is the stored one)."""
        if before:
            self.cleared.append(key)
        self.rows[key] = after


@dataclass(frozen=True, slots=True)
class Changes:
    """Everything a batch writes, table by table."""

    configs: RowChanges[SchoolConfigRow] = field(default_factory=RowChanges)
    subjects: RowChanges[SubjectRow] = field(default_factory=RowChanges)
    staff: RowChanges[StaffRow] = field(default_factory=RowChanges)
    pupils: RowChanges[PupilRow] = field(default_factory=RowChanges)
    classes: RowChanges[ClassRow] = field(default_factory=RowChanges)
    memberships: SetChanges[Membership] = field(default_factory=SetChanges)
    assignments: SetChanges[Assignment] = field(default_factory=SetChanges)
    lessons: RowChanges[LessonRow] = field(default_factory=RowChanges)
    marks: RowChanges[MarkRow] = field(default_factory=RowChanges)
    absences: SetChanges[AbsenceRow] = field(default_factory=SetChanges)


def changes(before: ViewState, after: ViewState) -> Changes:
    """The difference between the loaded rows and the folded ones (rows are never removed)."""
    result = Changes()
    _rows(result.configs, before.configs, after.configs)
    _rows(result.subjects, before.subjects, after.subjects)
    _rows(result.staff, before.staff, after.staff)
    _rows(result.pupils, before.pupils, after.pupils)
    for key, doc in after.classes.items():
        old = before.classes.get(key)
        if old is not doc:
            _class_changes(result, key, old, doc)
    for key, lesson in after.lessons.items():
        old_lesson = before.lessons.get(key)
        if old_lesson is not lesson:
            _lesson_changes(result, key, old_lesson, lesson)
    return result


def _class_changes(result: Changes, key: RowKey, old: ClassDoc | None, new: ClassDoc) -> None:
    if old is None or old.row != new.row:
        result.classes.add(new.row, stored=old is not None)
    old_members = frozenset() if old is None else old.memberships
    if new.memberships != old_members:
        result.memberships.replace(key, old_members, list(new.memberships))
    old_assigned = frozenset() if old is None else old.assignments
    if new.assignments != old_assigned:
        result.assignments.replace(key, old_assigned, list(new.assignments))


def _lesson_changes(result: Changes, key: RowKey, old: LessonDoc | None, new: LessonDoc) -> None:
    if old is None or old.row != new.row:
        result.lessons.add(new.row, stored=old is not None)
    old_marks: Mapping[str, MarkRow] = {} if old is None else old.marks
    for mark_id, mark in new.marks.items():
        stored = old_marks.get(mark_id)
        if stored != mark:
            result.marks.add(mark, stored=stored is not None)
    old_absences: Mapping[str, AbsenceRow] = {} if old is None else old.absences
    if new.absences != old_absences:
        result.absences.replace(key, old_absences, list(new.absences.values()))


def _rows(result: RowChanges[R], before: Mapping[K, R], after: Mapping[K, R]) -> None:
    for key, row in after.items():
        old = before.get(key)
        if old is not row and old != row:
            result.add(row, stored=old is not None)
