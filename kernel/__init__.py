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
- the exporter keeps the kernel's state of each exported aggregate as its documents: a lesson
  folded with `kernel.lessons.apply_lesson`, a class with `kernel.classes.apply_class`, a
  class's period marks as `kernel.closing.period_mark_rows` says (beside them the flags of
  corrections after close, and the order pupils joined); one mapping per kind turns that state
  into the published diary record (no cancelled marks, no reasons, pupils by pseudonym:
  `services.exporter.domain.records`), and a document counts as changed only when that
  record does. The school's configuration and the staff directory are its own.
The lesson aggregate's `evolve` (`services.journal.domain.lesson`, the decider's state) decides
through the same rule functions (`first_recordings`, `attachment_is_new`, `observe`), so a
command is checked against the lesson every reader sees.

`project(state, facts)` folds a batch of facts in stream order; `touched(facts)` names the rows
a batch may change (what a store must load before folding it).

Beside the fold, the kernel holds what several services must say the same way and whose
domains may import nothing of `services.common`: the journal's answers about a page and a
lesson (`kernel.answers`, given by the journal view and the audit's as-of view alike), the
Russian spelling of dates on both web apps' pages (`kernel.russian_dates`), and the reading of
the city provider's ID-token claims (`kernel.oidc_claims`).
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
