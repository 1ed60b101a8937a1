"""The one fold of the journal's events: lessons, classes, marks, attendance, the school's
configuration and people, period marks and closing flags, and the rules they share (averages,
absence letters). Pure: it imports only `contracts` and the standard library.

The readers of the journal's events compute through it, each keeping only its own mapping:
- the journal view folds batches with `project` (`services.journal.adapters.journal_projection`)
  and maps the state to PostgreSQL rows (`services.journal.domain.projection`);
- the audit's as-of view folds the log with `project` up to a moment and maps the state to its
  answers (`services.audit.domain.asof`);
- the audit's history folds one lesson at a time with `kernel.lessons.apply_lesson` and lists
  the fields that differ before and after each event (`services.audit.domain.lesson_changes`);
- the exporter keeps no kernel state: its documents are exactly the published diary records
  (no cancelled marks, pupils by pseudonym). Its fold (`services.exporter.domain.fold_lesson`,
  `fold_class`) decides through the kernel's rule functions on plain values, the same ones the
  kernel's fold uses: `marks.first_recordings` (is a mark id new), `lessons.attachment_is_new`,
  `attendance.observe` (what an observation says of a pupil), `classes.join_opens_interval`
  and `classes.interval_left` (how a join or a leave changes a pupil's intervals).
The lesson aggregate's `evolve` (`services.journal.domain.lesson`, the decider's state) decides
through the same rule functions (`first_recordings`, `attachment_is_new`, `observe`), so a
command is checked against the lesson every reader sees.

`project(state, facts)` folds a batch of facts in stream order; `touched(facts)` names the rows
a batch may change (what a store must load before folding it).
"""

from __future__ import annotations

from kernel.marks import numeric_value
from kernel.rows import (
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
from kernel.state import Touched, ViewState, project, touched

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
