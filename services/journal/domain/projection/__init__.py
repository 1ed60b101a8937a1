"""The journal view as pure folds: rows in, events folded in stream order, rows out.

`project(state, facts)` folds a batch; `touched(facts)` names the rows to load before it.
The adapter (`services.journal.adapters.journal_projection`) does the loading and writing.
"""

from __future__ import annotations

from services.journal.domain.projection.marks import numeric_value
from services.journal.domain.projection.rows import (
    AbsenceRow,
    Assignment,
    ClassDoc,
    ClassRow,
    Fact,
    LessonDoc,
    LessonRow,
    MarkRow,
    Membership,
    PupilRow,
    RowKey,
    SchoolConfigRow,
    SchoolKey,
    StaffRow,
    SubjectRow,
)
from services.journal.domain.projection.state import Touched, ViewState, project, touched

__all__ = [
    "AbsenceRow",
    "Assignment",
    "ClassDoc",
    "ClassRow",
    "Fact",
    "LessonDoc",
    "LessonRow",
    "MarkRow",
    "Membership",
    "PupilRow",
    "RowKey",
    "SchoolConfigRow",
    "SchoolKey",
    "StaffRow",
    "SubjectRow",
    "Touched",
    "ViewState",
    "numeric_value",
    "project",
    "touched",
]
